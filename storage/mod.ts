/**
 * Storage data for @ses sessions: `localStorage` per origin (memory or SQLite, with Chromium's
 * 10 MiB quota), the option mapping of `clearStorageData` and `clearData`, Playwright's
 * `storageState` format, and the readers of a Chromium profile's cookies and local storage.
 *
 * @example
 * ```ts
 * import { MemoryLocalStorageStore, WebStorage } from "./mod.ts";
 * const storage = new WebStorage(new MemoryLocalStorageStore(), "https://a.test");
 * storage.setItem("k", "v");
 * console.log(storage.getItem("k")); // v
 * ```
 *
 * @module
 */

export { type ChromiumLocalStorage, readChromiumLocalStorage } from "./chromium_local_storage.ts";
export {
  type ChromiumProfileData,
  readChromiumProfile,
  type ReadChromiumProfileOptions,
} from "./chromium_profile.ts";
export {
  type ClearDataOptions,
  clearDataRequest,
  type ClearRequest,
  type ClearStorageDataOptions,
  clearStorageDataRequest,
  type ClearTarget,
} from "./clear_request.ts";
export { codeUnitOrder, itemBytes, type LocalStorageStore } from "./local_storage_store.ts";
export { MemoryLocalStorageStore } from "./memory_local_storage_store.ts";
export { originOf, requireOrigin } from "./origin.ts";
export {
  SqliteLocalStorageStore,
  type SqliteLocalStorageStoreOptions,
} from "./sqlite_local_storage_store.ts";
export {
  formatStorageState,
  type ImportedCookie,
  type ParsedStorageState,
  parseStorageState,
  type StorageState,
  type StorageStateCookie,
  type StorageStateCookieInput,
  type StorageStateInput,
  type StorageStateOrigin,
  toStorageStateCookie,
} from "./storage_state.ts";
export { LOCAL_STORAGE_QUOTA, WebStorage } from "./web_storage.ts";
