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
 * access: use `getItem`/`setItem`). Keys and values are converted to strings as WebIDL's
 * DOMString does (a Symbol throws a `TypeError`). Items count 2 bytes per UTF-16 code unit of
 * key and value against the 10 MiB quota; a `setItem` beyond it throws a `QuotaExceededError`
 * `DOMException` with Chromium's message and stores nothing.
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
   * @throws {TypeError} `Failed to execute 'key' on 'Storage': 1 argument required, but only 0
   * present.`
   */
  key(index: number): string | null {
    requireArguments("key", 1, arguments.length);
    return this.#store.keys(this.#origin)[toUnsignedLong(index)] ?? null;
  }

  /**
   * The value of a key.
   *
   * @param key The key.
   * @returns The value, or `null` when absent.
   * @throws {TypeError} `Failed to execute 'getItem' on 'Storage': 1 argument required, but only
   * 0 present.`
   */
  getItem(key: string): string | null {
    requireArguments("getItem", 1, arguments.length);
    return this.#store.get(this.#origin, toDOMString(key));
  }

  /**
   * Sets a key's value.
   *
   * @param key The key.
   * @param value The value.
   * @throws {DOMException} `QuotaExceededError` when the origin's items would exceed 10 MiB.
   * @throws {TypeError} `Failed to execute 'setItem' on 'Storage': 2 arguments required, but only
   * <n> present.`
   */
  setItem(key: string, value: string): void {
    requireArguments("setItem", 2, arguments.length);
    const name = toDOMString(key);
    if (!this.#store.set(this.#origin, name, toDOMString(value), LOCAL_STORAGE_QUOTA)) {
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
   * @throws {TypeError} `Failed to execute 'removeItem' on 'Storage': 1 argument required, but
   * only 0 present.`
   */
  removeItem(key: string): void {
    requireArguments("removeItem", 1, arguments.length);
    this.#store.remove(this.#origin, toDOMString(key));
  }

  /** Removes every item of the origin. */
  clear(): void {
    this.#store.clear(this.#origin);
  }
}

// WebIDL: a missing required argument is a TypeError, not the string "undefined".
function requireArguments(method: string, required: number, present: number): void {
  if (present >= required) return;
  const noun = required === 1 ? "argument" : "arguments";
  throw new TypeError(
    `Failed to execute '${method}' on 'Storage': ${required} ${noun} required, but only ${present} present.`,
  );
}

// WebIDL's DOMString conversion is ECMAScript's ToString, which throws for a Symbol where
// String() would describe it; the message is V8's, as Electron's renderer shows it.
function toDOMString(value: unknown): string {
  if (typeof value === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
  return String(value);
}

function toUnsignedLong(value: number): number {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) ? ((n % 2 ** 32) + 2 ** 32) % 2 ** 32 : 0;
}
