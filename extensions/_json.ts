/**
 * JSON of an untrusted extension (manifest, messages, rule files) read as Chromium's
 * `base::JSONReader` reads it: a leading byte order mark allowed, nesting capped at 200
 * (`JSONReader::kStackMaxDepth`), and on request the non-standard forms of
 * `JSON_PARSE_CHROMIUM_EXTENSIONS`. The cap also keeps a hostile file from overflowing the
 * stack of `JSON.parse` (Bun) or of the copies made later (`structuredClone`).
 *
 * @module
 */

/** Chromium's `JSONReader::kStackMaxDepth`. */
const MAX_DEPTH = 200;

/** Chromium's JSON reader's message for input nested deeper than {@linkcode MAX_DEPTH}. */
export const TOO_MUCH_NESTING = "Too much nesting.";

/** Options for {@linkcode parseExtensionJson}. */
export interface ExtensionJsonOptions {
  /**
   * Chromium's `JSON_PARSE_CHROMIUM_EXTENSIONS`, the default options of the
   * `JSONFileValueDeserializer` that reads `manifest.json` and `messages.json`: `//` and
   * `/* *\/` comments where white space may go, `\r` and `\n` unescaped inside strings, and
   * `\xNN` escapes (the code point NN). Default `false`: JSON as RFC 8259 has it.
   */
  chromiumExtensions?: boolean;
}

/**
 * Parses extension JSON.
 *
 * @param text The file's text.
 * @param options Whether Chromium's JSON extensions are read.
 * @returns The value.
 * @throws {SyntaxError} From `JSON.parse` for text that is not JSON, for an unterminated
 * comment or a `\x` escape without two hex digits, or with {@linkcode TOO_MUCH_NESTING} for
 * arrays and objects nested more than 200 deep.
 */
export function parseExtensionJson(text: string, options: ExtensionJsonOptions = {}): unknown {
  const { chromiumExtensions = false } = options;
  const json = text.replace(/^\uFEFF/, "");
  let depth = 0;
  let inString = false;
  // The extensions rewritten into standard JSON: `strict` holds json[0, copied) rewritten.
  let strict = "";
  let copied = 0;
  const rewrite = (from: number, replacement: string, to: number) => {
    strict += json.slice(copied, from) + replacement;
    copied = to;
  };
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) {
        if (chromiumExtensions && json.charCodeAt(i + 1) === 0x78) {
          const hex = json.slice(i + 2, i + 4);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new SyntaxError("Invalid escape sequence.");
          rewrite(i, `\\u00${hex}`, i + 4);
          i += 3;
        } else {
          i++; // a backslash: skip the escaped character
        }
      } else if (char === 0x22) {
        inString = false;
      } else if (chromiumExtensions && (char === 0x0a || char === 0x0d)) {
        rewrite(i, char === 0x0a ? "\\n" : "\\r", i + 1);
      }
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > MAX_DEPTH) throw new SyntaxError(TOO_MUCH_NESTING);
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    } else if (char === 0x2f && chromiumExtensions) {
      // A comment counts as white space; a lone "/" is left for JSON.parse to refuse.
      const next = json.charCodeAt(i + 1);
      let end = -1;
      if (next === 0x2f) {
        end = i + 2;
        while (end < json.length && json[end] !== "\n" && json[end] !== "\r") end++;
      } else if (next === 0x2a) {
        const close = json.indexOf("*/", i + 2);
        if (close < 0) throw new SyntaxError("Unterminated comment.");
        end = close + 2;
      }
      if (end >= 0) {
        rewrite(i, " ", end);
        i = end - 1;
      }
    }
  }
  return JSON.parse(copied === 0 ? json : strict + json.slice(copied));
}
