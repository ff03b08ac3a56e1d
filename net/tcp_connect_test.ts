import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server } from "node:net";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket, TcpConnect } from "../core/stream_socket.ts";
import { currentRuntime } from "../runtime/mod.ts";
import type { ResolvedAddress } from "./host_resolver.ts";
import { tcpConnect } from "./tcp_connect.ts";

async function listening(): Promise<{ server: Server; port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.on("error", () => {});
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port, accepted: () => accepted };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const { server, port } = await listening();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const addresses = (...list: string[]) => (): Promise<ResolvedAddress[]> =>
  Promise.resolve(list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));

// A real connector over node:net, counting what it is asked to do.
function countingConnector(): { connect: TcpConnect; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    connect: (address, port) => {
      calls.push(`${address}:${port}`);
      return new Promise<StreamSocket>((resolve, reject) => {
        const socket = connect({ host: address, port, noDelay: true });
        socket.once("connect", () => resolve(socket.pause())).once("error", reject);
      });
    },
  };
}

function netError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(SessionError.is(error), `expected SessionError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

describe("tcpConnect over node:net", () => {
  it("tries the next address when one refuses", async () => {
    const { server, port, accepted } = await listening();
    try {
      // The server listens on 127.0.0.1 only, so 127.0.0.2 (loopback too) refuses.
      const socket = await tcpConnect({
        host: "h.test",
        port,
        resolve: addresses("127.0.0.2", "127.0.0.1"),
      });
      assert.equal(socket.remoteAddress, "127.0.0.1");
      socket.destroy();
      assert.equal(accepted(), 1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("fails with the last address's error", async () => {
    await assert.rejects(
      tcpConnect({ host: "h.test", port: await closedPort(), resolve: addresses("127.0.0.1") }),
      netError("ERR_CONNECTION_REFUSED"),
    );
  });
});

describe("tcpConnect with a connector", () => {
  it("uses the connector for every address until one connects", async () => {
    const { server, port } = await listening();
    const refused = await closedPort();
    try {
      const { connect, calls } = countingConnector();
      // Both addresses are 127.0.0.1, so the first attempt is steered to the closed port.
      let attempt = 0;
      const steered: TcpConnect = (address, p) => connect(address, attempt++ === 0 ? refused : p);
      const socket = await tcpConnect({
        host: "h.test",
        port,
        resolve: addresses("127.0.0.1", "127.0.0.1"),
        connect: steered,
      });
      assert.deepEqual(calls, [`127.0.0.1:${refused}`, `127.0.0.1:${port}`]);
      socket.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("maps the connector's system error to Chromium's", async () => {
    const refused = await closedPort();
    await assert.rejects(
      tcpConnect({
        host: "h.test",
        port: refused,
        resolve: addresses("127.0.0.1"),
        connect: countingConnector().connect,
      }),
      netError("ERR_CONNECTION_REFUSED"),
    );
  });

  it("times out the job with ERR_TIMED_OUT, as Chromium's connect job, and closes a late socket", async () => {
    const { server, port } = await listening();
    try {
      let late: StreamSocket | undefined;
      const slow: TcpConnect = (address, p) =>
        new Promise((resolve) =>
          setTimeout(() => {
            countingConnector().connect(address, p).then((socket) => {
              late = socket;
              resolve(socket);
            });
          }, 80)
        );
      await assert.rejects(
        tcpConnect({
          host: "h.test",
          port,
          resolve: addresses("127.0.0.1"),
          connect: slow,
          timeoutMs: 20,
        }),
        netError("ERR_TIMED_OUT"),
      );
      while (late === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(late.destroyed, true, "the late socket should have been closed");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("counts host resolution in the job's time", async () => {
    let resolveSignal: AbortSignal | undefined;
    await assert.rejects(
      tcpConnect({
        host: "h.test",
        port: 1,
        resolve: (_host, { signal }) => {
          resolveSignal = signal;
          return new Promise(() => {});
        },
        timeoutMs: 20,
      }),
      netError("ERR_TIMED_OUT"),
    );
    assert.equal(resolveSignal?.aborted, true, "the look-up should have been told to stop");
  });

  it("gives up with ERR_ABORTED when the signal aborts while connecting", async () => {
    const controller = new AbortController();
    const never: TcpConnect = () => new Promise(() => {});
    const attempt = tcpConnect({
      host: "h.test",
      port: 1,
      resolve: addresses("127.0.0.1"),
      connect: never,
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(attempt, netError("ERR_ABORTED"));
  });

  it("connects with the runtime's native sockets where it has them", {
    skip: currentRuntime().connectTcp ? false : "this runtime has no native TCP connector",
  }, async () => {
    const { server, port } = await listening();
    try {
      const socket = await tcpConnect({
        host: "h.test",
        port,
        resolve: addresses("127.0.0.1"),
        connect: currentRuntime().connectTcp,
      });
      // The server ends at once: the socket sees the end and closes.
      await new Promise<void>((resolve) => socket.on("close", resolve).resume());
      assert.equal(socket.destroyed, true);
      await assert.rejects(
        tcpConnect({
          host: "h.test",
          port: await closedPort(),
          resolve: addresses("127.0.0.1"),
          connect: currentRuntime().connectTcp,
        }),
        netError("ERR_CONNECTION_REFUSED"),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
