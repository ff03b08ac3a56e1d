/**
 * RFC 9111 freshness for a private cache: lifetime (§4.2.1, §4.2.2), age (§4.2.3) and the
 * directives that decide whether a stored response may be reused.
 *
 * @module
 */

import { type CacheDirectives, deltaSeconds, parseCacheControl } from "./cache_control.ts";
import type { CacheEntry } from "./cache_entry.ts";

/**
 * Statuses a cache may give a heuristic lifetime (RFC 9110 §15.1, "heuristically cacheable").
 */
const HEURISTIC_STATUSES = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/**
 * Statuses Chromium gives a lifetime from `Last-Modified` (`HttpResponseHeaders::
 * GetFreshnessLifetimes`), a subset of the heuristically cacheable ones.
 */
const CHROMIUM_HEURISTIC_STATUSES = new Set([200, 203, 206]);

/**
 * Statuses Chromium keeps fresh for good when nothing explicit says otherwise
 * (`HttpResponseHeaders::GetFreshnessLifetimes`, "implicitly fresh"): a browser remembers a
 * permanent redirect or a gone resource until told to reload.
 */
const IMPLICITLY_FRESH = new Set([300, 301, 308, 410]);

/**
 * Final statuses this cache understands and may store given explicit freshness or validators
 * (any other final status needs explicit freshness). Not 206: this cache keeps whole responses
 * only, so a partial one would later answer a request for the whole.
 */
const STORABLE_STATUSES = new Set(
  [...HEURISTIC_STATUSES, 302, 303, 307].filter((status) => status !== 206),
);

/**
 * Final statuses never stored, whatever their freshness: 206 and 304 (see above), and the
 * challenges 401 and 407, which Chromium's cache sets aside for the auth restart
 * (HttpCache::Transaction::SetAuthResponse) instead of writing: a stored one would answer the
 * request the auth stage sends again with credentials.
 */
const NEVER_STORED = new Set([206, 304, 401, 407]);

/** How a stored response stands at one moment. */
export interface Freshness {
  /** The freshness lifetime, in ms. */
  readonly lifetime: number;
  /** The current age, in ms. */
  readonly age: number;
  /** The response's Cache-Control directives. */
  readonly directives: CacheDirectives;
  /** `no-cache` without field names: reuse only after revalidation. */
  readonly noCache: boolean;
  /**
   * `no-cache="a, b"`: those fields (lower case) are left out of a response reused without
   * revalidation.
   */
  readonly noCacheFields: readonly string[];
  /** `must-revalidate` (or `no-cache`): never served stale, neither while revalidating nor on error. */
  readonly mustRevalidate: boolean;
  /** `stale-while-revalidate` window in ms (0 when absent). */
  readonly staleWhileRevalidate: number;
  /** `stale-if-error` window in ms (0 when absent). */
  readonly staleIfError: number;
}

/**
 * Returns the value of every field line named `name`, joined with `, ` (RFC 9110 §5.3).
 *
 * @param rawHeaders Header lines.
 * @param name The field name, lower case.
 * @returns The combined value, or `null` when there is no such line.
 *
 * @example
 * ```ts
 * import { fieldValue } from "./freshness.ts";
 * console.log(fieldValue([["Cache-Control", "public"], ["cache-control", "max-age=5"]], "cache-control"));
 * // public, max-age=5
 * ```
 */
export function fieldValue(
  rawHeaders: ReadonlyArray<readonly [string, string]>,
  name: string,
): string | null {
  let value: string | null = null;
  for (const [field, fieldValue] of rawHeaders) {
    if (field.length === name.length && field.toLowerCase() === name) {
      value = value === null ? fieldValue : `${value}, ${fieldValue}`;
    }
  }
  return value;
}

/**
 * Computes how fresh a stored response is at `now`.
 *
 * @param entry The stored response.
 * @param now The moment, in ms since the epoch.
 * @returns Lifetime, age and the directives that govern reuse.
 *
 * @example
 * ```ts
 * import { freshness } from "./freshness.ts";
 * const now = Date.now();
 * const state = freshness({
 *   key: "k", url: "http://a.test/", status: 200, statusText: "OK", httpVersion: "1.1",
 *   rawHeaders: [["Cache-Control", "max-age=60"]], vary: [], requestTime: now,
 *   responseTime: now, remoteAddress: "", remotePort: 0, body: new Uint8Array(),
 * }, now + 1000);
 * console.log(state.lifetime, state.age); // 60000 1000
 * ```
 */
export function freshness(entry: CacheEntry, now: number): Freshness {
  let fixed = computed.get(entry);
  if (fixed === undefined) computed.set(entry, fixed = fixedFreshness(entry));
  return { ...fixed.state, age: fixed.initialAge + Math.max(0, now - entry.responseTime) };
}

/**
 * Everything but the resident time depends on the entry alone, and entries are immutable, so a
 * hit on an entry kept in memory parses its head once.
 */
const computed = new WeakMap<CacheEntry, { state: Freshness; initialAge: number }>();

function fixedFreshness(entry: CacheEntry): { state: Freshness; initialAge: number } {
  const headers = entry.rawHeaders;
  const directives = parseCacheControl(fieldValue(headers, "cache-control"));
  const date = parseHttpDate(fieldValue(headers, "date"));
  const noCacheValue = directives.get("no-cache");
  // Chromium takes a response's `Pragma: no-cache` as `Cache-Control: no-cache` whatever else
  // Cache-Control says (HttpResponseHeaders::GetFreshnessLifetimes, "for backwards compat"):
  // RFC 9111 §5.4 defines Pragma for requests alone and leaves the response's to the cache.
  const noCache = noCacheValue === "" ||
    /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(fieldValue(headers, "pragma") ?? "");
  const state: Freshness = {
    lifetime: lifetime(entry.status, headers, directives, date ?? entry.responseTime),
    age: 0,
    directives,
    noCache,
    // Lower-cased: field names are case-insensitive (RFC 9110 §5.1), and the served lines are
    // matched by their lower-cased names.
    noCacheFields: noCacheValue
      ? noCacheValue.split(",").map((name) => name.trim().toLowerCase())
      : [],
    mustRevalidate: directives.has("must-revalidate") || noCache,
    staleWhileRevalidate: (deltaSeconds(directives, "stale-while-revalidate") ?? 0) * 1000,
    staleIfError: (deltaSeconds(directives, "stale-if-error") ?? 0) * 1000,
  };
  return { state, initialAge: initialAge(entry, date) };
}

/**
 * Whether a response to a GET may be stored by a private cache (RFC 9111 §3): no `no-store`, no
 * `Vary: *`, and something that makes it reusable — for a status the cache understands
 * (heuristically cacheable, or 302, 303, 307) explicit freshness, `Last-Modified` for the
 * heuristic, a validator to revalidate it with, or a status Chromium keeps fresh implicitly
 * (300, 301, 308, 410); for any other final status but 206, 304, 401 and 407 (a 201, 403,
 * 500, 503...) explicit freshness (`max-age` or `Expires`), as RFC 9111 §3 allows and Chromium stores them.
 * `private` and `Authorization` do not prevent storing in a private cache.
 *
 * @param status The response status.
 * @param rawHeaders The response header lines.
 * @returns Whether to store it.
 *
 * @example
 * ```ts
 * import { isStorable } from "./freshness.ts";
 * console.log(isStorable(200, [["Cache-Control", "max-age=60"]])); // true
 * console.log(isStorable(200, [["Cache-Control", "no-store, max-age=60"]])); // false
 * console.log(isStorable(200, [["Vary", "*"], ["ETag", '"a"']])); // false
 * console.log(isStorable(301, [["Location", "/b"]])); // true
 * console.log(isStorable(503, [["Cache-Control", "max-age=5"]])); // true
 * console.log(isStorable(503, [["ETag", '"a"']])); // false
 * ```
 */
export function isStorable(
  status: number,
  rawHeaders: ReadonlyArray<readonly [string, string]>,
): boolean {
  const understood = STORABLE_STATUSES.has(status);
  if (!understood && (status < 200 || status > 599 || NEVER_STORED.has(status))) return false;
  // One pass over the lines: this runs for every response a cacheable request gets.
  let cacheControl: string | null = null;
  let vary: string | null = null;
  let expires = false;
  let validator = false;
  for (let i = 0; i < rawHeaders.length; i++) {
    const line = rawHeaders[i]!;
    const field = line[0];
    // Only names as long as one it looks for are lower-cased (a string each): most are not.
    const length = field.length;
    if (length !== 13 && length !== 4 && length !== 7) continue;
    const value = line[1];
    switch (field.toLowerCase()) {
      case "cache-control":
        cacheControl = cacheControl === null ? value : `${cacheControl}, ${value}`;
        break;
      case "vary":
        vary = vary === null ? value : `${vary}, ${value}`;
        break;
      case "expires":
        expires = true;
        break;
      case "etag":
      case "last-modified":
        validator = true;
    }
  }
  // Validators make a reusable entry of an understood status alone; of any other, only
  // explicit freshness does.
  const reusable = expires || (understood && validator);
  if (cacheControl === null && !reusable && !IMPLICITLY_FRESH.has(status)) return false;
  const directives = parseCacheControl(cacheControl);
  if (directives.has("no-store")) return false;
  if (varyNames(vary) === "*") return false;
  return reusable || directives.has("max-age") || IMPLICITLY_FRESH.has(status);
}

/**
 * Splits a `Vary` value into lower-case field names.
 *
 * @param value The `Vary` value, or `null`.
 * @returns The names, or `"*"` when it varies on everything.
 *
 * @example
 * ```ts
 * import { varyNames } from "./freshness.ts";
 * console.log(varyNames("Accept-Encoding, Accept-Language")); // ["accept-encoding","accept-language"]
 * console.log(varyNames("accept, *")); // *
 * ```
 */
export function varyNames(value: string | null): string[] | "*" {
  if (value === null) return [];
  const names: string[] = [];
  for (const part of value.split(",")) {
    const name = part.trim().toLowerCase();
    if (name === "*") return "*";
    if (name !== "" && !names.includes(name)) names.push(name);
  }
  return names.sort();
}

/**
 * What each of the three HTTP-date formats has: a month name, then an `hh:mm:ss` time. The
 * runtimes' `Date.parse` also reads a bare number as a year ("3600", "-1") and takes ISO dates,
 * which are not HTTP-dates and must count as invalid (RFC 9111 §5.3: already expired).
 */
const HTTP_DATE_SHAPE =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b.*\b\d\d:\d\d:\d\d\b/i;

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 and asctime
 * formats, and near misses of them that name a month and a time, as browsers accept them.
 *
 * @param value The field value, or `null`.
 * @returns Milliseconds since the epoch, or `undefined` when absent or invalid.
 *
 * @example
 * ```ts
 * import { parseHttpDate } from "./freshness.ts";
 * console.log(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")); // 784111777000
 * console.log(parseHttpDate("soon")); // undefined
 * console.log(parseHttpDate("3600")); // undefined
 * ```
 */
export function parseHttpDate(value: string | null): number | undefined {
  if (value === null || !HTTP_DATE_SHAPE.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function lifetime(
  status: number,
  headers: ReadonlyArray<readonly [string, string]>,
  directives: CacheDirectives,
  date: number,
): number {
  // A private cache ignores s-maxage (§5.2.2.10).
  const maxAge = deltaSeconds(directives, "max-age");
  if (maxAge !== undefined) return maxAge * 1000;
  const expiresValue = fieldValue(headers, "expires");
  if (expiresValue !== null) {
    // An invalid Expires, like "0", means already expired (§5.3).
    const expires = parseHttpDate(expiresValue);
    return expires === undefined ? 0 : Math.max(0, expires - date);
  }
  // §4.2.2 allows a heuristic for every heuristically cacheable status; Chromium (so Electron)
  // gives one to 200, 203 and 206 only, never under must-revalidate, and none for a
  // Last-Modified after Date: 10% of the time since Last-Modified.
  if (CHROMIUM_HEURISTIC_STATUSES.has(status) && !directives.has("must-revalidate")) {
    const lastModified = parseHttpDate(fieldValue(headers, "last-modified"));
    if (lastModified !== undefined && lastModified <= date) return (date - lastModified) / 10;
  }
  return IMPLICITLY_FRESH.has(status) ? Infinity : 0;
}

/** RFC 9111 §4.2.3 `corrected_initial_age`; the current age adds the resident time to it. */
function initialAge(entry: CacheEntry, date: number | undefined): number {
  const apparentAge = date === undefined ? 0 : Math.max(0, entry.responseTime - date);
  const responseDelay = entry.responseTime - entry.requestTime;
  const correctedAgeValue = ageSeconds(fieldValue(entry.rawHeaders, "age")) * 1000 + responseDelay;
  return Math.max(apparentAge, correctedAgeValue);
}

/**
 * RFC 9111 §5.1 `age_value`: a list's first member (two caches on the way may each have added
 * a line), as `1*DIGIT` saturated like any delta-seconds; anything else is ignored (0), as
 * Chromium's `HttpResponseHeaders::GetAgeValue` reads it. `Number` would take "1e3", "0x10"
 * or "-5", and make a list 0, so a response aged past its lifetime would look fresh.
 */
function ageSeconds(value: string | null): number {
  if (value === null) return 0;
  const comma = value.indexOf(",");
  const first = (comma === -1 ? value : value.slice(0, comma)).trim();
  return /^\d+$/.test(first) ? Math.min(Number(first), 2 ** 31) : 0;
}
