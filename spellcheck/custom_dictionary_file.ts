/**
 * The bytes of Chromium's `Custom Dictionary.txt`: one word a line in UTF-8 byte order, then
 * `checksum_v1 = <md5 hex of the bytes before>` with no final newline; and the word rules.
 *
 * Source: Chromium `chrome/browser/spellchecker/spellcheck_custom_dictionary.cc` (`LoadFile`,
 * `IsValidWord`, `SaveDictionaryFileReliably`) and `kMaxCustomDictionaryWordBytes` (99).
 *
 * @module
 */

import { createHash } from "node:crypto";

/** The most UTF-8 bytes a custom word may have (Chromium's `kMaxCustomDictionaryWordBytes`). */
export const MAX_CUSTOM_WORD_BYTES = 99;

const CHECKSUM_PREFIX = "checksum_v1 = ";
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// Bytes that Chromium's TrimWhitespaceASCII removes.
const ASCII_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// base::IsStringUTF8 also refuses Unicode noncharacters: U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF.
const NONCHARACTER = /[\uFDD0-\uFDEF]|[\uFFFE\uFFFF]|[\uD800-\uDBFF][\uDFFE\uDFFF]/;

/** What a custom dictionary file holds. */
export interface ParsedCustomDictionary {
  /** Whether the checksum line matched the bytes before it (a file without one counts as valid). */
  checksumValid: boolean;
  /** The valid words, once each; empty when the checksum did not match. */
  words: Set<string>;
  /** Whether some line was dropped: not UTF-8, too long, empty or padded with whitespace. */
  droppedInvalid: boolean;
}

/**
 * Tells whether Chromium accepts `word` into a custom dictionary: not empty, at most 99 UTF-8
 * bytes, well-formed Unicode without noncharacters, and no ASCII whitespace at either end.
 *
 * @param word The word.
 * @returns Whether it is a valid custom dictionary word.
 *
 * @example
 * ```ts
 * import { isValidCustomWord } from "./custom_dictionary_file.ts";
 * console.log(isValidCustomWord("Electron"), isValidCustomWord(" padded")); // true false
 * ```
 */
export function isValidCustomWord(word: string): boolean {
  if (typeof word !== "string" || word === "") return false;
  if (LONE_SURROGATE.test(word) || NONCHARACTER.test(word)) return false;
  const bytes = encoder.encode(word);
  if (bytes.length > MAX_CUSTOM_WORD_BYTES) return false;
  return !ASCII_WHITESPACE.has(bytes[0]!) && !ASCII_WHITESPACE.has(bytes[bytes.length - 1]!);
}

/**
 * Sorts words as Chromium's `std::set<std::string>` does: by their UTF-8 bytes.
 *
 * @param words The words.
 * @returns A new sorted array.
 *
 * @example
 * ```ts
 * import { sortCustomWords } from "./custom_dictionary_file.ts";
 * console.log(sortCustomWords(["b", "B", "\u{1F600}", "\uFF21"])); // ["B", "b", "Ａ", "😀"]
 * ```
 */
export function sortCustomWords(words: Iterable<string>): string[] {
  return [...words]
    .map((word) => ({ word, bytes: encoder.encode(word) }))
    .sort((a, b) => compareBytes(a.bytes, b.bytes))
    .map(({ word }) => word);
}

/**
 * Serialises words as Chromium writes `Custom Dictionary.txt`: each word and `\n` in byte
 * order, then `checksum_v1 = ` and the MD5 (lower-case hex) of the bytes before it.
 *
 * @param words The words; they are written as given, so pass valid words only.
 * @returns The file's bytes.
 *
 * @example
 * ```ts
 * import { encodeCustomDictionary } from "./custom_dictionary_file.ts";
 * console.log(new TextDecoder().decode(encodeCustomDictionary(["b", "a"])));
 * // a\nb\nchecksum_v1 = <md5 of "a\nb\n">
 * ```
 */
export function encodeCustomDictionary(words: Iterable<string>): Uint8Array {
  const body = sortCustomWords(words).map((word) => `${word}\n`).join("");
  const checksum = createHash("md5").update(body, "utf8").digest("hex");
  return encoder.encode(`${body}${CHECKSUM_PREFIX}${checksum}`);
}

/**
 * Reads the bytes of a custom dictionary file as Chromium's `LoadFile` does: the text after the
 * last `checksum_v1 = ` must equal the MD5 of the bytes before it (a trailing newline makes it
 * differ), else no words; without a checksum line every line counts. Lines are trimmed of ASCII
 * whitespace; invalid words are dropped and reported.
 *
 * @param bytes The file's bytes (empty for a missing file).
 * @returns The words and what was wrong.
 *
 * @example
 * ```ts
 * import { encodeCustomDictionary, parseCustomDictionary } from "./custom_dictionary_file.ts";
 * const parsed = parseCustomDictionary(encodeCustomDictionary(["ses"]));
 * console.log(parsed.checksumValid, [...parsed.words]); // true ["ses"]
 * ```
 */
export function parseCustomDictionary(bytes: Uint8Array): ParsedCustomDictionary {
  let contents = bytes;
  const at = lastIndexOf(bytes, encoder.encode(CHECKSUM_PREFIX));
  if (at !== -1) {
    contents = bytes.subarray(0, at);
    const stated = bytes.subarray(at + CHECKSUM_PREFIX.length);
    const actual = encoder.encode(createHash("md5").update(contents).digest("hex"));
    if (compareBytes(stated, actual) !== 0) {
      return { checksumValid: false, words: new Set(), droppedInvalid: false };
    }
  }
  const words = new Set<string>();
  let droppedInvalid = false;
  const trimmed = trimAscii(contents);
  if (trimmed.length === 0) return { checksumValid: true, words, droppedInvalid };
  let start = 0;
  while (start <= trimmed.length) {
    let end = trimmed.indexOf(0x0a, start);
    if (end === -1) end = trimmed.length;
    const word = decodeStrict(trimAscii(trimmed.subarray(start, end)));
    if (word !== undefined && isValidCustomWord(word)) words.add(word);
    else droppedInvalid = true;
    start = end + 1;
  }
  return { checksumValid: true, words, droppedInvalid };
}

function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function trimAscii(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let end = bytes.length;
  while (start < end && ASCII_WHITESPACE.has(bytes[start]!)) start++;
  while (end > start && ASCII_WHITESPACE.has(bytes[end - 1]!)) end--;
  return bytes.subarray(start, end);
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = haystack.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
