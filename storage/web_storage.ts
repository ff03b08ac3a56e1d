/**
 * `WebStorage`: the `Storage` interface (HTML §12.2.1) of one origin's `localStorage`.
 *
 * @module
 */

import type { LocalStorageStore } from "./local_storage_store.ts";

/** Chromium's per-origin `localStorage` quota (`kPerStorageAreaQuota`): 10 MiB. */
export const LOCAL_STORAGE_QUOTA = 10 * 1024 * 1024;

/**
 * One origin's `localStorage`, with the methods of the web's `Storage` (no named-property
 * access: use `getItem`/`setItem`). Keys and values are converted with `String()`, as
 * WebIDL's DOMString does. Items count 2 bytes per UTF-16 code unit of key and value against
 * the 10 MiB quota; a `setItem` beyond it throws a `QuotaExceededError` `DOMException` with
 * Chromium's message and stores nothing.
 *
 * @example
 * ```ts
 * import { MemoryLocalStorageStore } from "./memory_local_storage_store.ts";
 * import { WebStorage } from "./web_storage.ts";
 * const storage = new WebStorage(new MemoryLocalStorageStore(), "https://a.test");
 * storage.setItem("theme", "dark");
 * console.log(storage.getItem("theme"), storage.length, storage.key(0)); // dark 1 theme
 * ```
 */
export class WebStorage {
  #store: LocalStorageStore;
  #origin: string;

  /**
   * Makes the storage of one origin.
   *
   * @param store Where items live.
   * @param origin The serialised origin, like `https://a.test`.
   */
  constructor(store: LocalStorageStore, origin: string) {
    this.#store = store;
    this.#origin = origin;
  }

  /** The origin, like `https://a.test`. */
  get origin(): string {
    return this.#origin;
  }

  /** The number of items. */
  get length(): number {
    return this.#store.keys(this.#origin).length;
  }

  /**
   * The key at an index (in Chromium's key order), or `null` past the end.
   *
   * @param index The index; converted like WebIDL's `unsigned long`.
   * @returns The key, or `null`.
   */
  key(index: number): string | null {
    return this.#store.keys(this.#origin)[toUnsignedLong(index)] ?? null;
  }

  /**
   * The value of a key.
   *
   * @param key The key.
   * @returns The value, or `null` when absent.
   */
  getItem(key: string): string | null {
    return this.#store.get(this.#origin, String(key));
  }

  /**
   * Sets a key's value.
   *
   * @param key The key.
   * @param value The value.
   * @throws {DOMException} `QuotaExceededError` when the origin's items would exceed 10 MiB.
   */
  setItem(key: string, value: string): void {
    const name = String(key);
    if (!this.#store.set(this.#origin, name, String(value), LOCAL_STORAGE_QUOTA)) {
      throw new DOMException(
        `Failed to execute 'setItem' on 'Storage': Setting the value of '${name}' exceeded the quota.`,
        "QuotaExceededError",
      );
    }
  }

  /**
   * Removes a key; nothing happens when it is absent.
   *
   * @param key The key.
   */
  removeItem(key: string): void {
    this.#store.remove(this.#origin, String(key));
  }

  /** Removes every item of the origin. */
  clear(): void {
    this.#store.clear(this.#origin);
  }
}

function toUnsignedLong(value: number): number {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) ? ((n % 2 ** 32) + 2 ** 32) % 2 ** 32 : 0;
}
