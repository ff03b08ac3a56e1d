/**
 * The persistent cookie store: a SQLite `Cookies` file laid out as Chromium's
 * (net/extras/sqlite/sqlite_persistent_cookie_store.cc, schema version 24), with batched
 * writes.
 *
 * @module
 */

import { mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { clearTimeout, setTimeout } from "node:timers";
import type { CookieSameSite } from "../core/electron_types.ts";
import { onProcessEnd } from "../core/process_end.ts";
import type { SqlDatabase, SqlRow, SqlStatement, SqlValue } from "../core/runtime.ts";
import type { CanonicalCookie, CookieSourceType } from "./canonical_cookie.ts";
import type { PersistentCookieStore } from "./cookie_jar.ts";

/** Chromium's commit interval (`kCommitIntervalMs`). */
export const COMMIT_INTERVAL_MS = 30_000;
/** Chromium's batch size (`kCommitAfterBatchSize`): more changes are written after the current task. */
export const COMMIT_BATCH_SIZE = 512;
// Changes held at most within one task (a synchronous loop) before they are written inline,
// so that memory stays bounded: the jar's whole capacity and then some.
const MAX_PENDING = 8 * COMMIT_BATCH_SIZE;

// Microseconds from 1601-01-01 (Windows FILETIME epoch, Chromium's base::Time) to 1970-01-01.
const EPOCH_DELTA_US = 11_644_473_600_000_000n;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
INSERT OR IGNORE INTO meta(key, value) VALUES ('version', '24'), ('last_compatible_version', '24');
CREATE TABLE IF NOT EXISTS cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL,
  top_frame_site_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  encrypted_value BLOB NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL,
  is_secure INTEGER NOT NULL, is_httponly INTEGER NOT NULL, last_access_utc INTEGER NOT NULL,
  has_expires INTEGER NOT NULL, is_persistent INTEGER NOT NULL, priority INTEGER NOT NULL,
  samesite INTEGER NOT NULL, source_scheme INTEGER NOT NULL, source_port INTEGER NOT NULL,
  last_update_utc INTEGER NOT NULL, source_type INTEGER NOT NULL,
  has_cross_site_ancestor INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS cookies_unique_index ON cookies(host_key, top_frame_site_key,
  has_cross_site_ancestor, name, path, source_scheme, source_port);`;

// Chromium's DBCookieSourceType, in its order.
const SOURCE_TYPES: readonly CookieSourceType[] = ["unknown", "http", "script", "other"];

// Chromium's CookieSameSiteForStorage.
const SAME_SITE_TO_DB: Record<CookieSameSite, number> = {
  unspecified: -1,
  no_restriction: 0,
  lax: 1,
  strict: 2,
};

/** Options for {@linkcode SqliteCookieStore}. */
export interface SqliteCookieStoreOptions {
  /** Opens a database (the session's `Runtime.openDatabase`). */
  openDatabase: (path: string) => SqlDatabase;
  /** Told when a corrupt file was moved aside; default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * Chromium's time (microseconds since 1601-01-01 UTC) for a JavaScript time.
 *
 * @param ms Milliseconds since the Unix epoch (fractions count, to the microsecond).
 * @returns The Chromium time.
 *
 * @example
 * ```ts
 * import { toChromiumTime } from "./sqlite_cookie_store.ts";
 * console.log(toChromiumTime(0)); // 11644473600000000n
 * ```
 */
export function toChromiumTime(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) + EPOCH_DELTA_US;
}

/**
 * Keeps a jar's persistent cookies in `<dir>/Cookies`. Changes are batched and written every
 * 30 seconds, after the task that made the 512th change, on `flush()`, at normal process exit
 * (`process.exit` and Deno's `Deno.exit` included), when an uncaught error ends it, and when
 * SIGINT, SIGTERM or SIGHUP ends the process (Chromium shuts down cleanly on those);
 * session cookies are never written, as in Chromium. A file SQLite cannot read is moved to
 * `Cookies.corrupt-<ms since epoch>` and a new one is made.
 *
 * @example
 * ```ts ignore
 * import { currentRuntime } from "../runtime/mod.ts";
 * import { SqliteCookieStore } from "./sqlite_cookie_store.ts";
 * const runtime = await currentRuntime();
 * const store = new SqliteCookieStore("/tmp/profile/Cookies", { openDatabase: runtime.openDatabase });
 * console.log(store.load().length);
 * store.close();
 * ```
 */
export class SqliteCookieStore implements PersistentCookieStore {
  #path: string;
  #options: SqliteCookieStoreOptions;
  #db: SqlDatabase;
  // Per cookie record (the jar's own object, read when written): what to do with its row. An
  // overwrite that keeps the record and the key stays one entry; a replacing record is a second
  // entry after the first's deletion, as Map keeps insertion order.
  #pending = new Map<CanonicalCookie, number>();
  #touched = new Set<CanonicalCookie>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDelay = COMMIT_INTERVAL_MS;
  #dataVersion = 0;
  // Compiled once per open file (a multi-row INSERT takes SQLite a while to compile).
  #statements: Statements | undefined;
  #stopWritingAtEnd: () => void;

  /**
   * Opens (creating) the store file.
   *
   * @param path The database file, normally `<partition dir>/Cookies`.
   * @param options How to open it and where warnings go.
   */
  constructor(path: string, options: SqliteCookieStoreOptions) {
    this.#path = path;
    this.#options = options;
    this.#db = this.#open();
    // Every end of the process writes the batch, signals included (core/process_end.ts). A
    // store that cannot write then must not stop the others.
    this.#stopWritingAtEnd = onProcessEnd(() => {
      try {
        this.flush();
      } catch (error) {
        console.warn(`Could not write cookies to "${this.#path}" at exit: ${String(error)}`);
      }
    });
  }

  /** The database file. */
  get path(): string {
    return this.#path;
  }

  /** How many changes wait for the next write. */
  get pendingCount(): number {
    return this.#pending.size + this.#touched.size;
  }

  /**
   * Reads every stored persistent cookie. Session cookies a Chromium profile kept to restore a
   * session are left out, as Electron (which never restores one) drops them at startup.
   *
   * @returns The cookies, unexpired or not (the jar expires them).
   */
  load(): CanonicalCookie[] {
    try {
      this.#dataVersion = this.#readDataVersion();
      return this.#db.prepare(
        `SELECT name, value, host_key, path, is_secure, is_httponly, samesite, source_scheme,
          source_port, ${sinceUnixMs("expires_utc")} AS expires,
          ${sinceUnixMs("creation_utc")} AS creation,
          ${sinceUnixMs("last_access_utc")} AS last_access,
          ${sinceUnixMs("last_update_utc")} AS last_update, source_type
          FROM cookies WHERE top_frame_site_key = '' AND is_persistent = 1
          ORDER BY creation_utc`,
      ).all().flatMap(fromRow);
    } catch (error) {
      if (!isCorrupt(error)) throw error;
      this.#recover(error);
      return [];
    }
  }

  /**
   * Records a new or replacing cookie; session cookies are ignored.
   *
   * @param cookie The cookie.
   */
  add(cookie: CanonicalCookie): void {
    if (cookie.expiry === undefined) return;
    // `INSERT OR REPLACE` replaces a row of the same key; a deletion recorded first (the source
    // scheme or port changed, which are part of the row's key) still runs before it.
    this.#record(cookie, (this.#pending.get(cookie) ?? 0) | WRITE);
  }

  /**
   * Records a deletion.
   *
   * @param cookie The cookie.
   */
  delete(cookie: CanonicalCookie): void {
    // Its access time must not land on the row of a cookie that replaces it.
    this.#touched.delete(cookie);
    this.#record(cookie, DELETE);
  }

  /**
   * Records a new access time.
   *
   * @param cookie The cookie.
   */
  touch(cookie: CanonicalCookie): void {
    if (cookie.expiry === undefined) return;
    this.#touched.add(cookie);
    this.#schedule();
  }

  /**
   * Returns the stored cookies if another connection committed since the last look.
   *
   * @returns The cookies, or `undefined` when nothing changed.
   */
  reloadIfChanged(): CanonicalCookie[] | undefined {
    let version: number;
    try {
      version = this.#readDataVersion();
    } catch {
      return undefined;
    }
    if (version === this.#dataVersion) return undefined;
    // Our own unwritten changes win over what the other process wrote.
    this.flush();
    return this.load();
  }

  /** Writes every recorded change in one transaction. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0 && this.#touched.size === 0) return;
    const pending = this.#pending;
    const touched = this.#touched;
    this.#pending = new Map();
    this.#touched = new Set();
    try {
      this.#write(pending, touched);
    } catch (error) {
      if (!isCorrupt(error)) {
        // A lock held too long by another process: keep the batch for the next attempt (the
        // write is synchronous, so nothing was recorded meanwhile).
        this.#pending = pending;
        this.#touched = touched;
        throw error;
      }
      this.#recover(error);
      this.#write(pending, touched);
    }
  }

  /** Writes pending changes and closes the file. */
  close(): void {
    this.flush();
    this.#stopWritingAtEnd();
    this.#db.close();
  }

  #write(pending: Map<CanonicalCookie, number>, touched: Set<CanonicalCookie>): void {
    const statements = this.#statements ??= prepareStatements(this.#db);
    this.#db.transaction(() => {
      // Several rows per statement: each statement run is a call into the runtime's SQLite,
      // and each bound value costs more in Deno than SQLite's own work on it.
      const params: SqlValue[] = [];
      let rows = 0;
      for (const [cookie, op] of pending) {
        if (op & DELETE) statements.remove.run(cookie.domain, cookie.name, cookie.path);
        if (!(op & WRITE)) continue;
        pushRow(params, cookie);
        if (++rows === ROWS_PER_INSERT) {
          statements.insertMany.run(...params);
          params.length = 0;
          rows = 0;
        }
      }
      for (let at = 0; at < params.length; at += PARAMS_PER_ROW) {
        statements.insertOne.run(...params.slice(at, at + PARAMS_PER_ROW));
      }
      for (const cookie of touched) {
        statements.touch.run(
          microseconds(cookie.lastAccess),
          cookie.domain,
          cookie.name,
          cookie.path,
        );
      }
    });
  }

  #record(cookie: CanonicalCookie, op: number): void {
    this.#pending.set(cookie, op);
    if (this.#pending.size >= MAX_PENDING) this.flush();
    else this.#schedule(this.#pending.size >= COMMIT_BATCH_SIZE ? 0 : COMMIT_INTERVAL_MS);
  }

  // A full batch is written once the current task ends, as Chromium posts its commit to a
  // background sequence: a response with many Set-Cookie lines, or a loop of cookies.set
  // calls, then costs one transaction rather than one per 512 changes.
  #schedule(delayMs = COMMIT_INTERVAL_MS): void {
    if (this.#timer !== undefined) {
      if (delayMs === COMMIT_INTERVAL_MS || this.#timerDelay === 0) return;
      clearTimeout(this.#timer);
    }
    this.#timerDelay = delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.#warn(`Could not write cookies to "${this.#path}": ${String(error)}`);
      }
    }, delayMs);
    // A pending batch must not keep the process alive; exit writes it.
    this.#timer.unref();
  }

  #readDataVersion(): number {
    return Number(this.#db.prepare("PRAGMA data_version").get()?.data_version ?? 0);
  }

  #open(): SqlDatabase {
    try {
      return this.#openFresh();
    } catch (error) {
      if (!isCorrupt(error)) throw error;
      return this.#moveAside(error);
    }
  }

  #openFresh(): SqlDatabase {
    mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
    const db = this.#options.openDatabase(this.#path);
    try {
      // In WAL mode NORMAL still never corrupts the file and keeps every commit across a
      // process crash; only an OS crash may lose the last commits, a smaller loss than the
      // 30 s batching already accepts. FULL would fsync every batch.
      db.exec(`PRAGMA synchronous = NORMAL;${SCHEMA}`);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  // Reading or writing failed after opening: the file went bad under us.
  #recover(error: unknown): void {
    try {
      this.#db.close();
    } catch {
      // Already unusable.
    }
    this.#statements = undefined;
    this.#db = this.#moveAside(error);
  }

  #moveAside(error: unknown): SqlDatabase {
    const aside = `${this.#path}.corrupt-${Date.now()}`;
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        renameSync(this.#path + suffix, aside + suffix);
      } catch {
        // The -wal and -shm files may not exist.
      }
    }
    this.#warn(
      `Cookie database "${this.#path}" could not be read (${String(error)}); ` +
        `moved it to "${aside}" and started a new one`,
    );
    return this.#openFresh();
  }

  #warn(message: string): void {
    (this.#options.onWarning ?? console.warn)(message);
  }
}

// Eight rows per INSERT: measured per row (2026-11-30, 3 300 rows in one transaction), 8 to 10
// rows cost about 20% less than 16 or 32 in both runtimes, and compile in a fifth of the time.
const ROWS_PER_INSERT = 8;
// What a pending record asks for: its row deleted (by name, domain and path) and/or written.
const DELETE = 1;
const WRITE = 2;
const PARAMS_PER_ROW = 14;

interface Statements {
  insertMany: SqlStatement;
  insertOne: SqlStatement;
  remove: SqlStatement;
  touch: SqlStatement;
}

// Times are bound as microseconds since 1970 (below 2^53, so exact as numbers) and moved to
// Chromium's epoch by SQLite's 64-bit integers: a BigInt per time costs more to make and bind.
const TIME = `CAST(? AS INTEGER) + ${EPOCH_DELTA_US}`;

function prepareStatements(db: SqlDatabase): Statements {
  const row =
    `(${TIME}, ?, '', ?, ?, X'', ?, ${TIME}, ?, ?, ${TIME}, 1, 1, 1, ?, ?, ?, ${TIME}, ?, 0)`;
  const insert = (rows: number) =>
    db.prepare(`INSERT OR REPLACE INTO cookies VALUES ${Array(rows).fill(row).join(", ")}`);
  return {
    insertMany: insert(ROWS_PER_INSERT),
    insertOne: insert(1),
    remove: db.prepare(
      "DELETE FROM cookies WHERE host_key = ? AND name = ? AND path = ? AND top_frame_site_key = ''",
    ),
    touch: db.prepare(
      `UPDATE cookies SET last_access_utc = ${TIME} WHERE host_key = ? AND name = ? AND path = ? AND top_frame_site_key = ''`,
    ),
  };
}

function microseconds(ms: number): number {
  return Math.round(ms * 1000);
}

// The bound values of a cookies row, in the row's placeholder order.
function pushRow(params: SqlValue[], cookie: CanonicalCookie): void {
  params.push(
    microseconds(cookie.creation),
    cookie.domain,
    cookie.name,
    cookie.value,
    cookie.path,
    microseconds(cookie.expiry ?? 0),
    cookie.secure ? 1 : 0,
    cookie.httpOnly ? 1 : 0,
    microseconds(cookie.lastAccess),
    SAME_SITE_TO_DB[cookie.sameSite],
    cookie.sourceSecure ? 2 : 1,
    cookie.sourcePort,
    microseconds(cookie.lastUpdate),
    SOURCE_TYPES.indexOf(cookie.sourceType),
  );
}

// SQLITE_NOTADB and SQLITE_CORRUPT; a busy or read-only file is not corrupt.
function isCorrupt(error: unknown): boolean {
  return /not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(String(error));
}

// A time column as milliseconds since 1970, in floating point: an integer of microseconds may
// pass 2^53 (Chromium before M104 kept `Expires` up to year 9999), which node:sqlite refuses to
// read as a number. A value that is not an integer stays itself and fromRow skips its row.
function sinceUnixMs(column: string): string {
  return `CASE typeof(${column}) WHEN 'integer' THEN (${column} - ${EPOCH_DELTA_US}) / 1000.0 ` +
    `ELSE ${column} END`;
}

// The latest time a Date holds (ECMAScript's time range), in milliseconds.
const MAX_TIME_MS = 8.64e15;

// A row as a cookie, or none for a row no Chromium store writes (a column of another type, a
// time out of range), as CanonicalCookie::FromStorage refuses a non-canonical row.
function fromRow(row: SqlRow): CanonicalCookie[] {
  const { name, value, host_key: domain, path, expires, creation, last_access, last_update } = row;
  if (
    typeof name !== "string" || typeof value !== "string" || typeof domain !== "string" ||
    typeof path !== "string" || !isTime(expires) || !isTime(creation) || !isTime(last_access) ||
    !isTime(last_update)
  ) {
    return [];
  }
  const sameSite =
    (Object.keys(SAME_SITE_TO_DB) as CookieSameSite[]).find((key) =>
      SAME_SITE_TO_DB[key] === Number(row.samesite)
    ) ?? "unspecified";
  return [{
    name,
    value,
    domain,
    hostOnly: !domain.startsWith("."),
    path,
    secure: Number(row.is_secure) === 1,
    httpOnly: Number(row.is_httponly) === 1,
    expiry: expires,
    sameSite,
    creation,
    lastAccess: last_access,
    lastUpdate: last_update,
    sourceType: SOURCE_TYPES[Number(row.source_type)] ?? "unknown",
    sourceSecure: Number(row.source_scheme) === 2,
    sourcePort: Number(row.source_port),
  }];
}

function isTime(value: SqlValue | undefined): value is number {
  return typeof value === "number" && Math.abs(value) <= MAX_TIME_MS;
}
