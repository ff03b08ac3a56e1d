/**
 * A response's raw header lines as webRequest listeners see them: values read as UTF-8, as
 * Electron shows net's `std::string` values (core/header_text.ts).
 *
 * @module
 */

import { isNonAscii, shownValue } from "../core/header_text.ts";
import { objectSlot } from "../core/object_slot.ts";
import type { RawLines } from "./_header_object.ts";

// What lines asked about show: a response's three events (headers, start, completion) ask
// about the same lines, and other requests' events may come between them; a scan of seven
// values costs 100–170 ns, a lookup here 5–7 ns (Deno and Bun, 2026-11-30). A slot, not a
// WeakMap: see core/object_slot.ts.
const shownOf = objectSlot<RawLines, RawLines>("shown lines");

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
  let shown = shownOf.get(raw);
  if (shown !== undefined) return shown;
  shown = raw;
  for (let i = 0; i < raw.length; i++) {
    if (isNonAscii(raw[i]![1])) {
      shown = raw.map(([name, value]) => [name, shownValue(value)] as const);
      break;
    }
  }
  shownOf.set(raw, shown);
  return shown;
}
