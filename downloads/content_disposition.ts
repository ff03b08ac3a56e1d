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
 * Follows RFC 6266 §4.3: `filename*` (RFC 5987 `charset'language'%XX`, UTF-8 or ISO-8859-1)
 * wins over `filename`. Like Chromium (net/http/http_content_disposition.cc), a `filename`
 * may be a quoted string, raw UTF-8 bytes, an RFC 2047 encoded word (`=?UTF-8?B?...?=`) or
 * %-escaped UTF-8, and a header without a disposition type is still searched. The result is
 * the name as sent: it may hold `/`, `..` or control characters; `generateFileName`
 * makes it safe.
 *
 * @param header The header value, as `Headers.get` returns it (one byte per character).
 * @returns The suggested name, or `""`.
 *
 * @example
 * ```ts
 * import { contentDispositionFilename } from "./content_disposition.ts";
 * console.log(contentDispositionFilename(`attachment; filename="a.txt"; filename*=UTF-8''%E2%82%AC.txt`)); // €.txt
 * console.log(contentDispositionFilename(`attachment; filename="report 1.pdf"`)); // report 1.pdf
 * ```
 */
export function contentDispositionFilename(header: string): string {
  let plain = "";
  let extended = "";
  for (const [name, value] of parameters(header)) {
    if (name === "filename*" && extended === "") extended = decodeExtValue(value) ?? "";
    else if (name === "filename" && plain === "") plain = decodePlain(value);
  }
  return extended !== "" ? extended : plain;
}

function* parameters(header: string): Generator<[string, string]> {
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
      yield [name, value];
      index = findOutside(header, end, ";") + 1;
    } else {
      const valueEnd = findOutside(header, valueStart, ";");
      yield [name, header.slice(valueStart, valueEnd).trim()];
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

/** RFC 5987 §3.2: `charset "'" [ language ] "'" value-chars`, or `undefined` when malformed. */
function decodeExtValue(value: string): string | undefined {
  const match = /^([A-Za-z0-9!#$%&+\-^_`{}~]+)'[A-Za-z0-9-]*'(.*)$/.exec(value);
  if (!match) return undefined;
  const charset = match[1]!.toLowerCase();
  const bytes = percentDecode(match[2]!, true);
  if (bytes === undefined) return undefined;
  if (charset === "utf-8") return utf8(bytes);
  if (charset === "iso-8859-1" || charset === "us-ascii") return String.fromCharCode(...bytes);
  return undefined;
}

function decodePlain(value: string): string {
  const encodedWords = decodeRfc2047(value);
  if (encodedWords !== undefined) return encodedWords;
  const raw = latin1Bytes(value);
  // Non-ASCII bytes: servers send raw UTF-8 far more often than ISO-8859-1.
  if (raw.some((byte) => byte > 0x7f)) return utf8(raw) ?? value;
  if (value.includes("%")) {
    const bytes = percentDecode(value, true);
    const decoded = bytes && utf8(bytes);
    if (decoded !== undefined) return decoded;
  }
  return value;
}

/** RFC 2047 encoded words (`=?charset?B|Q?text?=`), or `undefined` when `value` has none. */
function decodeRfc2047(value: string): string | undefined {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  if (!word.test(value)) return undefined;
  word.lastIndex = 0;
  let failed = false;
  const decoded = value.replace(/\?=\s+=\?/g, "?==?").replace(
    word,
    (_all, charset: string, kind: string, text: string) => {
      const bytes = kind.toUpperCase() === "B" ? base64Bytes(text) : latin1Bytes(
        text.replace(/_/g, " ").replace(
          /=([0-9A-Fa-f]{2})/g,
          (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)),
        ),
      );
      const lower = charset.toLowerCase();
      const result = bytes === undefined
        ? undefined
        : lower === "utf-8"
        ? utf8(bytes)
        : lower === "iso-8859-1" || lower === "us-ascii"
        ? String.fromCharCode(...bytes)
        : undefined;
      if (result === undefined) failed = true;
      return result ?? "";
    },
  );
  return failed ? undefined : decoded;
}

function base64Bytes(text: string): Uint8Array | undefined {
  try {
    return latin1Bytes(atob(text));
  } catch {
    return undefined;
  }
}
