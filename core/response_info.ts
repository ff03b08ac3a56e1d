/**
 * The facts about a response that a `Response` object cannot carry: protocol version, the
 * raw header lines, the peer, the route and whether it came from the cache. One record per
 * `Response`, read by later stages (cookies, cache, webRequest, auth, the net log).
 *
 * @module
 */

import type { NetErrorCode } from "./net_errors.ts";
import type { ProxyServer } from "./proxy_resolver_like.ts";
import { objectSlot } from "./object_slot.ts";

/** What the network stack knew about a response when it made it. */
export interface ResponseInfo {
  /** The status line's protocol version, as Chromium's `HttpResponseInfo` records it. */
  readonly httpVersion: "1.0" | "1.1";
  /** The status line as received, like `HTTP/1.1 200 OK` (Electron's `statusLine`). */
  readonly statusLine: string;
  /**
   * The header lines in the order received, names as sent: repeated `Set-Cookie` and
   * `WWW-Authenticate` lines stay apart, unlike in `Headers`.
   */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  /** The IP address of the peer the bytes came from (the proxy's, through a proxy); `""` if none. */
  readonly remoteAddress: string;
  /** The peer's port; 0 if none. */
  readonly remotePort: number;
  /** The route: `{scheme: "direct"}` or the proxy used. */
  readonly proxy: ProxyServer;
  /** Whether the connection had served an earlier request. */
  readonly connectionReused: boolean;
  /** Whether the response was served from the HTTP cache. */
  readonly fromCache: boolean;
  /**
   * `true` when a protocol handler (or a `file:` read) answered in place of the network: such
   * an answer never meets the network's own steps, like HTTP auth (Chromium's auth controllers
   * live in HttpNetworkTransaction, which a handler's loader never reaches) and content
   * decoding (URLRequestHttpJob's).
   */
  readonly fromHandler?: true;
  /**
   * The error the default certificate verification found on the connection, which the verify
   * proc accepted (`callback(0)`); absent when the certificate verified. Chromium keeps such an
   * error in the connection's `SSLInfo.cert_status`, so the response teaches no HSTS host.
   */
  readonly certStatusError?: NetErrorCode;
}

// A slot, not a WeakMap: see core/object_slot.ts.
const infos = objectSlot<Response, ResponseInfo>("response info");

/**
 * Returns the facts recorded for a response.
 *
 * @param response A response from the session's pipeline.
 * @returns Its record, or `undefined` for a response made elsewhere (a stage's own).
 *
 * @example
 * ```ts
 * import { responseInfo, setResponseInfo } from "./response_info.ts";
 * const response = new Response("hi");
 * setResponseInfo(response, {
 *   httpVersion: "1.1",
 *   statusLine: "HTTP/1.1 200 OK",
 *   rawHeaders: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
 *   remoteAddress: "127.0.0.1",
 *   remotePort: 8080,
 *   proxy: { scheme: "direct" },
 *   connectionReused: false,
 *   fromCache: false,
 * });
 * console.log(responseInfo(response)?.rawHeaders.length); // 2
 * ```
 */
export function responseInfo(response: Response): ResponseInfo | undefined {
  return infos.get(response);
}

/**
 * Records the facts of a response; a stage that wraps a response in a new `Response` (decoding,
 * redirects) passes the record on with this.
 *
 * @param response The response.
 * @param info Its facts; `undefined` leaves the response without a record.
 *
 * @example
 * ```ts
 * import { responseInfo, setResponseInfo } from "./response_info.ts";
 * const original = new Response("x");
 * const wrapped = new Response(original.body);
 * setResponseInfo(wrapped, responseInfo(original));
 * console.log(responseInfo(wrapped)); // undefined
 * ```
 */
export function setResponseInfo(response: Response, info: ResponseInfo | undefined): void {
  if (info !== undefined) infos.set(response, info);
}
