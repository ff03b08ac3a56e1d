/**
 * A session's custom spellchecker dictionary, kept in `<session dir>/Custom Dictionary.txt`
 * the way Chromium keeps it.
 *
 * Source: Chromium `chrome/browser/spellchecker/spellcheck_custom_dictionary.cc`
 * (`LoadDictionaryFileReliably`, `SaveDictionaryFileReliably`, `UpdateDictionaryFile`,
 * `AddWord`, `RemoveWord`) and Electron's `Session::AddWordToSpellCheckerDictionary`.
 *
 * @module
 */

import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { copyFile, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Runtime } from "../core/runtime.ts";
import { onProcessEnd } from "../core/process_end.ts";
import { withFileLock } from "../core/file_lock.ts";
import { writeFileAtomicSync } from "../core/write_file_atomic_sync.ts";
import {
  encodeCustomDictionary,
  isValidCustomWord,
  parseCustomDictionary,
  sortCustomWords,
} from "./custom_dictionary_file.ts";

/** The file operations a {@linkcode CustomDictionary} needs (a `Runtime` has them). */
export type CustomDictionaryFileSystem = Pick<Runtime, "ensureDir" | "writeFileAtomic" | "remove">;

/** Options for {@linkcode CustomDictionary}. */
export interface CustomDictionaryOptions {
  /** The dictionary file (`<session dir>/Custom Dictionary.txt`), or `null` for a session in memory. */
  path: string | null;
  /** Writes the file atomically and removes the backup. */
  files: CustomDictionaryFileSystem;
  /** Told when the file cannot be written (once until a write succeeds); default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * Chromium's custom dictionary: words added and removed at once in memory, each change then
 * applied to the file in order (reload, change, back up, atomic write), so changes made before
 * the first load finishes are not lost; changes not yet on disk when the process ends
 * (`process.exit()`, `Deno.exit()`, a signal, an uncaught error) are written then, synchronously,
 * as the cookie store and the disk cache write theirs. A session in memory has no file and
 * refuses changes.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { CustomDictionary } from "./custom_dictionary.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const dir = mkdtempSync(`${tmpdir()}/ses-words-`);
 * const dictionary = new CustomDictionary({
 *   path: `${dir}/Custom Dictionary.txt`,
 *   files: currentRuntime(),
 * });
 * console.log(dictionary.addWord("ses"), dictionary.addWord("ses")); // true false
 * console.log(await dictionary.words()); // ["ses"]
 * await dictionary.idle();
 * ```
 */
export class CustomDictionary {
  #path: string | null;
  #files: CustomDictionaryFileSystem;
  #words = new Set<string>();
  #loaded = false;
  #loading: Promise<void> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #onWarning: (message: string) => void;
  #failing = false;
  // Changes queued but not yet on disk, in order; the process-end hook writes them.
  #pending: ((words: Set<string>) => void)[] = [];
  #stopEndHook: (() => void) | undefined;

  /**
   * Creates the dictionary; nothing is read until {@linkcode CustomDictionary.load} or
   * {@linkcode CustomDictionary.words}.
   *
   * @param options `{path, files}`.
   */
  constructor(options: CustomDictionaryOptions) {
    this.#path = options.path;
    this.#files = options.files;
    this.#onWarning = options.onWarning ?? console.warn;
  }

  /** Whether the file has been read (always true in memory). */
  get loaded(): boolean {
    return this.#path === null || this.#loaded;
  }

  /**
   * Starts reading the file, once. A file whose checksum does not match is replaced by its
   * `.backup`; a file with invalid lines is rewritten without them. Unreadable files count as
   * empty, as in Chromium.
   *
   * @returns Resolves when the words are in memory.
   */
  load(): Promise<void> {
    const path = this.#path;
    if (path === null) return Promise.resolve();
    return this.#loading ??= this.#enqueue(async () => {
      const { words, validFile } = await loadReliably(path);
      for (const word of words) this.#words.add(word);
      this.#loaded = true;
      if (!validFile) await this.#save(path, words);
    });
  }

  /**
   * The words, in UTF-8 byte order, once the file is loaded (Electron's
   * `listWordsInSpellCheckerDictionary`).
   *
   * @returns The sorted words.
   */
  async words(): Promise<string[]> {
    await this.load();
    return sortCustomWords(this.#words);
  }

  /**
   * Tells whether `word` is in the dictionary (as loaded so far).
   *
   * @param word The word, compared exactly.
   * @returns Whether it is there.
   */
  has(word: string): boolean {
    return this.#words.has(word);
  }

  /**
   * Adds a word (Electron's `addWordToSpellCheckerDictionary`); the file follows.
   *
   * @param word The word.
   * @returns `true` only for a new valid word; `false` for a duplicate, an invalid word (empty,
   * over 99 UTF-8 bytes, ASCII whitespace at an end) or a session in memory.
   */
  addWord(word: string): boolean {
    const path = this.#path;
    if (path === null) return false;
    if (typeof word !== "string" || this.#words.has(word) || !isValidCustomWord(word)) {
      return false;
    }
    this.#words.add(word);
    this.load();
    this.#update(path, (words) => words.add(word));
    return true;
  }

  /**
   * Removes a word (Electron's `removeWordFromSpellCheckerDictionary`); the file follows.
   *
   * @param word The word.
   * @returns `true` when it was there; `false` otherwise or for a session in memory.
   */
  removeWord(word: string): boolean {
    const path = this.#path;
    if (path === null || typeof word !== "string" || !this.#words.delete(word)) return false;
    this.load();
    this.#update(path, (words) => words.delete(word));
    return true;
  }

  /**
   * Resolves when every change so far is on disk (or failed to be written).
   *
   * @returns Resolves when the write queue is empty.
   */
  idle(): Promise<void> {
    return this.#queue;
  }

  // Chromium's UpdateDictionaryFile: re-read the file so that words written by another process
  // since the load survive, apply the one change, save; under a lock, so that two processes
  // changing the file at once do not each write over the other's change.
  #update(path: string, change: (words: Set<string>) => void): void {
    this.#pending.push(change);
    this.#stopEndHook ??= onProcessEnd(() => this.#writeAtEnd(path));
    this.#enqueue(async () => {
      await this.#files.ensureDir(dirname(path));
      await withFileLock(`${path}.lock`, async () => {
        const { words } = await loadReliably(path);
        change(words);
        await this.#save(path, words);
      });
    }).finally(() => {
      // Written or given up (the warning told): either way no longer the end hook's.
      this.#pending.shift();
      if (this.#pending.length > 0) return;
      this.#stopEndHook?.();
      this.#stopEndHook = undefined;
    });
  }

  // The same re-read, change and save, synchronously, for the changes still pending when the
  // process ends (the one in flight included: adding or deleting a word twice is harmless).
  #writeAtEnd(path: string): void {
    const changes = this.#pending.splice(0);
    if (changes.length === 0) return;
    const { words } = loadReliablySync(path);
    for (const change of changes) change(words);
    mkdirSync(dirname(path), { recursive: true });
    const backup = `${path}.backup`;
    if (words.size > 0) {
      try {
        if (statSync(path).isFile()) copyFileSync(path, backup);
      } catch {
        // No file yet: no backup to keep.
      }
    } else {
      rmSync(backup, { force: true });
    }
    writeFileAtomicSync(path, encodeCustomDictionary(words));
  }

  async #save(path: string, words: Set<string>): Promise<void> {
    const backup = `${path}.backup`;
    await this.#files.ensureDir(dirname(path));
    if (words.size > 0) {
      // The old file, good or bad, becomes the backup; a missing one leaves none to copy.
      if (await isFile(path)) await copyFile(path, backup).catch(() => {});
    } else {
      // An emptied list takes its backup with it, for privacy (as in Chromium).
      await this.#files.remove(backup);
    }
    await this.#files.writeFileAtomic(path, encodeCustomDictionary(words));
    this.#failing = false;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    // A failed write (read-only disk, full disk) loses that change on disk only: the words in
    // memory stay, later changes are still tried, and nothing rejects into the caller. The
    // user hears of it once, not at every word, until a write works again.
    const run = this.#queue.then(task).catch((error) => {
      if (this.#failing) return;
      this.#failing = true;
      this.#onWarning(
        `Cannot write the custom dictionary "${this.#path}" (${String(error)}); ` +
          `its changes stay in memory`,
      );
    });
    this.#queue = run;
    return run;
  }
}

async function loadReliably(path: string): Promise<{ words: Set<string>; validFile: boolean }> {
  const parsed = parseCustomDictionary(await readBytes(path));
  if (parsed.checksumValid) return { words: parsed.words, validFile: !parsed.droppedInvalid };
  const backup = parseCustomDictionary(await readBytes(`${path}.backup`));
  return { words: backup.words, validFile: false };
}

function loadReliablySync(path: string): { words: Set<string> } {
  const parsed = parseCustomDictionary(readBytesSync(path));
  if (parsed.checksumValid) return { words: parsed.words };
  return { words: parseCustomDictionary(readBytesSync(`${path}.backup`)).words };
}

// Only a regular file is read (or copied): opening a FIFO or a device put in the file's place
// waits for a writer that never comes, and at process end that wait, synchronous, would keep
// the process from ever exiting. Anything else reads as no file, and the next save replaces it.
function readBytesSync(path: string): Uint8Array {
  try {
    return statSync(path).isFile() ? readFileSync(path) : new Uint8Array();
  } catch {
    return new Uint8Array();
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await isFile(path) ? await readFile(path) : new Uint8Array();
  } catch {
    return new Uint8Array();
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
