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
