/**
 * The storage seam of Web Storage: where every origin's `localStorage` items live. The
 * `WebStorage` object holds the rules (quota, string conversion); a store only holds items.
 *
 * @module
 */

/**
 * Where a session keeps its `localStorage` items, by origin. Every method is synchronous,
 * like the Web Storage API. `MemoryLocalStorageStore` serves in-memory sessions,
 * `SqliteLocalStorageStore` persistent ones.
 */
export interface LocalStorageStore {
  /** The value of a key, or `null`. */
  get(origin: string, key: string): string | null;
  /**
   * Sets a key when the origin's bytes (UTF-16: 2 per code unit of keys and values) stay within
   * `quota`, atomically with the check.
   *
   * @returns `false` when the quota would be exceeded (nothing stored).
   */
  set(origin: string, key: string, value: string, quota: number): boolean;
  /** Removes a key; no error when absent. */
  remove(origin: string, key: string): void;
  /** Removes every key of an origin. */
  clear(origin: string): void;
  /** The origin's items, sorted by key in UTF-16 code unit order (Chromium's map order). */
  entries(origin: string): [string, string][];
  /**
   * The origin's keys, in the same order; the store may hand back the same array until its
   * keys change, so callers must not change it.
   */
  keys(origin: string): readonly string[];
  /** The origins with at least one item, sorted. */
  origins(): string[];
  /** Makes every write so far durable for other processes (a WAL checkpoint on disk). */
  flush(): void;
}

/**
 * The bytes an item counts against the quota: Chromium stores keys and values as UTF-16, so
 * 2 bytes per code unit.
 *
 * @param key The key.
 * @param value The value.
 * @returns Bytes.
 *
 * @example
 * ```ts
 * import { itemBytes } from "./local_storage_store.ts";
 * console.log(itemBytes("a", "bc")); // 6
 * ```
 */
export function itemBytes(key: string, value: string): number {
  return (key.length + value.length) * 2;
}

/**
 * Compares strings by UTF-16 code units, as Chromium's `std::map<std::u16string, ...>` orders
 * keys.
 *
 * @param a A string.
 * @param b Another string.
 * @returns Negative when `a` sorts first.
 *
 * @example
 * ```ts
 * import { codeUnitOrder } from "./local_storage_store.ts";
 * console.log(["b", "a", "B"].sort(codeUnitOrder).join()); // B,a,b
 * ```
 */
export function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
