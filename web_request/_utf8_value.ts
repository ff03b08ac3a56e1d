/**
 * Header values as Electron's webRequest shows and takes them. Chromium keeps header values as
 * bytes (`std::string`), and Electron hands them to JavaScript as UTF-8 text (gin's
 * `StringToV8`, `v8::String::NewFromUtf8`, which puts U+FFFD for a bad sequence) and reads an
 * answer's text back as UTF-8 bytes: a server's `filename=aa中aa.txt` shows as such, and a
 * listener's `é` is sent as C3 A9. Here header values travel as byte strings (fetch's
 * `Headers` and the transport's raw lines hold one character per byte), so a value with a byte
 * above 0x7F is decoded for a details object and encoded back for the wire; ASCII, the common
 * case, is left as it is.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { RawLines } from "./_header_object.ts";

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * A header value as a listener sees it.
 *
 * @param bytes The value, one character per byte.
 * @returns Its bytes read as UTF-8 (U+FFFD for a bad sequence); ASCII unchanged.
 *
 * @example
 * ```ts
 * import { shownValue } from "./_utf8_value.ts";
 * console.log(shownValue("aa\xe4\xb8\xadaa")); // aa中aa
 * ```
 */
export function shownValue(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}

/**
 * A listener's header value as it goes on the wire.
 *
 * @param text The value a listener answered.
 * @returns Its UTF-8 bytes, one character per byte; ASCII unchanged.
 *
 * @example
 * ```ts
 * import { sentValue } from "./_utf8_value.ts";
 * console.log(sentValue("é") === "\xc3\xa9"); // true
 * ```
 */
export function sentValue(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}

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
    if (NON_ASCII.test(raw[i]![1])) {
      shown = raw.map(([name, value]) => [name, shownValue(value)] as const);
      break;
    }
  }
  lastLines = raw;
  lastShown = shown;
  return shown;
}
