/**
 * Net log events of one HTTP transaction, in Chromium's names and parameter shapes.
 *
 * @module
 */

import type { NetLogSink, NetLogSource } from "../core/net_log_sink.ts";
import type { Http1Response } from "./http1_client.ts";

/**
 * Records the request line and headers as `HTTP_TRANSACTION_SEND_REQUEST_HEADERS`.
 *
 * @param sink The session's net log.
 * @param source The request's source.
 * @param requestLine Like `GET /path HTTP/1.1`.
 * @param headers The header lines as sent.
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
): void {
  sink.add({
    type: "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: {
      line: `${requestLine}\r\n`,
      headers: headers.map(([name, value]) => `${name}: ${value}`),
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
