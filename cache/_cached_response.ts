/**
 * Builds the `Response` the cache serves from a stored entry.
 *
 * @module
 */

import { setResponseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { setResponseUrl } from "../core/response_url.ts";
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
  /**
   * The caller's signal: an abort before the body is read errors it with `net::ERR_ABORTED`
   * (the caller sees the abort's reason), as the network's body does when its socket closes.
   */
  signal?: AbortSignal;
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
  const { url, head, age, omit, range, signal } = options;
  const rawHeaders = omit.length === 0 && range === undefined
    ? [...servedLines(entry)]
    : entry.rawHeaders.filter(([name]) => {
      const lower = name.toLowerCase();
      if (lower === "age" || omit.includes(lower)) return false;
      return range === undefined || (lower !== "content-length" && lower !== "content-range");
    });
  rawHeaders.push(["Age", String(Math.floor(age / 1000))]);
  let status = entry.status;
  let statusText = entry.statusText;
  let body = entry.body;
  if (range !== undefined) {
    status = 206;
    statusText = "Partial Content";
    body = body.subarray(range.start, range.end + 1);
    rawHeaders.push([
      "Content-Range",
      `bytes ${range.start}-${range.end}/${entry.body.byteLength}`,
    ]);
    rawHeaders.push(["Content-Length", String(body.byteLength)]);
  }
  // The fetch standard's null body statuses (a stored 205 too: with a body, even an empty
  // one, Deno's Response constructor throws); 101 and 103 are never final, so never stored.
  const nullBody = head || status === 204 || status === 205 || status === 304;
  const bytes = body as Uint8Array<ArrayBuffer>;
  const response = new Response(
    nullBody ? null : signal === undefined ? bytes : abortableBytes(bytes, signal, url),
    { status, statusText },
  );
  // Appended after construction: Deno's Response constructor, given headers, also builds a
  // native copy of them for Deno.serve, which made it several times slower than the appends.
  const headers = response.headers;
  for (const [name, value] of rawHeaders) headers.append(name, value);
  // Only the runtime's fetch can set `url`; the label also keeps it on `clone()`.
  setResponseUrl(response, url, false);
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

/** The stored lines a plain hit serves (all but `Age`), worked out once per entry. */
const served = new WeakMap<CacheEntry, ReadonlyArray<readonly [string, string]>>();

function servedLines(entry: CacheEntry): ReadonlyArray<readonly [string, string]> {
  let lines = served.get(entry);
  if (lines === undefined) {
    lines = entry.rawHeaders.filter(([name]) => name.toLowerCase() !== "age");
    served.set(entry, lines);
  }
  return lines;
}

/**
 * The stored bytes as a stream that fails with `net::ERR_ABORTED` when the caller aborts before
 * reading it: the fetch standard's "abort the fetch() call" errors a body still readable, and
 * Electron's `net.fetch` cancels its loader whether the cache or the network answers. Once read,
 * the bytes are handed over whole, as a body received in full.
 */
function abortableBytes(
  bytes: Uint8Array<ArrayBuffer>,
  signal: AbortSignal,
  url: string,
): ReadableStream<Uint8Array> {
  let abort = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      abort = () =>
        controller.error(new SessionError("ERR_ABORTED", { cause: signal.reason, url }));
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
    },
    pull(controller) {
      signal.removeEventListener("abort", abort);
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
    cancel() {
      signal.removeEventListener("abort", abort);
    },
  }, { highWaterMark: 0 });
}
