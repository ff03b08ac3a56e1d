/**
 * The spellchecker of @ses sessions: hunspell 1.7.1 compiled to WebAssembly, Chromium's word
 * breaking and checking rules, a worker for long texts; Chromium's language table, `.bdic`
 * dictionaries (reader and writer), downloads into the `Dictionaries` folder with Electron's
 * events, the custom dictionary and the per-partition settings; the built-in en-US dictionary.
 *
 * @example
 * ```ts
 * import { dictionaryFileName, normalizeSpellCheckerLanguages } from "./mod.ts";
 * const [french] = normalizeSpellCheckerLanguages(["fr-FR"]);
 * console.log(french, dictionaryFileName(french!)); // fr-FR fr-FR-3-0.bdic
 * ```
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

export {
  applicationLocale,
  availableSpellCheckerLanguages,
  correspondingSpellCheckLanguage,
  dictionaryFileName,
  normalizeSpellCheckerLanguages,
  spellCheckLanguageForLocale,
  spellCheckLanguageRegion,
} from "./languages.ts";
export {
  type BdicContents,
  bdicToHunspell,
  type BdicWord,
  MAX_BDIC_BYTES,
  readBdic,
  verifyBdic,
} from "./bdic_reader.ts";
export { type BdicSource, writeBdic } from "./bdic_writer.ts";
export {
  CustomDictionary,
  type CustomDictionaryFileSystem,
  type CustomDictionaryOptions,
} from "./custom_dictionary.ts";
export {
  encodeCustomDictionary,
  isValidCustomWord,
  MAX_CUSTOM_WORD_BYTES,
  parseCustomDictionary,
  type ParsedCustomDictionary,
  sortCustomWords,
} from "./custom_dictionary_file.ts";
export {
  builtinDictionaryFor,
  builtinEnUsDictionary,
  builtinEnUsProvider,
} from "./builtin_en_us.ts";
export type {
  HunspellDictionaryFiles,
  SpellcheckDictionaryProvider,
} from "./dictionary_provider.ts";
export {
  DEFAULT_DICTIONARY_DOWNLOAD_URL,
  DictionaryDownloadUrl,
  type DictionaryFetch,
  loadHunspellDictionary,
  type LoadHunspellDictionaryOptions,
  type SpellcheckDictionaryEvent,
} from "./dictionary_download.ts";
export type { SpellcheckPreferences } from "./spellcheck_preferences.ts";
export {
  type BundledDictionary,
  SpellCheckerSettings,
  type SpellCheckerSettingsOptions,
} from "./spellchecker_settings.ts";
export { Hunspell, type HunspellFiles } from "./hunspell.ts";
export {
  checkText,
  type CheckTextOptions,
  findMisspellings,
  type FoundMisspellings,
  type LoadedDictionary,
  MAX_CHECKED_BYTES,
  MAX_SUGGESTED_BYTES,
  MAX_SUGGESTIONS,
  type Misspelling,
  suggestAcross,
  suggestionsFor,
  type WordChecker,
} from "./text_check.ts";
export { type SpellCheckOptions, TextChecker, type TextCheckerOptions } from "./text_checker.ts";
export {
  breakWords,
  type BreakWordsOptions,
  type BrokenWord,
  scriptOfLanguage,
} from "./word_break.ts";
