/**
 * A response's raw header lines as webRequest listeners see them: values read as UTF-8, as
 * Electron shows net's `std::string` values (core/header_text.ts).
 *
 * @module
 */

import { isNonAscii, shownValue } from "../core/header_text.ts";
import type { RawLines } from "./_header_object.ts";

// The last lines asked about and what they show: one response's events ask in a row.
let lastLines: RawLines | undefined;
let lastShown: RawLines = [];

/**
 * A response's raw header lines with their values as listeners see them.
 *
 * @param raw The lines, values one character per byte.
 * @returns `raw` itself when every value is ASCII, else a copy with values read as UTF-8.
 *
 * @example
 * ```ts
 * import { shownLines } from "./_utf8_value.ts";
 * console.log(shownLines([["X-A", "\xc3\xa9"]])); // [ [ "X-A", "é" ] ]
 * ```
 */
export function shownLines(raw: RawLines): RawLines {
  if (raw === lastLines) return lastShown;
  let shown: RawLines = raw;
  for (let i = 0; i < raw.length; i++) {
    if (isNonAscii(raw[i]![1])) {
      shown = raw.map(([name, value]) => [name, shownValue(value)] as const);
      break;
    }
  }
  lastLines = raw;
  lastShown = shown;
  return shown;
}
