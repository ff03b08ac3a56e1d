/**
 * Byte helpers for header and URL text, private to downloads/.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/**
 * Decodes `%XX` escapes to bytes; other characters stand for their own code (≤ 0xFF).
 *
 * @param text The escaped text.
 * @param strict When true, a `%` not followed by two hex digits fails; otherwise it stays.
 * @returns The bytes, or `undefined` on a malformed escape (strict) or a character above 0xFF.
 */
export function percentDecode(
  text: string,
  strict: boolean,
): Uint8Array<ArrayBuffer> | undefined {
  // Char codes and one output array, no slices: a data: URL may hold megabytes.
  const bytes = new Uint8Array(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    const high = char === PERCENT ? hexValue(text.charCodeAt(i + 1)) : -1;
    const low = high === -1 ? -1 : hexValue(text.charCodeAt(i + 2));
    if (low !== -1) {
      bytes[length++] = high * 16 + low;
      i += 2;
    } else if ((char === PERCENT && strict) || char > 0xff) {
      return undefined;
    } else {
      bytes[length++] = char;
    }
  }
  return bytes.slice(0, length);
}

const PERCENT = 0x25;

// The value of an ASCII hex digit's code, or -1 (NaN past the end of the text gives -1 too).
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * Decodes UTF-8, failing on malformed input.
 *
 * @param bytes The bytes.
 * @returns The text, or `undefined` when the bytes are not UTF-8.
 */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads a string of byte-valued characters (a header value) as its bytes.
 *
 * @param text One byte per character.
 * @returns The bytes.
 */
export function latin1Bytes(text: string): Uint8Array<ArrayBuffer> {
  // Buffer's latin1 takes each code unit's low byte, natively: a per-character map took
  // seconds for the megabytes of a data: URL. Copied out of Buffer's shared pool.
  return new Uint8Array(Buffer.from(text, "latin1"));
}
