/**
 * The spelling of request header names as Chromium's `net::HttpRequestHeaders` holds the
 * headers it adds: their conventional capitalisation (`User-Agent`, `Accept-Language`,
 * `Cookie`; the constants of `net/http/http_request_headers.cc`). fetch's `Headers` keeps no
 * case (every name comes out lower-case), so the caller's own spelling survives only from
 * `init.headers` given as a plain object or pairs (`callerSpellings`); every other name gets the
 * conventional spelling (`requestHeaderName`). The transport puts these spellings on the wire
 * and webRequest shows them in `details.requestHeaders`, as Chromium does.
 *
 * @module
 */

/** Names remembered; past this the memory starts anew (many distinct names are rare, or hostile). */
const MAX_NAMES = 512;
/** Longer names are spelled at every meeting, never remembered: the memory stays small. */
const MAX_REMEMBERED_LENGTH = 64;

// Chromium's own spellings that the rule below would not give: `DNT` (`kDoNotTrackHeader`),
// the WebSocket handshake's `Sec-WebSocket-*` (net/websockets/websocket_handshake_constants.cc).
// Client hints (`sec-ch-ua`, `sec-ch-ua-mobile`, ...) are sent lower-case (kClientHintsNameMapping).
const WEBSOCKET = "sec-websocket-";

// By lower-case name: its spelling.
const spellings = new Map<string, string>();

/**
 * Spells a request header name as Chromium shows it: each `-`-separated word with its first
 * letter upper-case and the rest lower-case (`x-custom` → `X-Custom`), except `DNT`,
 * `Sec-WebSocket-*`, and the client hints `sec-ch-*`, which stay lower-case. Each distinct name
 * is spelled once and remembered (up to 512 names of at most 64 characters).
 *
 * @param name A header name, lower-case as `Headers` gives it.
 * @returns Its spelling.
 *
 * @example
 * ```ts
 * import { requestHeaderName } from "./header_spelling.ts";
 * console.log(requestHeaderName("user-agent"), requestHeaderName("sec-ch-ua")); // User-Agent sec-ch-ua
 * ```
 */
export function requestHeaderName(name: string): string {
  let spelled = spellings.get(name);
  if (spelled !== undefined) return spelled;
  spelled = spell(name);
  if (name.length <= MAX_REMEMBERED_LENGTH) {
    if (spellings.size >= MAX_NAMES) spellings.clear();
    spellings.set(name, spelled);
  }
  return spelled;
}

function spell(name: string): string {
  const lower = name.toLowerCase();
  if (lower === "dnt") return "DNT";
  if (lower.startsWith("sec-ch-")) return lower;
  if (lower.startsWith(WEBSOCKET)) {
    return "Sec-WebSocket-" + capitalised(lower.slice(WEBSOCKET.length));
  }
  return capitalised(lower);
}

function capitalised(lower: string): string {
  let spelled = "";
  let start = true;
  for (let i = 0; i < lower.length; i++) {
    const character = lower[i]!;
    spelled += start ? character.toUpperCase() : character;
    start = character === "-";
  }
  return spelled;
}

/**
 * A request's own spelling of header names: names in order of precedence, the first that
 * matches a lower-case name (case-insensitively) spelling it; entries that are not strings are
 * skipped. A list, not a map: a request has a handful of headers, and a scan of a list costs
 * less than a map made for each request.
 */
export type Spellings = readonly unknown[];

/**
 * The caller's spelling of its header names, from `init.headers` given as a plain object or an
 * array of pairs (a `Headers`, or another iterable that a second reading could exhaust, keeps
 * none). A name given twice keeps its first spelling, as Chromium's `HttpRequestHeaders` keeps
 * the name it first set.
 *
 * @param given The caller's `init.headers`.
 * @returns The spellings, or `undefined` when there are none to keep.
 *
 * @example
 * ```ts
 * import { callerSpellings, spellingIn } from "./header_spelling.ts";
 * console.log(spellingIn(callerSpellings({ "x-Custom": "1" })!, "x-custom")); // x-Custom
 * ```
 */
export function callerSpellings(given: HeadersInit | undefined): Spellings | undefined {
  if (typeof given !== "object" || given === null || given instanceof Headers) return undefined;
  if (Array.isArray(given)) {
    return given.map((pair: unknown) => Array.isArray(pair) ? pair[0] : undefined);
  }
  // A record (WebIDL): its own enumerable string keys.
  return Symbol.iterator in given ? undefined : Object.keys(given);
}

/**
 * The spelling a request gives a name, if it gives one.
 *
 * @param spellings The request's spellings.
 * @param lower The name, lower-case.
 * @returns The first entry equal to `lower` ignoring case, or `undefined`.
 *
 * @example
 * ```ts
 * import { spellingIn } from "./header_spelling.ts";
 * console.log(spellingIn(["X-A", "x-b"], "x-a")); // X-A
 * ```
 */
export function spellingIn(spellings: Spellings, lower: string): string | undefined {
  for (let i = 0; i < spellings.length; i++) {
    const name = spellings[i];
    if (name === lower) return name;
    if (
      typeof name === "string" && name.length === lower.length && name.toLowerCase() === lower
    ) {
      return name;
    }
  }
  return undefined;
}
