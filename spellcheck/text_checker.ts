/**
 * The spellchecker a session owns: dictionaries from a {@linkcode SpellcheckDictionaryProvider},
 * loaded into hunspell.wasm once and reused while the provider returns the same files; single
 * words are checked on the calling thread, texts of more than a few words in a worker.
 *
 * @module
 */

import type {
  HunspellDictionaryFiles,
  SpellcheckDictionaryProvider,
} from "./dictionary_provider.ts";
import type { Hunspell } from "./hunspell.ts";
import { correspondingSpellCheckLanguage, spellCheckLanguageRegion } from "./languages.ts";
import {
  checkText,
  loadDictionary,
  type LoadedDictionary,
  type Misspelling,
  suggestAcross,
} from "./text_check.ts";
import type {
  TextCheckReply,
  TextCheckRequest,
  TextCheckRequestBody,
} from "./text_check_protocol.ts";

/** Options of {@linkcode TextChecker}. */
export interface TextCheckerOptions {
  /** Starts the worker (the session passes its Runtime's); default `new Worker(url, {type: "module"})`. */
  createWorker?: (url: URL) => Worker;
  /** Texts with more words than this (whitespace-separated) go to the worker; default 8. */
  workerThreshold?: number;
  /** The worker ends after this long without work (milliseconds); default 1000. */
  workerIdleMs?: number;
}

/** Options of {@linkcode TextChecker.check}. */
export interface SpellCheckOptions {
  /** Check against these of the active languages only (default: all active languages). */
  languages?: string[];
  /** Compute suggestions (default `true`). */
  suggestions?: boolean;
}

const WORKER_URL = new URL("./text_check_worker.ts", import.meta.url);

interface Pending {
  resolve(reply: TextCheckReply): void;
  reject(error: Error): void;
}

/** Checks texts and words against the provider's active dictionaries. */
export class TextChecker {
  #provider: SpellcheckDictionaryProvider;
  #createWorker: (url: URL) => Worker;
  #threshold: number;
  #idleMs: number;
  #loaded = new Map<string, Promise<LoadedDictionary & { checker: Hunspell }>>();
  #worker: Worker | undefined;
  #workerKey = "";
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Creates a checker; nothing loads until the first check.
   *
   * @param provider Where the dictionaries and custom words come from.
   * @param options Worker creation, threshold and idle time.
   */
  constructor(provider: SpellcheckDictionaryProvider, options: TextCheckerOptions = {}) {
    const {
      createWorker = (url: URL) => new Worker(url, { type: "module" }),
      workerThreshold = 8,
      workerIdleMs = 1000,
    } = options;
    this.#provider = provider;
    this.#createWorker = createWorker;
    this.#threshold = workerThreshold;
    this.#idleMs = workerIdleMs;
  }

  /**
   * The misspelled words of `text` (Chromium's word breaking and rules; see text_check.ts).
   *
   * @param text The text.
   * @param options Languages to use (a subset of the active ones) and whether to suggest.
   * @returns The misspellings with UTF-16 ranges, in text order.
   * @throws {TypeError} When `text` is not a string.
   * @throws {RangeError} (rejects) `Spellcheck language "<code>" is not selected; select it with
   * setSpellCheckerLanguages` (`is not active` when the provider does not tell selected languages
   * apart), or `... is not a language the spellchecker knows; see availableSpellCheckerLanguages`
   * for a code no selection could make work.
   * @throws {Error} (rejects) `Spellcheck language "<code>" has no dictionary: its download or
   * load failed (see the 'spellcheck-dictionary-download-failure' event)` for a selected language
   * whose dictionary could not be had.
   *
   * @example
   * ```ts
   * import { TextChecker } from "./text_checker.ts";
   * import { builtinEnUsProvider } from "./builtin_en_us.ts";
   * const checker = new TextChecker(builtinEnUsProvider());
   * const found = await checker.check("Helo wrold");
   * console.log(found.map(({ start, end, word }) => `${start}-${end} ${word}`)); // [ "0-4 Helo", "5-10 wrold" ]
   * console.log(found[1]?.suggestions); // [ "world", "wold" ]
   * checker.close();
   * ```
   */
  async check(text: string, options: SpellCheckOptions = {}): Promise<Misspelling[]> {
    if (typeof text !== "string") throw new TypeError("The text to spellcheck must be a string");
    const { languages, suggestions = true } = options;
    const files = await this.#files(languages);
    const isCustomWord = (word: string) => this.#provider.isCustomWord(word);
    if (!this.#isLong(text)) {
      return checkText(text, await this.#load(files), isCustomWord, { suggestions });
    }
    const checked = await this.#inWorker(files, { kind: "check", text });
    if (checked.kind !== "checked") throw new Error("Unexpected reply from the spellcheck worker");
    // The custom words are here, so the worker's misspellings are filtered here, as
    // checkText's are: by the word as written or as checked.
    const kept = checked.misspellings.flatMap((misspelling, i) => {
      const word = checked.checked[i]!;
      return isCustomWord(misspelling.word) || isCustomWord(word) ? [] : [{ misspelling, word }];
    });
    const misspellings = kept.map(({ misspelling }) => misspelling);
    if (!suggestions || kept.length === 0) return misspellings;
    const words = [...new Set(kept.map(({ word }) => word))];
    const suggested = await this.#inWorker(files, { kind: "suggest", words });
    if (suggested.kind !== "suggested") {
      throw new Error("Unexpected reply from the spellcheck worker");
    }
    const byWord = new Map(words.map((word, i) => [word, suggested.suggestions[i]!]));
    for (const { misspelling, word } of kept) {
      misspelling.suggestions = [...(byWord.get(word) ?? [])];
    }
    return misspellings;
  }

  /**
   * Whether one word is correct in some active dictionary or the custom dictionary.
   *
   * @param word The word (no surrounding punctuation); checked in NFKC, as a text's words are.
   * @returns `true` when correct; also `true` when no language is active.
   * @throws {TypeError} When `word` is not a string.
   *
   * @example
   * ```ts
   * import { TextChecker } from "./text_checker.ts";
   * import { builtinEnUsProvider } from "./builtin_en_us.ts";
   * const checker = new TextChecker(builtinEnUsProvider());
   * console.log(await checker.checkWord("color"), await checker.checkWord("colr")); // true false
   * ```
   */
  async checkWord(word: string): Promise<boolean> {
    if (typeof word !== "string") throw new TypeError("The word to spellcheck must be a string");
    // The provider's custom words are complete once its dictionaries are.
    const dictionaries = await this.#load(await this.#files());
    // A text's words are checked in NFKC (word_break.ts); a lone word is checked alike.
    const checked = word.normalize("NFKC");
    if (this.#provider.isCustomWord(word) || this.#provider.isCustomWord(checked)) return true;
    if (dictionaries.length === 0) return true;
    return dictionaries.some(({ checker }) => checker.spellMany([checked])[0]);
  }

  /**
   * Hunspell's suggestions for a word from the active dictionaries (merged in turn, at most 15).
   *
   * @param word The misspelled word; taken in NFKC, as a text's words are.
   * @returns The suggestions, best first; `[]` when none or no language is active.
   * @throws {TypeError} When `word` is not a string.
   *
   * @example
   * ```ts
   * import { TextChecker } from "./text_checker.ts";
   * import { builtinEnUsProvider } from "./builtin_en_us.ts";
   * const checker = new TextChecker(builtinEnUsProvider());
   * console.log(await checker.suggest("recieve")); // [ "receive", "relieve", "reverie" ]
   * ```
   */
  async suggest(word: string): Promise<string[]> {
    if (typeof word !== "string") throw new TypeError("The word to spellcheck must be a string");
    return suggestAcross(word.normalize("NFKC"), await this.#load(await this.#files()));
  }

  /**
   * Ends the worker now (pending checks reject) and frees the loaded dictionaries. The checker
   * stays usable: the next call loads again.
   *
   * @example
   * ```ts
   * import { TextChecker } from "./text_checker.ts";
   * import { builtinEnUsProvider } from "./builtin_en_us.ts";
   * const checker = new TextChecker(builtinEnUsProvider());
   * console.log((await checker.check("one two three four five six seven eight nyne")).length); // 1
   * checker.close();
   * ```
   */
  close(): void {
    this.#stopWorker(new Error("The spellchecker was closed"));
    for (const loading of this.#loaded.values()) {
      loading.then(({ checker }) => checker.free(), () => {});
    }
    this.#loaded.clear();
  }

  async #files(languages?: string[]): Promise<HunspellDictionaryFiles[]> {
    const active = await this.#provider.activeDictionaries();
    if (languages === undefined) return active;
    // Array.from reads the holes of a sparse list (as undefined), which some() would skip.
    if (
      !Array.isArray(languages) || Array.from(languages).some((code) => typeof code !== "string")
    ) {
      throw new TypeError("languages must be an array of language codes");
    }
    // A code names the active dictionary of its own code or of the one Chromium reads for it
    // ("fr" and "fr-FR" share fr-FR's), so either spelling of a selected language works.
    const dictionaryOf = (code: string) => {
      const language = correspondingSpellCheckLanguage(code);
      return language === "" ? code : spellCheckLanguageRegion(language);
    };
    const wanted = new Set(languages.map(dictionaryOf));
    const activeDictionaries = new Set(active.map((files) => dictionaryOf(files.language)));
    const inactive = languages.filter((code) => !activeDictionaries.has(dictionaryOf(code)));
    if (inactive.length > 0) throw inactiveLanguageError(inactive, this.#provider);
    return active.filter((files) => wanted.has(dictionaryOf(files.language)));
  }

  // Loaded dictionaries are reused while the provider hands out the same bytes.
  async #load(files: HunspellDictionaryFiles[]): Promise<LoadedDictionary[]> {
    return await Promise.all(files.map((entry) => {
      const key = filesKey(entry);
      let loading = this.#loaded.get(key);
      if (!loading) {
        loading = loadDictionary(entry);
        this.#loaded.set(key, loading);
        loading.catch(() => this.#loaded.delete(key));
      }
      return loading;
    }));
  }

  #isLong(text: string): boolean {
    let words = 0;
    for (const _ of text.matchAll(/\S+/g)) if (++words > this.#threshold) return true;
    return false;
  }

  async #inWorker(
    files: HunspellDictionaryFiles[],
    request: { kind: "check"; text: string } | { kind: "suggest"; words: string[] },
  ): Promise<TextCheckReply> {
    const key = files.map(filesKey).join("\n");
    if (!this.#worker || this.#workerKey !== key) {
      this.#worker ??= this.#startWorker();
      this.#workerKey = key;
      // Requests queue behind the load in the worker; a failed load fails them too (the worker
      // remembers why), and the next check loads again.
      this.#send({ kind: "load", dictionaries: files }).catch(() => {
        if (this.#workerKey === key) this.#workerKey = "";
      });
    }
    return await this.#send(request);
  }

  #send(request: TextCheckRequestBody): Promise<TextCheckReply> {
    const worker = this.#worker!;
    const id = this.#nextId++;
    clearTimeout(this.#idleTimer);
    return new Promise<TextCheckReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const message: TextCheckRequest = { ...request, id };
      worker.postMessage(message);
    });
  }

  #startWorker(): Worker {
    const worker = this.#createWorker(WORKER_URL);
    worker.onmessage = (event: MessageEvent<TextCheckReply>) => {
      const reply = event.data;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.kind === "error") pending.reject(new Error(reply.message));
      else pending.resolve(reply);
      if (this.#pending.size === 0) {
        this.#idleTimer = setTimeout(() => this.#stopWorker(), this.#idleMs);
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#stopWorker(new Error(`The spellcheck worker failed: ${event.message}`));
    };
    return worker;
  }

  #stopWorker(error = new Error("The spellcheck worker stopped")): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#workerKey = "";
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

// Identifies a dictionary's bytes: language, sizes and an FNV-1a hash of both files. Hashing
// costs milliseconds per megabyte and providers hand out the same arrays for every check, so
// each array is hashed once.
const hashes = new WeakMap<Uint8Array, string>();

function filesKey({ language, aff, dic }: HunspellDictionaryFiles): string {
  return `${language}:${aff.length}:${dic.length}:${bytesHash(aff)}:${bytesHash(dic)}`;
}

function bytesHash(bytes: Uint8Array): string {
  let known = hashes.get(bytes);
  if (known === undefined) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    known = (hash >>> 0).toString(16);
    hashes.set(bytes, known);
  }
  return known;
}

// Why requested languages have no active dictionary: one not selected is named first (the
// caller's mistake); otherwise a selected one whose dictionary failed.
function inactiveLanguageError(
  inactive: readonly string[],
  provider: SpellcheckDictionaryProvider,
): Error {
  const selected = provider.selectedLanguages?.();
  if (selected === undefined) {
    return new RangeError(
      `Spellcheck language "${inactive[0]}" is not active; select it with setSpellCheckerLanguages`,
    );
  }
  const unselected = inactive.find((code) => !selected.includes(code));
  // No selection can make a code Chromium's language table does not know work: saying "select
  // it" would send the caller to setSpellCheckerLanguages's own refusal.
  if (unselected !== undefined && correspondingSpellCheckLanguage(unselected) === "") {
    return new RangeError(
      `Spellcheck language "${unselected}" is not a language the spellchecker knows; ` +
        "see availableSpellCheckerLanguages",
    );
  }
  if (unselected !== undefined) {
    return new RangeError(
      `Spellcheck language "${unselected}" is not selected; select it with setSpellCheckerLanguages`,
    );
  }
  return new Error(
    `Spellcheck language "${inactive[0]}" has no dictionary: its download or load failed ` +
      "(see the 'spellcheck-dictionary-download-failure' event)",
  );
}
