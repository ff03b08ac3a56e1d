/**
 * A lean HTTP/1.1 client codec: sends one request over an already-connected socket and reads
 * the response, with Chromium's framing rules and net errors.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { markWholeBody } from "../core/whole_body.ts";
import type { NetErrorCode } from "../core/net_errors.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { SessionError } from "../core/session_error.ts";
import { ChunkedDecoder } from "./_http1_chunked_decoder.ts";
import { type RequestHead, requestHead } from "./_http1_request_head.ts";
import {
  findResponseHeadEnd,
  MAX_RESPONSE_HEAD_BYTES,
  mayStartStatusLine,
  parseResponseHead,
  type ResponseHead,
  statusLineStart,
} from "./_http1_response_head.ts";
import { netErrorFromSystemError } from "./net_error_from_system.ts";

/** One request to send with {@linkcode exchange}. */
export interface Http1Request {
  /** The method, such as `"GET"`; a `"HEAD"` response never has a body. */
  method: string;
  /** The request-target as sent: `"/path?q"` (origin-form) or an absolute URL (proxy form). */
  target: string;
  /**
   * The complete header list to send, in order, as Latin-1 text; the caller includes `Host`.
   * When the caller sent neither, the codec adds `Content-Length` for a `Uint8Array` body (and
   * for an empty POST or PUT) or `Transfer-Encoding: chunked` for a stream body.
   */
  headers: ReadonlyArray<readonly [string, string]>;
  /** The request body; a stream is sent as it is read, waiting whenever the socket is full. */
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  /** Aborts the exchange: the socket is destroyed and the failure is `ERR_ABORTED`. */
  signal?: AbortSignal;
  /**
   * Called once, as soon as the exchange is over, with the value `reusable` resolves to
   * (before the head promise settles when the whole response came at once). Cheaper than
   * `reusable` for a pool that only needs the answer.
   */
  onDone?: (reusable: boolean) => void;
  /**
   * Hears every piece of bytes written to or read from the socket during the exchange, as
   * given to `write` (a Latin-1 string or bytes) or received; for the net log's
   * SOCKET_BYTES_SENT / SOCKET_BYTES_RECEIVED. Absent, the exchange does no extra work.
   */
  onBytes?: SocketBytesListener;
  /**
   * Called once the whole request (head and body) has been handed to the socket with room to
   * spare: at once for a request whose writes fit the socket's buffer, at the next `drain`
   * otherwise, after a stream body's last chunk. Not called when the exchange fails first.
   * For the net log's `HTTP_TRANSACTION_SEND_REQUEST` end; absent, the exchange does no extra
   * work.
   */
  onSent?: () => void;
  /**
   * True when the header names are known to be tokens and the values free of CR, LF and NUL
   * (they come from a WHATWG `Headers`), so the codec need not check them again.
   */
  headersChecked?: boolean;
}

/**
 * Hears bytes an exchange sends (`sent`: a Latin-1 string or bytes, as written) or receives.
 */
export type SocketBytesListener = (
  direction: "sent" | "received",
  bytes: Uint8Array | string,
) => void;

// What an exchange writes through: the socket, or a copy of its write methods that reports
// each write first.
type SocketWriter = Pick<StreamSocket, "write" | "cork" | "uncork">;

function reportingWriter(socket: StreamSocket, onBytes: SocketBytesListener): SocketWriter {
  return {
    write(chunk: Uint8Array | string, encoding?: "latin1"): boolean {
      onBytes("sent", chunk);
      return typeof chunk === "string"
        ? socket.write(chunk, encoding ?? "latin1")
        : socket.write(chunk);
    },
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
  };
}

/** The response to an {@linkcode exchange}. */
export interface Http1Response {
  /** The status code of the final response (interim 1xx responses other than 101 are skipped). */
  status: number;
  /** The reason phrase, `""` when the server sent none. */
  statusText: string;
  /** The protocol version of the status line. */
  httpVersion: "1.0" | "1.1";
  /** Header lines in order, names as received. */
  headers: Array<[string, string]>;
  /**
   * The body, or `null` when the response has none (HEAD, 101, 204, 205, 304, 2xx to CONNECT).
   * It is read from the socket only as fast as it is consumed. It errors with a `SessionError`:
   * `ERR_CONTENT_LENGTH_MISMATCH` or `ERR_INCOMPLETE_CHUNKED_ENCODING` when the connection
   * closes early, `ERR_INVALID_CHUNKED_ENCODING`, `ERR_ABORTED`, or the socket's error
   * (`ERR_CONNECTION_RESET`, ...).
   */
  body: ReadableStream<Uint8Array> | null;
  /**
   * Settles once the response has been read off the socket (its bytes may still wait in the
   * body stream) or the exchange failed or was cancelled: `true` when the socket may carry
   * another request, which also needs the request fully sent (a server may answer before it
   * has read the whole body; the socket is then dropped). A reusable socket is left flowing
   * with the codec's listeners removed, so the pool can watch it for `close` or unexpected
   * `data`; when it resolves `false` the codec has destroyed the socket, except after a 101 or
   * a 2xx to CONNECT, where the socket now belongs to the caller (paused, with any bytes that
   * followed the head put back with `unshift`).
   */
  reusable: Promise<boolean>;
}

// Enough to keep a fast reader busy while bounding what a slow one makes us hold.
const BODY_HIGH_WATER_MARK = 64 * 1024;
/**
 * Bodies of bytes up to this size go out in the same write as the head; one copy is cheaper
 * than two writes (and two packets) on the hot path. The net log reports it as Chromium's
 * `did_merge`.
 */
export const MERGE_BODY_LIMIT = 16 * 1024;

const HEAD = 0;
const BODY = 1;
const DONE = 2;

const BY_LENGTH = 0;
const CHUNKED = 1;
const UNTIL_CLOSE = 2;

// Sockets that completed a reusable exchange: a close before any byte of the next response then
// means the server dropped the idle connection (ERR_CONNECTION_CLOSED, which callers retry on a
// new connection, as Chromium does) rather than an empty response.
const reusedSockets = new WeakSet<StreamSocket>();

/**
 * Sends one HTTP/1.1 request over a connected socket and reads the response head.
 *
 * The head and a small body go out in one write. The promise resolves when the final response
 * head has arrived; the body then streams with backpressure (the socket is paused while the
 * consumer is behind). Framing follows Chromium: Transfer-Encoding chunked wins over
 * Content-Length; no length means the body runs until the server closes (and the socket is not
 * reused); HTTP/1.0 keeps the connection only with `Connection: keep-alive` and a length.
 *
 * @param socket A connected socket (`node:net`, `node:tls`, a runtime-native `StreamSocket`,
 *   or any Duplex) with no other readers; the codec resumes it.
 * @param request The method, target, headers, body and abort signal.
 * @returns The response; rejects with a `TypeError` for an invalid method, target or header, or
 *   a `SessionError`: `ERR_EMPTY_RESPONSE` (closed before any byte; `ERR_CONNECTION_CLOSED` on a
 *   reused socket), `ERR_RESPONSE_HEADERS_TRUNCATED` (closed inside the head),
 *   `ERR_INVALID_HTTP_RESPONSE` (as soon as the first bytes cannot begin `HTTP/`),
 *   `ERR_RESPONSE_HEADERS_TOO_BIG` (over 256 KiB), `ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH`, `ERR_ABORTED`, `ERR_SOCKET_NOT_CONNECTED`
 *   (socket already destroyed) or the socket's error mapped by `netErrorFromSystemError`.
 *
 * @example Against a stand-in connection that answers every request
 * ```ts
 * import { exchange } from "./http1_client.ts";
 * import { Duplex } from "node:stream";
 * import assert from "node:assert/strict";
 *
 * const socket = new Duplex({
 *   read() {},
 *   write(_chunk, _encoding, callback) {
 *     this.push("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
 *     callback();
 *   },
 * });
 * const response = await exchange(socket, {
 *   method: "GET",
 *   target: "/",
 *   headers: [["Host", "example.com"]],
 *   body: null,
 * });
 * assert.equal(response.status, 200);
 * assert.equal(await new Response(response.body).text(), "hi");
 * assert.equal(await response.reusable, true);
 * socket.destroy();
 * ```
 */
export function exchange(socket: StreamSocket, request: Http1Request): Promise<Http1Response> {
  let head: RequestHead;
  try {
    head = requestHead(request);
  } catch (error) {
    return Promise.reject(error);
  }
  const { signal } = request;
  if (signal?.aborted) {
    socket.destroy();
    return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
  }
  if (socket.destroyed) return Promise.reject(new SessionError("ERR_SOCKET_NOT_CONNECTED"));
  return new Promise((resolve, reject) => {
    new Http1Exchange(socket, request, resolve, reject).start(request.body, head);
  });
}

class Http1Exchange {
  readonly #socket: StreamSocket;
  readonly #out: SocketWriter;
  readonly #onBytes: SocketBytesListener | undefined;
  readonly #method: string;
  readonly #signal: AbortSignal | undefined;
  readonly #reused: boolean;
  readonly #resolve: (response: Http1Response) => void;
  readonly #reject: (error: unknown) => void;
  readonly #onDone: ((reusable: boolean) => void) | undefined;
  // Until the request is sent whole (then, or once the exchange fails, undefined).
  #onSent: (() => void) | undefined;
  // The outcome once known; the `reusable` promise is made only for callers that ask.
  #outcome: boolean | undefined;
  #reusable: Promise<boolean> | null = null;
  #settleReusable: ((reusable: boolean) => void) | null = null;

  #phase = HEAD;
  // A head split across reads is collected here; null while no partial head is pending.
  #headBuffer: Buffer | null = null;
  #headLength = 0;

  #keepAlive = false;
  // The request's own Connection header said close.
  #requestCloses = false;
  #framing = UNTIL_CLOSE;
  #remaining = 0;
  #decoder: ChunkedDecoder | null = null;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  // The connection's failure, held until the reader has taken the bytes queued before it.
  #bodyError: { error: unknown } | null = null;
  #paused = false;
  // The reader of a stream body still being sent; null once it is sent (or never was).
  #upload: ReadableStreamDefaultReader<Uint8Array> | null = null;
  // A write() said the socket's buffer is full and no 'drain' has come since: bytes of this
  // request are still unsent, so the socket cannot carry another request (it would wait behind
  // them, possibly forever when the server has stopped reading).
  #unflushed = false;
  // The 'drain' listener, made only once a write fills the buffer, so the hot path stays as it
  // was; it stays attached until the exchange detaches.
  #onDrain: (() => void) | null = null;
  // The stream body's pump, waiting for 'drain' (or for the exchange to end).
  #wakeUpload: (() => void) | null = null;

  constructor(
    socket: StreamSocket,
    request: Http1Request,
    resolve: (response: Http1Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.#socket = socket;
    this.#onBytes = request.onBytes;
    this.#out = request.onBytes ? reportingWriter(socket, request.onBytes) : socket;
    this.#method = request.method;
    this.#signal = request.signal;
    this.#reused = reusedSockets.has(socket);
    this.#resolve = resolve;
    this.#reject = reject;
    this.#onDone = request.onDone;
    this.#onSent = request.onSent;
  }

  #reusablePromise(): Promise<boolean> {
    if (this.#reusable === null) {
      this.#reusable = this.#outcome === undefined
        ? new Promise((settle) => this.#settleReusable = settle)
        : Promise.resolve(this.#outcome);
    }
    return this.#reusable;
  }

  #settle(reusable: boolean): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = reusable;
    this.#settleReusable?.(reusable);
    this.#onDone?.(reusable);
  }

  start(body: Http1Request["body"], head: RequestHead): void {
    const socket = this.#socket;
    this.#requestCloses = head.closes;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    this.#signal?.addEventListener("abort", this.#onAbort);
    socket.resume();
    const out = this.#out;
    let flowing: boolean;
    if (body === null) {
      flowing = out.write(head.text, "latin1");
    } else if (body instanceof Uint8Array) {
      flowing = writeWholeBody(out, head, body);
    } else {
      flowing = out.write(head.text, "latin1");
      this.#pump(body, head);
    }
    if (!flowing) this.#bufferFull();
    // Unlogged, nothing to call.
    if (this.#onSent !== undefined && this.#upload === null) this.#sent();
  }

  // The request is written whole: heard now, or at the drain when bytes wait in the buffer.
  #sent(): void {
    const onSent = this.#onSent;
    if (onSent === undefined || this.#unflushed || this.#phase === DONE) return;
    this.#onSent = undefined;
    onSent();
  }

  // write() returned false: the request is not fully sent until the socket's next 'drain'.
  #bufferFull(): void {
    this.#unflushed = true;
    if (this.#onDrain !== null) return;
    this.#onDrain = () => {
      this.#unflushed = false;
      this.#wake();
      if (this.#upload === null) this.#sent();
    };
    this.#socket.on("drain", this.#onDrain);
  }

  #wake(): void {
    const wake = this.#wakeUpload;
    if (wake === null) return;
    this.#wakeUpload = null;
    wake();
  }

  readonly #onData = (chunk: Uint8Array): void => {
    this.#onBytes?.("received", chunk);
    try {
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (this.#phase === HEAD) this.#readHead(bytes);
      else if (this.#phase === BODY) this.#readBody(bytes);
    } catch (error) {
      this.#fail(netErrorFromSystemError(error, "io"));
    }
  };

  readonly #onEnd = (): void => {
    if (this.#phase === HEAD) {
      let code: NetErrorCode = "ERR_RESPONSE_HEADERS_TRUNCATED";
      if (this.#headLength === 0) {
        code = this.#reused ? "ERR_CONNECTION_CLOSED" : "ERR_EMPTY_RESPONSE";
      }
      this.#fail(new SessionError(code));
    } else if (this.#phase === BODY) {
      if (this.#framing === UNTIL_CLOSE) this.#endBody(false);
      else {
        this.#fail(
          new SessionError(
            this.#framing === CHUNKED
              ? "ERR_INCOMPLETE_CHUNKED_ENCODING"
              : "ERR_CONTENT_LENGTH_MISMATCH",
          ),
        );
      }
    }
  };

  readonly #onError = (error: unknown): void => {
    this.#fail(netErrorFromSystemError(error, "io"));
  };

  // A close with no 'end' or 'error' first: someone destroyed the socket under us.
  readonly #onClose = (): void => {
    this.#fail(new SessionError("ERR_CONNECTION_CLOSED"));
  };

  readonly #onAbort = (): void => {
    const reason = this.#signal?.reason;
    // An upload still being read is cancelled with the caller's reason, as the fetch
    // standard's "abort the fetch() call" cancels the request body.
    this.#fail(new SessionError("ERR_ABORTED", { cause: reason }), reason, false);
  };

  #readHead(chunk: Buffer): void {
    let bytes: Buffer;
    let length: number;
    let from: number;
    if (this.#headBuffer === null) {
      bytes = chunk;
      length = chunk.length;
      from = 0;
    } else {
      from = Math.max(0, this.#headLength - 3);
      bytes = this.#appendToHead(chunk);
      length = this.#headLength;
    }
    for (;;) {
      const start = statusLineStart(bytes, length);
      const end = start === -1 ? -1 : findResponseHeadEnd(bytes, Math.max(from, start), length);
      if (end === -1) {
        if (length >= MAX_RESPONSE_HEAD_BYTES) {
          throw new SessionError("ERR_RESPONSE_HEADERS_TOO_BIG");
        }
        if (!mayStartStatusLine(bytes, length)) throw new SessionError("ERR_INVALID_HTTP_RESPONSE");
        if (this.#headBuffer === null) this.#keepPartialHead(bytes.subarray(0, length));
        return;
      }
      if (end > MAX_RESPONSE_HEAD_BYTES) throw new SessionError("ERR_RESPONSE_HEADERS_TOO_BIG");
      const head = parseResponseHead(bytes, end);
      const rest = bytes.subarray(end, length);
      this.#headBuffer = null;
      this.#headLength = 0;
      if (head.status >= 200 || head.status === 101) {
        this.#startBody(head, rest);
        return;
      }
      // An interim response (100 Continue, 103 Early Hints): the final one follows.
      if (rest.length === 0) return;
      bytes = rest;
      length = rest.length;
      from = 0;
    }
  }

  #keepPartialHead(bytes: Buffer): void {
    const buffer = Buffer.allocUnsafe(Math.max(4096, bytes.length * 2));
    buffer.set(bytes);
    this.#headBuffer = buffer;
    this.#headLength = bytes.length;
  }

  #appendToHead(chunk: Buffer): Buffer {
    let buffer = this.#headBuffer as Buffer;
    const length = this.#headLength + chunk.length;
    if (length > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(length, buffer.length * 2));
      grown.set(buffer.subarray(0, this.#headLength));
      buffer = grown;
      this.#headBuffer = grown;
    }
    buffer.set(chunk, this.#headLength);
    this.#headLength = length;
    return buffer;
  }

  #startBody(head: ResponseHead, rest: Buffer): void {
    const { status } = head;
    const tunnel = status === 101 || (this.#method === "CONNECT" && status >= 200 && status < 300);
    if (tunnel) {
      this.#respond(head, null);
      this.#handOver(rest);
      return;
    }
    this.#keepAlive = head.keepAlive && !this.#requestCloses;
    if (this.#method === "HEAD" || status === 204 || status === 205 || status === 304) {
      this.#respond(head, null);
      this.#finish(rest.length === 0);
      return;
    }
    const pieces: Uint8Array[] = [];
    let complete = false;
    let clean = true;
    if (head.chunked) {
      const decoder = new ChunkedDecoder();
      this.#framing = CHUNKED;
      this.#decoder = decoder;
      let used: number;
      try {
        used = decoder.decode(rest, pieces);
      } catch (error) {
        // A framing error belongs to the body, as in Chromium: the head is still delivered.
        this.#phase = BODY;
        this.#respond(head, this.#streamBody([]));
        this.#fail(error);
        return;
      }
      complete = decoder.done;
      clean = used === rest.length;
    } else if (head.contentLength >= 0) {
      const take = Math.min(head.contentLength, rest.length);
      if (take > 0) pieces.push(rest.subarray(0, take));
      this.#framing = BY_LENGTH;
      this.#remaining = head.contentLength - take;
      complete = this.#remaining === 0;
      clean = take === rest.length;
    } else if (rest.length > 0) {
      pieces.push(rest);
    }
    if (complete) {
      this.#respond(head, wholeBody(pieces));
      this.#finish(clean);
      return;
    }
    this.#phase = BODY;
    this.#respond(head, this.#streamBody(pieces));
  }

  #respond(head: ResponseHead, body: ReadableStream<Uint8Array> | null): void {
    this.#resolve(new ExchangeResponse(head, body, () => this.#reusablePromise()));
  }

  #streamBody(initial: Uint8Array[]): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        for (const piece of initial) this.#push(piece);
      },
      pull: (controller) => {
        if (this.#bodyError !== null) {
          if (isDrained(controller)) controller.error(this.#bodyError.error);
          return;
        }
        if (this.#paused && this.#phase === BODY) {
          this.#paused = false;
          this.#socket.resume();
        }
      },
      cancel: () => {
        if (this.#phase !== BODY) return;
        this.#phase = DONE;
        this.#detach();
        this.#socket.destroy();
        this.#settle(false);
      },
    }, { highWaterMark: BODY_HIGH_WATER_MARK, size: byteLength });
  }

  #readBody(chunk: Buffer): void {
    if (this.#framing === BY_LENGTH) {
      if (chunk.length < this.#remaining) {
        this.#remaining -= chunk.length;
        this.#push(chunk);
        return;
      }
      const take = this.#remaining;
      this.#remaining = 0;
      this.#push(chunk.subarray(0, take));
      this.#endBody(take === chunk.length);
    } else if (this.#framing === CHUNKED) {
      const decoder = this.#decoder as ChunkedDecoder;
      const pieces: Uint8Array[] = [];
      const used = decoder.decode(chunk, pieces);
      for (const piece of pieces) this.#push(piece);
      if (decoder.done) this.#endBody(used === chunk.length);
    } else {
      this.#push(chunk);
    }
  }

  #push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    const controller = this.#controller as ReadableStreamDefaultController<Uint8Array>;
    controller.enqueue(piece);
    if (!this.#paused && (controller.desiredSize ?? 0) <= 0) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #endBody(clean: boolean): void {
    this.#controller?.close();
    this.#finish(clean);
  }

  // The response has been read off the socket: keep the socket for another request or drop it.
  // Only a request fully handed to the kernel leaves the socket reusable: a server may answer
  // before reading the whole body, and the next request must not queue behind the rest.
  #finish(clean: boolean): void {
    const reusable = clean && this.#keepAlive && this.#upload === null && !this.#unflushed;
    this.#phase = DONE;
    this.#detach();
    const socket = this.#socket;
    if (reusable) {
      // Flowing, so whoever keeps the idle socket sees it close or send stray bytes.
      if (this.#paused) socket.resume();
      reusedSockets.add(socket);
    } else {
      socket.destroy();
    }
    this.#settle(reusable);
  }

  // After 101 or a 2xx to CONNECT the bytes are no longer HTTP: give the socket back untouched.
  #handOver(rest: Buffer): void {
    this.#phase = DONE;
    this.#detach();
    this.#socket.pause();
    if (rest.length > 0) this.#socket.unshift(rest);
    this.#settle(false);
  }

  /**
   * Ends the exchange with `error`. In the body, a failure of the connection (cut short, reset,
   * bad framing) comes after the bytes already queued, as Chromium's HttpStreamParser hands
   * over every byte it read before a read fails: a reader that starts late (a download waiting
   * for its 'will-download') still gets them. The caller's own abort (`queuedFirst` false)
   * drops them at once.
   */
  #fail(error: unknown, uploadReason: unknown = error, queuedFirst = true): void {
    const phase = this.#phase;
    if (phase === DONE) return;
    this.#phase = DONE;
    this.#detach(uploadReason);
    this.#socket.destroy();
    const controller = this.#controller;
    if (phase === HEAD) this.#reject(error);
    else if (controller !== null && queuedFirst && !isDrained(controller)) {
      this.#bodyError = { error };
    } else controller?.error(error);
    this.#settle(false);
  }

  // `uploadReason` is what an upload still being read is cancelled with.
  #detach(uploadReason?: unknown): void {
    const socket = this.#socket;
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("error", this.#onError);
    socket.off("close", this.#onClose);
    this.#signal?.removeEventListener("abort", this.#onAbort);
    if (this.#onDrain !== null) socket.off("drain", this.#onDrain);
    const upload = this.#upload;
    if (upload !== null) {
      this.#upload = null;
      upload.cancel(uploadReason).catch(ignore);
      this.#wake();
    }
  }

  async #pump(body: ReadableStream<Uint8Array>, head: RequestHead): Promise<void> {
    const socket = this.#out;
    const chunked = head.framing === "chunked";
    const declared = head.contentLength;
    const reader = body.getReader();
    this.#upload = reader;
    let sent = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (this.#upload !== reader) return;
        if (done) break;
        if (!(value instanceof Uint8Array)) {
          throw new TypeError("Cannot send request body: a chunk is not a Uint8Array");
        }
        if (value.length === 0) continue;
        sent += value.length;
        if (declared >= 0 && sent > declared) throw lengthMismatch("longer", declared);
        let flowing: boolean;
        if (chunked) {
          socket.cork();
          socket.write(`${value.length.toString(16)}\r\n`, "latin1");
          socket.write(value);
          flowing = socket.write("\r\n", "latin1");
          socket.uncork();
        } else {
          flowing = socket.write(value);
        }
        // The next chunk is read only once the socket has room: a server that stops reading
        // stops the reads from the body too.
        if (!flowing) {
          this.#bufferFull();
          await new Promise<void>((resolve) => this.#wakeUpload = resolve);
          if (this.#upload !== reader) return;
        }
      }
      if (declared >= 0 && sent < declared) throw lengthMismatch("shorter", declared);
      if (chunked && !socket.write("0\r\n\r\n", "latin1")) this.#bufferFull();
      this.#upload = null;
      this.#sent();
    } catch (error) {
      if (this.#upload !== reader) return;
      this.#upload = null;
      reader.cancel(error).catch(ignore);
      this.#fail(uploadFailure(error));
    }
  }
}

// Returns what the last write returned: false when bytes wait in the socket's buffer.
function writeWholeBody(socket: SocketWriter, head: RequestHead, body: Uint8Array): boolean {
  const { text } = head;
  let flowing: boolean;
  if (head.framing === "chunked") {
    socket.cork();
    socket.write(text, "latin1");
    if (body.length > 0) {
      socket.write(`${body.length.toString(16)}\r\n`, "latin1");
      socket.write(body);
      socket.write("\r\n", "latin1");
    }
    flowing = socket.write("0\r\n\r\n", "latin1");
    socket.uncork();
  } else if (body.length <= MERGE_BODY_LIMIT) {
    const message = Buffer.allocUnsafe(text.length + body.length);
    message.write(text, 0, "latin1");
    message.set(body, text.length);
    flowing = socket.write(message);
  } else {
    socket.cork();
    socket.write(text, "latin1");
    flowing = socket.write(body);
    socket.uncork();
  }
  return flowing;
}

function wholeBody(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) if (piece.length > 0) controller.enqueue(piece);
      controller.close();
    },
  });
  // The HTTP cache stores these bytes as they are instead of recording the stream, and the
  // outcome stage counts the request complete at once (Chromium's URLLoader timing).
  markWholeBody(body, pieces);
  return body;
}

// A class, not an object literal with a `get reusable()`: V8 makes a literal's accessor pair in
// its old generation, so each response's pair would keep the exchange (the getter's closure)
// and everything it reaches alive through the next young-generation collection, promoting the
// whole request's garbage (measured: 2.6 times the scavenge time of a 1 KiB GET loop).
class ExchangeResponse implements Http1Response {
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: "1.0" | "1.1";
  readonly headers: Array<[string, string]>;
  readonly body: ReadableStream<Uint8Array> | null;
  readonly #reusable: () => Promise<boolean>;

  constructor(
    head: ResponseHead,
    body: ReadableStream<Uint8Array> | null,
    reusable: () => Promise<boolean>,
  ) {
    this.status = head.status;
    this.statusText = head.statusText;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.body = body;
    this.#reusable = reusable;
  }

  get reusable(): Promise<boolean> {
    return this.#reusable();
  }
}

function uploadFailure(error: unknown): unknown {
  if (error instanceof TypeError || SessionError.is(error)) return error;
  return new SessionError("ERR_FAILED", { cause: error });
}

function lengthMismatch(how: "longer" | "shorter", declared: number): TypeError {
  return new TypeError(
    `Cannot send request body: it is ${how} than its Content-Length ${declared}`,
  );
}

function byteLength(chunk: Uint8Array): number {
  return chunk.byteLength;
}

function ignore(): void {}

// Whether a body stream's queue is empty (its chunks are never empty, and sized in bytes).
function isDrained(controller: ReadableStreamDefaultController<Uint8Array>): boolean {
  return (controller.desiredSize ?? 0) >= BODY_HIGH_WATER_MARK;
}
