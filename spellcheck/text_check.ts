/**
 * Checking a text the way Chromium's renderer does (components/spellcheck/renderer/
 * spellcheck_language.cc, hunspell_engine.cc, spellcheck.cc): words from Chromium's word
 * breaking; a word is correct when any selected dictionary accepts it, when it is longer than 64
 * UTF-8 bytes (Chromium does not check those), when every part of a contraction is correct
 * (`in'n'out`), or when it is a custom-dictionary word. Misspellings of at most 24 UTF-8 bytes get
 * suggestions for the word as checked (NFKC), merged across dictionaries in turn.
 *
 * @module
 */

import type { HunspellDictionaryFiles } from "./dictionary_provider.ts";
import { Hunspell } from "./hunspell.ts";
import { breakWords } from "./word_break.ts";

/** A misspelled word of a text. */
export interface Misspelling {
  /** Offset of its first UTF-16 code unit in the text. */
  start: number;
  /** Offset after its last UTF-16 code unit. */
  end: number;
  /** `text.slice(start, end)`. */
  word: string;
  /** Replacements, best first (at most 15; `[]` for words longer than 24 UTF-8 bytes). */
  suggestions: string[];
}

/** What a text check needs of a loaded dictionary ({@linkcode Hunspell} has it). */
export interface WordChecker {
  /** One result per word, `true` when correct. */
  spellMany(words: readonly string[]): boolean[];
  /** Suggestions for a misspelled word, best first. */
  suggest(word: string): string[];
}

/** A loaded dictionary and the language whose word breaking it uses. */
export interface LoadedDictionary {
  /** The language code, e.g. `"en-US"`. */
  language: string;
  /** The loaded dictionary. */
  checker: WordChecker;
}

/**
 * Loads a language's hunspell files for checking; a dictionary hunspell cannot load names its
 * language, so a check with several languages says which one failed.
 *
 * @param files The language and its `.aff`/`.dic` bytes.
 * @returns The language and its loaded {@linkcode Hunspell} (to `free()` when done).
 * @throws {RangeError} (rejects) `Spellcheck language "<code>": <why Hunspell.load failed>`.
 *
 * @example
 * ```ts
 * import { loadDictionary } from "./text_check.ts";
 * const aff = new TextEncoder().encode("SET UTF-8\n");
 * await loadDictionary({ language: "fr", aff, dic: new Uint8Array() }).catch((error) => {
 *   console.log(error.message); // Spellcheck language "fr": Hunspell could not load the dictionary: empty dic file
 * });
 * ```
 */
export async function loadDictionary(
  files: HunspellDictionaryFiles,
): Promise<LoadedDictionary & { checker: Hunspell }> {
  try {
    return { language: files.language, checker: await Hunspell.load(files) };
  } catch (error) {
    throw new RangeError(
      `Spellcheck language "${files.language}": ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/** Options of {@linkcode checkText}. */
export interface CheckTextOptions {
  /** Compute suggestions (default `true`); `false` leaves every `suggestions` empty. */
  suggestions?: boolean;
}

/** Words longer than this (UTF-8 bytes) count as correct (Chromium's kMaxCheckedLen). */
export const MAX_CHECKED_BYTES = 64;
/** Words longer than this (UTF-8 bytes) get no suggestions (Chromium's kMaxSuggestLen). */
export const MAX_SUGGESTED_BYTES = 24;
/** Hunspell's own cap on suggestions. */
export const MAX_SUGGESTIONS = 15;

const encoder = new TextEncoder();
// The characters that join a contraction (word_break.ts's MidLetter and MidNumLet, and Hebrew's
// quotes): a word without one has a single part.
const MID_CHARACTER =
  /['".:\u00B7\u0387\u055F\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A]/;

/**
 * Finds the misspelled words of `text`.
 *
 * @param text The text; any string.
 * @param dictionaries The selected languages' loaded dictionaries; the first one's language
 *   decides the word breaking. With none, nothing is misspelled.
 * @param isCustomWord Whether a word is in the custom dictionary (then it is correct).
 * @param options Whether to compute suggestions.
 * @returns The misspellings in text order.
 *
 * @example
 * ```ts
 * import { checkText } from "./text_check.ts";
 * import { Hunspell } from "./hunspell.ts";
 * const checker = await Hunspell.load({
 *   aff: new TextEncoder().encode("SET UTF-8\nTRY eo\n"),
 *   dic: new TextEncoder().encode("3\nhello\nworld\nses\n"),
 * });
 * const found = checkText("hello wrld, helo ses", [{ language: "en-US", checker }], (w) => w === "helo");
 * console.log(found); // [ { start: 6, end: 10, word: "wrld", suggestions: [ "world" ] } ]
 * checker.free();
 * ```
 */
export function checkText(
  text: string,
  dictionaries: readonly LoadedDictionary[],
  isCustomWord: (word: string) => boolean,
  options: CheckTextOptions = {},
): Misspelling[] {
  const { suggestions = true } = options;
  const { misspellings, checked } = findMisspellings(text, dictionaries, isCustomWord);
  if (suggestions) {
    const cache = new Map<string, string[]>();
    misspellings.forEach((misspelling, i) => {
      const word = checked[i]!;
      let list = cache.get(word);
      if (!list) cache.set(word, list = suggestionsFor(word, dictionaries));
      misspelling.suggestions = [...list];
    });
  }
  return misspellings;
}

/** {@linkcode findMisspellings}' result. */
export interface FoundMisspellings {
  /** The misspellings, their `suggestions` still empty. */
  misspellings: Misspelling[];
  /** Each misspelling's word as the dictionaries checked it (NFKC), the one to suggest for. */
  checked: string[];
}

/**
 * The misspelled words of `text`, as {@linkcode checkText} finds them, without suggestions.
 *
 * @param text The text; any string.
 * @param dictionaries The selected languages' loaded dictionaries (see {@linkcode checkText}).
 * @param isCustomWord Whether a word, as written or as checked, is a custom-dictionary word.
 * @returns The misspellings in text order, and the form of each word that was checked.
 *
 * @example
 * ```ts
 * import { findMisspellings } from "./text_check.ts";
 * import { Hunspell } from "./hunspell.ts";
 * const checker = await Hunspell.load({
 *   aff: new TextEncoder().encode("SET UTF-8\n"),
 *   dic: new TextEncoder().encode("1\nhello\n"),
 * });
 * const found = findMisspellings("hello ｗｒｌｄ", [{ language: "en-US", checker }], () => false);
 * console.log(found.misspellings[0]?.word, found.checked); // ｗｒｌｄ [ "wrld" ]
 * checker.free();
 * ```
 */
export function findMisspellings(
  text: string,
  dictionaries: readonly LoadedDictionary[],
  isCustomWord: (word: string) => boolean,
): FoundMisspellings {
  if (dictionaries.length === 0) return { misspellings: [], checked: [] };
  const words = breakWords(text, { language: dictionaries[0]!.language });
  // Each distinct word is checked once: `slot[i]` is word i's place in `distinct`, -1 when it is
  // too long to check. A UTF-16 unit takes at most 3 UTF-8 bytes, so short words skip encoding.
  const slots = new Map<string, number>();
  const distinct: string[] = [];
  const slot = new Int32Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.word;
    if (word.length * 3 > MAX_CHECKED_BYTES && encoder.encode(word).length > MAX_CHECKED_BYTES) {
      slot[i] = -1;
      continue;
    }
    let at = slots.get(word);
    if (at === undefined) {
      at = distinct.length;
      slots.set(word, at);
      distinct.push(word);
    }
    slot[i] = at;
  }
  const correct = correctWords(distinct, dictionaries);
  const misspellings: Misspelling[] = [];
  const checked: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (slot[i] === -1 || correct[slot[i]!] === 1) continue;
    const { start, end, word } = words[i]!;
    const original = text.slice(start, end);
    if (isCustomWord(original) || (word !== original && isCustomWord(word))) continue;
    misspellings.push({ start, end, word: original, suggestions: [] });
    checked.push(word);
  }
  return { misspellings, checked };
}

/**
 * The suggestions Chromium offers for a misspelled word: none when it is longer than 24 UTF-8
 * bytes, else {@linkcode suggestAcross}.
 *
 * @param word The word as checked (NFKC).
 * @param dictionaries The loaded dictionaries.
 * @returns The merged suggestions, best first.
 *
 * @example
 * ```ts
 * import { suggestionsFor } from "./text_check.ts";
 * const en = { language: "en-US", checker: { spellMany: () => [], suggest: () => ["x"] } };
 * console.log(suggestionsFor("w", [en]), suggestionsFor("w".repeat(25), [en])); // [ "x" ] []
 * ```
 */
export function suggestionsFor(word: string, dictionaries: readonly LoadedDictionary[]): string[] {
  if (word.length * 3 > MAX_SUGGESTED_BYTES && encoder.encode(word).length > MAX_SUGGESTED_BYTES) {
    return [];
  }
  return suggestAcross(word, dictionaries);
}

/**
 * Hunspell's suggestions from each dictionary, taken in turn (first of each, then second of
 * each, ...), without repeats, at most 15.
 *
 * @param word The misspelled word.
 * @param dictionaries The loaded dictionaries.
 * @returns The merged suggestions.
 *
 * @example
 * ```ts
 * import { suggestAcross } from "./text_check.ts";
 * const a = { language: "en-US", checker: { spellMany: () => [], suggest: () => ["x", "y"] } };
 * const b = { language: "en-GB", checker: { spellMany: () => [], suggest: () => ["y", "z"] } };
 * console.log(suggestAcross("w", [a, b])); // [ "x", "y", "z" ]
 * ```
 */
export function suggestAcross(word: string, dictionaries: readonly LoadedDictionary[]): string[] {
  const lists = dictionaries.map(({ checker }) => checker.suggest(word));
  const merged = new Set<string>();
  for (let rank = 0; merged.size < MAX_SUGGESTIONS; rank++) {
    if (lists.every((list) => rank >= list.length)) break;
    for (const list of lists) if (rank < list.length) merged.add(list[rank]!);
  }
  return [...merged].slice(0, MAX_SUGGESTIONS);
}

// One flag per word (1 correct): some dictionary accepts it, whole or as a contraction of
// correct parts.
function correctWords(words: string[], dictionaries: readonly LoadedDictionary[]): Uint8Array {
  const correct = new Uint8Array(words.length);
  let pending = words.map((_, i) => i);
  for (const { checker } of dictionaries) {
    const results = checker.spellMany(pending.map((i) => words[i]!));
    pending = pending.filter((index, i) => {
      if (results[i]) correct[index] = 1;
      return !results[i];
    });
  }
  // Chromium's IsValidContraction: split without joining, every part correct in a dictionary.
  // All parts of all candidates go to each dictionary in one batch.
  const language = dictionaries[0]!.language;
  const candidates = pending.flatMap((index) => {
    if (!MID_CHARACTER.test(words[index]!)) return [];
    const parts = breakWords(words[index]!, { language, contractions: false })
      .map((part) => part.word);
    return parts.length < 2 ? [] : [{ index, parts }];
  });
  const parts = [...new Set(candidates.flatMap((candidate) => candidate.parts))];
  for (const { checker } of candidates.length > 0 ? dictionaries : []) {
    // As in Chromium, every part must be correct in the same language.
    const results = checker.spellMany(parts);
    const partCorrect = new Set(parts.filter((_, i) => results[i]));
    for (const { index, parts } of candidates) {
      if (parts.every((part) => partCorrect.has(part))) correct[index] = 1;
    }
  }
  return correct;
}
