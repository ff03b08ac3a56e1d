/**
 * The entries the crash test writes and checks: each body is a function of its URL id,
 * version and length, all three recorded in its head.
 *
 * @module
 */

import { type CacheEntry, cacheKey } from "../cache_entry.ts";

/** The bytes of entry `id` at `version`, `length` long. */
export function crashBody(id: number, version: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = (id * 2654435761 + version * 40503 + 1) >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** The entry for `id` at `version` with `body`. */
export function crashEntry(id: number, version: number, body: Uint8Array): CacheEntry {
  const url = `http://crash.test/${id}`;
  return {
    key: cacheKey(url, []),
    url,
    status: 200,
    statusText: "OK",
    httpVersion: "1.1",
    rawHeaders: [["x-id", String(id)], ["x-version", String(version)], [
      "x-length",
      String(body.byteLength),
    ]],
    vary: [],
    requestTime: 0,
    responseTime: 0,
    remoteAddress: "",
    remotePort: 0,
    body,
  };
}
