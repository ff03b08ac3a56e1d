/**
 * Serial ports over libc through FFI: `open(2)` a tty non-blocking, put it in raw mode with the
 * line settings through `TCSETS2` (`struct termios2`, `BOTHER`: any baud rate on any glibc, not
 * `cfsetospeed`, whose ABI glibc 2.42 changed), and move bytes with `read(2)`/`write(2)` on the
 * main thread while a worker waits in `poll(2)`. Also opens pty pairs (`posix_openpt`) for tests.
 *
 * Sources: Chromium `services/device/serial/serial_io_handler_posix.cc` (raw mode, `PARMRK`,
 * the custom bit rate), Linux `include/uapi/asm-generic/termbits.h` and `ioctls.h`.
 *
 * @module
 */

import type { Runtime } from "../core/runtime.ts";
import {
  type SerialInputSignals,
  type SerialIo,
  type SerialLineSettings,
  type SerialLink,
  SerialLinkError,
  type SerialSignalChanges,
} from "../core/serial_io.ts";
import {
  EAGAIN,
  EINTR,
  type Libc,
  loadLibc,
  O_CLOEXEC,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
  POLLIN,
  POLLOUT,
} from "./_libc.ts";
import { FdWaiter } from "./_fd_waiter.ts";

// ioctl requests (asm-generic/ioctls.h); TCGETS2/TCSETS2 encode sizeof(struct termios2) = 44.
const TCGETS2 = 0x802c542an;
const TCSETS2 = 0x402c542bn;
const TIOCOUTQ = 0x5411n;
const TIOCMGET = 0x5415n;
const TIOCMBIS = 0x5416n;
const TIOCMBIC = 0x5417n;
const TIOCSBRK = 0x5427n;
const TIOCCBRK = 0x5428n;
const TIOCM_DTR = 0x002;
const TIOCM_RTS = 0x004;
const TIOCM_CTS = 0x020;
const TIOCM_CAR = 0x040;
const TIOCM_RNG = 0x080;
const TIOCM_DSR = 0x100;
const TCIFLUSH = 0;
const TCOFLUSH = 1;
const TCIOFLUSH = 2;

// struct termios2 offsets and flag bits (asm-generic/termbits.h).
const C_IFLAG = 0;
const C_OFLAG = 4;
const C_CFLAG = 8;
const C_LFLAG = 12;
const C_CC = 17;
const C_ISPEED = 36;
const C_OSPEED = 40;
const TERMIOS2_SIZE = 44;
const VTIME = 5;
const VMIN = 6;
const IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, PARMRK = 0o10, INPCK = 0o20, ISTRIP = 0o40;
const INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IXON = 0o2000, IXOFF = 0o10000;
const OPOST = 0o1;
const ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHONL = 0o100, IEXTEN = 0o100000;
const CBAUD = 0o10017, BOTHER = 0o10000, CIBAUD = 0o2003600000;
const CSIZE = 0o60, CS7 = 0o40, CS8 = 0o60, CSTOPB = 0o100, CREAD = 0o200;
const PARENB = 0o400, PARODD = 0o1000, CLOCAL = 0o4000, CRTSCTS = 0o20000000000;

const encoder = new TextEncoder();

function cString(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

/**
 * Fills a `struct termios2` for raw 8-bit-clean operation with the settings, as Chromium's
 * `SerialIoHandlerPosix::ConfigurePortImpl` does: no echo, no signals, no CR/LF mapping, no
 * output processing; `PARMRK` so breaks and parity errors arrive marked in the byte stream
 * (a data byte 0xFF arrives doubled).
 */
function configure(termios: DataView, settings: SerialLineSettings): void {
  let iflag = termios.getUint32(C_IFLAG, true);
  let cflag = termios.getUint32(C_CFLAG, true);
  iflag &= ~(IGNBRK | BRKINT | IGNPAR | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | INPCK);
  iflag |= PARMRK;
  cflag &= ~(CBAUD | CIBAUD | CSIZE | CSTOPB | PARENB | PARODD | CRTSCTS);
  cflag |= BOTHER | CLOCAL | CREAD;
  cflag |= settings.dataBits === 7 ? CS7 : CS8;
  if (settings.stopBits === 2) cflag |= CSTOPB;
  if (settings.parity !== "none") {
    cflag |= PARENB;
    iflag |= INPCK;
    if (settings.parity === "odd") cflag |= PARODD;
  }
  if (settings.flowControl === "hardware") cflag |= CRTSCTS;
  termios.setUint32(C_IFLAG, iflag >>> 0, true);
  termios.setUint32(C_OFLAG, termios.getUint32(C_OFLAG, true) & ~OPOST, true);
  termios.setUint32(C_CFLAG, cflag >>> 0, true);
  const lflag = termios.getUint32(C_LFLAG, true);
  termios.setUint32(C_LFLAG, lflag & ~(ISIG | ICANON | ECHO | ECHOE | ECHONL | IEXTEN), true);
  termios.setUint8(C_CC + VMIN, 1);
  termios.setUint8(C_CC + VTIME, 0);
  termios.setUint32(C_ISPEED, settings.baudRate, true);
  termios.setUint32(C_OSPEED, settings.baudRate, true);
}

class LibcSerialLink implements SerialLink {
  readonly path: string;
  #libc: Libc;
  #fd: number;
  #waiter: FdWaiter;
  #closed = false;
  #generation = 0;
  #word = new Int32Array(1);
  #wordBytes = new Uint8Array(this.#word.buffer);

  constructor(path: string, libc: Libc, fd: number, waiter: FdWaiter) {
    this.path = path;
    this.#libc = libc;
    this.#fd = fd;
    this.#waiter = waiter;
  }

  async read(into: Uint8Array): Promise<number> {
    return await this.#transfer(into, POLLIN, "read");
  }

  async write(bytes: Uint8Array): Promise<number> {
    return await this.#transfer(bytes, POLLOUT, "write");
  }

  async #transfer(buffer: Uint8Array, events: number, call: "read" | "write"): Promise<number> {
    const generation = this.#generation;
    while (!this.#closed && generation === this.#generation) {
      const count = this.#libc[call](this.#fd, buffer, buffer.length);
      if (count > 0) return count;
      // A tty reads 0 (end of file) only after a hang-up.
      if (count === 0) {
        if (call === "read") throw this.#lost(call, 0);
        continue;
      }
      const errno = this.#libc.errno();
      if (errno === EINTR) continue;
      if (errno !== EAGAIN) throw this.#lost(call, errno);
      await this.#waiter.wait(events);
    }
    return 0;
  }

  async drain(): Promise<void> {
    while (!this.#closed && this.#ioctl(TIOCOUTQ, "system") > 0) {
      // TIOCOUTQ has no wake-up; the queue empties at the line's speed.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  discard(receive: boolean, transmit: boolean): void {
    if (this.#closed || (!receive && !transmit)) return;
    this.#libc.tcflush(this.#fd, receive && transmit ? TCIOFLUSH : receive ? TCIFLUSH : TCOFLUSH);
  }

  setSignals(changes: SerialSignalChanges): void {
    let set = 0, clear = 0;
    if (changes.dataTerminalReady !== undefined) {
      if (changes.dataTerminalReady) set |= TIOCM_DTR;
      else clear |= TIOCM_DTR;
    }
    if (changes.requestToSend !== undefined) {
      if (changes.requestToSend) set |= TIOCM_RTS;
      else clear |= TIOCM_RTS;
    }
    if (set !== 0) this.#ioctl(TIOCMBIS, "set-signals", set);
    if (clear !== 0) this.#ioctl(TIOCMBIC, "set-signals", clear);
    if (changes.break !== undefined) {
      this.#ioctl(changes.break ? TIOCSBRK : TIOCCBRK, "set-signals");
    }
  }

  getSignals(): SerialInputSignals {
    const bits = this.#ioctl(TIOCMGET, "get-signals");
    return {
      dataCarrierDetect: (bits & TIOCM_CAR) !== 0,
      clearToSend: (bits & TIOCM_CTS) !== 0,
      ringIndicator: (bits & TIOCM_RNG) !== 0,
      dataSetReady: (bits & TIOCM_DSR) !== 0,
    };
  }

  cancel(): void {
    this.#generation++;
    this.#waiter.wake();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const fd = this.#fd;
    this.#waiter.close(() => this.#libc.close(fd));
  }

  /** Runs an ioctl whose argument is an int (in or out); returns the int afterwards. */
  #ioctl(request: bigint, kind: "get-signals" | "set-signals" | "system", value = 0): number {
    if (this.#closed) throw new SerialLinkError(kind, "The port is closed");
    this.#word[0] = value;
    if (this.#libc.ioctl(this.#fd, request, this.#wordBytes) !== 0) {
      const errno = this.#libc.errno();
      throw new SerialLinkError(
        kind,
        `ioctl(0x${request.toString(16)}) failed: errno ${errno}`,
        errno,
      );
    }
    return this.#word[0]!;
  }

  #lost(call: string, errno: number): SerialLinkError {
    return new SerialLinkError("lost", `${call}() on ${this.path} failed: errno ${errno}`, errno);
  }
}

async function openLink(
  runtime: Runtime,
  path: string,
  settings: SerialLineSettings | undefined,
): Promise<SerialLink> {
  const libc = await loadLibc(runtime);
  const fd = libc.open(cString(path), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const errno = libc.errno();
    throw new SerialLinkError("open", `open("${path}") failed: errno ${errno}`, errno);
  }
  try {
    if (settings !== undefined) {
      const termios = new Uint8Array(TERMIOS2_SIZE);
      if (
        libc.ioctl(fd, TCGETS2, termios) !== 0 ||
        (configure(new DataView(termios.buffer), settings), libc.ioctl(fd, TCSETS2, termios)) !== 0
      ) {
        const errno = libc.errno();
        throw new SerialLinkError("open", `Cannot configure "${path}": errno ${errno}`, errno);
      }
    }
    const waiter = new FdWaiter(runtime, libc, fd);
    try {
      await waiter.started;
    } catch (error) {
      waiter.close();
      throw new SerialLinkError("open", `Cannot watch "${path}": ${(error as Error).message}`);
    }
    return new LibcSerialLink(path, libc, fd, waiter);
  } catch (error) {
    libc.close(fd);
    throw error;
  }
}

/**
 * Creates the libc-backed {@linkcode SerialIo} (Linux with glibc).
 *
 * @param runtime The runtime whose `dlopen` and workers to use.
 * @returns The serial I/O service.
 *
 * @example Open a pty's far end as a serial port
 * ```ts
 * import { createLibcSerialIo, currentRuntime, openPtyPair } from "./mod.ts";
 *
 * const runtime = currentRuntime();
 * const pty = await openPtyPair(runtime);
 * const port = await createLibcSerialIo(runtime).open(pty.path, {
 *   baudRate: 115200, dataBits: 8, stopBits: 1, parity: "none", flowControl: "none",
 * });
 * await pty.main.write(new TextEncoder().encode("hi"));
 * const buffer = new Uint8Array(16);
 * const n = await port.read(buffer);
 * console.log(new TextDecoder().decode(buffer.subarray(0, n))); // hi
 * port.close();
 * pty.main.close();
 * ```
 */
export function createLibcSerialIo(runtime: Runtime): SerialIo {
  return { open: (path, settings) => openLink(runtime, path, settings) };
}

/** A pty pair: the main side as a link, and the path of the other side to open as a port. */
export interface PtyPair {
  /** The pty's main (master) side; closing it makes the other side's reads fail with `lost`. */
  main: SerialLink;
  /** The subsidiary side's path, like `/dev/pts/3`. */
  path: string;
}

/**
 * Opens a pseudo-terminal pair (`posix_openpt`, `grantpt`, `unlockpt`, `ptsname_r`): a serial
 * line inside the machine, for tests and benchmarks.
 *
 * @param runtime The runtime whose `dlopen` and workers to use.
 * @returns The main side, open, and the other side's path.
 * @throws {SerialLinkError} (rejects) `open` when no pty can be made.
 *
 * @example
 * ```ts
 * import { currentRuntime, openPtyPair } from "./mod.ts";
 *
 * const pty = await openPtyPair(currentRuntime());
 * console.log(pty.path.startsWith("/dev/pts/")); // true
 * pty.main.close();
 * ```
 */
export async function openPtyPair(runtime: Runtime): Promise<PtyPair> {
  const libc = await loadLibc(runtime);
  const fd = libc.posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw new SerialLinkError("open", "posix_openpt() failed", libc.errno());
  const name = new Uint8Array(128);
  if (libc.grantpt(fd) !== 0 || libc.unlockpt(fd) !== 0 || libc.ptsname_r(fd, name, 128) !== 0) {
    const errno = libc.errno();
    libc.close(fd);
    throw new SerialLinkError("open", `Cannot set up the pty: errno ${errno}`, errno);
  }
  const path = new TextDecoder().decode(name.subarray(0, name.indexOf(0)));
  const waiter = new FdWaiter(runtime, libc, fd);
  try {
    await waiter.started;
  } catch (error) {
    waiter.close();
    libc.close(fd);
    throw error;
  }
  return { main: new LibcSerialLink("/dev/ptmx", libc, fd, waiter), path };
}
