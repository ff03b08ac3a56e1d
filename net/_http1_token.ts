/**
 * The HTTP token test (RFC 9110 `tchar`) shared by the request writer and response parser.
 *
 * @module
 */

// One lookup per character: names and methods are short, and a table beats a regex here.
const TCHAR = new Uint8Array(128);
for (
  const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
) {
  TCHAR[char.charCodeAt(0)] = 1;
}

/**
 * Tells whether `text` is a non-empty HTTP token, the syntax of methods and header names.
 *
 * @param text The method or header name.
 * @returns `true` when every character is a `tchar`.
 *
 * @example
 * ```ts
 * import { isHttpToken } from "./_http1_token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isHttpToken("Content-Type"), true);
 * assert.equal(isHttpToken("Content Type"), false);
 * assert.equal(isHttpToken(""), false);
 * ```
 */
export function isHttpToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/**
 * Finds where a run of token characters in `bytes` ends, so a parser can check a name in
 * place without making a string of it first.
 *
 * @param bytes The bytes to scan.
 * @param from Where the run starts.
 * @param to Where to stop looking.
 * @returns The offset of the first byte in `[from, to)` that is not a `tchar`, or `to`.
 *
 * @example
 * ```ts
 * import { tokenEnd } from "./_http1_token.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("Content-Type: text/plain");
 * assert.equal(tokenEnd(bytes, 0, bytes.length), 12);
 * ```
 */
export function tokenEnd(bytes: Uint8Array, from: number, to: number): number {
  let at = from;
  while (at < to && TCHAR[bytes[at]!] === 1) at++;
  return at;
}
