/**
 * Chromium's spellcheck word breaking (components/spellcheck/renderer/spellcheck_worditerator.cc,
 * re-expressed without ICU): a word is a run of the language's script letters (digits count as
 * letters except in Hebrew and Arabic), joined across one apostrophe, period, colon or other
 * UAX #29 MidLetter/MidNumLet character when letters follow. Hyphens, slashes and spaces break
 * words, so a URL splits at `://`, `/` and `?` while `example.com` stays one word. The word handed
 * to the checker is NFKC-normalised and keeps only characters of the language's script or of the
 * Common script.
 *
 * @module
 */

/** One word found in a text: UTF-16 offsets into the text and the form the checker sees. */
export interface BrokenWord {
  /** Offset of the first UTF-16 code unit. */
  start: number;
  /** Offset after the last UTF-16 code unit. */
  end: number;
  /** The word as checked: NFKC-normalised, characters of other scripts dropped. */
  word: string;
}

/** Options of {@linkcode breakWords}. */
export interface BreakWordsOptions {
  /** The language whose script makes the letters, e.g. `"en-US"` (default), `"ru-RU"`. */
  language?: string;
  /**
   * Join letters across apostrophes and the other mid-word characters (default `true`); Chromium
   * splits without joining to check each part of a contraction such as `in'n'out`.
   */
  contractions?: boolean;
}

// The Unicode script of each language of Chromium's spellcheck table that is not Latin.
const SCRIPTS: Record<string, string> = {
  bg: "Cyrillic",
  el: "Greek",
  fa: "Arabic",
  he: "Hebrew",
  hi: "Devanagari",
  hy: "Armenian",
  ko: "Hangul",
  ru: "Cyrillic",
  sr: "Cyrillic",
  ta: "Tamil",
  tg: "Cyrillic",
  uk: "Cyrillic",
};

/**
 * The Unicode script whose letters make words in `language` (what ICU's `uscript_getCode` gives
 * Chromium for its spellcheck languages).
 *
 * @param language A language code such as `"en-US"` or `"ru"`.
 * @returns A Unicode script name such as `"Latin"`; `"Latin"` for unknown codes.
 *
 * @example
 * ```ts
 * import { scriptOfLanguage } from "./word_break.ts";
 * console.log(scriptOfLanguage("uk-UA"), scriptOfLanguage("en-GB")); // Cyrillic Latin
 * ```
 */
export function scriptOfLanguage(language: string): string {
  return SCRIPTS[language.split(/[-_]/)[0]!.toLowerCase()] ?? "Latin";
}

const MID_NUM_LET = new Set([0x2e, 0x27, 0x2018, 0x2019, 0x2024, 0xfe52, 0xff07, 0xff0e]);
const MID_LETTER = new Set([0x3a, 0xb7, 0x387, 0x55f, 0x5f4, 0x2027, 0xfe13, 0xfe55, 0xff1a]);
// Word_Break=Extend (marks) and Word_Break=Format (Cf without ZWSP, ZWNJ, ZWJ).
const EXTEND_OR_FORMAT = /^(?:[\p{Mn}\p{Me}\p{Mc}]|(?![\u200B-\u200D])\p{Cf})$/u;
const COMMON = /^\p{Script=Common}$/u;
const LETTER = /^\p{L}$/u;
const ASCII = /^[^\u0080-\uFFFF]*$/;

interface ScriptRules {
  // Whether the ASCII code unit is a letter for this language (ASCII never extends or formats).
  asciiLetter: Uint8Array;
  isLetter(codePoint: number, char: string): boolean;
  isMid(codePoint: number): boolean;
  keep(char: string): boolean;
}

const rulesCache = new Map<string, ScriptRules>();

function rulesFor(script: string): ScriptRules {
  let rules = rulesCache.get(script);
  if (rules) return rules;
  const inScript = new RegExp(`^\\p{Script=${script}}$`, "u");
  const digits = script !== "Hebrew" && script !== "Arabic";
  const hebrew = script === "Hebrew";
  const arabic = script === "Arabic";
  const isLetter = (codePoint: number, char: string) =>
    (digits && codePoint >= 0x30 && codePoint <= 0x39) || (arabic && codePoint === 0x640) ||
    inScript.test(char);
  rules = {
    asciiLetter: Uint8Array.from(
      { length: 128 },
      (_, code) => isLetter(code, String.fromCharCode(code)) ? 1 : 0,
    ),
    isLetter,
    isMid: (codePoint) =>
      MID_NUM_LET.has(codePoint) || MID_LETTER.has(codePoint) ||
      (hebrew && (codePoint === 0x22 || codePoint === 0x27)),
    keep: hebrew ? (char) => /^[\u05D0-\u05EA"'\u05F3\u05F4]$/.test(char) : arabic
      // Arabic vowel marks and the tatweel are optional, so they never make a word wrong.
      ? (char) => !/^[\u0600-\u06FF]$/.test(char) || (LETTER.test(char) && char !== "\u0640")
      : (char) => inScript.test(char) || COMMON.test(char),
  };
  rulesCache.set(script, rules);
  return rules;
}

/**
 * Splits `text` into the words Chromium's spellchecker checks, in order.
 *
 * @param text Any text; nothing in it throws.
 * @param options The language (its script decides what a letter is) and whether contractions
 *   join.
 * @returns The words with their UTF-16 ranges in `text`.
 *
 * @example
 * ```ts
 * import { breakWords } from "./word_break.ts";
 * const words = breakWords("Don't re-use http://example.com/a_b 3rd").map((w) => w.word);
 * console.log(words); // [ "Don't", "re", "use", "http", "example.com", "a", "b", "3rd" ]
 * ```
 */
export function breakWords(text: string, options: BreakWordsOptions = {}): BrokenWord[] {
  const { language = "en-US", contractions = true } = options;
  const rules = rulesFor(scriptOfLanguage(language));
  const words: BrokenWord[] = [];
  const length = text.length;
  const codePointAt = (index: number) => text.codePointAt(index)!;
  const width = (codePoint: number) => codePoint > 0xffff ? 2 : 1;
  const isLetterAt = (index: number) => {
    if (index >= length) return false;
    const unit = text.charCodeAt(index);
    if (unit < 0x80) return rules.asciiLetter[unit] === 1;
    const codePoint = codePointAt(index);
    return rules.isLetter(codePoint, String.fromCodePoint(codePoint));
  };
  // Past a letter or mid character and the marks and format characters that follow it.
  const skipExtend = (index: number) => {
    let at = index + width(codePointAt(index));
    while (at < length && text.charCodeAt(at) >= 0x80) {
      const codePoint = codePointAt(at);
      if (!EXTEND_OR_FORMAT.test(String.fromCodePoint(codePoint))) break;
      at += width(codePoint);
    }
    return at;
  };
  let index = 0;
  while (index < length) {
    if (!isLetterAt(index)) {
      index += width(codePointAt(index));
      continue;
    }
    const start = index;
    while (isLetterAt(index)) index = skipExtend(index);
    while (contractions && index < length && rules.isMid(codePointAt(index))) {
      const afterMid = skipExtend(index);
      if (!isLetterAt(afterMid)) break;
      index = afterMid;
      while (isLetterAt(index)) index = skipExtend(index);
    }
    const original = text.slice(start, index);
    // ASCII is NFKC-stable, and every ASCII character a word can hold is kept in every script.
    if (ASCII.test(original)) {
      words.push({ start, end: index, word: original });
      continue;
    }
    let word = "";
    // Chromium filters UTF-16 code units, so a character outside the BMP never survives.
    for (const unit of original.normalize("NFKC").split("")) {
      if (rules.keep(unit)) word += unit;
    }
    if (word) words.push({ start, end: index, word });
  }
  return words;
}
