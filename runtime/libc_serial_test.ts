import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { platform } from "node:os";
import { currentRuntime } from "./current_runtime.ts";
import { createLibcSerialIo, openPtyPair } from "./libc_serial.ts";
import { SerialLinkError } from "../core/serial_io.ts";
import { loadLibc, O_NOCTTY, O_NONBLOCK, O_RDWR } from "./_libc.ts";

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

  it("sets any baud rate with BOTHER, raw mode and the frame format", async () => {
    const pty = await openPtyPair(runtime);
    const port = await createLibcSerialIo(runtime).open(pty.path, {
      baudRate: 250000,
      dataBits: 7,
      stopBits: 2,
      parity: "odd",
      flowControl: "hardware",
    });
    // Read the settings back through a second descriptor (Debian 12's stty cannot show BOTHER
    // rates: it reports "speed 0 baud").
    const libc = await loadLibc(runtime);
    const fd = libc.open(new TextEncoder().encode(`${pty.path}\0`), O_RDWR | O_NOCTTY | O_NONBLOCK);
    try {
      assert.ok(fd >= 0);
      const termios = new DataView(new ArrayBuffer(44));
      assert.equal(libc.ioctl(fd, 0x802c542an, new Uint8Array(termios.buffer)), 0);
      const cflag = termios.getUint32(8, true);
      assert.equal(termios.getUint32(36, true), 250000, "c_ispeed");
      assert.equal(termios.getUint32(40, true), 250000, "c_ospeed");
      assert.equal(cflag & 0o10017, 0o10000, "BOTHER in CBAUD");
      assert.ok(cflag & 0o100, "CSTOPB");
      assert.ok(cflag & 0o20000000000, "CRTSCTS");
      // A pty forces CS8 and no parity (drivers/tty/pty.c); a UART keeps CS7 and PARENB.
      assert.equal(termios.getUint32(12, true) & (0o2 | 0o10), 0, "ICANON and ECHO off");
      assert.equal(termios.getUint32(4, true) & 0o1, 0, "OPOST off");
    } finally {
      libc.close(fd);
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
