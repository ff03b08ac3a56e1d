/**
 * The seam between Web Serial (`devices/`) and the operating system's serial ports (`runtime/`,
 * libc through FFI): open a tty with line settings, then move bytes and control signals.
 *
 * @module
 */

/** Line settings applied when a port opens (Web Serial's `SerialOptions`, validated). */
export interface SerialLineSettings {
  /** Bits per second; any positive rate (set with `TCSETS2` and `BOTHER`). */
  baudRate: number;
  /** 7 or 8. */
  dataBits: 7 | 8;
  /** 1 or 2. */
  stopBits: 1 | 2;
  /** Parity bit. */
  parity: "none" | "even" | "odd";
  /** `hardware` turns on RTS/CTS (`CRTSCTS`). */
  flowControl: "none" | "hardware";
}

/** Output control signals to change; absent members stay as they are. */
export interface SerialSignalChanges {
  /** DTR. */
  dataTerminalReady?: boolean;
  /** RTS. */
  requestToSend?: boolean;
  /** Holds the line in the break state (`TIOCSBRK`) or releases it (`TIOCCBRK`). */
  break?: boolean;
}

/** The input control signals (Web Serial's `SerialInputSignals`). */
export interface SerialInputSignals {
  /** DCD. */
  dataCarrierDetect: boolean;
  /** CTS. */
  clearToSend: boolean;
  /** RI. */
  ringIndicator: boolean;
  /** DSR. */
  dataSetReady: boolean;
}

/**
 * Why a {@linkcode SerialLink} operation failed: `open` (the OS refused the device), `lost`
 * (unplugged, or the other end of a pty closed), `get-signals` / `set-signals` (the ioctl
 * failed, as `TIOCMGET` does on a pty), `system` (anything else).
 */
export type SerialLinkErrorKind = "open" | "lost" | "get-signals" | "set-signals" | "system";

/**
 * The error a {@linkcode SerialLink} rejects with. `devices/` turns it into Chromium's
 * `DOMException`.
 *
 * @example
 * ```ts
 * import { SerialLinkError } from "./serial_io.ts";
 * const error = new SerialLinkError("lost", "read() failed: errno 5");
 * console.log(error.kind, error.errno); // lost undefined
 * ```
 */
export class SerialLinkError extends Error {
  /** What failed. */
  readonly kind: SerialLinkErrorKind;
  /** The C `errno`, when a system call failed. */
  readonly errno?: number;

  /**
   * Creates the error.
   *
   * @param kind What failed.
   * @param message Details for logs.
   * @param errno The C `errno`, when known.
   */
  constructor(kind: SerialLinkErrorKind, message: string, errno?: number) {
    super(message);
    this.name = "SerialLinkError";
    this.kind = kind;
    if (errno !== undefined) this.errno = errno;
  }
}

/**
 * An open serial port. Reads and writes never block the event loop: they wait for the device
 * and resolve once at least one byte moved.
 */
export interface SerialLink {
  /** The device path, like `/dev/ttyUSB0`. */
  readonly path: string;
  /**
   * Reads what is available (at least one byte) into `into`.
   *
   * @returns The number of bytes read, or 0 once `cancel()` or `close()` was called.
   * @throws {SerialLinkError} (rejects) `lost` when the device went away.
   */
  read(into: Uint8Array): Promise<number>;
  /**
   * Writes some of `bytes`, waiting while the output queue is full.
   *
   * @returns The number of bytes taken (at least 1), or 0 once `cancel()` or `close()` was called.
   * @throws {SerialLinkError} (rejects) `lost` when the device went away.
   */
  write(bytes: Uint8Array): Promise<number>;
  /**
   * Resolves when the output queue has gone out on the wire (`TIOCOUTQ` reaches 0).
   *
   * @throws {SerialLinkError} (rejects) `lost` when the device went away.
   */
  drain(): Promise<void>;
  /** Discards queued input (`receive`) and/or output (`transmit`) bytes (`tcflush`). */
  discard(receive: boolean, transmit: boolean): void;
  /**
   * Changes output signals.
   *
   * @throws {SerialLinkError} `set-signals` when the ioctl fails.
   */
  setSignals(changes: SerialSignalChanges): void;
  /**
   * Reads the input signals (`TIOCMGET`).
   *
   * @throws {SerialLinkError} `get-signals` when the ioctl fails (always on a pty).
   */
  getSignals(): SerialInputSignals;
  /** Ends the pending `read` and `write` with 0; later ones wait again. */
  cancel(): void;
  /** Ends pending operations with 0 and closes the device; later calls do nothing. */
  close(): void;
}

/** Opens serial ports. `runtime/` implements it over libc. */
export interface SerialIo {
  /**
   * Opens a tty (`O_RDWR | O_NOCTTY | O_NONBLOCK`) in raw mode with the given settings.
   *
   * @param path The device path.
   * @param settings The line settings.
   * @returns The open link.
   * @throws {SerialLinkError} (rejects) `open` when the device cannot be opened or configured.
   */
  open(path: string, settings: SerialLineSettings): Promise<SerialLink>;
}
