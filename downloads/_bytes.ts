/**
 * Byte helpers for header and URL text, private to downloads/.
 *
 * @module
 */

/**
 * Decodes `%XX` escapes to bytes; other characters stand for their own code (≤ 0xFF).
 *
 * @param text The escaped text.
 * @param strict When true, a `%` not followed by two hex digits fails; otherwise it stays.
 * @returns The bytes, or `undefined` on a malformed escape (strict) or a character above 0xFF.
 */
export function percentDecode(text: string, strict: boolean): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if ((text[i] === "%" && strict) || char > 0xff) {
      return undefined;
    } else {
      bytes.push(char);
    }
  }
  return Uint8Array.from(bytes);
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
export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}
