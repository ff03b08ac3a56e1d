/**
 * The in-memory `localStorage` store of in-memory sessions.
 *
 * @module
 */

import { codeUnitOrder, itemBytes, type LocalStorageStore } from "./local_storage_store.ts";

/**
 * Keeps items in maps, one per origin; gone with the process.
 *
 * @example
 * ```ts
 * import { MemoryLocalStorageStore } from "./memory_local_storage_store.ts";
 * const store = new MemoryLocalStorageStore();
 * store.set("https://a.test", "k", "v", 10 * 1024 * 1024);
 * console.log(store.get("https://a.test", "k"), store.origins()); // v [ "https://a.test" ]
 * ```
 */
export class MemoryLocalStorageStore implements LocalStorageStore {
  #origins = new Map<string, Map<string, string>>();
  // Each origin's bytes, kept as items change, so a set checks the quota without a pass over
  // every item of the origin.
  #bytes = new Map<string, number>();
  // Each origin's keys in order, kept until a key is added or removed: `key(i)` in a loop to
  // `length` sorted every key on each call.
  #keys = new Map<string, readonly string[]>();

  /** {@inheritDoc LocalStorageStore.get} */
  get(origin: string, key: string): string | null {
    return this.#origins.get(origin)?.get(key) ?? null;
  }

  /** {@inheritDoc LocalStorageStore.set} */
  set(origin: string, key: string, value: string, quota: number): boolean {
    let items = this.#origins.get(origin);
    const previous = items?.get(key);
    const used = (this.#bytes.get(origin) ?? 0) -
      (previous === undefined ? 0 : itemBytes(key, previous));
    const bytes = itemBytes(key, value);
    if (used + bytes > quota) return false;
    if (items === undefined) this.#origins.set(origin, items = new Map());
    if (previous === undefined) this.#keys.delete(origin);
    items.set(key, value);
    this.#bytes.set(origin, used + bytes);
    return true;
  }

  /** {@inheritDoc LocalStorageStore.remove} */
  remove(origin: string, key: string): void {
    const items = this.#origins.get(origin);
    const value = items?.get(key);
    if (items === undefined || value === undefined) return;
    items.delete(key);
    this.#keys.delete(origin);
    if (items.size === 0) this.clear(origin);
    else this.#bytes.set(origin, this.#bytes.get(origin)! - itemBytes(key, value));
  }

  /** {@inheritDoc LocalStorageStore.clear} */
  clear(origin: string): void {
    this.#origins.delete(origin);
    this.#bytes.delete(origin);
    this.#keys.delete(origin);
  }

  /** {@inheritDoc LocalStorageStore.entries} */
  entries(origin: string): [string, string][] {
    return [...this.#origins.get(origin) ?? []].sort((a, b) => codeUnitOrder(a[0], b[0]));
  }

  /** {@inheritDoc LocalStorageStore.keys} */
  keys(origin: string): readonly string[] {
    let keys = this.#keys.get(origin);
    if (keys === undefined) {
      keys = [...this.#origins.get(origin)?.keys() ?? []].sort(codeUnitOrder);
      if (this.#origins.has(origin)) this.#keys.set(origin, keys);
    }
    return keys;
  }

  /** {@inheritDoc LocalStorageStore.origins} */
  origins(): string[] {
    return [...this.#origins.keys()].sort(codeUnitOrder);
  }

  /** Nothing to write: memory is the store. */
  flush(): void {}
}
