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
  type Misspelling,
  type SpellcheckDictionaryProvider,
  TextChecker,
} from "../spellcheck/mod.ts";

/** Options of `ses.spellCheck`. */
export interface SessionSpellCheckOptions {
  /** Check against these of the selected languages only (default: all selected ones). */
  languages?: string[];
}

/** Owns one session's spellchecker. */
export class SessionSpellcheck {
  #checker: TextChecker;
  #provider: SpellcheckDictionaryProvider;
  #selected: () => readonly string[];

  /**
   * Creates the spellchecker; nothing loads before the first check.
   *
   * @param runtime Starts the worker for long texts.
   * @param provider Where the dictionaries and custom words come from; default the built-in
   * en-US dictionary alone.
   * @param selected The selected language codes (`getSpellCheckerLanguages`); default en-US.
   */
  constructor(
    runtime: Pick<Runtime, "createWorker">,
    provider: SpellcheckDictionaryProvider = builtinEnUsProvider(),
    selected: () => readonly string[] = () => ["en-US"],
  ) {
    this.#provider = provider;
    this.#selected = selected;
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
   * @throws {RangeError} (rejects) `Spellcheck language "<code>" is not selected; select it with
   * setSpellCheckerLanguages`.
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
  async check(text: string, options: SessionSpellCheckOptions = {}): Promise<Misspelling[]> {
    const { languages } = options;
    if (Array.isArray(languages)) {
      const selected = this.#selected();
      const unselected = languages.find((code) => !selected.includes(code));
      if (unselected !== undefined) {
        throw new RangeError(
          `Spellcheck language ${
            JSON.stringify(unselected)
          } is not selected; select it with setSpellCheckerLanguages`,
        );
      }
      // A selected language is missing from the active ones only when its dictionary failed.
      const active = new Set((await this.#provider.activeDictionaries()).map((f) => f.language));
      const failed = languages.find((code) => !active.has(code));
      if (failed !== undefined) {
        throw new Error(
          `Spellcheck language ${
            JSON.stringify(failed)
          } has no dictionary: its download or load failed (see the 'spellcheck-dictionary-download-failure' event)`,
        );
      }
    }
    return await this.#checker.check(text, { languages });
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
