import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { platform } from "node:os";
import { createLibcSerialIo, currentRuntime, openPtyPair, type PtyPair } from "../runtime/mod.ts";
import { SerialPort } from "./serial_port.ts";

const runtime = currentRuntime();
const io = createLibcSerialIo(runtime);

async function withPort(run: (port: SerialPort, pty: PtyPair) => Promise<void>): Promise<void> {
  const pty = await openPtyPair(runtime);
  const port = new SerialPort({ path: pty.path }, { io, mayOpen: () => true, forget: () => {} });
  try {
    await run(port, pty);
  } finally {
    if (port.readable !== null || port.writable !== null) await port.forget();
    pty.main.close();
  }
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536) {
    crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  }
  return bytes;
}

/** Echoes everything the port sends back to it until `total` bytes went round. */
async function echo(pty: PtyPair, total: number): Promise<void> {
  const buffer = new Uint8Array(65536);
  for (let moved = 0; moved < total;) {
    const count = await pty.main.read(buffer);
    for (let sent = 0; sent < count;) sent += await pty.main.write(buffer.subarray(sent, count));
    moved += count;
  }
}

describe("SerialPort on a pty", { skip: platform() === "linux" ? false : "needs Linux" }, () => {
  for (const baudRate of [9600, 115200, 250000, 3000000]) {
    it(`round-trips 1 MiB of random bytes at ${baudRate} baud (BYOB reader)`, async () => {
      await withPort(async (port, pty) => {
        await port.open({ baudRate, bufferSize: 4096 });
        const data = randomBytes(1 << 20);
        const echoed = echo(pty, data.length);
        const writer = port.writable!.getWriter();
        const writing = (async () => {
          for (let offset = 0; offset < data.length; offset += 8192) {
            await writer.write(data.subarray(offset, offset + 8192));
          }
          await writer.close();
        })();
        const reader = port.readable!.getReader({ mode: "byob" });
        const received = new Uint8Array(data.length);
        let got = 0;
        while (got < data.length) {
          const { value, done } = await reader.read(new Uint8Array(16384));
          assert.equal(done, false);
          received.set(value!, got);
          got += value!.length;
        }
        reader.releaseLock();
        await Promise.all([writing, echoed]);
        assert.equal(got, data.length);
        assert.ok(Buffer.compare(received, data) === 0, "the bytes came back unchanged");
        await port.close();
        assert.equal(port.readable, null);
        assert.equal(port.writable, null);
      });
    });
  }

  it("validates options in Chromium's order, with its messages", async () => {
    await withPort(async (port) => {
      const prefix = "Failed to execute 'open' on 'SerialPort': ";
      const cases: [unknown, string][] = [
        [undefined, "The provided value is not of type 'SerialOptions'."],
        [
          {},
          "Failed to read the 'baudRate' property from 'SerialOptions': Required member is undefined.",
        ],
        [
          { baudRate: -1, parity: "bogus" },
          "Failed to read the 'baudRate' property from 'SerialOptions': Value is outside the 'unsigned long' value range.",
        ],
        [
          { baudRate: 0, parity: "bogus" },
          "Failed to read the 'parity' property from 'SerialOptions': The provided value 'bogus' is not a valid enum value of type ParityType.",
        ],
        [
          { baudRate: 0, flowControl: "rts", parity: "bogus" },
          "Failed to read the 'flowControl' property from 'SerialOptions': The provided value 'rts' is not a valid enum value of type FlowControlType.",
        ],
        [{ baudRate: 0, dataBits: 5 }, "Requested baud rate must be greater than zero."],
        [
          { baudRate: 9600, dataBits: 5, stopBits: 3 },
          "Requested number of data bits must be 7 or 8.",
        ],
        [
          { baudRate: 9600, stopBits: 3, bufferSize: 0 },
          "Requested number of stop bits must be 1 or 2.",
        ],
        [{ baudRate: 9600, bufferSize: 0 }, "Requested buffer size must be greater than zero."],
        [
          { baudRate: 9600, bufferSize: 16777217 },
          "Requested buffer size (16777217 bytes) is greater than the maximum allowed (16777216 bytes).",
        ],
      ];
      for (const [options, message] of cases) {
        // @ts-expect-error: the wrong shapes are the point
        await assert.rejects(port.open(options), new TypeError(prefix + message));
      }
      // Blink counts the arguments before it converts the dictionary.
      await assert.rejects(
        (port.open as () => Promise<void>)(),
        new TypeError(prefix + "1 argument required, but only 0 present."),
      );
      const opening = port.open({ baudRate: 9600 });
      await assert.rejects(port.open({ baudRate: 9600 }), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "InvalidStateError");
        assert.equal(error.message, prefix + "A call to open() is already in progress.");
        return true;
      });
      await opening;
      await assert.rejects(port.open({ baudRate: 0 }), (error: unknown) => {
        // The state check comes before the baud-rate check.
        assert.ok(error instanceof DOMException);
        assert.equal(error.message, prefix + "The port is already open.");
        return true;
      });
      await port.close();
    });
  });

  it("rejects NetworkError when the device cannot be opened", async () => {
    const port = new SerialPort({ path: "/dev/ses-missing" }, {
      io,
      mayOpen: () => true,
      forget: () => {},
    });
    await assert.rejects(port.open({ baudRate: 9600 }), (error: unknown) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "NetworkError");
      assert.equal(error.message, "Failed to open serial port.");
      return true;
    });
  });

  it("cancels and closes streams; close() refuses locked streams", async () => {
    await withPort(async (port, pty) => {
      await port.open({ baudRate: 115200 });
      const readable = port.readable!;
      const reader = readable.getReader();
      const pending = reader.read();
      await assert.rejects(port.close(), TypeError);
      await reader.cancel();
      assert.deepEqual(await pending, { done: true, value: undefined });
      reader.releaseLock();
      // A cancelled readable is replaced by a fresh one that sees later bytes.
      const next = port.readable!;
      assert.notEqual(next, readable);
      await pty.main.write(Uint8Array.of(42));
      const nextReader = next.getReader();
      assert.deepEqual([...(await nextReader.read()).value!], [42]);
      nextReader.releaseLock();
      const writer = port.writable!.getWriter();
      await writer.write(Uint8Array.of(1, 2, 3));
      await writer.close();
      assert.notEqual(port.writable, null);
      await port.close();
      await assert.rejects(port.close(), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "InvalidStateError");
        assert.equal(
          error.message,
          "Failed to execute 'close' on 'SerialPort': The port is already closed.",
        );
        return true;
      });
    });
  });

  it("close() with a locked stream leaves the other stream alone, as Chromium's close() does", async () => {
    await withPort(async (port, pty) => {
      await port.open({ baudRate: 115200 });
      const writable = port.writable!;
      const reader = port.readable!.getReader();
      await assert.rejects(
        port.close(),
        new TypeError("Failed to execute 'close' on 'SerialPort': Cannot cancel a locked stream"),
      );
      // The writable was not aborted: it still sends.
      assert.equal(port.writable, writable);
      const writer = writable.getWriter();
      await writer.write(Uint8Array.of(7));
      const byte = new Uint8Array(1);
      await pty.main.read(byte);
      assert.deepEqual([...byte], [7]);
      reader.releaseLock();
      // A locked writable: the readable is cancelled first, then close() stops.
      const readable = port.readable!;
      await assert.rejects(
        port.close(),
        new TypeError("Failed to execute 'close' on 'SerialPort': Cannot abort a locked stream"),
      );
      assert.notEqual(port.readable, readable);
      writer.releaseLock();
      await port.close();
    });
  });

  it("errors the writable on a chunk that is not bytes, then gives a fresh one", async () => {
    await withPort(async (port, pty) => {
      await port.open({ baudRate: 115200 });
      const first = port.writable!;
      const writer = first.getWriter();
      await assert.rejects(
        writer.write("text" as unknown as Uint8Array),
        new TypeError("The provided value is not of type '(ArrayBuffer or ArrayBufferView)'."),
      );
      const second = port.writable!;
      assert.notEqual(second, first);
      const next = second.getWriter();
      await next.write(new TextEncoder().encode("ok").buffer);
      next.releaseLock();
      const bytes = new Uint8Array(2);
      let got = 0;
      while (got < 2) got += await pty.main.read(bytes.subarray(got));
      assert.equal(new TextDecoder().decode(bytes), "ok");
      await port.close();
    });
  });

  it("errors the streams with NetworkError when the other end closes", async () => {
    await withPort(async (port, pty) => {
      await port.open({ baudRate: 115200 });
      const reader = port.readable!.getReader();
      const pending = reader.read();
      pty.main.close();
      await assert.rejects(pending, (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "NetworkError");
        assert.equal(error.message, "The device has been lost.");
        return true;
      });
      assert.equal(port.readable, null);
      await port.close();
    });
  });

  it("forget() of an open port errors a locked reader and writer with NetworkError", async () => {
    await withPort(async (port) => {
      await port.open({ baudRate: 9600 });
      const reader = port.readable!.getReader();
      const writer = port.writable!.getWriter();
      await writer.write(new Uint8Array([1, 2, 3]));
      const pending = reader.read();
      await port.forget();
      // Chromium's SerialPort::OnConnectionError: the revoked connection errors both streams
      // as a lost device; nothing waits forever and no write claims to have been sent.
      const lost = { name: "NetworkError", message: "The device has been lost." };
      await assert.rejects(pending, lost);
      await assert.rejects(reader.closed, lost);
      await assert.rejects(writer.write(new Uint8Array([4])), lost);
      await assert.rejects(writer.closed, lost);
      assert.equal(port.readable, null);
      assert.equal(port.writable, null);
    });
  });

  it("forget() errors a locked writer with no write pending, and the next read of a locked reader", async () => {
    await withPort(async (port) => {
      await port.open({ baudRate: 9600 });
      const reader = port.readable!.getReader();
      const writer = port.writable!.getWriter();
      await port.forget();
      const lost = { name: "NetworkError", message: "The device has been lost." };
      await assert.rejects(writer.closed, lost);
      // The streams standard: close() of an errored stream is a TypeError.
      await assert.rejects(writer.close(), TypeError);
      await assert.rejects(reader.read(), lost);
    });
  });

  it("never blocks timers while a read waits", async () => {
    await withPort(async (port, pty) => {
      await port.open({ baudRate: 115200 });
      const reader = port.readable!.getReader();
      let ticks = 0;
      const interval = setInterval(() => ticks++, 10);
      try {
        const pending = reader.read();
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.ok(ticks >= 5, `the interval ticked ${ticks} times during the read`);
        await pty.main.write(Uint8Array.of(9));
        assert.deepEqual([...(await pending).value!], [9]);
      } finally {
        clearInterval(interval);
        reader.releaseLock();
      }
    });
  });

  it("has Chromium's signal errors on a pty", async () => {
    await withPort(async (port) => {
      await assert.rejects(port.getSignals(), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "InvalidStateError");
        assert.equal(
          error.message,
          "Failed to execute 'getSignals' on 'SerialPort': The port is closed.",
        );
        return true;
      });
      await port.open({ baudRate: 115200 });
      await assert.rejects(
        port.setSignals({}),
        new TypeError(
          "Failed to execute 'setSignals' on 'SerialPort': Signals dictionary must contain at least one member.",
        ),
      );
      await assert.rejects(port.getSignals(), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "NetworkError");
        assert.equal(error.message, "Failed to get control signals.");
        return true;
      });
      // A pty has no modem lines: TIOCMBIS fails (ENOTTY), as TIOCMGET does.
      await assert.rejects(port.setSignals({ dataTerminalReady: true }), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "NetworkError");
        assert.equal(error.message, "Failed to set control signals.");
        return true;
      });
      await port.setSignals({ break: true });
      await port.setSignals({ break: false });
      assert.deepEqual(port.getInfo(), {});
      await port.close();
    });
  });
});
