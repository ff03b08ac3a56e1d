/**
 * The record the HTTP cache keeps for one stored response.
 *
 * @module
 */

/** One stored response: its head as received, the request facts that select it, its body. */
export interface CacheEntry {
  /** The store key: the URL, plus the Vary-selected request header values when there are any. */
  readonly key: string;
  /** The request URL (without fragment) the response answered. */
  readonly url: string;
  /** The status code. */
  readonly status: number;
  /** The reason phrase. */
  readonly statusText: string;
  /** The status line's protocol version. */
  readonly httpVersion: "1.0" | "1.1";
  /** The header lines as received, minus hop-by-hop fields and `Set-Cookie`. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  /**
   * The Vary-selected request headers when it was stored: lower-case name and value (`null`
   * when the request had none). A later request must have the same values to be served.
   */
  readonly vary: ReadonlyArray<readonly [string, string | null]>;
  /** When the request that got this response was sent, in ms since the epoch. */
  readonly requestTime: number;
  /** When the response head arrived, in ms since the epoch (RFC 9111 §4.2.3 `response_time`). */
  readonly responseTime: number;
  /** The peer the response came from. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** The body as it came over the wire (still content-encoded). */
  readonly body: Uint8Array;
}

/**
 * The store key of a response: the URL alone, or the URL plus the Vary-selected request
 * header values (RFC 9111 §4.1), so each variant is its own entry.
 *
 * @param url The request URL without fragment.
 * @param vary The Vary-selected request headers (lower-case names, values or `null`).
 * @returns The key.
 *
 * @example
 * ```ts
 * import { cacheKey } from "./cache_entry.ts";
 * console.log(cacheKey("http://a.test/", [])); // http://a.test/
 * console.log(cacheKey("http://a.test/", [["accept-language", "fr"]]));
 * // http://a.test/ ["accept-language","fr"]
 * ```
 */
export function cacheKey(url: string, vary: CacheEntry["vary"]): string {
  if (vary.length === 0) return url;
  // A URL holds no space, so the separator cannot be confused with a longer URL.
  return `${url} ${vary.map(([name, value]) => JSON.stringify([name, value]).slice(1, -1)).join()}`;
}

/**
 * The size an entry counts for against the cache limit: body plus head, in bytes (the head
 * approximated by its characters).
 *
 * @param entry The entry.
 * @returns Bytes.
 *
 * @example
 * ```ts
 * import { entrySize } from "./cache_entry.ts";
 * const size = entrySize({
 *   key: "http://a.test/", url: "http://a.test/", status: 200, statusText: "OK",
 *   httpVersion: "1.1", rawHeaders: [["A", "1"]], vary: [], requestTime: 0, responseTime: 0,
 *   remoteAddress: "", remotePort: 0, body: new Uint8Array(100),
 * });
 * console.log(size > 100); // true
 * ```
 */
export function entrySize(entry: CacheEntry): number {
  let head = entry.key.length + entry.url.length + entry.statusText.length + 64;
  for (const [name, value] of entry.rawHeaders) head += name.length + value.length + 4;
  return entry.body.byteLength + head;
}
