/**
 * Web Serial's `SerialPort` over a {@linkcode SerialIo}: `open` with Chromium's option checks,
 * a readable byte stream (BYOB readers welcome), a writable stream with backpressure,
 * control signals, `close` and `forget`, with Chromium's `DOMException`s
 * (`third_party/blink/renderer/modules/serial/serial_port.cc`, `serial_port_underlying_*.cc`).
 *
 * @module
 */

import {
  type SerialInputSignals,
  type SerialIo,
  type SerialLink,
  SerialLinkError,
  type SerialSignalChanges,
} from "../core/serial_io.ts";
import { ParmrkDecoder, type ReceiveError } from "./_parmrk_decoder.ts";
import {
  convertSerialOptions,
  type SerialOptions,
  validateSerialOptions,
  type ValidSerialOptions,
} from "./serial_options.ts";

/** What a port knows about its device (`getInfo()` gives the USB part). */
export interface SerialPortRecord {
  /** The device path, like `/dev/ttyUSB0`. */
  path: string;
  /** The USB vendor id, for USB adapters. */
  vendorId?: number;
  /** The USB product id, for USB adapters. */
  productId?: number;
  /** The USB serial number, when the device has one. */
  serialNumber?: string;
  /** The USB product string, when the device has one. */
  displayName?: string;
}

/** `port.getInfo()`: the USB ids, when the port is a USB device. */
export interface SerialPortInfo {
  /** The USB vendor id. */
  usbVendorId?: number;
  /** The USB product id. */
  usbProductId?: number;
}

/** What a port needs from the `Serial` that made it. */
export interface SerialPortHost {
  /** Opens devices. */
  io: SerialIo;
  /**
   * Whether the origin may still use the port, asked before each `open()` as Chromium's
   * `SerialService::OpenPort` asks `HasPortPermission`.
   */
  mayOpen(): boolean;
  /** Revokes the origin's permission for this port (`port.forget()`). */
  forget(port: SerialPort): void;
}

const PORT_CLOSED = "The port is closed.";
const DEVICE_LOST = "The device has been lost.";

function prefixed(method: string, message: string): string {
  return `Failed to execute '${method}' on 'SerialPort': ${message}`;
}

function receiveError(error: ReceiveError): DOMException {
  switch (error) {
    case "break":
      return new DOMException("Break received", "BreakError");
    case "parity":
      return new DOMException("Parity error", "ParityError");
    case "framing":
      return new DOMException("Framing error", "FramingError");
  }
}

function linkError(error: unknown): unknown {
  if (error instanceof SerialLinkError && error.kind === "lost") {
    return new DOMException(DEVICE_LOST, "NetworkError");
  }
  if (error instanceof SerialLinkError) {
    return new DOMException("An unknown system error has occurred.", "UnknownError");
  }
  return error;
}

/**
 * A serial port an origin was granted (Web Serial's `SerialPort`). Get one from
 * `ses.serial.requestPort()` or `ses.serial.getPorts()`.
 *
 * @example Echo through a pty
 * ```ts
 * import { createLibcSerialIo, currentRuntime, openPtyPair } from "../runtime/mod.ts";
 * import { SerialPort } from "./serial_port.ts";
 *
 * const runtime = currentRuntime();
 * const pty = await openPtyPair(runtime);
 * const port = new SerialPort({ path: pty.path }, {
 *   io: createLibcSerialIo(runtime),
 *   mayOpen: () => true,
 *   forget: () => {},
 * });
 * await port.open({ baudRate: 115200 });
 * const writer = port.writable!.getWriter();
 * await writer.write(new TextEncoder().encode("ping"));
 * writer.releaseLock();
 * const bytes = new Uint8Array(4);
 * await pty.main.read(bytes);
 * console.log(new TextDecoder().decode(bytes)); // ping
 * await port.close();
 * pty.main.close();
 * ```
 */
export class SerialPort extends EventTarget {
  #record: SerialPortRecord;
  #host: SerialPortHost;
  #opening = false;
  #closing = false;
  #forgotten = false;
  #link: SerialLink | undefined;
  #options: ValidSerialOptions | undefined;
  #readable: ReadableStream<Uint8Array> | null = null;
  #writable: WritableStream<ArrayBufferView | ArrayBuffer> | null = null;
  // Error the current streams from outside (forget() of an open port), as Chromium's
  // connection error does.
  #errorReadable: ((reason: unknown) => void) | undefined;
  #errorWritable: ((reason: unknown) => void) | undefined;
  #readFatal = false;
  #writeFatal = false;
  #decoder = new ParmrkDecoder();
  #connected = true;

  /**
   * Not for callers: ports come from `ses.serial`.
   *
   * @param record The device.
   * @param host The `Serial` that made it.
   */
  constructor(record: SerialPortRecord, host: SerialPortHost) {
    super();
    this.#record = { ...record };
    this.#host = host;
  }

  /** @internal The device path, for the `Serial` that made this port. */
  get path(): string {
    return this.#record.path;
  }

  /** Whether the device is attached (Web Serial's `connected`). */
  get connected(): boolean {
    return this.#connected;
  }

  /**
   * The USB vendor and product ids, when the port is a USB device.
   *
   * @returns `{usbVendorId, usbProductId}`, or `{}`.
   */
  getInfo(): SerialPortInfo {
    const { vendorId, productId } = this.#record;
    return vendorId === undefined ? {} : { usbVendorId: vendorId, usbProductId: productId };
  }

  /**
   * Opens the port with the line settings.
   *
   * @param options `{baudRate, dataBits, stopBits, parity, bufferSize, flowControl}`.
   * @returns Resolves once the device is open and configured.
   * @throws {TypeError} (rejects) `1 argument required, but only 0 present.` without options;
   * Chromium's conversion and range messages (see `validateSerialOptions`).
   * @throws {DOMException} (rejects) `InvalidStateError` `A call to open() is already in
   * progress.` / `The port is already open.`; `NetworkError` `Failed to open serial port.`
   */
  async open(options: SerialOptions): Promise<void> {
    // Blink's binding counts the arguments before it converts the dictionary.
    if (arguments.length === 0) {
      throw new TypeError(prefixed("open", "1 argument required, but only 0 present."));
    }
    const converted = convertSerialOptions(options);
    if (this.#opening) {
      throw new DOMException(
        prefixed("open", "A call to open() is already in progress."),
        "InvalidStateError",
      );
    }
    if (this.#link !== undefined) {
      throw new DOMException(prefixed("open", "The port is already open."), "InvalidStateError");
    }
    const valid = validateSerialOptions(converted);
    if (this.#forgotten || !this.#host.mayOpen()) {
      throw new DOMException("Failed to open serial port.", "NetworkError");
    }
    this.#opening = true;
    try {
      this.#link = await this.#host.io.open(this.#record.path, valid);
    } catch {
      throw new DOMException("Failed to open serial port.", "NetworkError");
    } finally {
      this.#opening = false;
    }
    this.#options = valid;
    this.#readFatal = false;
    this.#writeFatal = false;
    this.#decoder.reset();
  }

  /**
   * The stream of received bytes while the port is open: a byte stream, so
   * `getReader({mode: "byob"})` reads straight into the caller's buffer. A receive error
   * (`BreakError`, `ParityError`, `FramingError`) errors this stream and the next access gives a
   * new one; a lost device (`NetworkError` `The device has been lost.`) leaves `null`.
   */
  get readable(): ReadableStream<Uint8Array> | null {
    if (this.#readable !== null) return this.#readable;
    const link = this.#link;
    const options = this.#options;
    if (link === undefined || options === undefined || this.#readFatal) return null;
    const done = () => {
      if (this.#readable === stream) this.#readable = null;
    };
    const parityChecked = options.parity !== "none";
    const stream: ReadableStream<Uint8Array> = new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: options.bufferSize,
      start: (controller) => {
        this.#errorReadable = (reason) => controller.error(reason);
      },
      pull: async (controller) => {
        const request = controller.byobRequest!;
        const view = request.view!;
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        for (;;) {
          let count: number;
          try {
            count = await link.read(bytes);
          } catch (error) {
            if (error instanceof SerialLinkError && error.kind === "lost") this.#lost();
            done();
            controller.error(linkError(error));
            return;
          }
          // 0: cancelled (the stream is already finished) or closed. A link closed under a
          // stream that was not cancelled is a forgotten port: a lost device to the reader.
          if (count === 0) {
            if (this.#link !== link) {
              done();
              controller.error(new DOMException(DEVICE_LOST, "NetworkError"));
            }
            return;
          }
          const { length, error } = this.#decoder.decode(bytes.subarray(0, count), parityChecked);
          if (error !== undefined) {
            if (length > 0) request.respond(length);
            done();
            controller.error(receiveError(error));
            return;
          }
          if (length > 0) {
            request.respond(length);
            return;
          }
        }
      },
      cancel: () => {
        done();
        link.cancel();
        link.discard(true, false);
        this.#decoder.reset();
      },
    }, { highWaterMark: 0 });
    this.#readable = stream;
    return stream;
  }

  /**
   * The stream that sends bytes while the port is open. Each chunk is sent whole before the
   * next is taken (backpressure); `close()` resolves once the bytes left the output queue;
   * `abort()` discards what is queued.
   */
  get writable(): WritableStream<ArrayBufferView | ArrayBuffer> | null {
    if (this.#writable !== null) return this.#writable;
    const link = this.#link;
    if (link === undefined || this.#writeFatal) return null;
    const done = () => {
      if (this.#writable === stream) this.#writable = null;
    };
    const fail = (error: unknown) => {
      if (error instanceof SerialLinkError && error.kind === "lost") this.#lost();
      done();
      return linkError(error);
    };
    const gone = () => {
      done();
      return new DOMException(DEVICE_LOST, "NetworkError");
    };
    const stream = new WritableStream<ArrayBufferView | ArrayBuffer>({
      start: (controller) => {
        this.#errorWritable = (reason) => controller.error(reason);
      },
      write: async (chunk: unknown) => {
        if (!ArrayBuffer.isView(chunk) && !(chunk instanceof ArrayBuffer)) {
          done();
          throw new TypeError(
            "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.",
          );
        }
        const bytes = chunk instanceof ArrayBuffer
          ? new Uint8Array(chunk)
          : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        try {
          for (let sent = 0; sent < bytes.length;) {
            const count = await link.write(bytes.subarray(sent));
            // 0: aborted, or the port was forgotten under the writer (the bytes were not sent).
            if (count === 0) {
              if (this.#link !== link) throw gone();
              return;
            }
            sent += count;
          }
        } catch (error) {
          throw fail(error);
        }
      },
      close: async () => {
        try {
          await link.drain();
        } catch (error) {
          throw fail(error);
        }
        if (this.#link !== link) throw gone();
        done();
      },
      abort: () => {
        done();
        link.cancel();
        link.discard(false, true);
      },
    }, new CountQueuingStrategy({ highWaterMark: 1 }));
    this.#writable = stream;
    return stream;
  }

  /**
   * Sets output control signals.
   *
   * @param signals `{dataTerminalReady, requestToSend, break}`; at least one.
   * @throws {DOMException} (rejects) `InvalidStateError` `The port is closed.`; `NetworkError`
   * `Failed to set control signals.`
   * @throws {TypeError} (rejects) `Signals dictionary must contain at least one member.`
   */
  async setSignals(signals: SerialSignalChanges = {}): Promise<void> {
    const link = this.#openLink("setSignals");
    const changes: SerialSignalChanges = {};
    for (const name of ["break", "dataTerminalReady", "requestToSend"] as const) {
      if (signals[name] !== undefined) changes[name] = Boolean(signals[name]);
    }
    if (Object.keys(changes).length === 0) {
      throw new TypeError(
        prefixed("setSignals", "Signals dictionary must contain at least one member."),
      );
    }
    await Promise.resolve();
    try {
      link.setSignals(changes);
    } catch {
      throw new DOMException("Failed to set control signals.", "NetworkError");
    }
  }

  /**
   * Reads the input control signals.
   *
   * @returns `{dataCarrierDetect, clearToSend, ringIndicator, dataSetReady}`.
   * @throws {DOMException} (rejects) `InvalidStateError` `The port is closed.`; `NetworkError`
   * `Failed to get control signals.` (always on a pty).
   */
  async getSignals(): Promise<SerialInputSignals> {
    const link = this.#openLink("getSignals");
    await Promise.resolve();
    try {
      return link.getSignals();
    } catch {
      throw new DOMException("Failed to get control signals.", "NetworkError");
    }
  }

  /**
   * Closes the port: cancels `readable`, aborts `writable`, then closes the device.
   *
   * @returns Resolves once closed.
   * @throws {DOMException} (rejects) `InvalidStateError` `The port is already closed.` /
   * `A call to close() is already in progress.`
   * @throws {TypeError} (rejects) `Cannot cancel a locked stream` (nothing is touched) or
   * `Cannot abort a locked stream` (the readable is already cancelled): release the reader or
   * writer first.
   */
  async close(): Promise<void> {
    const link = this.#link;
    if (link === undefined) {
      throw new DOMException(prefixed("close", "The port is already closed."), "InvalidStateError");
    }
    if (this.#closing) {
      throw new DOMException(
        prefixed("close", "A call to close() is already in progress."),
        "InvalidStateError",
      );
    }
    // Chromium's close(): a locked readable stops it before anything is touched; the readable
    // is cancelled before a locked writable stops it.
    if (this.#readable?.locked) {
      throw new TypeError(prefixed("close", "Cannot cancel a locked stream"));
    }
    const cancelled = this.#readable?.cancel();
    if (this.#writable?.locked) {
      await cancelled;
      throw new TypeError(prefixed("close", "Cannot abort a locked stream"));
    }
    this.#closing = true;
    try {
      await Promise.all([cancelled, this.#writable?.abort()]);
      link.close();
      this.#link = undefined;
      this.#readable = null;
      this.#writable = null;
    } finally {
      this.#closing = false;
    }
  }

  /**
   * Closes the port if open and revokes the origin's permission for it
   * (`serial-port-revoked` follows). A reader or writer still holding the streams gets
   * `NetworkError` `The device has been lost.` (its pending read or write included), as in
   * Chromium, where the revoked connection ends as a lost device.
   *
   * @returns Resolves once forgotten.
   */
  async forget(): Promise<void> {
    if (this.#link !== undefined) {
      // Chromium revokes the connection, which ends as a lost device.
      this.#loseStreams();
      this.#link.close();
      this.#link = undefined;
    }
    if (!this.#forgotten) {
      this.#forgotten = true;
      this.#host.forget(this);
    }
    await Promise.resolve();
  }

  /** @internal The device went away: the `Serial` that made this port calls it on unplug. */
  disconnected(): void {
    if (!this.#connected) return;
    this.#connected = false;
    // An open port's streams end at once, as Chromium's SerialPort::OnConnectionError ends
    // them: a writer idle on its lock learns it now, not at its next write. The port stays
    // open until close(), which then resolves.
    if (this.#link !== undefined) {
      this.#lost();
      this.#loseStreams();
    }
    this.dispatchEvent(new Event("disconnect"));
  }

  // Streams a caller holds error as a lost device (`NetworkError` `The device has been lost.`,
  // a pending read or write included); free ones are cancelled and aborted.
  #loseStreams(): void {
    const lost = new DOMException(DEVICE_LOST, "NetworkError");
    if (this.#readable?.locked) this.#errorReadable?.(lost);
    else this.#readable?.cancel().catch(() => {});
    if (this.#writable?.locked) this.#errorWritable?.(lost);
    else this.#writable?.abort().catch(() => {});
    this.#readable = null;
    this.#writable = null;
  }

  #openLink(method: string): SerialLink {
    if (this.#link === undefined) {
      throw new DOMException(prefixed(method, PORT_CLOSED), "InvalidStateError");
    }
    return this.#link;
  }

  #lost(): void {
    this.#readFatal = true;
    this.#writeFatal = true;
  }
}
