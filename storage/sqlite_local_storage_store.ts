/**
 * The SQLite `localStorage` store of persistent sessions, in `<partition>/Local Storage/`.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { SqlDatabase } from "../core/runtime.ts";
import { codeUnitOrder, itemBytes, type LocalStorageStore } from "./local_storage_store.ts";

/** Options for {@linkcode SqliteLocalStorageStore}. */
export interface SqliteLocalStorageStoreOptions {
  /** Opens a SQLite file (the Runtime's `openDatabase`: WAL mode, busy timeout). */
  openDatabase: (path: string) => SqlDatabase;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS items (
  origin TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, bytes INTEGER NOT NULL,
  PRIMARY KEY (origin, key)) WITHOUT ROWID;`;

/**
 * Items in one SQLite table keyed by (origin, key). Every call reads or writes the database
 * itself, with no cache, so several processes sharing a partition always see each other's
 * writes; a `setItem` checks the quota and writes in one `BEGIN IMMEDIATE` transaction.
 * (Chromium keeps a LevelDB in `Local Storage/leveldb/`; its format is not shared here.)
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { currentRuntime } from "../runtime/mod.ts";
 * import { SqliteLocalStorageStore } from "./sqlite_local_storage_store.ts";
 * const runtime = currentRuntime();
 * const file = join(mkdtempSync(join(tmpdir(), "ls-")), "Local Storage", "localstorage.sqlite");
 * const store = new SqliteLocalStorageStore(file, { openDatabase: (p) => runtime.openDatabase(p) });
 * store.set("https://a.test", "k", "v", 1024);
 * console.log(store.get("https://a.test", "k")); // v
 * store.close();
 * ```
 */
export class SqliteLocalStorageStore implements LocalStorageStore {
  #db: SqlDatabase;

  /**
   * Opens (creating, with its directory) the database file.
   *
   * @param path The file, normally `<partition>/Local Storage/localstorage.sqlite`.
   * @param options How to open it.
   */
  constructor(path: string, options: SqliteLocalStorageStoreOptions) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#db = options.openDatabase(path);
    try {
      this.#db.exec(`PRAGMA synchronous = NORMAL;${SCHEMA}`);
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /** {@inheritDoc LocalStorageStore.get} */
  get(origin: string, key: string): string | null {
    const row = this.#db.prepare("SELECT value FROM items WHERE origin = ? AND key = ?")
      .get(origin, key);
    return row === undefined ? null : String(row.value);
  }

  /** {@inheritDoc LocalStorageStore.set} */
  set(origin: string, key: string, value: string, quota: number): boolean {
    const bytes = itemBytes(key, value);
    return this.#db.transaction(() => {
      const used = Number(
        this.#db.prepare(
          "SELECT COALESCE(SUM(bytes), 0) AS used FROM items WHERE origin = ? AND key <> ?",
        ).get(origin, key)?.used ?? 0,
      );
      if (used + bytes > quota) return false;
      this.#db.prepare(
        "INSERT INTO items (origin, key, value, bytes) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (origin, key) DO UPDATE SET value = excluded.value, bytes = excluded.bytes",
      ).run(origin, key, value, bytes);
      return true;
    });
  }

  /** {@inheritDoc LocalStorageStore.remove} */
  remove(origin: string, key: string): void {
    this.#db.prepare("DELETE FROM items WHERE origin = ? AND key = ?").run(origin, key);
  }

  /** {@inheritDoc LocalStorageStore.clear} */
  clear(origin: string): void {
    this.#db.prepare("DELETE FROM items WHERE origin = ?").run(origin);
  }

  /** {@inheritDoc LocalStorageStore.entries} */
  entries(origin: string): [string, string][] {
    return this.#db.prepare("SELECT key, value FROM items WHERE origin = ?").all(origin)
      .map((row): [string, string] => [String(row.key), String(row.value)])
      .sort((a, b) => codeUnitOrder(a[0], b[0]));
  }

  /** {@inheritDoc LocalStorageStore.keys} */
  keys(origin: string): string[] {
    return this.#db.prepare("SELECT key FROM items WHERE origin = ?").all(origin)
      .map((row) => String(row.key)).sort(codeUnitOrder);
  }

  /** {@inheritDoc LocalStorageStore.origins} */
  origins(): string[] {
    return this.#db.prepare("SELECT DISTINCT origin FROM items").all()
      .map((row) => String(row.origin)).sort(codeUnitOrder);
  }

  /** Moves committed writes from the WAL into the database file. */
  flush(): void {
    this.#db.exec("PRAGMA wal_checkpoint(PASSIVE)");
  }

  /** Closes the database; later calls throw. */
  close(): void {
    this.#db.close();
  }
}
