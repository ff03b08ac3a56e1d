/**
 * A session's storage data: its `localStorage` stores, `clearStorageData` / `clearData` over
 * every store, `flushStorageData`, and Playwright storage state in and out. Kept out of
 * `session.ts` so the facade forwards in one line.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { lstat, realpath, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Runtime } from "../core/runtime.ts";
import {
  cookieDomain,
  type CookieJar,
  cookieTextProblem,
  REASONS,
  toElectronCookie,
} from "../cookies/mod.ts";
import {
  type ClearDataOptions,
  clearDataRequest,
  type ClearRequest,
  type ClearStorageDataOptions,
  clearStorageDataRequest,
  type ImportedCookie,
  type LocalStorageStore,
  MemoryLocalStorageStore,
  originOf,
  type ParsedStorageState,
  parseStorageState,
  readChromiumLocalStorage,
  readChromiumProfile,
  requireOrigin,
  SqliteLocalStorageStore,
  type StorageState,
  type StorageStateInput,
  toStorageStateCookie,
  WebStorage,
} from "../storage/mod.ts";

/** What the storage data of a session reaches. */
export interface StorageDataDeps {
  /** The session's directory, or `null` in memory. */
  storagePath: string | null;
  /** Runtime services (SQLite, files). */
  runtime: Runtime;
  /** The session's cookie jar. */
  jar: () => CookieJar;
  /** Clears the HTTP cache: the entries of the URLs `urlMatches` accepts, or all without it. */
  clearHttpCache: (urlMatches?: (url: string) => boolean) => Promise<void>;
  /** Closes idle connections (after cookies are cleared, as Chromium does). */
  closeIdleConnections: () => Promise<void>;
}

/** What `ses.importChromiumProfile()` did. */
export interface ChromiumImportSummary {
  /** The database read. */
  cookiesPath: string;
  /** Cookies imported. */
  imported: number;
  /** `v11` cookies (keyring-encrypted) skipped. */
  skippedKeyring: number;
  /** Cookies whose value did not decrypt, skipped. */
  skippedUnreadable: number;
  /** Origins whose local storage was imported. */
  localStorageOrigins: number;
  /** Local storage items imported. */
  localStorageItems: number;
  /** Why no local storage was read (no LevelDB, unreadable), else `undefined`. */
  localStorageSkipped: string | undefined;
}

/** Options of `ses.storageState()`. */
export interface StorageStateOptions {
  /** Also write the state to this file, as Playwright's `storageState({path})` does. */
  path?: string;
}

/**
 * One session's storage data.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("storage-data-example");
 * ses.localStorage("https://a.test").setItem("k", "v");
 * console.log((await ses.storageState()).origins[0]?.localStorage); // [ { name: "k", value: "v" } ]
 * ```
 */
export class StorageData {
  #deps: StorageDataDeps;
  #store: LocalStorageStore | undefined;
  #byOrigin = new Map<string, WebStorage>();

  /**
   * Makes the storage data of one session; stores open on first use.
   *
   * @param deps What it reaches.
   */
  constructor(deps: StorageDataDeps) {
    this.#deps = deps;
  }

  /**
   * The `localStorage` of an origin (one object per origin).
   *
   * @param origin A URL or origin, like `https://a.test`.
   * @returns Its storage.
   * @throws {TypeError} `Invalid origin: '<spec>'` for an opaque or unparsable origin.
   */
  localStorage(origin: string): WebStorage {
    const key = requireOrigin(origin);
    let storage = this.#byOrigin.get(key);
    if (storage === undefined) {
      this.#byOrigin.set(key, storage = new WebStorage(this.#local(), key));
    }
    return storage;
  }

  /**
   * Electron's `clearStorageData`: never rejects.
   *
   * @param options `{origin, storages, quotas}`.
   * @returns Resolves when cleared.
   */
  async clearStorageData(options?: ClearStorageDataOptions): Promise<void> {
    await this.#clear(clearStorageDataRequest(options));
  }

  /**
   * Electron's `clearData`; option errors throw synchronously.
   *
   * @param options `{dataTypes, origins, excludeOrigins, avoidClosingConnections,
   * originMatchingMode}`.
   * @returns Resolves when cleared; rejects with `Failed to clear data` and its
   * `failedDataTypes` when a store failed.
   * @throws {TypeError} `Cannot provide both 'origins' and 'excludeOrigins'`,
   * `Invalid origin: '<spec>'`.
   */
  clearData(options?: ClearDataOptions): Promise<void> {
    return this.#clear(clearDataRequest(options)).then((failedDataTypes) => {
      if (failedDataTypes.length > 0) {
        throw Object.assign(new Error("Failed to clear data"), { failedDataTypes });
      }
    });
  }

  // Each store's failure is collected, the others still run.
  async #clear(request: ClearRequest): Promise<string[]> {
    const failed: string[] = [];
    for (const [target, name] of request.targets) {
      try {
        if (target === "cookies") {
          const jar = this.#deps.jar();
          jar.delete(jar.list().filter(request.cookieMatches));
          // A clear is written at once, not with the next 30 s batch: a logout must not come
          // back after a crash, and other processes on the partition see it now.
          jar.flush();
          if (!request.avoidClosingConnections) await this.#deps.closeIdleConnections();
        } else if (target === "localStorage") {
          const store = this.#local();
          for (const origin of store.origins()) {
            if (request.originMatches(origin)) store.clear(origin);
          }
        } else if (target === "httpCache") {
          if (request.scope === "all") await this.#deps.clearHttpCache();
          else if (request.scope === "some") {
            await this.#deps.clearHttpCache((url) => {
              const origin = originOf(url);
              return origin !== undefined && request.originMatches(origin);
            });
          }
        }
        // "downloads": @ses keeps no download history, so there is nothing to forget.
      } catch {
        failed.push(name);
      }
    }
    return failed;
  }

  /** Writes cookies and local storage now, synchronously. */
  flush(jar: CookieJar | undefined): void {
    jar?.flush();
    this.#store?.flush();
  }

  /**
   * The state in Playwright's format, written to `path` too when given.
   *
   * @param options `{path}`; `undefined` or `null` for none.
   * @returns The state.
   * @throws {TypeError} (rejects) `Invalid storageState options: "path" must be a non-empty
   * string (got <JSON>)`.
   */
  async storageState(options?: StorageStateOptions | null): Promise<StorageState> {
    const path: unknown = options?.path;
    if (path !== undefined && (typeof path !== "string" || path === "")) {
      throw new TypeError(
        `Invalid storageState options: "path" must be a non-empty string (got ${
          JSON.stringify(path)
        })`,
      );
    }
    const store = this.#local();
    const state: StorageState = {
      cookies: this.#deps.jar().list().map((c) => toStorageStateCookie(toElectronCookie(c))),
      origins: store.origins().map((origin) => ({
        origin,
        localStorage: store.entries(origin).map(([name, value]) => ({ name, value })),
      })),
    };
    if (typeof path === "string") {
      await writeStateFile(this.#deps.runtime, path, JSON.stringify(state, undefined, 2));
    }
    return state;
  }

  /**
   * Adds a parsed state's cookies and items (replacing same-named ones).
   *
   * @param state From {@linkcode readStorageStateOption} or `parseStorageState`.
   * @throws {TypeError} `Cannot import cookies: ...` listing each cookie the jar refused
   * (the others are imported).
   */
  import(state: ParsedStorageState): void {
    for (const { origin, items } of state.origins) {
      const storage = this.localStorage(origin);
      for (const [name, value] of items) storage.setItem(name, value);
    }
    importCookies(this.#deps.jar(), state.cookies);
  }

  /**
   * Imports the cookies and local storage of a Chromium or Electron profile on Linux (see
   * `readChromiumProfile` and `readChromiumLocalStorage`).
   *
   * @param profileDir The profile directory.
   * @returns What was imported and skipped.
   * @throws {Error} (rejects) When the profile has no `Cookies` database or it cannot be read;
   * `Cannot import cookies: ...` for cookies the jar refused (the others are imported).
   */
  async importChromiumProfile(profileDir: string): Promise<ChromiumImportSummary> {
    const runtime = this.#deps.runtime;
    const data = readChromiumProfile(profileDir, {
      openDatabase: (file) => runtime.openDatabase(file),
    });
    const local = await readChromiumLocalStorage(profileDir);
    let items = 0;
    for (const { origin, items: entries } of local.origins) {
      const storage = this.localStorage(origin);
      for (const [name, value] of entries) storage.setItem(name, value);
      items += entries.length;
    }
    importCookies(this.#deps.jar(), data.cookies);
    return {
      cookiesPath: data.cookiesPath,
      imported: data.cookies.length,
      skippedKeyring: data.skippedKeyring,
      skippedUnreadable: data.skippedUnreadable,
      localStorageOrigins: local.origins.length,
      localStorageItems: items,
      localStorageSkipped: local.skipped,
    };
  }

  #local(): LocalStorageStore {
    if (this.#store) return this.#store;
    const { storagePath, runtime } = this.#deps;
    if (storagePath !== null) {
      const path = join(storagePath, "Local Storage", "localstorage.sqlite");
      try {
        return this.#store = new SqliteLocalStorageStore(path, {
          openDatabase: (file) => runtime.openDatabase(file),
        });
      } catch (error) {
        // As with cookies: an unwritable profile must not stop the session.
        console.warn(`Cannot open "${path}" (${String(error)}); local storage stays in memory`);
      }
    }
    return this.#store = new MemoryLocalStorageStore();
  }
}

// Playwright writes the file as fs.writeFile does: through a symlink, and into a device or FIFO
// (`/dev/stdout`). An atomic write renames a temporary file over the path, which would replace
// the link or the device node itself, so it is kept for regular files (and new ones).
async function writeStateFile(runtime: Runtime, path: string, text: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info !== undefined && !info.isFile() && !info.isDirectory()) {
    await writeFile(path, text);
    return;
  }
  const link = await lstat(path).catch(() => undefined);
  await runtime.writeFileAtomic(link?.isSymbolicLink() ? await realpath(path) : path, text);
}

/**
 * Sets imported cookies (storage state, Chromium profile) in a jar, host-only flag kept, except
 * that a domain cookie on a public suffix or an IP address is kept for that host alone
 * (Chromium's CreateSanitizedCookie, which Playwright's addCookies reaches).
 *
 * @param jar The jar.
 * @param cookies The cookies, each with the URL that sets it.
 * @throws {TypeError} `Cannot import cookies: "<name>" (<domain>): <reason>; ...` for the
 * cookies the jar refused (a domain that does not match its URL's host among them); the others
 * are set.
 */
export function importCookies(jar: CookieJar, cookies: readonly ImportedCookie[]): void {
  const refused: string[] = [];
  for (const cookie of cookies) {
    // What cookies.set refuses, Playwright's addCookies refuses too (CreateSanitizedCookie): a
    // ';' in a value would send the server a second cookie.
    const problem = cookieTextProblem(cookie.name, cookie.value, cookie.path);
    if (problem !== undefined) {
      refused.push(`"${cookie.name}" (${cookie.domain}): ${problem}`);
      continue;
    }
    // Playwright's addCookies reaches Chromium's CreateSanitizedCookie, where a public suffix or
    // an IP address names only that host: a domain cookie on ".co.uk" would go to every site.
    const placed = cookie.hostOnly
      ? cookie
      : cookieDomain(new URL(cookie.url).hostname, cookie.domain);
    if (placed === undefined) {
      refused.push(`"${cookie.name}" (${cookie.domain}): ${REASONS.invalidDomain}`);
      continue;
    }
    const reason = jar.set({
      name: cookie.name,
      value: cookie.value,
      domain: placed.domain,
      hostOnly: placed.hostOnly,
      path: cookie.path,
      secure: cookie.secure,
      httpOnly: cookie.httpOnly,
      expiry: cookie.expirationDate === undefined ? undefined : cookie.expirationDate * 1000,
      sameSite: cookie.sameSite,
    }, cookie.url);
    if (reason !== undefined) refused.push(`"${cookie.name}" (${cookie.domain}): ${reason}`);
  }
  if (refused.length > 0) throw new TypeError(`Cannot import cookies: ${refused.join("; ")}`);
}

/**
 * Reads a storage state given as an object or as the path of its JSON file (`fromPartition`'s
 * `storageState` option, `importStorageState`'s argument).
 *
 * @param value The state, or the file's path.
 * @returns The parsed state.
 * @throws {TypeError} For a bad state (see `parseStorageState`).
 * @throws {Error} `Cannot read storageState file "<path>": <reason>` (no such file, a
 * directory, permission denied).
 * @throws {SyntaxError} `Invalid storageState: "<path>" is not JSON (<parser message>)`.
 */
export function readStorageStateOption(value: StorageStateInput | string): ParsedStorageState {
  if (typeof value !== "string") return parseStorageState(value);
  let text: string;
  try {
    text = readFileSync(value, "utf8");
  } catch (error) {
    throw new Error(`Cannot read storageState file "${value}": ${readFailure(error)}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(
      `Invalid storageState: "${value}" is not JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  return parseStorageState(json);
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
