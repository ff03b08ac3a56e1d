/**
 * The order `base::Value::Dict` keeps its keys in (a flat_map of UTF-8 strings: bytewise), so
 * checks over an extension's JSON meet entries, and report the first bad one, as Chromium does.
 *
 * @module
 */

/**
 * Compares two strings by their UTF-8 bytes without encoding them: UTF-8 orders as code points
 * do, and UTF-16 code units order as code points except that surrogates (code points past
 * U+FFFF) must sort after U+E000–U+FFFF. Encoding each key per comparison cost 16 s for a
 * 200,000-message catalog under Bun. A lone surrogate sorts as a code point past U+FFFF (UTF-8
 * encoders write U+FFFD for it; no valid name holds one).
 *
 * @param a One string.
 * @param b The other.
 * @returns Negative, zero or positive, as `Buffer.compare` of their UTF-8 forms.
 *
 * @example
 * ```ts
 * import { compareUtf8 } from "./_dict_keys.ts";
 * console.log(compareUtf8("\u{1F600}", "\uFF01") > 0, "B" < "a"); // true true
 * ```
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates move above U+E000–U+FFFF, which move down into the room the surrogates left.
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/**
 * An object's keys in `base::Value::Dict` order.
 *
 * @param record The JSON object.
 * @returns Its keys, sorted by their UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { dictKeys } from "./_dict_keys.ts";
 * console.log(dictKeys({ b: 1, B: 2, a: 3 })); // ["B", "a", "b"]
 * ```
 */
export function dictKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort(compareUtf8);
}
