/**
 * The spelling of request header names in `details.requestHeaders`. Electron shows them as
 * Chromium's `net::HttpRequestHeaders` holds them: the headers Chromium adds in their
 * conventional capitalisation (`User-Agent`, `Accept-Language`, `Cookie`; the constants of
 * `net/http/http_request_headers.cc`), a page's as the page spelled them. fetch's `Headers`
 * keeps no case (every name comes out lower-case), so the caller's own spelling is lost by the
 * time a stage sees the request: every name gets the conventional spelling.
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
 * import { requestHeaderName } from "./_header_name.ts";
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

/** A request's own spelling of header names, by lower-case name. */
export type Spellings = ReadonlyMap<string, string>;

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
 * import { callerSpellings } from "./_header_name.ts";
 * console.log(callerSpellings({ "x-Custom": "1" })?.get("x-custom")); // x-Custom
 * ```
 */
export function callerSpellings(given: HeadersInit | undefined): Spellings | undefined {
  if (typeof given !== "object" || given === null || given instanceof Headers) return undefined;
  let spellings: Map<string, string> | undefined;
  const keep = (name: unknown) => {
    if (typeof name !== "string") return;
    const lower = name.toLowerCase();
    if (!(spellings ??= new Map()).has(lower)) spellings.set(lower, name);
  };
  if (Array.isArray(given)) {
    for (let i = 0; i < given.length; i++) {
      const pair: unknown = given[i];
      if (Array.isArray(pair)) keep(pair[0]);
    }
  } else if (!(Symbol.iterator in given)) {
    // A record (WebIDL): its own enumerable string keys.
    const names = Object.keys(given);
    for (let i = 0; i < names.length; i++) keep(names[i]);
  }
  return spellings;
}

/**
 * The spelling of a listener's `requestHeaders` answer: each key as written, and of keys that
 * differ only in case the first in code-unit order, the one Chromium's `SetHeader` keeps when
 * Electron hands it the answer as a sorted dictionary.
 *
 * @param answer The answer's `requestHeaders`.
 * @returns The spellings, by lower-case name.
 *
 * @example
 * ```ts
 * import { answerSpellings } from "./_header_name.ts";
 * console.log(answerSpellings({ "user-agent": "b", "User-Agent": "a" }).get("user-agent")); // User-Agent
 * ```
 */
export function answerSpellings(answer: Record<string, unknown>): Spellings {
  const names = Object.keys(answer).sort();
  const spellings = new Map<string, string>();
  for (let i = 0; i < names.length; i++) {
    const lower = names[i]!.toLowerCase();
    if (!spellings.has(lower)) spellings.set(lower, names[i]!);
  }
  return spellings;
}
