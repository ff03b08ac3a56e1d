/**
 * The session's spellchecker: a {@linkcode TextChecker} over the session's dictionary provider
 * (its spellchecker settings: the selected languages' dictionaries and the custom words), its
 * worker started through the session's Runtime.
 *
 * @module
 */

import type { Runtime } from "../core/runtime.ts";
import {
  builtinEnUsProvider,
  correspondingSpellCheckLanguage,
  type Misspelling,
  type SpellcheckDictionaryProvider,
  TextChecker,
} from "../spellcheck/mod.ts";

/** Options of `ses.spellCheck`. */
export interface SessionSpellCheckOptions {
  /**
   * Check against these of the selected languages only (default: all selected ones), named as
   * for `setSpellCheckerLanguages` (a region such as `hu-HU` names `hu`).
   */
  languages?: string[];
}

/** Owns one session's spellchecker. */
export class SessionSpellcheck {
  #checker: TextChecker;

  /**
   * Creates the spellchecker; nothing loads before the first check.
   *
   * @param runtime Starts the worker for long texts.
   * @param provider Where the dictionaries and custom words come from; default the built-in
   * en-US dictionary alone.
   */
  constructor(
    runtime: Pick<Runtime, "createWorker">,
    provider: SpellcheckDictionaryProvider = builtinEnUsProvider(),
  ) {
    this.#checker = new TextChecker(provider, {
      createWorker: (url) => runtime.createWorker(url, { name: "ses-spellcheck" }),
    });
  }

  /**
   * The misspelled words of `text`.
   *
   * @param text The text.
   * @param options The languages to use, among the selected ones.
   * @returns The misspellings with UTF-16 ranges and suggestions.
   * @throws {TypeError} (rejects) `The spellCheck options must be an object like {languages:
   * ["en-US"]}`.
   * @throws {RangeError} (rejects) `Spellcheck language "<code>" is not selected; select it with
   * setSpellCheckerLanguages`, or `Spellcheck language "<code>" is not a language the
   * spellchecker knows; see availableSpellCheckerLanguages` for a code no selection could make
   * work.
   * @throws {Error} (rejects) `Spellcheck language "<code>" has no dictionary: its download or
   * load failed (see the 'spellcheck-dictionary-download-failure' event)` for a selected
   * language whose dictionary could not be had.
   *
   * @example
   * ```ts
   * import { SessionSpellcheck } from "./session_spellcheck.ts";
   * import { currentRuntime } from "../runtime/mod.ts";
   * const spellcheck = new SessionSpellcheck(currentRuntime());
   * console.log((await spellcheck.check("Ths is fine")).map((m) => m.word)); // [ "Ths" ]
   * spellcheck.close();
   * ```
   */
  check(text: string, options: SessionSpellCheckOptions = {}): Promise<Misspelling[]> {
    if (typeof options !== "object" || options === null) {
      return Promise.reject(
        new TypeError('The spellCheck options must be an object like {languages: ["en-US"]}'),
      );
    }
    // The selected languages are stored as setSpellCheckerLanguages normalised them.
    const languages = Array.isArray(options.languages)
      ? options.languages.map((code) =>
        typeof code === "string" ? correspondingSpellCheckLanguage(code) || code : code
      )
      : options.languages;
    return this.#checker.check(text, { languages });
  }

  /**
   * Whether a word is correct in a selected language or the custom dictionary.
   *
   * @param word The word.
   * @returns `true` when correct.
   *
   * @example
   * ```ts
   * import { SessionSpellcheck } from "./session_spellcheck.ts";
   * import { currentRuntime } from "../runtime/mod.ts";
   * const spellcheck = new SessionSpellcheck(currentRuntime());
   * console.log(await spellcheck.checkWord("Ths")); // false
   * ```
   */
  checkWord(word: string): Promise<boolean> {
    return this.#checker.checkWord(word);
  }

  /**
   * Suggestions for a word (hunspell's, at most 15).
   *
   * @param word The word.
   * @returns The suggestions, best first.
   *
   * @example
   * ```ts
   * import { SessionSpellcheck } from "./session_spellcheck.ts";
   * import { currentRuntime } from "../runtime/mod.ts";
   * const spellcheck = new SessionSpellcheck(currentRuntime());
   * console.log((await spellcheck.suggest("Ths")).slice(0, 3)); // [ "Th", "Th's", "Ohs" ]
   * ```
   */
  suggest(word: string): Promise<string[]> {
    return this.#checker.suggest(word);
  }

  /**
   * Ends the worker and frees the dictionaries (they load again on the next check).
   *
   * @example
   * ```ts
   * import { SessionSpellcheck } from "./session_spellcheck.ts";
   * import { currentRuntime } from "../runtime/mod.ts";
   * new SessionSpellcheck(currentRuntime()).close();
   * ```
   */
  close(): void {
    this.#checker.close();
  }
}
