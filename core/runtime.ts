/**
 * The one seam between @ses and the JavaScript runtime it runs on. Only `runtime/`
 * implements it; every other folder receives a `Runtime` value.
 *
 * @module
 */

import type { HostLookup } from "./host_lookup.ts";
import type { TcpConnect } from "./stream_socket.ts";

/** A value SQLite stores or returns. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** A row as an object keyed by column name. */
export type SqlRow = Record<string, SqlValue>;

/** The outcome of a statement that writes. */
export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number | bigint;
  /** Rowid of the last inserted row. */
  lastInsertRowid: number | bigint;
}

/** A prepared SQLite statement. */
export interface SqlStatement {
  /** Runs the statement for its effect. */
  run(...params: SqlValue[]): SqlRunResult;
  /** Returns the first row, or `undefined` when there is none. */
  get(...params: SqlValue[]): SqlRow | undefined;
  /** Returns every row. */
  all(...params: SqlValue[]): SqlRow[];
}

/** A file opened by `Runtime.openNewFile`, written only at its end. */
export interface AppendFile {
  /**
   * Writes `chunks` in order after the bytes appended so far, without syncing; resolves once
   * every byte is written. Appends must not overlap: start one after the last resolved.
   */
  append(chunks: readonly Uint8Array[]): Promise<void>;
  /** Closes the file; later appends reject. */
  close(): Promise<void>;
}

/** An open SQLite database (WAL mode, busy timeout set). */
export interface SqlDatabase {
  /** The file it was opened from, or `:memory:`. */
  readonly path: string;
  /** Runs one or more statements that return nothing. */
  exec(sql: string): void;
  /** Compiles a statement. */
  prepare(sql: string): SqlStatement;
  /** Runs `fn` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws. */
  transaction<T>(fn: () => T): T;
  /** Closes the database; later calls throw. */
  close(): void;
}

/** Options for {@linkcode Runtime.openDatabase}. */
export interface OpenDatabaseOptions {
  /** Milliseconds to wait for another connection's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * The C types an FFI symbol may use. Pointers are passed as `Uint8Array` (`buffer`) or as the
 * runtime's opaque pointer value (`pointer`).
 */
export type FfiType =
  | "void"
  | "bool"
  | "i8"
  | "u8"
  | "i16"
  | "u16"
  | "i32"
  | "u32"
  | "i64"
  | "u64"
  | "usize"
  | "isize"
  | "f32"
  | "f64"
  | "pointer"
  | "buffer";

/** One foreign function: its parameter types and result type. */
export interface FfiSymbol {
  /** Parameter types, in order. */
  parameters: readonly FfiType[];
  /** Result type. */
  result: FfiType;
}

/** A loaded shared library. */
export interface FfiLibrary<S extends Record<string, FfiSymbol>> {
  /** The library's functions, by symbol name. */
  readonly symbols: { readonly [K in keyof S]: (...args: unknown[]) => unknown };
  /** Unloads the library. */
  close(): void;
}

/** Options for {@linkcode Runtime.createWorker}. */
export interface CreateWorkerOptions {
  /** A name shown in debuggers. */
  name?: string;
}

/** The runtime services @ses needs. Deno and Bun each implement it in `runtime/`. */
export interface Runtime {
  /** Which runtime this is. */
  readonly name: "deno" | "bun";
  /** The runtime's version, like `2.9.6`. */
  readonly version: string;
  /** Reads an environment variable; `undefined` when unset. */
  env(name: string): string | undefined;
  /** The user's home directory. */
  homeDir(): string;
  /** The system temporary directory. */
  tempDir(): string;
  /** Creates a directory and its parents (mode 0700); no error when it exists. */
  ensureDir(path: string): Promise<void>;
  /** Reads a UTF-8 file; `undefined` when it does not exist. */
  readTextFile(path: string): Promise<string | undefined>;
  /**
   * Replaces a file atomically: writes a temporary file beside it, syncs it to disk and
   * renames it over the target, so readers see the old or the new content, never a mix.
   */
  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void>;
  /**
   * Creates `path` (mode 0600; rejects when it exists) and opens it for appending. Opening
   * and writing run on the runtime's I/O threads: the JavaScript thread only starts them. For
   * files that grow by batches whose place something else publishes once each append resolves
   * (the HTTP cache's pack files).
   */
  openNewFile(path: string): Promise<AppendFile>;
  /** Removes a file or directory tree; no error when it does not exist. */
  remove(path: string): Promise<void>;
  /** Opens (creating) a SQLite database in WAL mode with a busy timeout. */
  openDatabase(path: string, options?: OpenDatabaseOptions): SqlDatabase;
  /** Loads a shared library and binds the named symbols. */
  dlopen<S extends Record<string, FfiSymbol>>(path: string, symbols: S): Promise<FfiLibrary<S>>;
  /** Starts a module Worker. */
  createWorker(url: URL, options?: CreateWorkerOptions): Worker;
  /**
   * Opens TCP connections on the runtime's native sockets, where those are faster than its
   * `node:net` (Bun). Absent where `node:net` is the fastest there is (Deno); the network stack
   * then uses `node:net`. TLS always runs over `node:net`, for `node:tls` and its certificate
   * checks.
   */
  readonly connectTcp?: TcpConnect;
  /**
   * Looks host names up in place of the system resolver (`node:dns` `lookup`, hosts file
   * included). No runtime brings one: it is the door for an embedder that maps names, as
   * Chromium's `--host-resolver-rules` does, and for tests that need a real name (not
   * `localhost`, which Chromium treats apart) on 127.0.0.1.
   */
  readonly lookupHost?: HostLookup;
}
