import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { createServer, type Socket } from "node:net";
import process from "node:process";
import { type BunTcpSocket, connectBunTcp } from "./_bun_tcp_socket.ts";
import { detectRuntime } from "./detect_runtime.ts";

const bunOnly = detectRuntime() === "bun" ? {} : { skip: "Bun.connect exists only in Bun" };

/** A node:net server handing each connection to `onConnection`; closed by `run`'s end. */
async function withServer(
  onConnection: (socket: Socket) => void,
  run: (port: number) => Promise<void>,
): Promise<void> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run((server.address() as { port: number }).port);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Everything the socket delivers, in order, with its 'end' and 'close'. */
function record(
  socket: BunTcpSocket,
): { events: string[]; bytes: Buffer[]; closed: Promise<void> } {
  const events: string[] = [];
  const bytes: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => {
    events.push("data");
    bytes.push(chunk);
  });
  socket.on("end", () => events.push("end"));
  socket.on("error", (error: Error) => events.push(`error ${error.message}`));
  const closed = new Promise<void>((resolve) =>
    socket.on("close", () => {
      events.push("close");
      resolve();
    })
  );
  return { events, bytes, closed };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("BunTcpSocket", () => {
  it(
    "starts paused and keeps bytes and the FIN that came while paused, in order",
    bunOnly,
    async () => {
      await withServer((socket) => socket.end("early bytes"), async (port) => {
        const socket = await connectBunTcp("127.0.0.1", port);
        const seen = record(socket);
        await pause(50);
        assert.deepEqual(seen.events, [], "nothing may be delivered before resume()");
        assert.equal(socket.isPaused(), true);
        socket.resume();
        await seen.closed;
        assert.equal(Buffer.concat(seen.bytes).toString(), "early bytes");
        assert.deepEqual(seen.events.filter((event) => event !== "data"), ["end", "close"]);
        assert.equal(socket.destroyed, true);
        assert.equal(socket.bytesRead, 11);
      });
    },
  );

  it("holds a FIN that arrives after pause() until the reader resumes", bunOnly, async () => {
    await withServer((socket) => socket.end("abc"), async (port) => {
      const socket = await connectBunTcp("127.0.0.1", port);
      const seen = record(socket);
      socket.once("data", () => socket.pause());
      socket.resume();
      await pause(50);
      assert.deepEqual(seen.events, ["data"], "no 'end' while paused");
      socket.resume();
      await seen.closed;
      assert.deepEqual(seen.events, ["data", "end", "close"]);
    });
  });

  it("delivers bytes put back with unshift first", bunOnly, async () => {
    await withServer((socket) => socket.write("world"), async (port) => {
      const socket = await connectBunTcp("127.0.0.1", port);
      await pause(30);
      socket.unshift(Buffer.from("hello "));
      const seen = record(socket);
      socket.resume();
      while (Buffer.concat(seen.bytes).length < 11) await pause(5);
      assert.equal(Buffer.concat(seen.bytes).toString(), "hello world");
      socket.destroy();
      await seen.closed;
    });
  });

  it("reports backpressure and drains 32 MiB intact to a slow reader", bunOnly, async () => {
    const total = 32 * 1024 * 1024;
    const piece = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < piece.length; i++) piece[i] = i % 253;
    let peer: Socket | undefined;
    let received = 0;
    let corrupt = false;
    await withServer((socket) => {
      peer = socket;
      socket.pause();
      socket.on("data", (chunk: Buffer) => {
        for (let i = 0; i < chunk.length; i += 4099) {
          if (chunk[i] !== ((received + i) % piece.length) % 253) corrupt = true;
        }
        received += chunk.length;
      });
    }, async (port) => {
      const socket = await connectBunTcp("127.0.0.1", port);
      let refused = 0;
      let drains = 0;
      socket.on("drain", () => drains++);
      for (let sent = 0; sent < total; sent += piece.length) {
        if (!socket.write(piece)) refused++;
      }
      assert.ok(refused > 0, "a peer that reads nothing must push back");
      assert.equal(socket.bytesWritten, total);
      peer!.resume();
      while (received < total) await pause(10);
      assert.equal(corrupt, false, "bytes arrived out of order or changed");
      assert.equal(received, total);
      assert.ok(drains >= 1, "'drain' follows once the queue is sent");
      socket.destroy();
    });
  });

  it("sends corked writes together, and half-closes with end()", bunOnly, async () => {
    let got = "";
    let ended = false;
    await withServer((socket) => {
      socket.on("data", (chunk: Buffer) => got += chunk.toString("latin1"));
      socket.on("end", () => ended = true);
    }, async (port) => {
      const socket = await connectBunTcp("127.0.0.1", port);
      socket.cork();
      socket.write("a=1;", "latin1");
      socket.write(Buffer.from("b=\u00e9;", "latin1"));
      assert.equal(got, "");
      socket.uncork();
      socket.end();
      assert.equal(socket.writable, false);
      while (!ended) await pause(5);
      assert.equal(got, "a=1;b=\u00e9;");
      socket.destroy();
    });
  });

  it(
    "says wait inside cork() once 64 KiB are held, and emits 'drain' after uncork()",
    bunOnly,
    async () => {
      let received = 0;
      await withServer((socket) => {
        socket.on("data", (chunk: Buffer) => received += chunk.length);
      }, async (port) => {
        const socket = await connectBunTcp("127.0.0.1", port);
        let drains = 0;
        socket.on("drain", () => drains++);
        socket.cork();
        assert.equal(socket.write(Buffer.alloc(1000)), true, "under the mark: go on");
        assert.equal(socket.write(Buffer.alloc(64 * 1024 - 1001)), true);
        assert.equal(socket.write("x", "latin1"), false, "64 KiB held: wait");
        socket.uncork();
        assert.equal(drains, 0, "'drain' comes after uncork() returns, when the writer listens");
        while (drains === 0) await pause(5);
        assert.equal(drains, 1);
        while (received < 64 * 1024) await pause(5);
        assert.equal(received, 64 * 1024);
        socket.destroy();
      });
    },
  );

  it(
    "says wait inside cork() while earlier bytes still wait for the kernel",
    bunOnly,
    async () => {
      let peer: Socket | undefined;
      await withServer((socket) => {
        peer = socket;
        socket.pause();
      }, async (port) => {
        const socket = await connectBunTcp("127.0.0.1", port);
        const piece = Buffer.alloc(1024 * 1024);
        let sent = 0;
        // Fill the kernel's buffers: the peer reads nothing.
        while (socket.write(piece)) {
          sent += piece.length;
          assert.ok(sent < 256 * 1024 * 1024, "a peer that reads nothing must push back");
        }
        let drained = false;
        socket.once("drain", () => drained = true);
        socket.cork();
        assert.equal(socket.write("3\r\n", "latin1"), false, "bytes are queued: wait");
        socket.write("abc", "latin1");
        socket.uncork();
        await pause(50);
        assert.equal(drained, false, "nothing drains while the peer reads nothing");
        peer!.resume();
        while (!drained) await pause(5);
        socket.destroy();
      });
    },
  );

  it(
    "emits the error then close on destroy(error), and only close on destroy()",
    bunOnly,
    async () => {
      await withServer(() => {}, async (port) => {
        const failing = await connectBunTcp("127.0.0.1", port);
        const failed = record(failing);
        failing.destroy(new Error("boom"));
        assert.equal(failing.destroyed, true);
        assert.equal(failing.write("late", "latin1"), false);
        await failed.closed;
        assert.deepEqual(failed.events, ["error boom", "close"]);

        const quiet = await connectBunTcp("127.0.0.1", port);
        const closed = record(quiet);
        quiet.destroy();
        await closed.closed;
        assert.deepEqual(closed.events, ["close"]);
      });
    },
  );

  it("reports a reset by the peer as ECONNRESET", bunOnly, async () => {
    await withServer((socket) => socket.resetAndDestroy(), async (port) => {
      const socket = await connectBunTcp("127.0.0.1", port);
      const seen = record(socket);
      socket.resume();
      await seen.closed;
      assert.match(seen.events[0] ?? "", /^error .*ECONNRESET/);
    });
  });

  it("rejects with the system error when nothing listens", bunOnly, async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(connectBunTcp("127.0.0.1", port), { code: "ECONNREFUSED" });
  });

  it("lets the program exit while an unref'd socket is open", bunOnly, async () => {
    await withServer(() => {}, async (port) => {
      const script = new URL("./testdata/unref_socket.ts", import.meta.url).pathname;
      const child = spawn(process.execPath, [script, String(port)], { stdio: "inherit" });
      const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const timer = setTimeout(() => child.kill(), 10_000);
      try {
        assert.equal(await exit, 0, "the child should exit on its own, with code 0");
      } finally {
        clearTimeout(timer);
      }
    });
  });

  it(
    "rejects a connect with no file descriptor left as EMFILE, not as a refusal",
    bunOnly,
    async () => {
      await withServer(() => {}, async (port) => {
        const script = new URL("./testdata/connect_without_descriptors.ts", import.meta.url)
          .pathname;
        // A limit of its own, so this process keeps its descriptors.
        const child = spawn("bash", [
          "-c",
          `ulimit -n 64 && exec "$0" "$@"`,
          process.execPath,
          script,
          String(port),
        ]);
        let output = "";
        child.stdout!.on("data", (chunk: Buffer) => output += chunk.toString());
        const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
        assert.equal(await exit, 0);
        assert.equal(output.trim(), "EMFILE");
      });
    },
  );

  it("still rejects a refused connect as ECONNREFUSED", bunOnly, async () => {
    let port = 0;
    await withServer(() => {}, (free) => Promise.resolve(void (port = free)));
    await assert.rejects(connectBunTcp("127.0.0.1", port), { code: "ECONNREFUSED" });
  });
});
