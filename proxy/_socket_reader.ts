/**
 * Reads a handshake's replies from a socket: exact byte counts or a head ending in a
 * delimiter, with the socket's end, errors and an abort signal turned into one rejection.
 * When the handshake is done, `release` stops listening, pauses the socket and puts back any
 * bytes that came after the handshake (none once the socket has ended or failed).
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket } from "../core/stream_socket.ts";

/** Why a read could not complete. */
export type ReadFailure = "closed" | "aborted" | "too large";

/** Thrown by {@linkcode SocketReader} reads. */
export class ReadError extends Error {
  /** What went wrong. */
  readonly reason: ReadFailure;

  /**
   * @param reason What went wrong.
   * @param cause The socket error, if any.
   */
  constructor(reason: ReadFailure, cause?: unknown) {
    super(`Cannot read the proxy's reply: ${reason}`, cause === undefined ? undefined : { cause });
    this.reason = reason;
  }
}

/** Buffered reads over a paused `StreamSocket`. */
export class SocketReader {
  readonly #socket: StreamSocket;
  readonly #signal: AbortSignal | undefined;
  #buffer = new Uint8Array(0);
  #failure: ReadError | undefined;
  #wake: (() => void) | undefined;

  readonly #onData = (chunk: Uint8Array) => {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    this.#notify();
  };
  readonly #onEnd = () => this.#fail(new ReadError("closed"));
  readonly #onError = (error: Error) => this.#fail(new ReadError("closed", error));
  readonly #onAbort = () => this.#fail(new ReadError("aborted"));

  /**
   * Starts listening.
   *
   * @param socket A connected socket (paused or flowing).
   * @param signal Aborts pending and later reads.
   */
  constructor(socket: StreamSocket, signal?: AbortSignal) {
    this.#socket = socket;
    this.#signal = signal;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
    socket.on("error", this.#onError);
    signal?.addEventListener("abort", this.#onAbort);
    if (signal?.aborted) this.#onAbort();
    socket.resume();
  }

  /**
   * Reads exactly `count` bytes.
   *
   * @param count The number of bytes.
   * @returns The bytes.
   * @throws {ReadError} When the socket ends first or the signal aborts.
   */
  async read(count: number): Promise<Uint8Array> {
    while (this.#buffer.length < count) await this.#more();
    const bytes = this.#buffer.slice(0, count);
    this.#buffer = this.#buffer.slice(count);
    return bytes;
  }

  /**
   * Reads up to and including `\r\n\r\n`.
   *
   * @param limit The most bytes the head may take.
   * @returns The head as Latin-1 text, delimiter included.
   * @throws {ReadError} `too large` past the limit, or when the socket ends first.
   */
  async readHead(limit: number): Promise<string> {
    for (;;) {
      const end = findHeadEnd(this.#buffer);
      if (end >= 0) {
        const head = latin1(this.#buffer.subarray(0, end));
        this.#buffer = this.#buffer.slice(end);
        return head;
      }
      if (this.#buffer.length > limit) throw new ReadError("too large");
      await this.#more();
    }
  }

  /** Stops listening, pauses the socket and puts back unread bytes. */
  release(): void {
    const socket = this.#socket;
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("close", this.#onEnd);
    socket.off("error", this.#onError);
    this.#signal?.removeEventListener("abort", this.#onAbort);
    socket.pause();
    // After the socket's end a stream refuses `unshift` with an 'error' event that nobody
    // would hear; a failed reader's bytes are of no use anyway, its handshake has failed.
    if (this.#buffer.length > 0 && this.#failure === undefined) socket.unshift(this.#buffer);
    this.#buffer = new Uint8Array(0);
  }

  #more(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#wake = () => (this.#failure ? reject(this.#failure) : resolve());
    });
  }

  #fail(error: ReadError): void {
    this.#failure ??= error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function findHeadEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

/**
 * Turns a read failure into Chromium's code for the failed handshake; other errors pass.
 *
 * @param error What was thrown.
 * @param code The handshake's failure code.
 * @returns The error to reject with: `ERR_ABORTED` for an abort.
 */
export function asNetError(error: unknown, code: NetErrorCode): unknown {
  if (error instanceof ReadError) {
    return new SessionError(error.reason === "aborted" ? "ERR_ABORTED" : code, { cause: error });
  }
  return error;
}
