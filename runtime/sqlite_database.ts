/**
 * SQLite over `node:sqlite`, which Deno and Bun both provide.
 *
 * @module
 */

import { closeSync, openSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { OpenDatabaseOptions, SqlDatabase, SqlStatement } from "../core/runtime.ts";

class SqliteDatabase implements SqlDatabase {
  readonly path: string;
  #db: DatabaseSync;

  constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  prepare(sql: string): SqlStatement {
    return this.#db.prepare(sql);
  }

  transaction<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      // COMMIT would run before an async callback's writes, silently splitting the transaction.
      if (result instanceof Promise) {
        throw new TypeError("Cannot run transaction: the callback returned a promise");
      }
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      // SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR, ...).
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * Opens (creating) a SQLite database file in WAL mode with a busy timeout, so several
 * connections and processes can share it. The parent directory must already exist. A file it
 * creates is readable and writable by its owner alone (mode 0600), as its -wal and -shm files.
 *
 * @param path The database file, or `:memory:` for a private in-memory database (no WAL).
 * @param options The busy timeout.
 * @returns The open database.
 * @throws {RangeError} When `busyTimeoutMs` is not a non-negative integer.
 * @throws {Error} When the file cannot be opened or is not a SQLite database.
 *
 * @example Open an in-memory database
 * ```ts
 * import { openSqliteDatabase } from "./mod.ts";
 *
 * const db = openSqliteDatabase(":memory:");
 * db.exec("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT)");
 * db.transaction(() => db.prepare("INSERT INTO kv VALUES (?, ?)").run("a", "1"));
 * console.log(db.prepare("SELECT value FROM kv WHERE key = ?").get("a")); // [Object: null prototype] { value: "1" }
 * db.close();
 * ```
 */
export function openSqliteDatabase(path: string, options: OpenDatabaseOptions = {}): SqlDatabase {
  const { busyTimeoutMs = 5000 } = options;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    const reason = `busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`;
    throw new RangeError(`Cannot open database "${path}": ${reason}`);
  }
  if (path !== ":memory:") createPrivately(path);
  const db = new DatabaseSync(path);
  try {
    // The timeout goes first so that switching to WAL already waits for other connections.
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    if (path !== ":memory:") switchToWal(db, busyTimeoutMs);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteDatabase(path, db);
}

/**
 * Creates a missing database file empty, readable and writable by its owner alone: SQLite
 * would make it with 0644 (less the umask), and its -wal and -shm files take the database
 * file's mode. Chromium builds SQLite with SQLITE_DEFAULT_FILE_PERMISSIONS=0600, so a profile's
 * Cookies file (values in the clear here) is no other user's to read.
 */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, "wx", 0o600));
  } catch {
    // An existing file keeps its mode; any other failure (no such directory, no permission)
    // is SQLite's to report as it opens the file.
  }
}

/**
 * Sets WAL mode. SQLite does not call the busy handler for every lock this takes: two processes
 * opening a new file at once can see `database is locked` at once, so it is retried here, with
 * short synchronous pauses, within the busy timeout.
 */
function switchToWal(db: DatabaseSync, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

function isBusy(error: unknown): boolean {
  const { errcode } = error as { errcode?: unknown };
  // SQLITE_BUSY and SQLITE_LOCKED, with or without extended result bits. Deno's node:sqlite
  // errors carry no errcode, only SQLite's message for those codes.
  if (typeof errcode === "number") return (errcode & 0xff) === 5 || (errcode & 0xff) === 6;
  return /^database (table )?is locked/.test(error instanceof Error ? error.message : "");
}
