/**
 * Builds the `Response` the cache serves from a stored entry.
 *
 * @module
 */

import { setResponseInfo } from "../core/response_info.ts";
import type { CacheEntry } from "./cache_entry.ts";

/** How to shape a response served from the cache. */
export interface CachedResponseOptions {
  /** The request URL the response answers. */
  url: string;
  /** `HEAD` gets the head alone. */
  head: boolean;
  /** The current age in ms, sent as `Age` (RFC 9111 §4: a reused response carries one). */
  age: number;
  /** Fields to leave out (`no-cache="name"` when served without revalidation). */
  omit: readonly string[];
  /** A satisfiable byte range of the body: answered with 206. */
  range?: { start: number; end: number };
}

/**
 * Makes a response from a stored entry, labelled like a network one (`url`, `ResponseInfo`)
 * with `fromCache: true`.
 *
 * @param entry The stored response.
 * @param options URL, method, age, omitted fields and range.
 * @returns A fresh `Response` whose body streams the stored bytes.
 */
export function cachedResponse(entry: CacheEntry, options: CachedResponseOptions): Response {
  const { url, head, age, omit, range } = options;
  const rawHeaders: Array<readonly [string, string]> = [];
  const headers = new Headers();
  const add = (name: string, value: string) => {
    rawHeaders.push([name, value]);
    headers.append(name, value);
  };
  for (const line of entry.rawHeaders) {
    const lower = line[0].toLowerCase();
    if (lower === "age" || omit.includes(lower)) continue;
    if (range !== undefined && (lower === "content-length" || lower === "content-range")) continue;
    add(line[0], line[1]);
  }
  add("Age", String(Math.floor(age / 1000)));
  let status = entry.status;
  let statusText = entry.statusText;
  let body = entry.body;
  if (range !== undefined) {
    status = 206;
    statusText = "Partial Content";
    body = body.subarray(range.start, range.end + 1);
    add("Content-Range", `bytes ${range.start}-${range.end}/${entry.body.byteLength}`);
    add("Content-Length", String(body.byteLength));
  }
  const nullBody = head || status === 204 || status === 304;
  const bytes = body as Uint8Array<ArrayBuffer>;
  const response = new Response(nullBody ? null : bytes, { status, statusText, headers });
  // Only the runtime's fetch can set `url`; an own property shadows the getter, as net/ does.
  Object.defineProperty(response, "url", { value: url, configurable: true });
  setResponseInfo(response, {
    httpVersion: entry.httpVersion,
    statusLine: `HTTP/${entry.httpVersion} ${status} ${statusText}`,
    rawHeaders,
    remoteAddress: entry.remoteAddress,
    remotePort: entry.remotePort,
    proxy: { scheme: "direct" },
    connectionReused: false,
    fromCache: true,
  });
  return response;
}
