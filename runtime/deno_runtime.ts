/**
 * The {@linkcode Runtime} for Deno.
 *
 * @module
 */

import { homedir, tmpdir } from "node:os";
import type {
  AppendFile,
  CreateWorkerOptions,
  FfiLibrary,
  FfiSymbol,
  Runtime,
} from "../core/runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";
import { openSqliteDatabase } from "./sqlite_database.ts";
import { checkedFfiSymbols } from "./_checked_ffi_symbols.ts";
import { isNotFound } from "./_is_not_found.ts";
import { type AtomicWriteFiles, writeFileAtomic } from "./_write_file_atomic.ts";

async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function remove(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function createSynced(path: string, bytes: Uint8Array): Promise<void> {
  using file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  for (let written = 0; written < bytes.length;) {
    written += await file.write(bytes.subarray(written));
  }
  await file.sync();
}

/**
 * Deno's own file ops open and write on blocking threads (`node:fs/promises` opens on the
 * JavaScript one). There is no vectored write: chunks are joined first, into one buffer kept
 * for the file's next appends (appends never overlap), since a new buffer of megabytes is
 * fresh memory whose every page faults in: about 1.5 µs of CPU per 16 KiB appended.
 */
async function openNewFile(path: string): Promise<AppendFile> {
  const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  let buffer = new Uint8Array(0);
  return {
    async append(chunks) {
      let bytes: Uint8Array;
      if (chunks.length === 1) {
        bytes = chunks[0]!;
      } else {
        let length = 0;
        for (const chunk of chunks) length += chunk.byteLength;
        if (buffer.byteLength < length) buffer = new Uint8Array(length);
        bytes = buffer.subarray(0, length);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.byteLength;
        }
      }
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
    },
    close() {
      file.close();
      return Promise.resolve();
    },
  };
}

async function syncDir(path: string): Promise<void> {
  // Windows cannot open a directory as a file; there the rename's durability is up to NTFS.
  if (Deno.build.os === "windows") return;
  using dir = await Deno.open(path);
  await dir.sync();
}

// `rename` wraps `Deno.rename` because reading `Deno` at module load breaks importing under Bun.
const denoFiles: AtomicWriteFiles = {
  createSynced,
  rename: (from, to) => Deno.rename(from, to),
  syncDir,
  remove,
};

function dlopen<S extends Record<string, FfiSymbol>>(
  path: string,
  symbols: S,
): Promise<FfiLibrary<S>> {
  return Promise.try(() => {
    // The core FfiType names are Deno's own, so checked symbols pass through unchanged.
    const library = Deno.dlopen(path, Object.fromEntries(checkedFfiSymbols(symbols)));
    return {
      // Deno types each function from S; the core promises only `(...unknown[]) => unknown`.
      symbols: library.symbols as unknown as FfiLibrary<S>["symbols"],
      close: () => library.close(),
    };
  });
}

function createWorker(url: URL, options: CreateWorkerOptions = {}): Worker {
  return new Worker(url, { type: "module", name: options.name });
}

/**
 * Creates the {@linkcode Runtime} backed by Deno's APIs. Most code wants the shared
 * `currentRuntime()` instead. Needs `--allow-env`, `--allow-read`, `--allow-write`,
 * `--allow-sys` and, for FFI, `--allow-ffi`.
 *
 * @returns A new Deno runtime.
 * @throws {Error} When called outside Deno.
 *
 * @example Read a file that may not exist
 * ```ts
 * import { createDenoRuntime, detectRuntime } from "./mod.ts";
 *
 * if (detectRuntime() === "deno") {
 *   const runtime = createDenoRuntime();
 *   console.log(await runtime.readTextFile("/no/such/file")); // undefined
 * }
 * ```
 */
export function createDenoRuntime(): Runtime {
  const name = detectRuntime();
  if (name !== "deno") throw new Error(`Cannot create the Deno runtime: this is ${name}`);
  return {
    name,
    version: Deno.version.deno,
    env: (variable) => Deno.env.get(variable),
    homeDir: homedir,
    tempDir: tmpdir,
    ensureDir: (path) => Deno.mkdir(path, { recursive: true, mode: 0o700 }),
    readTextFile,
    writeFileAtomic: (path, data) => writeFileAtomic(denoFiles, path, data),
    openNewFile,
    remove,
    openDatabase: openSqliteDatabase,
    dlopen,
    createWorker,
  };
}
