/** The hunspell files of one language, as the engine loads them. */
export interface HunspellDictionaryFiles {
  /** The language code, as in `getSpellCheckerLanguages()`, e.g. `"en-US"`. */
  language: string;
  /** The affix file's bytes. */
  aff: Uint8Array;
  /** The word list's bytes. */
  dic: Uint8Array;
}

/** What the spellchecker settings give the engine: the enabled languages' files and the custom words. */
export interface SpellcheckDictionaryProvider {
  /** The dictionaries of the selected languages, loaded (and downloaded) as needed. */
  activeDictionaries(): Promise<HunspellDictionaryFiles[]>;
  /** Whether `word` is in the custom dictionary. */
  isCustomWord(word: string): boolean;
  /**
   * The selected language codes, where they can differ from the active dictionaries' (a
   * selected language whose dictionary failed to download or load is not active): lets the
   * checker tell "not selected" from "no dictionary". Without it, every language that is not
   * active is "not active".
   */
  selectedLanguages?(): readonly string[];
}
