/**
 * JSON of an untrusted extension (manifest, messages, rule files) read as Chromium's
 * `base::JSONReader` reads it: a leading byte order mark allowed, nesting capped at 200
 * (`JSONReader::kStackMaxDepth`). The cap also keeps a hostile file from overflowing the
 * stack of `JSON.parse` (Bun) or of the copies made later (`structuredClone`).
 *
 * @module
 */

/** Chromium's `JSONReader::kStackMaxDepth`. */
const MAX_DEPTH = 200;

/** Chromium's JSON reader's message for input nested deeper than {@linkcode MAX_DEPTH}. */
export const TOO_MUCH_NESTING = "Too much nesting.";

/**
 * Parses extension JSON.
 *
 * @param text The file's text.
 * @returns The value.
 * @throws {SyntaxError} From `JSON.parse` for text that is not JSON, or with
 * {@linkcode TOO_MUCH_NESTING} for arrays and objects nested more than 200 deep.
 */
export function parseExtensionJson(text: string): unknown {
  const json = text.replace(/^\uFEFF/, "");
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // a backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > MAX_DEPTH) throw new SyntaxError(TOO_MUCH_NESTING);
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return JSON.parse(json);
}
