/**
 * The file name a `Content-Disposition` header suggests (RFC 6266 with RFC 5987 `filename*`),
 * read as leniently as Chromium's `HttpContentDisposition` reads it.
 *
 * @module
 */

import { latin1Bytes, percentDecode, utf8 } from "./_bytes.ts";

/**
 * Returns the file name a `Content-Disposition` value suggests, or `""` when it suggests none.
 *
 * Follows RFC 6266 §4.3: `filename*` (RFC 5987 `charset'language'%XX`) wins over `filename`.
 * Like Chromium (net/http/http_content_disposition.cc), the `filename*` charset may be any
 * the Encoding Standard's `TextDecoder` knows (Chromium asks ICU, whose build holds the same
 * set; an unknown charset or bytes it cannot decode make the value invalid), and the name is
 * composed to NFC. A `filename` may be a quoted string, raw UTF-8 bytes, RFC 2047 encoded
 * words (`=?UTF-8?B?...?=`, in any such charset) or %-escaped UTF-8, and a header without a
 * disposition type is still searched. The result is the name as sent: it may hold `/`, `..`
 * or control characters; `generateFileName` makes it safe.
 *
 * @param header The header value, as `Headers.get` returns it (one byte per character).
 * @returns The suggested name, or `""`.
 *
 * @example
 * ```ts
 * import { contentDispositionFilename } from "./content_disposition.ts";
 * console.log(contentDispositionFilename(`attachment; filename="a.txt"; filename*=UTF-8''%E2%82%AC.txt`)); // €.txt
 * console.log(contentDispositionFilename(`attachment; filename*=windows-1251''%EF%F0%E8%E2.txt`)); // прив.txt
 * console.log(contentDispositionFilename(`attachment; filename="report 1.pdf"`)); // report 1.pdf
 * ```
 */
export function contentDispositionFilename(header: string): string {
  let plain = "";
  let extended = "";
  for (const [name, value, quoted] of parameters(header)) {
    if (name === "filename*" && extended === "") extended = decodeExtValue(value, quoted) ?? "";
    else if (name === "filename" && plain === "") plain = decodeFilenameValue(value) ?? "";
  }
  return extended !== "" ? extended : plain;
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Each parameter's lower-case name, its value (unquoted) and whether it was quoted. */
function* parameters(header: string): Generator<[string, string, boolean]> {
  let index = 0;
  const length = header.length;
  while (index < length) {
    // A parameter (or the disposition type) runs to the next `;` outside quotes.
    const nameEnd = findOutside(header, index, "=;");
    const name = header.slice(index, nameEnd).trim().toLowerCase();
    if (header[nameEnd] !== "=") {
      index = nameEnd + 1;
      continue;
    }
    let valueStart = nameEnd + 1;
    while (header[valueStart] === " " || header[valueStart] === "\t") valueStart++;
    if (header[valueStart] === '"') {
      const { value, end } = quotedString(header, valueStart);
      yield [name, value, true];
      index = findOutside(header, end, ";") + 1;
    } else {
      const valueEnd = findOutside(header, valueStart, ";");
      yield [name, header.slice(valueStart, valueEnd).trim(), false];
      index = valueEnd + 1;
    }
  }
}

function findOutside(text: string, from: number, stops: string): number {
  for (let i = from; i < text.length; i++) {
    if (stops.includes(text[i]!)) return i;
  }
  return text.length;
}

function quotedString(text: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    // RFC 9110 §5.6.4: a backslash quotes the next character.
    if (text[i] === "\\" && i + 1 < text.length) i++;
    value += text[i];
    i++;
  }
  return { value, end: i + 1 };
}

/**
 * RFC 5987 §3.2 `charset "'" [ language ] "'" value-chars`, as Chromium's DecodeExtValue and
 * ParseExtValueComponents read it: `undefined` when malformed (a quote, not exactly two `'`,
 * no charset or no value) or not decodable in its charset; `""` when the value holds
 * non-ASCII characters.
 */
function decodeExtValue(value: string, quoted: boolean): string | undefined {
  if (quoted || value.includes('"')) return undefined;
  const parts = value.split("'");
  if (parts.length !== 3) return undefined;
  const [charset = "", , chars = ""] = parts;
  if (charset === "" || chars === "") return undefined;
  if (NON_ASCII.test(chars)) return "";
  // UnescapeBinaryURLComponent: a `%` that starts no escape stays as it is.
  const bytes = percentDecode(chars, false);
  if (bytes === undefined) return undefined;
  // ConvertToUtf8AndNormalize: OnStringConversionError::FAIL, then NFC.
  return decodeCharset(bytes, charset, true)?.normalize("NFC");
}

/**
 * Decodes bytes in a named charset, or `undefined` when no decoder knows the name (or, when
 * `fatal`, the bytes are not valid in it). Chromium converts with ICU, whose build maps the
 * Encoding Standard's labels to its encodings (`iso-8859-1` reads as windows-1252 there too),
 * so `TextDecoder` decodes the same set. `x-user-defined` is Blink's own decoder, not ICU's.
 * A byte order mark is kept, as ICU's converters for a fixed byte order keep it.
 */
function decodeCharset(bytes: Uint8Array, charset: string, fatal: boolean): string | undefined {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal, ignoreBOM: true });
  } catch {
    return undefined;
  }
  if (decoder.encoding === "x-user-defined") return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const WHITESPACE = " \t\n\r";

/**
 * A `filename` value as Chromium's DecodeFilenameValue reads it: split at each whitespace
 * character, every word decoded on its own; a whitespace character becomes a space unless it
 * follows an RFC 2047 encoded word (which drops the spaces between such words). `undefined`
 * when a word cannot be decoded.
 */
function decodeFilenameValue(value: string): string | undefined {
  let decoded = "";
  let previousEncoded = true;
  let wordStart = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && !WHITESPACE.includes(value[i]!)) continue;
    if (i > wordStart) {
      const word = decodeWord(value.slice(wordStart, i));
      if (word === undefined) return undefined;
      decoded += word.text;
      previousEncoded = word.encoded;
    }
    if (i < value.length && !previousEncoded) decoded += " ";
    wordStart = i + 1;
  }
  return decoded;
}

/** One word of a `filename` value (Chromium's DecodeWord). */
function decodeWord(word: string): { text: string; encoded: boolean } | undefined {
  if (NON_ASCII.test(word)) {
    const raw = latin1Bytes(word);
    // Servers send raw UTF-8 far more often than anything else. Chromium then tries the
    // system's multibyte charset; the bytes as ISO-8859-1 stand in for it here.
    return { text: utf8(raw) ?? word, encoded: false };
  }
  const encodedWord = decodeRfc2047(word);
  if (encodedWord === null) return undefined;
  if (encodedWord !== undefined) return { text: encodedWord, encoded: true };
  // What IE does: %-escaped UTF-8. Escapes that are not UTF-8 are an error.
  const bytes = percentDecode(word, false);
  const text = bytes && utf8(bytes);
  return text === undefined ? undefined : { text, encoded: false };
}

/**
 * An RFC 2047 encoded word (`=?charset?B|Q?text?=`) as Chromium's DecodeWord takes it apart
 * at each `?`: the decoded text; `undefined` when the word is not one (it is read as a plain
 * word); `null` when it is a broken one (the whole value is then dropped). Unlike `filename*`,
 * bytes the charset cannot decode become U+FFFD (ICU's default callback).
 */
function decodeRfc2047(word: string): string | null | undefined {
  const parts = word.split("?").filter((part) => part !== "");
  if (parts[0] !== "=") return undefined;
  // Cut short before its text: an empty word if it ends in `=`, as DecodeWord ends there too.
  const cutShort = () => word.endsWith("=") ? "" : null;
  if (parts.length < 3) return cutShort();
  if (!/^[BbQq]$/.test(parts[2]!)) return undefined;
  if (parts.length === 3) return cutShort();
  const [, charset = "", kind = "", text = ""] = parts;
  const bytes = kind === "B" || kind === "b" ? base64Bytes(text) : qBytes(text);
  if (bytes === undefined) return null;
  const decoded = bytes.length === 0 ? "" : decodeCharset(bytes, charset, false);
  if (decoded === undefined) return null;
  if (parts.length > 5 || (parts.length === 5 && parts[4] !== "=")) return null;
  return word.endsWith("=") ? decoded : null;
}

/** RFC 2047 §4.2 "Q" text (Chromium's DecodeQEncoding), or `undefined` when malformed. */
function qBytes(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (text[i] === "_") {
      bytes.push(0x20);
    } else if (text[i] === "=") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (code > 0x20 && code < 0x7f && text[i] !== "?") {
      bytes.push(code);
    } else {
      return undefined;
    }
  }
  return new Uint8Array(bytes);
}

function base64Bytes(text: string): Uint8Array | undefined {
  try {
    return latin1Bytes(atob(text));
  } catch {
    return undefined;
  }
}
