/**
 * Net log events of one HTTP transaction, in Chromium's names and parameter shapes.
 *
 * @module
 */

import type { NetLogSink, NetLogSource, NetLogWithSource } from "../core/net_log_sink.ts";
import type { Http1Response, SocketBytesListener } from "./http1_client.ts";
import { netErrorNumberOf } from "./step_log.ts";

const SENDING = 0;
const READING = 1;
const DONE = 2;

/**
 * One network transaction's steps as Chromium's HttpNetworkTransaction::DoLoop logs them on
 * the request's source: `HTTP_TRANSACTION_SEND_REQUEST` from before the request's headers are
 * logged until the request is written whole, then `HTTP_TRANSACTION_READ_HEADERS` until the
 * response head is read (HttpStreamParser's `HTTP_STREAM_PARSER_READ_HEADERS` pair, then the
 * head's `HTTP_TRANSACTION_READ_RESPONSE_HEADERS`, inside). A step that
 * fails ends with `{net_error}` (`EndEventWithNetErrorCode`); one whose failure sends the
 * request again on a fresh connection logs `HTTP_TRANSACTION_RESTART_AFTER_ERROR`
 * (`{net_error}`) and ends without it, as HandleIOError does. Made only while a log captures.
 *
 * @example
 * ```ts
 * import { NetworkTransactionLog } from "./transaction_log.ts";
 * const seen: string[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = {
 *   capturing: true,
 *   newSource: () => source,
 *   add: (entry: { type: string; phase: string }) => void seen.push(`${entry.type} ${entry.phase}`),
 * };
 * const transaction = new NetworkTransactionLog({ sink, source });
 * transaction.sent();
 * transaction.received({ httpVersion: "1.1", status: 204, statusText: "No Content", headers: [] });
 * console.log(seen.length); // 7
 * ```
 */
export class NetworkTransactionLog {
  readonly #netLog: NetLogWithSource;
  // SENDING, READING, then DONE once the head is read or the exchange failed.
  #step = SENDING;

  /**
   * Begins `HTTP_TRANSACTION_SEND_REQUEST`, after a body's `UPLOAD_DATA_STREAM_INIT` pair
   * (`{is_chunked, net_error, total_size}`; a stream's size is 0; an empty body has none), as
   * UploadDataStream::Init logs it before the transaction sends.
   *
   * @param netLog The request's log, capturing.
   * @param body The request body as it goes to the codec (`undefined` or `null`: none).
   */
  constructor(netLog: NetLogWithSource, body?: Uint8Array | ReadableStream<Uint8Array> | null) {
    this.#netLog = netLog;
    if (hasUpload(body)) {
      const { sink, source } = netLog;
      const chunked = body instanceof ReadableStream;
      sink.add({ type: "UPLOAD_DATA_STREAM_INIT", phase: "PHASE_BEGIN", source });
      sink.add({
        type: "UPLOAD_DATA_STREAM_INIT",
        phase: "PHASE_END",
        source,
        params: { is_chunked: chunked, net_error: 0, total_size: chunked ? 0 : body.length },
      });
    }
    netLog.sink.add({
      type: "HTTP_TRANSACTION_SEND_REQUEST",
      phase: "PHASE_BEGIN",
      source: netLog.source,
    });
  }

  /**
   * The request is written whole: ends `HTTP_TRANSACTION_SEND_REQUEST` and begins
   * `HTTP_TRANSACTION_READ_HEADERS` and `HTTP_STREAM_PARSER_READ_HEADERS`. Later calls do
   * nothing.
   */
  readonly sent = (): void => {
    if (this.#step !== SENDING) return;
    this.#step = READING;
    const { sink, source } = this.#netLog;
    sink.add({ type: "HTTP_TRANSACTION_SEND_REQUEST", phase: "PHASE_END", source });
    sink.add({ type: "HTTP_TRANSACTION_READ_HEADERS", phase: "PHASE_BEGIN", source });
    sink.add({ type: "HTTP_STREAM_PARSER_READ_HEADERS", phase: "PHASE_BEGIN", source });
  };

  /**
   * The response head arrived (a server may answer before the request is written whole: the
   * send ends first): logs it, and ends `HTTP_TRANSACTION_READ_HEADERS`.
   *
   * @param reply The response head.
   */
  received(reply: Pick<Http1Response, "httpVersion" | "status" | "statusText" | "headers">): void {
    this.sent();
    this.#step = DONE;
    const { sink, source } = this.#netLog;
    sink.add({ type: "HTTP_STREAM_PARSER_READ_HEADERS", phase: "PHASE_END", source });
    logResponseHeaders(sink, source, reply);
    sink.add({ type: "HTTP_TRANSACTION_READ_HEADERS", phase: "PHASE_END", source });
  }

  /**
   * The exchange failed: ends the step under way with `{net_error}`, or, when the request is
   * sent again on a fresh connection, logs `HTTP_TRANSACTION_RESTART_AFTER_ERROR` and ends the
   * step without it.
   *
   * @param error What the exchange failed with.
   * @param restart Whether the request is sent again.
   */
  failed(error: unknown, restart: boolean): void {
    const step = this.#step;
    if (step === DONE) return;
    this.#step = DONE;
    const { sink, source } = this.#netLog;
    const netError = netErrorNumberOf(error);
    if (step === READING) {
      // The parser's step ends with the error whatever the transaction makes of it.
      sink.add({
        type: "HTTP_STREAM_PARSER_READ_HEADERS",
        phase: "PHASE_END",
        source,
        params: { net_error: netError },
      });
    }
    if (restart) {
      sink.add({
        type: "HTTP_TRANSACTION_RESTART_AFTER_ERROR",
        phase: "PHASE_NONE",
        source,
        params: { net_error: netError },
      });
    }
    sink.add({
      type: step === SENDING ? "HTTP_TRANSACTION_SEND_REQUEST" : "HTTP_TRANSACTION_READ_HEADERS",
      phase: "PHASE_END",
      source,
      params: restart ? undefined : { net_error: netError },
    });
  }
}

/**
 * Records the request line and headers as `HTTP_TRANSACTION_SEND_REQUEST_HEADERS`, with the
 * body framing header the codec adds (`Content-Length` for bytes, `Transfer-Encoding: chunked`
 * for a stream, `Content-Length: 0` for a POST or PUT without a body; the caller's own framing
 * headers never reach the codec), and a body (not an empty one) as `HTTP_TRANSACTION_SEND_REQUEST_BODY`
 * (`{length, is_chunked, did_merge}`; a chunked body's length is 0) with the reads of a body of
 * bytes as `UPLOAD_DATA_STREAM_READ` pairs (`{current_position}`: one for a body merged with the
 * head, one per 16 KiB otherwise; a stream's are {@linkcode uploadReadsLogged}'s), as Chromium's
 * HttpNetworkTransaction::BuildRequestHeaders and HttpStreamParser::SendRequest log them. A body
 * the codec writes after the head (a stream, or bytes too many to merge) is said and read only
 * once the head is written, as HttpStreamParser::DoSendHeadersComplete logs it: those events
 * are handed back, for {@linkcode socketBytesLogger} to log after the head's write.
 *
 * @param sink The session's net log.
 * @param source The request's source.
 * @param requestLine Like `GET /path HTTP/1.1`.
 * @param headers The header lines as sent, without the framing header.
 * @param body The body as it goes to the codec (`undefined` or `null`: none).
 * @param mergeLimit The largest body the codec sends in the head's write (did_merge).
 * @returns Logs the events of a body written after the head; `undefined` when there are none
 *   left to log.
 *
 * @example
 * ```ts
 * import { logRequestHeaders } from "./transaction_log.ts";
 * const entries: unknown[] = [];
 * const sink = {
 *   capturing: true,
 *   newSource: (type: string) => ({ id: 1, type, startTime: Date.now() }),
 *   add: (entry: unknown) => void entries.push(entry),
 * };
 * logRequestHeaders(sink, sink.newSource("URL_REQUEST"), "GET / HTTP/1.1", [["host", "a.test"]]);
 * console.log(entries.length); // 1
 * ```
 */
export function logRequestHeaders(
  sink: NetLogSink,
  source: NetLogSource,
  requestLine: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body?: Uint8Array | ReadableStream<Uint8Array> | null,
  mergeLimit = 0,
): (() => void) | undefined {
  const lines = headers.map(([name, value]) => `${name}: ${value}`);
  const chunked = body instanceof ReadableStream;
  if (chunked) lines.push("Transfer-Encoding: chunked");
  else if (body instanceof Uint8Array) lines.push(`Content-Length: ${body.length}`);
  else if (requestLine.startsWith("POST ") || requestLine.startsWith("PUT ")) {
    lines.push("Content-Length: 0");
  }
  sink.add({
    type: "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: { line: `${requestLine}\r\n`, headers: lines },
  });
  if (!hasUpload(body)) return undefined;
  const length = chunked ? 0 : body.length;
  const merged = length > 0 && length <= mergeLimit;
  const said = () =>
    sink.add({
      type: "HTTP_TRANSACTION_SEND_REQUEST_BODY",
      phase: "PHASE_NONE",
      source,
      params: { length, is_chunked: chunked, did_merge: merged },
    });
  if (merged) {
    // HttpStreamParser::SendRequest reads a body it merges with the head before it says so.
    logUploadRead(sink, source);
    said();
    return undefined;
  }
  // Otherwise DoSendHeadersComplete says so once the head is written, then reads the body into
  // its 16 KiB buffer (kRequestBodyBufferSize), one read per buffer (a stream's reads are logged
  // as they come, by uploadReadsLogged).
  return () => {
    said();
    for (let position = 0; position < length; position += REQUEST_BODY_BUFFER_SIZE) {
      logUploadRead(sink, source, position);
    }
  };
}

const REQUEST_BODY_BUFFER_SIZE = 16384;

/**
 * Logs each read of a streamed request body as an `UPLOAD_DATA_STREAM_READ` pair, as Chromium's
 * UploadDataStream::Read logs HttpStreamParser's reads of a chunked body: the begin when the
 * codec asks for more (`{current_position}`, the bytes read so far), the end when a chunk or the
 * body's end arrives, or with `{net_error}` when the stream fails. Made only while a log
 * captures: the unlogged path hands the codec the caller's stream as it is.
 *
 * @param netLog The request's log, capturing.
 * @param body The streamed body.
 * @returns A stream of the same chunks, read from `body` only as the codec reads it; cancelling
 *   it cancels `body`.
 *
 * @example
 * ```ts
 * import { uploadReadsLogged } from "./transaction_log.ts";
 * const seen: string[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = {
 *   capturing: true,
 *   newSource: () => source,
 *   add: (entry: { phase: string }) => void seen.push(entry.phase),
 * };
 * const body = uploadReadsLogged({ sink, source }, new Blob(["abc"]).stream());
 * for await (const _chunk of body);
 * console.log(seen.length); // 4: the read of "abc" and the read that finds the end
 * ```
 */
export function uploadReadsLogged(
  netLog: NetLogWithSource,
  body: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const { sink, source } = netLog;
  const type = "UPLOAD_DATA_STREAM_READ";
  const reader = body.getReader();
  let position = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      sink.add({ type, phase: "PHASE_BEGIN", source, params: { current_position: position } });
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        sink.add({
          type,
          phase: "PHASE_END",
          source,
          params: { net_error: netErrorNumberOf(error) },
        });
        throw error;
      }
      sink.add({ type, phase: "PHASE_END", source });
      if (read.done) return controller.close();
      position += read.value.byteLength;
      controller.enqueue(read.value);
    },
    cancel: (reason) => reader.cancel(reason),
    // Pulled only when the codec reads, so each begin is a read the codec made.
  }, { highWaterMark: 0 });
}

// Whether the request has an UploadDataStream: an empty body has none, as Electron's net.fetch
// pipes the body into its ClientRequest, which starts a request nothing was written to without
// one (HttpNetworkTransaction then gives a POST or PUT Content-Length: 0).
function hasUpload(
  body: Uint8Array | ReadableStream<Uint8Array> | null | undefined,
): body is Uint8Array | ReadableStream<Uint8Array> {
  return body instanceof ReadableStream || (body !== undefined && body !== null && body.length > 0);
}

// UploadDataStream::Read from `position` (the start of the body unless given).
function logUploadRead(sink: NetLogSink, source: NetLogSource, position = 0): void {
  sink.add({
    type: "UPLOAD_DATA_STREAM_READ",
    phase: "PHASE_BEGIN",
    source,
    params: { current_position: position },
  });
  sink.add({ type: "UPLOAD_DATA_STREAM_READ", phase: "PHASE_END", source });
}

/**
 * Records the status line and headers as `HTTP_TRANSACTION_READ_RESPONSE_HEADERS`.
 *
 * @param sink The session's net log.
 * @param source The request's source.
 * @param reply The response head.
 *
 * @example
 * ```ts
 * import { logResponseHeaders } from "./transaction_log.ts";
 * const sink = {
 *   capturing: true,
 *   newSource: (type: string) => ({ id: 1, type, startTime: Date.now() }),
 *   add: (entry: { params?: Record<string, unknown> }) => console.log(entry.params?.headers),
 * };
 * const reply = { httpVersion: "1.1" as const, status: 200, statusText: "OK", headers: [] };
 * logResponseHeaders(sink, sink.newSource("URL_REQUEST"), reply); // ["HTTP/1.1 200 OK"]
 * ```
 */
export function logResponseHeaders(
  sink: NetLogSink,
  source: NetLogSource,
  reply: Pick<Http1Response, "httpVersion" | "status" | "statusText" | "headers">,
): void {
  const statusLine = `HTTP/${reply.httpVersion} ${reply.status}` +
    (reply.statusText === "" ? "" : ` ${reply.statusText}`);
  sink.add({
    type: "HTTP_TRANSACTION_READ_RESPONSE_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: { headers: [statusLine, ...reply.headers.map(([name, value]) => `${name}: ${value}`)] },
  });
}

/**
 * A listener that logs an exchange's socket traffic as `SOCKET_BYTES_SENT` /
 * `SOCKET_BYTES_RECEIVED` with `{byte_count, bytes}`, as Chromium's
 * `NetLogWithSource::AddByteTransferEvent`; on a TLS connection the bytes are its plaintext, so
 * they are `SSL_SOCKET_BYTES_SENT` / `SSL_SOCKET_BYTES_RECEIVED`, as Chromium's
 * SSLClientSocketImpl logs them (the encrypted records are not seen here). `bytes` is handed over as written or received (a
 * Latin-1 string or bytes, no copy): the sink writes it, as base64, only in a capture mode that
 * keeps socket bytes, and drops it otherwise.
 *
 * @param netLog The request's log.
 * @param encrypted Whether the exchange runs over TLS.
 * @param afterHead Called once the exchange's first write (its head) is logged: the body events
 *   {@linkcode logRequestHeaders} handed back.
 * @returns The listener for `exchange`'s `onBytes`.
 *
 * @example
 * ```ts
 * import { socketBytesLogger } from "./transaction_log.ts";
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = {
 *   capturing: true,
 *   newSource: () => source,
 *   add: (entry: { type: string; params?: Record<string, unknown> }) =>
 *     console.log(entry.type, entry.params?.byte_count),
 * };
 * socketBytesLogger({ sink, source })("sent", "GET / HTTP/1.1\r\n\r\n"); // SOCKET_BYTES_SENT 18
 * ```
 */
export function socketBytesLogger(
  netLog: NetLogWithSource,
  encrypted = false,
  afterHead?: () => void,
): SocketBytesListener {
  const { sink, source } = netLog;
  const [sent, received] = encrypted
    ? ["SSL_SOCKET_BYTES_SENT", "SSL_SOCKET_BYTES_RECEIVED"]
    : ["SOCKET_BYTES_SENT", "SOCKET_BYTES_RECEIVED"];
  let pending = afterHead;
  return (direction, bytes) => {
    sink.add({
      type: direction === "sent" ? sent : received,
      phase: "PHASE_NONE",
      source,
      params: { byte_count: bytes.length, bytes },
    });
    // The exchange's first write is its head.
    if (pending !== undefined && direction === "sent") {
      const events = pending;
      pending = undefined;
      events();
    }
  };
}
