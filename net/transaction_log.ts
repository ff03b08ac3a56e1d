/**
 * Net log events of one HTTP transaction, in Chromium's names and parameter shapes.
 *
 * @module
 */

import type { NetLogSink, NetLogSource, NetLogWithSource } from "../core/net_log_sink.ts";
import type { Http1Response, SocketBytesListener } from "./http1_client.ts";

/**
 * Records the request line and headers as `HTTP_TRANSACTION_SEND_REQUEST_HEADERS`, with the
 * body framing header the codec adds (`Content-Length` for bytes, `Transfer-Encoding: chunked`
 * for a stream, `Content-Length: 0` for a POST or PUT without a body; the caller's own framing
 * headers never reach the codec), and a body as `HTTP_TRANSACTION_SEND_REQUEST_BODY`
 * (`{length, is_chunked, did_merge}`; a chunked body's length is 0), as Chromium's
 * HttpNetworkTransaction::BuildRequestHeaders and HttpStreamParser::SendRequest log them.
 *
 * @param sink The session's net log.
 * @param source The request's source.
 * @param requestLine Like `GET /path HTTP/1.1`.
 * @param headers The header lines as sent, without the framing header.
 * @param body The body as it goes to the codec (`undefined` or `null`: none).
 * @param mergeLimit The largest body the codec sends in the head's write (did_merge).
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
): void {
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
  if (body === undefined || body === null) return;
  const length = chunked ? 0 : body.length;
  sink.add({
    type: "HTTP_TRANSACTION_SEND_REQUEST_BODY",
    phase: "PHASE_NONE",
    source,
    params: {
      length,
      is_chunked: chunked,
      did_merge: length > 0 && length <= mergeLimit,
    },
  });
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
): SocketBytesListener {
  const { sink, source } = netLog;
  const [sent, received] = encrypted
    ? ["SSL_SOCKET_BYTES_SENT", "SSL_SOCKET_BYTES_RECEIVED"]
    : ["SOCKET_BYTES_SENT", "SOCKET_BYTES_RECEIVED"];
  return (direction, bytes) =>
    sink.add({
      type: direction === "sent" ? sent : received,
      phase: "PHASE_NONE",
      source,
      params: { byte_count: bytes.length, bytes },
    });
}
