/**
 * The session's spellchecker: a {@linkcode TextChecker} over the session's dictionary provider
 * (the built-in en-US one until language settings supply another), its worker started through
 * the session's Runtime.
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

/** Owns one session's spellchecker; the provider may be replaced (the settings do that). */
export class SessionSpellcheck {
  #provider: SpellcheckDictionaryProvider = builtinEnUsProvider();
  #checker: TextChecker;

  /**
   * Creates the spellchecker; nothing loads before the first check.
   *
   * @param runtime Starts the worker for long texts.
   */
  constructor(runtime: Pick<Runtime, "createWorker">) {
    this.#checker = new TextChecker({
      activeDictionaries: () => this.#provider.activeDictionaries(),
      isCustomWord: (word) => this.#provider.isCustomWord(word),
    }, { createWorker: (url) => runtime.createWorker(url, { name: "ses-spellcheck" }) });
  }

  /** Where the dictionaries and custom words come from. */
  get provider(): SpellcheckDictionaryProvider {
    return this.#provider;
  }

  set provider(provider: SpellcheckDictionaryProvider) {
    this.#provider = provider;
  }

  /**
   * The misspelled words of `text`.
   *
   * @param text The text.
   * @param options The languages to use.
   * @returns The misspellings with UTF-16 ranges and suggestions.
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
    return this.#checker.check(text, { languages: options.languages });
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
   * console.log((await spellcheck.suggest("Ths"))[0]); // This
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
