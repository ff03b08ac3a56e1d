/**
 * Parses `Cache-Control` field values (RFC 9111 §5.2).
 *
 * @module
 */

/** Directives by lower-case name; a directive without a value maps to `""`. */
export type CacheDirectives = ReadonlyMap<string, string>;

const EMPTY: CacheDirectives = new Map();

/**
 * Parses a `Cache-Control` value into its directives. Names are case-insensitive (RFC 9111
 * §5.2); quoted values are unquoted; a repeated directive keeps its first value, and malformed
 * parts are skipped rather than failing the whole field, as caches must (§4.2.1).
 *
 * @param value The field value (several field lines joined by `, `), or `null` when absent.
 * @returns The directives.
 *
 * @example
 * ```ts
 * import { parseCacheControl } from "./cache_control.ts";
 * const directives = parseCacheControl('max-age=60, no-cache="set-cookie", Public');
 * console.log(directives.get("max-age"), directives.get("no-cache"), directives.has("public"));
 * // 60 set-cookie true
 * ```
 */
export function parseCacheControl(value: string | null): CacheDirectives {
  if (value === null || value === "") return EMPTY;
  const directives = new Map<string, string>();
  // A quoted value may hold commas (no-cache="a, b"), so split with a tokenizer, not split(",").
  const pattern = /[\s,]*([^\s=,]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*(?:,|$)/y;
  while (pattern.lastIndex < value.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(value);
    if (match === null) {
      // Skip the malformed part up to the next comma.
      const comma = value.indexOf(",", start);
      if (comma === -1) break;
      pattern.lastIndex = comma + 1;
      continue;
    }
    const name = match[1]!.toLowerCase();
    if (directives.has(name)) continue;
    const quoted = match[2];
    directives.set(name, quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : match[3] ?? "");
  }
  return directives;
}

/**
 * Reads a delta-seconds directive (RFC 9111 §1.2.2): a non-negative integer, saturated at
 * 2^31 seconds.
 *
 * @param directives Parsed directives.
 * @param name The directive, like `max-age`.
 * @returns Seconds, or `undefined` when absent or not a valid number.
 *
 * @example
 * ```ts
 * import { deltaSeconds, parseCacheControl } from "./cache_control.ts";
 * console.log(deltaSeconds(parseCacheControl("max-age=90"), "max-age")); // 90
 * console.log(deltaSeconds(parseCacheControl("max-age=x"), "max-age")); // undefined
 * ```
 */
export function deltaSeconds(directives: CacheDirectives, name: string): number | undefined {
  const value = directives.get(name);
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), 2 ** 31);
}
