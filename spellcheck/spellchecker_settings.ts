/**
 * A session's spellchecker settings (Electron's spellchecker methods, properties and events)
 * and the dictionaries they select, handed to the engine through
 * {@linkcode SpellcheckDictionaryProvider}.
 *
 * Source: Electron `shell/browser/api/electron_api_session.cc` (the `*SpellChecker*` methods),
 * `electron_browser_context.cc` (the OS-locale default), Chromium
 * `chrome/browser/spellchecker/spellcheck_service.cc` (`LoadDictionaries`: one dictionary per
 * distinct stored code, all rebuilt when the list changes).
 *
 * @module
 */

import { join } from "node:path";
import type { Runtime } from "../core/runtime.ts";
import { CustomDictionary } from "./custom_dictionary.ts";
import type {
  HunspellDictionaryFiles,
  SpellcheckDictionaryProvider,
} from "./dictionary_provider.ts";
import {
  type DictionaryFetch,
  loadHunspellDictionary,
  type SpellcheckDictionaryEvent,
} from "./dictionary_download.ts";
import { methodArgumentError } from "../core/conversion_error.ts";
import {
  availableSpellCheckerLanguages,
  normalizeSpellCheckerLanguages,
  spellCheckLanguageForLocale,
  spellCheckLanguageRegion,
} from "./languages.ts";
import {
  setSpellcheckPreferences,
  type SpellcheckPreferences,
  spellcheckPreferencesOf,
} from "./spellcheck_preferences.ts";
import { PreferencesFile } from "../core/preferences_file.ts";

/** A dictionary that ships with the package: `.aff` and `.dic` bytes. */
export interface BundledDictionary {
  /** The `.aff` file. */
  aff: Uint8Array;
  /** The `.dic` file. */
  dic: Uint8Array;
}

/** What a session gives its {@linkcode SpellCheckerSettings}. */
export interface SpellCheckerSettingsOptions {
  /** The session's directory, or `null` in memory (no `Preferences`, no custom dictionary file). */
  storagePath: string | null;
  /** The app-wide `Dictionaries` folder (`<userData>/Dictionaries`), read when needed. */
  dictionariesDirectory: () => string;
  /** The process-wide download base URL, read at each download. */
  downloadBaseUrl: () => string;
  /** Fetches through the session's network stack. */
  fetch: DictionaryFetch;
  /** File operations (a `Runtime`). */
  files: Pick<Runtime, "ensureDir" | "writeFileAtomic" | "remove">;
  /** The built-in dictionary of a region (`"en-US"`), or `undefined`: those are never downloaded. */
  builtinDictionary: (region: string) => Promise<BundledDictionary | undefined>;
  /** The OS locale, like `fr_FR.UTF-8`, for the default language. */
  locale: string;
  /** Emits a spellchecker event on the session. */
  emit: (name: SpellcheckDictionaryEvent, language: string) => void;
  /**
   * Hears a dictionary download's progress: the language, the bytes received so far and the
   * response's `Content-Length` (0 when unknown). Silent once the download is cancelled.
   */
  progress?: (language: string, receivedBytes: number, totalBytes: number) => void;
  /**
   * Told when `Preferences` was corrupt or a settings or custom dictionary file cannot be
   * written (once until a write works again); default `console.warn`.
   */
  onWarning?: (message: string) => void;
}

/**
 * Electron's spellchecker settings for one session: enabled flag and languages (kept in the
 * partition's `Preferences`), the custom dictionary, and one dictionary per distinct language,
 * loaded (and downloaded) whenever the list changes, with the `spellcheck-dictionary-*` events.
 * An empty list means en-US for checking. Nothing is read until the first call.
 *
 * @example
 * ```ts
 * import { SpellCheckerSettings } from "./spellchecker_settings.ts";
 * import { builtinDictionaryFor } from "./builtin_en_us.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const settings = new SpellCheckerSettings({
 *   storagePath: null,
 *   dictionariesDirectory: () => "/tmp/ses-example/Dictionaries",
 *   downloadBaseUrl: () => "http://127.0.0.1:9/",
 *   fetch: (url, init) => fetch(url, init),
 *   files: currentRuntime(),
 *   builtinDictionary: builtinDictionaryFor,
 *   locale: "en_US.UTF-8",
 *   emit: (name, language) => console.log(name, language),
 * });
 * console.log(settings.getLanguages()); // ["en-US"]
 * const [english] = await settings.activeDictionaries(); // logs spellcheck-dictionary-initialized en-US
 * console.log(english?.language, (english?.aff.length ?? 0) > 0); // en-US true
 * ```
 */
export class SpellCheckerSettings implements SpellcheckDictionaryProvider {
  #options: SpellCheckerSettingsOptions;
  #preferences: PreferencesFile | null;
  #enabled = true;
  #languages: string[] = [];
  #started = false;
  #loads = new Map<string, Promise<HunspellDictionaryFiles | undefined>>();
  #abort = new AbortController();
  #fallback: Promise<HunspellDictionaryFiles | undefined> | undefined;
  #custom: CustomDictionary;

  /**
   * Creates the settings; the `Preferences` file is read at the first call.
   *
   * @param options The session's parts.
   */
  constructor(options: SpellCheckerSettingsOptions) {
    this.#options = options;
    const { storagePath } = options;
    this.#preferences = storagePath === null
      ? null
      : new PreferencesFile(join(storagePath, "Preferences"), {
        files: options.files,
        what: "the spellchecker settings",
        onWarning: (message) => this.#warn(message),
      });
    this.#custom = new CustomDictionary({
      path: storagePath === null ? null : join(storagePath, "Custom Dictionary.txt"),
      files: options.files,
      onWarning: options.onWarning,
    });
  }

  /** The language codes `setLanguages` accepts (Electron's `availableSpellCheckerLanguages`). */
  get availableLanguages(): string[] {
    return availableSpellCheckerLanguages();
  }

  /**
   * Whether the spellchecker is enabled (Electron's `isSpellCheckerEnabled`). Default `true`.
   *
   * @returns The flag.
   */
  isEnabled(): boolean {
    this.#start();
    return this.#enabled;
  }

  /**
   * Enables or disables the spellchecker (Electron's `setSpellCheckerEnabled`); persisted.
   *
   * @param enable The flag; other values are converted as JavaScript truthiness, like gin's
   * boolean conversion.
   */
  setEnabled(enable: boolean): void {
    this.#start();
    this.#enabled = Boolean(enable);
    this.#persist({ enabled: this.#enabled });
  }

  /**
   * The stored language codes (Electron's `getSpellCheckerLanguages`).
   *
   * @returns A copy of the list.
   */
  getLanguages(): string[] {
    this.#start();
    return [...this.#languages];
  }

  /**
   * The languages the dictionaries are for: the stored codes, or en-US while none is stored
   * (the built-in dictionary `activeDictionaries` then gives).
   *
   * @returns The codes.
   */
  selectedLanguages(): readonly string[] {
    const languages = this.getLanguages();
    return languages.length > 0 ? languages : ["en-US"];
  }

  /**
   * Sets the languages (Electron's `setSpellCheckerLanguages`): codes normalised, order and
   * duplicates kept, `enabled` set to `languages.length > 0`, persisted. A different list
   * reloads every dictionary (so a failed download is tried again); the same list changes
   * nothing.
   *
   * @param languages Language codes from {@linkcode SpellCheckerSettings.availableLanguages}.
   * @throws {Error} `Invalid language code provided: "<code>" is not a valid language code`;
   * nothing is stored then.
   */
  setLanguages(languages: string[]): void {
    this.#start();
    const normalized = normalizeSpellCheckerLanguages(languages);
    const changed = normalized.length !== this.#languages.length ||
      normalized.some((code, i) => code !== this.#languages[i]);
    this.#languages = normalized;
    this.#enabled = normalized.length > 0;
    this.#persist({ dictionaries: normalized, enabled: this.#enabled });
    if (changed) this.#loadDictionaries();
  }

  /**
   * The custom dictionary's words in byte order (Electron's
   * `listWordsInSpellCheckerDictionary`), once the file is loaded.
   *
   * @returns The words.
   */
  listWords(): Promise<string[]> {
    this.#start();
    return this.#custom.words();
  }

  /**
   * Adds a custom word (Electron's `addWordToSpellCheckerDictionary`).
   *
   * @param word The word.
   * @returns Whether it was new and valid; always `false` in memory.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string, as Electron's binding does.
   */
  addWord(word: string): boolean {
    if (typeof word !== "string") throw methodArgumentError(0, word);
    this.#start();
    return this.#custom.addWord(word);
  }

  /**
   * Removes a custom word (Electron's `removeWordFromSpellCheckerDictionary`).
   *
   * @param word The word.
   * @returns Whether it was there; always `false` in memory.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string, as Electron's binding does.
   */
  removeWord(word: string): boolean {
    if (typeof word !== "string") throw methodArgumentError(0, word);
    this.#start();
    return this.#custom.removeWord(word);
  }

  /**
   * The hunspell files of the stored languages (en-US when the list is empty), once each
   * distinct code is loaded, downloaded or has failed; failed languages are left out. The
   * custom dictionary is loaded too, so {@linkcode SpellCheckerSettings.isCustomWord} is
   * complete afterwards. Checking with them does not depend on `isEnabled()`: that flag is
   * for renderers, which do not run headlessly.
   *
   * @returns The files, in the order of the stored codes.
   */
  async activeDictionaries(): Promise<HunspellDictionaryFiles[]> {
    this.#start();
    const loads = this.#languages.length > 0
      ? [...new Set(this.#languages)].map((code) => this.#loads.get(code))
      : [this.#fallback ??= this.#loadBuiltin("en-US")];
    const [files] = await Promise.all([Promise.all(loads), this.#custom.load()]);
    return files.filter((entry): entry is HunspellDictionaryFiles => entry !== undefined);
  }

  /**
   * Tells whether `word` is in the custom dictionary (as loaded so far).
   *
   * @param word The word, compared exactly.
   * @returns Whether it is a custom word.
   */
  isCustomWord(word: string): boolean {
    this.#start();
    return this.#custom.has(word);
  }

  /**
   * Resolves when the settings and custom words written so far are on disk and the current
   * dictionaries have finished loading.
   *
   * @returns Resolves when idle.
   */
  async idle(): Promise<void> {
    await Promise.all([
      this.#preferences?.idle(),
      this.#custom.idle(),
      ...this.#loads.values(),
    ]);
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const stored: SpellcheckPreferences = this.#preferences === null
      ? {}
      : spellcheckPreferencesOf(this.#preferences.read());
    this.#enabled = stored.enabled ?? true;
    this.#languages = normalizeStored(stored.dictionaries ?? []);
    if (this.#languages.length === 0) {
      // Electron fills an empty list with the OS locale's language, when it has a dictionary,
      // and stores it.
      const code = spellCheckLanguageForLocale(this.#options.locale);
      if (code !== "") {
        this.#languages = [code];
        this.#persist({ dictionaries: this.#languages });
      }
    }
    this.#custom.load();
    this.#loadDictionaries();
  }

  // Chromium's LoadDictionaries: every distinct stored code gets a new dictionary; the old
  // ones are dropped, their downloads cancelled and their events silenced.
  #loadDictionaries(): void {
    this.#abort.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#loads = new Map();
    for (const code of [...new Set(this.#languages)].sort()) {
      this.#loads.set(code, this.#load(code, abort.signal));
    }
  }

  #load(language: string, signal: AbortSignal): Promise<HunspellDictionaryFiles | undefined> {
    const region = spellCheckLanguageRegion(language);
    const listen = (name: string, call: () => void) => {
      if (signal.aborted) return;
      try {
        call();
      } catch (error) {
        // A listener that throws is the caller's bug: it is reported, as a throwing webRequest
        // listener is, and neither breaks this dictionary's load nor ends the process.
        console.error(`Session '${name}' listener failed:`, error);
      }
    };
    const emit = (name: SpellcheckDictionaryEvent) =>
      listen(name, () => this.#options.emit(name, language));
    const { progress } = this.#options;
    return this.#loadBuiltin(region).then(async (builtin) => {
      if (builtin !== undefined) {
        emit("spellcheck-dictionary-initialized");
        return { ...builtin, language };
      }
      const files = await loadHunspellDictionary({
        language,
        directory: this.#options.dictionariesDirectory(),
        baseUrl: this.#options.downloadBaseUrl(),
        fetch: this.#options.fetch,
        files: this.#options.files,
        onEvent: (name) => emit(name),
        onProgress: progress &&
          ((received, total) =>
            listen(
              "spellcheck-dictionary-download-progress",
              () => progress(language, received, total),
            )),
        signal,
      });
      return files && { language, aff: files.aff, dic: files.dic };
    });
  }

  // A built-in dictionary that cannot be read (a broken install) counts as none: the
  // language goes without, as a failed download does, and nothing rejects unhandled.
  async #loadBuiltin(region: string): Promise<HunspellDictionaryFiles | undefined> {
    try {
      const builtin = await this.#options.builtinDictionary(region);
      return builtin && { language: region, aff: builtin.aff, dic: builtin.dic };
    } catch {
      return undefined;
    }
  }

  // Settings keep working in memory when the file cannot be written, as with Chromium's prefs.
  #persist(preferences: SpellcheckPreferences): void {
    this.#preferences?.change(setSpellcheckPreferences(preferences));
  }

  #warn(message: string): void {
    (this.#options.onWarning ?? console.warn)(message);
  }
}

// A hand-edited or older Preferences file may hold codes this version does not list.
function normalizeStored(codes: string[]): string[] {
  return codes.flatMap((code) => {
    try {
      return normalizeSpellCheckerLanguages([code]);
    } catch {
      return [];
    }
  });
}
