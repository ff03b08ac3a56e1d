/**
 * The {@linkcode Runtime} for Bun. Bun's own file API has no fsync, so files go through
 * `node:fs/promises`.
 *
 * @module
 */

import {
  close as closeFdCallback,
  open as openFdCallback,
  writev as writevCallback,
} from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { homedir, platform, tmpdir } from "node:os";
import type {
  AppendFile,
  CreateWorkerOptions,
  FfiLibrary,
  FfiSymbol,
  FfiType,
  Runtime,
} from "../core/runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";
import { connectBunTcp } from "./_bun_tcp_socket.ts";
import { openSqliteDatabase } from "./sqlite_database.ts";
import { checkedFfiSymbols } from "./_checked_ffi_symbols.ts";
import { isNotFound } from "./_is_not_found.ts";
import { type AtomicWriteFiles, writeFileAtomic } from "./_write_file_atomic.ts";

/**
 * Appends with one `writev` per batch: one call to the I/O thread. Bun joins the chunks into a
 * buffer of its own inside `writev` (garbage; downloads/_file_writer.ts avoids it for 200 MiB
 * streams), which a cache batch of at most 4 MiB can afford. The file is a plain descriptor, not
 * a `FileHandle`: Bun raises an uncaught error when it collects a `FileHandle` left open, and a
 * session's open pack file outlives any one call (a dropped session leaks the descriptor
 * instead of crashing the process).
 */
const openFd = promisify(openFdCallback);
const closeFd = promisify(closeFdCallback);

function writevFd(fd: number, chunks: Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) =>
    writevCallback(fd, chunks, (error, written) => error ? reject(error) : resolve(written))
  );
}

async function openNewFile(path: string): Promise<AppendFile> {
  const fd = await openFd(path, "wx", 0o600);
  return {
    async append(chunks) {
      let pending = chunks.filter((chunk) => chunk.byteLength > 0);
      while (pending.length > 0) {
        let bytesWritten = await writevFd(fd, pending);
        // A short write: drop what was written, go on from the rest.
        let done = 0;
        while (done < pending.length && bytesWritten >= pending[done]!.byteLength) {
          bytesWritten -= pending[done]!.byteLength;
          done++;
        }
        pending = pending.slice(done);
        if (bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
      }
    },
    close: () => closeFd(fd),
  };
}

/** The part of the `Bun` global used here, so `deno check` needs no Bun types. */
interface BunGlobal {
  readonly version: string;
  readonly env: Record<string, string | undefined>;
}

/** The part of `bun:ffi` used here. */
interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: readonly FfiType[]; returns: FfiType }>,
  ): { symbols: Record<string, (...args: unknown[]) => unknown>; close(): void };
}

async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
}

async function remove(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

async function createSynced(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, "wx", 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDir(path: string): Promise<void> {
  // Windows cannot open a directory as a file; there the rename's durability is up to NTFS.
  if (platform() === "win32") return;
  const dir = await open(path, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

const bunFiles: AtomicWriteFiles = { createSynced, rename, syncDir, remove };

async function dlopen<S extends Record<string, FfiSymbol>>(
  path: string,
  symbols: S,
): Promise<FfiLibrary<S>> {
  const ffi: BunFfi = await import("bun:ffi");
  // Bun 1.4 accepts every core FfiType name as is (`pointer`, `buffer`, `usize` included);
  // only the field names differ from Deno's.
  const bunSymbols = Object.fromEntries(
    checkedFfiSymbols(symbols).map(([name, { parameters, result }]) => [
      name,
      { args: parameters, returns: result },
    ]),
  );
  const library = ffi.dlopen(path, bunSymbols);
  return {
    // bun:ffi binds exactly the requested names, so the record has S's keys.
    symbols: library.symbols as FfiLibrary<S>["symbols"],
    close: () => library.close(),
  };
}

function createWorker(url: URL, options: CreateWorkerOptions = {}): Worker {
  return new Worker(url, { type: "module", name: options.name });
}

/**
 * Creates the {@linkcode Runtime} backed by Bun and `node:` modules. Most code wants the shared
 * `currentRuntime()` instead.
 *
 * @returns A new Bun runtime.
 * @throws {Error} When called outside Bun.
 *
 * @example Read a file that may not exist
 * ```ts
 * import { createBunRuntime, detectRuntime } from "./mod.ts";
 *
 * if (detectRuntime() === "bun") {
 *   const runtime = createBunRuntime();
 *   console.log(await runtime.readTextFile("/no/such/file")); // undefined
 * }
 * ```
 */
export function createBunRuntime(): Runtime {
  const name = detectRuntime();
  if (name !== "bun") throw new Error(`Cannot create the Bun runtime: this is ${name}`);
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
  return {
    name,
    version: bun.version,
    env: (variable) => bun.env[variable],
    homeDir: homedir,
    tempDir: tmpdir,
    ensureDir,
    readTextFile,
    writeFileAtomic: (path, data) => writeFileAtomic(bunFiles, path, data),
    openNewFile,
    remove,
    openDatabase: openSqliteDatabase,
    dlopen,
    createWorker,
    connectTcp: connectBunTcp,
  };
}
