/**
 * The SQLite `localStorage` store of persistent sessions, in `<partition>/Local Storage/`.
 *
 * @module
 */

import { mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import type { SqlDatabase, SqlValue } from "../core/runtime.ts";
import { codeUnitOrder, itemBytes, type LocalStorageStore } from "./local_storage_store.ts";

/** Options for {@linkcode SqliteLocalStorageStore}. */
export interface SqliteLocalStorageStoreOptions {
  /** Opens a SQLite file (the Runtime's `openDatabase`: WAL mode, busy timeout). */
  openDatabase: (path: string) => SqlDatabase;
  /** Told when a corrupt file was moved aside; default `console.warn`. */
  onWarning?: (message: string) => void;
}

// Keys and values are UTF-16LE blobs, as Chromium keeps them: any JS string, lone surrogates
// and NUL included, comes back as it went in (SQLite text is UTF-8, which has no lone
// surrogates, and Deno's binding cut text at a NUL). `items` was the first schema, in text.
const SCHEMA = `CREATE TABLE IF NOT EXISTS items_utf16 (
  origin TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, bytes INTEGER NOT NULL,
  PRIMARY KEY (origin, key)) WITHOUT ROWID;`;

// Each origin's bytes, kept by triggers in the same transaction as every write (old @ses
// versions' writes too, since triggers live in the file), so a `setItem` checks the quota with
// one lookup instead of summing every item of the origin (which read all its values, 10 MiB at
// the quota, on every call). Chromium keeps the running total in StorageAreaImpl too. The
// triggers add a row without OR IGNORE: a trigger takes the conflict rule of the statement that
// fired it, and an upsert's makes a duplicate an error.
const USAGE = `CREATE TABLE origin_usage (
  origin TEXT NOT NULL PRIMARY KEY, bytes INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER items_utf16_insert AFTER INSERT ON items_utf16 BEGIN
  INSERT INTO origin_usage (origin, bytes) SELECT new.origin, 0
    WHERE NOT EXISTS (SELECT 1 FROM origin_usage WHERE origin = new.origin);
  UPDATE origin_usage SET bytes = bytes + new.bytes WHERE origin = new.origin;
END;
CREATE TRIGGER items_utf16_update AFTER UPDATE ON items_utf16 BEGIN
  UPDATE origin_usage SET bytes = bytes - old.bytes WHERE origin = old.origin;
  INSERT INTO origin_usage (origin, bytes) SELECT new.origin, 0
    WHERE NOT EXISTS (SELECT 1 FROM origin_usage WHERE origin = new.origin);
  UPDATE origin_usage SET bytes = bytes + new.bytes WHERE origin = new.origin;
END;
CREATE TRIGGER items_utf16_delete AFTER DELETE ON items_utf16 BEGIN
  UPDATE origin_usage SET bytes = bytes - old.bytes WHERE origin = old.origin;
END;
INSERT INTO origin_usage (origin, bytes)
  SELECT origin, SUM(bytes) FROM items_utf16 GROUP BY origin;`;

/**
 * Items in one SQLite table keyed by (origin, key). Every call reads or writes the database
 * itself, with no cache, so several processes sharing a partition always see each other's
 * writes; a `setItem` checks the quota and writes in one `BEGIN IMMEDIATE` transaction. Keys
 * and values are stored as UTF-16 code units, so every JS string round-trips exactly. A file
 * that is not a sound database is moved aside to `localstorage.sqlite.corrupt-<ms since epoch>`
 * with a warning and a new one is made, at open or when damage shows in use, as the cookie store does (Chromium deletes a corrupt
 * Local Storage LevelDB and starts again).
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
  #path: string;
  #options: SqliteLocalStorageStoreOptions;
  // Each origin's keys in order, read once and kept until a write changes them: `key(i)` in a
  // loop to `length` is how pages enumerate storage, and reading and sorting every key on each
  // call made that quadratic (5,000 items: 4 minutes). Another connection's commits (of this
  // process or another) change SQLite's data_version, which drops the whole cache.
  #keys = new Map<string, readonly string[]>();
  #dataVersion: unknown = undefined;

  /**
   * Opens (creating, with its directory) the database file.
   *
   * @param path The file, normally `<partition>/Local Storage/localstorage.sqlite`.
   * @param options How to open it.
   */
  constructor(path: string, options: SqliteLocalStorageStoreOptions) {
    this.#path = path;
    this.#options = options;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      this.#db = openStore(path, options);
    } catch (error) {
      if (!isCorrupt(error)) throw error;
      this.#db = this.#moveAside(error);
    }
  }

  /** {@inheritDoc LocalStorageStore.get} */
  get(origin: string, key: string): string | null {
    return this.#use(() => {
      const row = this.#db.prepare("SELECT value FROM items_utf16 WHERE origin = ? AND key = ?")
        .get(origin, utf16(key));
      return row === undefined ? null : fromUtf16(row.value);
    });
  }

  /** {@inheritDoc LocalStorageStore.set} */
  set(origin: string, key: string, value: string, quota: number): boolean {
    const bytes = itemBytes(key, value);
    const keyBlob = utf16(key);
    return this.#use(() =>
      this.#db.transaction(() => {
        const row = this.#db.prepare(
          "SELECT (SELECT bytes FROM origin_usage WHERE origin = ?) AS total, " +
            "(SELECT bytes FROM items_utf16 WHERE origin = ? AND key = ?) AS replaced",
        ).get(origin, origin, keyBlob);
        const used = Number(row?.total ?? 0) - Number(row?.replaced ?? 0);
        if (used + bytes > quota) return false;
        this.#db.prepare(
          "INSERT INTO items_utf16 (origin, key, value, bytes) VALUES (?, ?, ?, ?) " +
            "ON CONFLICT (origin, key) DO UPDATE SET value = excluded.value, bytes = excluded.bytes",
        ).run(origin, keyBlob, utf16(value), bytes);
        if (row?.replaced === null || row?.replaced === undefined) this.#keys.delete(origin);
        return true;
      })
    );
  }

  /** {@inheritDoc LocalStorageStore.remove} */
  remove(origin: string, key: string): void {
    this.#keys.delete(origin);
    this.#use(() =>
      this.#db.prepare("DELETE FROM items_utf16 WHERE origin = ? AND key = ?").run(
        origin,
        utf16(key),
      )
    );
  }

  /** {@inheritDoc LocalStorageStore.clear} */
  clear(origin: string): void {
    this.#keys.delete(origin);
    this.#use(() => this.#db.prepare("DELETE FROM items_utf16 WHERE origin = ?").run(origin));
  }

  /** {@inheritDoc LocalStorageStore.entries} */
  entries(origin: string): [string, string][] {
    return this.#use(() =>
      this.#db.prepare("SELECT key, value FROM items_utf16 WHERE origin = ?").all(origin)
        .map((row): [string, string] => [fromUtf16(row.key), fromUtf16(row.value)])
        .sort((a, b) => codeUnitOrder(a[0], b[0]))
    );
  }

  /** {@inheritDoc LocalStorageStore.keys} */
  keys(origin: string): readonly string[] {
    return this.#use(() => {
      const version = this.#db.prepare("PRAGMA data_version").get()?.data_version;
      if (version !== this.#dataVersion) {
        this.#keys.clear();
        this.#dataVersion = version;
      }
      let keys = this.#keys.get(origin);
      if (keys === undefined) {
        keys = this.#db.prepare("SELECT key FROM items_utf16 WHERE origin = ?").all(origin)
          .map((row) => fromUtf16(row.key)).sort(codeUnitOrder);
        this.#keys.set(origin, keys);
      }
      return keys;
    });
  }

  /** {@inheritDoc LocalStorageStore.origins} */
  origins(): string[] {
    return this.#use(() =>
      this.#db.prepare("SELECT DISTINCT origin FROM items_utf16").all()
        .map((row) => String(row.origin)).sort(codeUnitOrder)
    );
  }

  /** Moves committed writes from the WAL into the database file. */
  flush(): void {
    this.#use(() => this.#db.exec("PRAGMA wal_checkpoint(PASSIVE)"));
  }

  // Damage found in use (a page that opened fine but reads wrong) is handled as at open: the
  // file goes aside, and the call runs once more on the new, empty database.
  #use<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (!isCorrupt(error)) throw error;
      try {
        this.#db.close();
      } catch {
        // Already unusable.
      }
      this.#db = this.#moveAside(error);
      return operation();
    }
  }

  #moveAside(error: unknown): SqlDatabase {
    this.#keys.clear();
    this.#dataVersion = undefined;
    const path = this.#path;
    const aside = `${path}.corrupt-${Date.now()}`;
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        renameSync(path + suffix, aside + suffix);
      } catch {
        // The -wal and -shm files may not exist.
      }
    }
    (this.#options.onWarning ?? console.warn)(
      `Local storage database "${path}" could not be read (${String(error)}); ` +
        `moved it to "${aside}" and started a new one`,
    );
    return openStore(path, this.#options);
  }

  /** Closes the database; later calls throw. */
  close(): void {
    this.#db.close();
  }
}

// Opens the file and makes sure of its schema; the database is closed again on failure.
function openStore(path: string, options: SqliteLocalStorageStoreOptions): SqlDatabase {
  const db = options.openDatabase(path);
  try {
    db.exec(`PRAGMA synchronous = NORMAL;${SCHEMA}`);
    addUsage(db);
    migrateTextItems(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

// Adds the usage table and its triggers once, counting the items already there; in one
// transaction, so a second process opening the file at the same time finds them made.
function addUsage(db: SqlDatabase): void {
  db.transaction(() => {
    const made = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'origin_usage'",
    ).get();
    if (made === undefined) db.exec(USAGE);
  });
}

// Moves the first schema's rows over once; the transaction makes a second process that opens
// the file at the same time find the old table gone.
function migrateTextItems(db: SqlDatabase): void {
  db.transaction(() => {
    const old = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'items'",
    ).get();
    if (old === undefined) return;
    const insert = db.prepare(
      "INSERT OR IGNORE INTO items_utf16 (origin, key, value, bytes) VALUES (?, ?, ?, ?)",
    );
    for (const row of db.prepare("SELECT origin, key, value FROM items").all()) {
      const key = String(row.key);
      const value = String(row.value);
      insert.run(String(row.origin), utf16(key), utf16(value), itemBytes(key, value));
    }
    db.exec("DROP TABLE items");
  });
}

// SQLITE_NOTADB and SQLITE_CORRUPT; a busy or read-only file is not corrupt.
function isCorrupt(error: unknown): boolean {
  return /not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(String(error));
}

// Code units as little-endian byte pairs, written one by one: TextEncoder has no UTF-16, and
// TextDecoder("utf-16le") would turn lone surrogates into U+FFFD.
function utf16(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >> 8;
  }
  return bytes;
}

function fromUtf16(blob: SqlValue | undefined): string {
  if (!(blob instanceof Uint8Array)) return "";
  const units = new Array<number>(Math.min(blob.length >> 1, CHUNK));
  let text = "";
  for (let start = 0; start < blob.length >> 1; start += CHUNK) {
    const end = Math.min(start + CHUNK, blob.length >> 1);
    units.length = end - start;
    for (let i = start; i < end; i++) units[i - start] = blob[2 * i]! | (blob[2 * i + 1]! << 8);
    text += String.fromCharCode(...units);
  }
  return text;
}

// Code units per String.fromCharCode call: well under any engine's argument limit.
const CHUNK = 8192;
