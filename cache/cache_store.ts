/**
 * The storage seam of the HTTP cache: the cache holds the rules, a store only holds entries.
 *
 * @module
 */

import type { CacheEntry } from "./cache_entry.ts";

/**
 * Where the HTTP cache keeps its entries. Every method is synchronous, so a lookup costs no
 * await. `MemoryCacheStore` serves in-memory sessions, `DiskCacheStore` persistent ones.
 */
export interface CacheStore {
  /**
   * The most bytes the store keeps; a put beyond it, or lowering it, evicts the least recently
   * used entries.
   */
  maxSize: number;
  /**
   * Returns the stored variants of a URL (usually one). An entry that fails its checksum is
   * deleted and left out, never returned.
   */
  variants(url: string): CacheEntry[];
  /** Stores an entry, replacing the one with the same key, then evicts down to `maxSize`. */
  put(entry: CacheEntry): void;
  /** Marks an entry as used now, for LRU eviction. */
  touch(key: string): void;
  /** Deletes every variant of a URL. */
  deleteUrl(url: string): void;
  /** The URLs that have at least one stored entry, each once, in no set order. */
  urls(): string[];
  /** The bytes stored. */
  size(): number;
  /** Deletes every entry. */
  clear(): void;
  /** Resolves once every put so far is stored where other processes can read it. */
  flush(): Promise<void>;
  /** Flushes, then releases the store's resources; later calls throw. */
  close(): Promise<void>;
}
