/**
 * Header values as Electron's JavaScript APIs show and take them. Chromium keeps header values
 * as bytes (`std::string`), and Electron hands them to JavaScript as UTF-8 text (gin's
 * `StringToV8`, `v8::String::NewFromUtf8`, which puts U+FFFD for a bad sequence) and reads the
 * text it is given back as UTF-8 bytes: a server's `filename=aa中aa.txt` shows as such, and a
 * listener's or protocol handler's `é` is sent as C3 A9. Here header values travel as byte
 * strings (fetch's `Headers` and the transport's raw lines hold one character per byte), so a
 * value with a byte above 0x7F is decoded for JavaScript and encoded back for the wire; ASCII,
 * the common case, is left as it is. Used by webRequest's details and answers and by the
 * callback-style protocol handlers' requests and answers.
 *
 * @module
 */

import { Buffer } from "node:buffer";

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Whether a value has a character above 0x7F (so {@linkcode shownValue} or
 * {@linkcode sentValue} would change it).
 *
 * @param value A header value.
 * @returns `true` when it is not all ASCII.
 *
 * @example
 * ```ts
 * import { isNonAscii } from "./header_text.ts";
 * console.log(isNonAscii("text/plain"), isNonAscii("\xe9")); // false true
 * ```
 */
export function isNonAscii(value: string): boolean {
  return NON_ASCII.test(value);
}

/**
 * A header value as JavaScript sees it in Electron.
 *
 * @param bytes The value, one character per byte.
 * @returns Its bytes read as UTF-8 (U+FFFD for a bad sequence); ASCII unchanged.
 *
 * @example
 * ```ts
 * import { shownValue } from "./header_text.ts";
 * console.log(shownValue("aa\xe4\xb8\xadaa")); // aa中aa
 * ```
 */
export function shownValue(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}

/**
 * A header value JavaScript gave, as it goes on the wire.
 *
 * @param text The value given.
 * @returns Its UTF-8 bytes, one character per byte; ASCII unchanged.
 *
 * @example
 * ```ts
 * import { sentValue } from "./header_text.ts";
 * console.log(sentValue("é") === "\xc3\xa9"); // true
 * ```
 */
export function sentValue(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}
