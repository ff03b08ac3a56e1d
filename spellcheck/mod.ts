/**
 * The spellchecker of @ses sessions: Chromium's language table, `.bdic` dictionaries (reader
 * and writer), downloads into the `Dictionaries` folder with Electron's events, the custom
 * dictionary and the per-partition settings.
 *
 * @example
 * ```ts
 * import { dictionaryFileName, normalizeSpellCheckerLanguages } from "./mod.ts";
 * const [french] = normalizeSpellCheckerLanguages(["fr-FR"]);
 * console.log(french, dictionaryFileName(french!)); // fr-FR fr-FR-3-0.bdic
 * ```
 *
 * @module
 */

export {
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
  type HunspellFiles,
  MAX_BDIC_BYTES,
  readBdic,
  verifyBdic,
} from "./bdic_reader.ts";
export { type BdicSource, writeBdic } from "./bdic_writer.ts";
export { type BuiltinDictionaryFiles, loadBuiltinDictionary } from "./builtin_dictionaries.ts";
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
export {
  readSpellcheckPreferences,
  type SpellcheckPreferences,
  writeSpellcheckPreferences,
} from "./spellcheck_preferences.ts";
export {
  type BundledDictionary,
  SpellCheckerSettings,
  type SpellCheckerSettingsOptions,
} from "./spellchecker_settings.ts";
