/**
 * Spellchecking for @ses sessions: hunspell 1.7.1 compiled to WebAssembly, Chromium's word
 * breaking and checking rules, a worker for long texts, and the built-in en-US dictionary.
 *
 * @example
 * ```ts
 * import { builtinEnUsProvider, TextChecker } from "./mod.ts";
 * const checker = new TextChecker(builtinEnUsProvider());
 * console.log((await checker.check("Teh cat")).map((m) => m.word)); // [ "Teh" ]
 * checker.close();
 * ```
 *
 * @module
 */

export { builtinEnUsDictionary, builtinEnUsProvider } from "./builtin_en_us.ts";
export type {
  HunspellDictionaryFiles,
  SpellcheckDictionaryProvider,
} from "./dictionary_provider.ts";
export { Hunspell, type HunspellFiles } from "./hunspell.ts";
export {
  checkText,
  type CheckTextOptions,
  type LoadedDictionary,
  MAX_CHECKED_BYTES,
  MAX_SUGGESTED_LENGTH,
  MAX_SUGGESTIONS,
  type Misspelling,
  suggestAcross,
  type WordChecker,
} from "./text_check.ts";
export { type SpellCheckOptions, TextChecker, type TextCheckerOptions } from "./text_checker.ts";
export {
  breakWords,
  type BreakWordsOptions,
  type BrokenWord,
  scriptOfLanguage,
} from "./word_break.ts";
