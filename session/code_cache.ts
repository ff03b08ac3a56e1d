/**
 * A session's V8 code cache directory (`setCodeCachePath`, `clearCodeCaches`). Headlessly no
 * renderer compiles scripts, so nothing writes to it; the directory is still made where the
 * caller asks and emptied on request, so applications that share it with a renderer keep
 * Electron's behaviour.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import type { Runtime } from "../core/runtime.ts";

/** Electron's `clearCodeCaches` options. */
export interface ClearCodeCachesOptions {
  /**
   * URLs whose cache entries to remove; empty or absent removes every entry, and so does a
   * value that is not an array of strings (Electron's `std::set<GURL>` conversion fails then).
   */
  urls?: string[];
}

/**
 * One session's code cache location: `<storage path>/Code Cache` unless set; none for an
 * in-memory session until set.
 *
 * @example
 * ```ts
 * import { currentRuntime } from "../runtime/mod.ts";
 * import { CodeCache } from "./code_cache.ts";
 * const cache = new CodeCache(currentRuntime(), null);
 * console.log(cache.path); // null
 * ```
 */
export class CodeCache {
  readonly #runtime: Runtime;
  #path: string | null;
  #made: Promise<void> = Promise.resolve();

  /**
   * Makes the location.
   *
   * @param runtime File services.
   * @param storagePath The session's directory, or `null` in memory.
   */
  constructor(runtime: Runtime, storagePath: string | null) {
    this.#runtime = runtime;
    this.#path = storagePath === null ? null : join(storagePath, "Code Cache");
  }

  /** The directory in use, or `null`. */
  get path(): string | null {
    return this.#path;
  }

  /**
   * Sets the directory and makes it. A directory that cannot be made fails silently, as in
   * Electron ("all operations related to code cache will fail silently").
   *
   * @param path An absolute path.
   * @returns Resolves once the directory exists or could not be made.
   * @throws {TypeError} `Absolute path must be provided to store code cache.`
   */
  setPath(path: unknown): Promise<void> {
    if (typeof path !== "string" || !isAbsolute(path)) {
      throw new TypeError("Absolute path must be provided to store code cache.");
    }
    this.#path = path;
    this.#made = this.#runtime.ensureDir(path).catch(() => {});
    return this.#made;
  }

  /**
   * Empties the directory. @ses keeps no entry keyed by URL, so a non-empty `urls` (an array
   * of strings) has nothing to remove.
   *
   * @param options `{urls}`.
   * @returns Resolves when done; never rejects.
   */
  async clear(options: ClearCodeCachesOptions = {}): Promise<void> {
    const path = this.#path;
    await this.#made;
    if (path === null || urlList(options.urls).length > 0) return;
    try {
      await this.#runtime.remove(path);
      await this.#runtime.ensureDir(path);
    } catch {
      // Electron's clear resolves whatever happens on disk.
    }
  }
}

// Electron reads `urls` with options.Get into a std::set<GURL>: anything but an array of strings
// fails that conversion, and the clear then covers every entry, as when `urls` is absent.
function urlList(urls: unknown): readonly string[] {
  return Array.isArray(urls) && urls.every((url) => typeof url === "string") ? urls : [];
}
