import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { platform } from "node:os";
import { currentRuntime } from "./current_runtime.ts";
import { createLibcSerialIo, openPtyPair } from "./libc_serial.ts";
import { SerialLinkError } from "../core/serial_io.ts";

const SETTINGS = {
  baudRate: 9600,
  dataBits: 8,
  stopBits: 1,
  parity: "none",
  flowControl: "none",
} as const;

describe("createLibcSerialIo()", { skip: platform() === "linux" ? false : "needs Linux" }, () => {
  const runtime = currentRuntime();

  it("moves bytes both ways over a pty, 0xFF doubled by PARMRK on input", async () => {
    const pty = await openPtyPair(runtime);
    const port = await createLibcSerialIo(runtime).open(pty.path, SETTINGS);
    try {
      assert.equal(await pty.main.write(Uint8Array.of(1, 0xff, 10, 13)), 4);
      const buffer = new Uint8Array(16);
      let got = 0;
      while (got < 5) got += await port.read(buffer.subarray(got));
      // Raw mode: no CR/LF mapping; PARMRK marks a data 0xFF as 0xFF 0xFF.
      assert.deepEqual([...buffer.subarray(0, got)], [1, 0xff, 0xff, 10, 13]);
      assert.equal(await port.write(Uint8Array.of(10, 0xff)), 2);
      got = 0;
      while (got < 2) got += await pty.main.read(buffer.subarray(got));
      assert.deepEqual([...buffer.subarray(0, 2)], [10, 0xff]);
    } finally {
      port.close();
      pty.main.close();
    }
  });

  it("fails TIOCMGET on a pty and reports the far end closing as lost", async () => {
    const pty = await openPtyPair(runtime);
    const port = await createLibcSerialIo(runtime).open(pty.path, SETTINGS);
    try {
      assert.throws(() => port.getSignals(), (error: unknown) => {
        assert.ok(error instanceof SerialLinkError);
        assert.equal(error.kind, "get-signals");
        assert.equal(error.errno, 25); // ENOTTY
        return true;
      });
      const pending = port.read(new Uint8Array(8));
      pty.main.close();
      await assert.rejects(pending, (error: unknown) => {
        assert.ok(error instanceof SerialLinkError);
        assert.equal(error.kind, "lost");
        return true;
      });
    } finally {
      port.close();
    }
  });

  it("ends a waiting read with 0 on cancel() and close()", async () => {
    const pty = await openPtyPair(runtime);
    const port = await createLibcSerialIo(runtime).open(pty.path, SETTINGS);
    try {
      const first = port.read(new Uint8Array(8));
      port.cancel();
      assert.equal(await first, 0);
      const second = port.read(new Uint8Array(8));
      await pty.main.write(Uint8Array.of(7));
      assert.equal(await second, 1);
      const third = port.read(new Uint8Array(8));
      port.close();
      assert.equal(await third, 0);
    } finally {
      port.close();
      pty.main.close();
    }
  });

  it("rejects a path that is not a tty", async () => {
    await assert.rejects(
      createLibcSerialIo(runtime).open("/dev/ses-no-such-tty", SETTINGS),
      (error: unknown) => error instanceof SerialLinkError && error.kind === "open",
    );
    await assert.rejects(
      createLibcSerialIo(runtime).open("/dev/null", SETTINGS),
      (error: unknown) => error instanceof SerialLinkError && error.kind === "open",
    );
  });
});
