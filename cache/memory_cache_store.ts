/**
 * The HTTP cache's store for in-memory sessions.
 *
 * @module
 */

import { totalmem } from "node:os";
import { type CacheEntry, entrySize } from "./cache_entry.ts";
import type { CacheStore } from "./cache_store.ts";

/** The default size limit of a session's cache on disk: 80 MiB, Chromium's disk cache's. */
export const DEFAULT_CACHE_MAX_SIZE = 80 * 1024 * 1024;

// Chromium's mem_backend_impl.cc: kDefaultInMemoryCacheSize, and five times it at most.
const IN_MEMORY_FALLBACK = 10 * 1024 * 1024;
const IN_MEMORY_MAX = 5 * IN_MEMORY_FALLBACK;

/**
 * The default size limit of an in-memory partition's cache, as Chromium's in-memory backend
 * sizes itself (net/disk_cache/memory/mem_backend_impl.cc, `CalculateDefaultMaxSize`): 2% of
 * the machine's physical memory, 50 MiB from 2500 MiB of memory up, 10 MiB when the memory is
 * unknown.
 *
 * @param totalMemory The machine's physical memory in bytes (default `os.totalmem()`).
 * @returns The limit in bytes.
 *
 * @example
 * ```ts
 * import { defaultInMemoryCacheSize } from "./memory_cache_store.ts";
 * console.log(defaultInMemoryCacheSize(1024 * 1024 * 1024)); // 21474836
 * console.log(defaultInMemoryCacheSize(16 * 1024 ** 3)); // 52428800
 * ```
 */
export function defaultInMemoryCacheSize(totalMemory: number = totalmem()): number {
  if (!(totalMemory > 0)) return IN_MEMORY_FALLBACK;
  if (totalMemory >= 2500 * 1024 * 1024) return IN_MEMORY_MAX;
  return Math.floor(totalMemory * 2 / 100);
}

/**
 * Keeps entries in a `Map` in least-recently-used order. Entries live only as long as the
 * process; nothing can tear them, so they carry no checksum.
 *
 * @example
 * ```ts
 * import { MemoryCacheStore } from "./memory_cache_store.ts";
 * const store = new MemoryCacheStore();
 * store.put({
 *   key: "http://a.test/", url: "http://a.test/", status: 200, statusText: "OK",
 *   httpVersion: "1.1", rawHeaders: [], vary: [], requestTime: 0, responseTime: 0,
 *   remoteAddress: "", remotePort: 0, body: new TextEncoder().encode("hi"),
 * });
 * console.log(store.variants("http://a.test/").length, store.size() > 0); // 1 true
 * ```
 */
export class MemoryCacheStore implements CacheStore {
  #maxSize: number;
  #entries = new Map<string, { entry: CacheEntry; size: number }>();
  #byUrl = new Map<string, Set<string>>();
  #size = 0;
  #closed = false;

  /**
   * Makes an empty store.
   *
   * @param maxSize The size limit in bytes; default {@linkcode defaultInMemoryCacheSize}.
   */
  constructor(maxSize: number = defaultInMemoryCacheSize()) {
    this.#maxSize = maxSize;
  }

  /** The size limit in bytes; lowering it evicts the least recently used entries at once. */
  get maxSize(): number {
    return this.#maxSize;
  }

  set maxSize(bytes: number) {
    this.#maxSize = bytes;
    if (!this.#closed) this.#evict();
  }

  variants(url: string): CacheEntry[] {
    this.#check();
    const keys = this.#byUrl.get(url);
    if (keys === undefined) return [];
    const found: CacheEntry[] = [];
    for (const key of keys) found.push(this.#entries.get(key)!.entry);
    return found;
  }

  put(entry: CacheEntry): void {
    this.#check();
    this.#delete(entry.key);
    const size = entrySize(entry);
    this.#entries.set(entry.key, { entry, size });
    let keys = this.#byUrl.get(entry.url);
    if (keys === undefined) this.#byUrl.set(entry.url, keys = new Set());
    keys.add(entry.key);
    this.#size += size;
    this.#evict();
  }

  touch(key: string): void {
    this.#check();
    const slot = this.#entries.get(key);
    if (slot === undefined) return;
    this.#entries.delete(key);
    this.#entries.set(key, slot);
  }

  deleteUrl(url: string): void {
    this.#check();
    for (const key of this.#byUrl.get(url) ?? []) this.#delete(key);
  }

  urls(): string[] {
    this.#check();
    return [...this.#byUrl.keys()];
  }

  size(): number {
    this.#check();
    return this.#size;
  }

  clear(): void {
    this.#check();
    this.#entries.clear();
    this.#byUrl.clear();
    this.#size = 0;
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
    this.#byUrl.clear();
    return Promise.resolve();
  }

  #delete(key: string): void {
    const slot = this.#entries.get(key);
    if (slot === undefined) return;
    this.#entries.delete(key);
    this.#size -= slot.size;
    const keys = this.#byUrl.get(slot.entry.url)!;
    keys.delete(key);
    if (keys.size === 0) this.#byUrl.delete(slot.entry.url);
  }

  #evict(): void {
    // The Map iterates oldest first, so eviction takes from the front.
    for (const key of this.#entries.keys()) {
      if (this.#size <= this.#maxSize) break;
      this.#delete(key);
    }
  }

  #check(): void {
    if (this.#closed) throw new TypeError("Cannot use the cache store: it is closed");
  }
}
