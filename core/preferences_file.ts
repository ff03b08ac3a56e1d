/**
 * A partition's `Preferences` JSON file, shared by the parts of a session that keep settings in
 * it under Chromium's keys (the spellchecker's, the download directory): each reads it once and
 * changes only its own keys, so the others survive.
 *
 * Source: Chromium `components/prefs/json_pref_store.cc`: the file is replaced atomically, a
 * corrupt one is moved aside to `Preferences.bad`, and a write still pending when the store goes
 * is committed then. Chromium needs no lock (a profile has one browser process); here several
 * sessions, in one process or several, may share a partition, so each change is a locked
 * read-change-write.
 *
 * @module
 */

import { mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { withFileLock } from "./file_lock.ts";
import { onProcessEnd } from "./process_end.ts";
import type { Runtime } from "./runtime.ts";
import { writeFileAtomicSync } from "./write_file_atomic_sync.ts";

/** A JSON object as parsed from the file. */
export type JsonObject = Record<string, unknown>;

/** A change of the keys one part owns, made on the file's parsed root object. */
export type PreferencesChange = (root: JsonObject) => void;

/** What a {@linkcode PreferencesFile} needs. */
export interface PreferencesFileOptions {
  /** Creates the directory and writes the file atomically. */
  files: Pick<Runtime, "ensureDir" | "writeFileAtomic">;
  /** Names the settings in the warning when they cannot be written (`the spellchecker settings`). */
  what: string;
  /** Told when the file was corrupt or a write failed; default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * One part's view of a `Preferences` file: {@linkcode PreferencesFile.read} reads it
 * synchronously (settings are needed before a session's first call returns, as Chromium reads a
 * profile's prefs at start); {@linkcode PreferencesFile.change} writes a change in the
 * background, in order, and at the process's end if it has not run by then. A write that fails
 * leaves the settings in memory and warns once, until a write works again.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { PreferencesFile } from "./preferences_file.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const path = `${mkdtempSync(`${tmpdir()}/ses-prefs-`)}/Preferences`;
 * const file = new PreferencesFile(path, { files: currentRuntime(), what: "the settings" });
 * file.change((root) => {
 *   root["download"] = { default_directory: "/tmp" };
 * });
 * await file.idle();
 * console.log(file.read()); // { download: { default_directory: "/tmp" } }
 * ```
 */
export class PreferencesFile {
  readonly #path: string;
  readonly #options: PreferencesFileOptions;
  #writes: Promise<void> = Promise.resolve();
  #writeFailing = false;
  // Changes not yet written, in order, for the write at the process's end.
  #pending: PreferencesChange[] = [];
  #stopEndHook: (() => void) | undefined;

  /**
   * @param path The `Preferences` file; its directory is created at the first write.
   * @param options The file system, the warning's wording and where warnings go.
   */
  constructor(path: string, options: PreferencesFileOptions) {
    this.#path = path;
    this.#options = options;
  }

  /**
   * Reads the file's root object. A missing file (or a FIFO or device in its place) gives `{}`;
   * a file that is not a JSON object is renamed to `<path>.bad` with a warning and gives `{}`.
   *
   * @returns The parsed root; the caller checks each value's type.
   */
  read(): JsonObject {
    let text: string;
    try {
      // A FIFO or a device in the file's place would block this synchronous read for ever.
      if (!statSync(this.#path).isFile()) return {};
      text = readFileSync(this.#path, "utf8");
    } catch {
      return {};
    }
    const root = parseObject(text);
    if (root !== undefined) return root;
    const path = this.#path;
    try {
      renameSync(path, `${path}.bad`);
      this.#warn(
        `Preferences file "${path}" is not a JSON object; moved it to "${path}.bad" and ` +
          `started from the defaults`,
      );
    } catch (error) {
      // Moving it aside is a courtesy; the next write replaces it either way.
      this.#warn(
        `Preferences file "${path}" is not a JSON object and could not be moved aside ` +
          `(${String(error)}); started from the defaults`,
      );
    }
    return {};
  }

  /**
   * Writes a change: reads the file under `<path>.lock`, applies `change` to its root, and
   * replaces it atomically. Changes are written in the order given; one still pending when the
   * process ends (`process.exit()` and kin) is written synchronously then, as Chromium's
   * JsonPrefStore commits a pending write when it is destroyed.
   *
   * @param change Sets the part's keys on the root (a corrupt file's other keys are not kept).
   */
  change(change: PreferencesChange): void {
    const path = this.#path;
    this.#pending.push(change);
    this.#stopEndHook ??= onProcessEnd(() => this.#writeAtEnd());
    this.#writes = this.#writes
      .then(() => this.#write(change))
      .then(() => {
        this.#writeFailing = false;
      }, (error) => {
        if (this.#writeFailing) return;
        this.#writeFailing = true;
        this.#warn(
          `Cannot write ${this.#options.what} to "${path}" (${String(error)}); ` +
            `they stay in memory`,
        );
      })
      .finally(() => {
        this.#pending.shift();
        if (this.#pending.length > 0) return;
        this.#stopEndHook?.();
        this.#stopEndHook = undefined;
      });
  }

  /** Resolves when every change given so far has been written (or has failed and warned). */
  idle(): Promise<void> {
    return this.#writes;
  }

  async #write(change: PreferencesChange): Promise<void> {
    const path = this.#path;
    await this.#options.files.ensureDir(dirname(path));
    // Another session on this partition (in this process or another) may be writing its keys:
    // without the lock, its read-change-write and this one each keep only their own change.
    await withFileLock(`${path}.lock`, async () => {
      const text = await stat(path).then((found) => found.isFile() ? readFile(path, "utf8") : "{}")
        .catch(() => "{}");
      await this.#options.files.writeFileAtomic(path, applied(text, [change]));
    });
  }

  // No promise runs as the process ends: the pending changes are written at once, without the
  // lock (another process holding it cannot be waited for).
  #writeAtEnd(): void {
    const pending = this.#pending.splice(0);
    if (pending.length === 0) return;
    const path = this.#path;
    mkdirSync(dirname(path), { recursive: true });
    let text = "{}";
    try {
      if (statSync(path).isFile()) text = readFileSync(path, "utf8");
    } catch {
      // No file yet: the keys go into a new one.
    }
    writeFileAtomicSync(path, new TextEncoder().encode(applied(text, pending)));
  }

  #warn(message: string): void {
    (this.#options.onWarning ?? console.warn)(message);
  }
}

/**
 * The object under `key`, or `undefined` when there is none or it is not an object.
 *
 * @param root The object to look in.
 * @param key The key.
 * @returns The child object.
 * @example
 * ```ts
 * import { childObject } from "./preferences_file.ts";
 * console.log(childObject({ a: { b: 1 } }, "a")); // { b: 1 }
 * ```
 */
export function childObject(root: JsonObject, key: string): JsonObject | undefined {
  const value = root[key];
  return isObject(value) ? value : undefined;
}

/**
 * The object under `key`, made (replacing any value that is not an object) when missing.
 *
 * @param root The object to look in and change.
 * @param key The key.
 * @returns The child object, now in `root`.
 * @example
 * ```ts
 * import { ensureChildObject } from "./preferences_file.ts";
 * const root = {};
 * ensureChildObject(root, "download")["default_directory"] = "/tmp";
 * console.log(root); // { download: { default_directory: "/tmp" } }
 * ```
 */
export function ensureChildObject(root: JsonObject, key: string): JsonObject {
  const existing = childObject(root, key);
  if (existing !== undefined) return existing;
  const created: JsonObject = {};
  root[key] = created;
  return created;
}

function applied(text: string, changes: PreferencesChange[]): string {
  const root = parseObject(text) ?? {};
  for (const change of changes) change(root);
  return JSON.stringify(root);
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
