/**
 * Loads spellcheck/wasm/hunspell.wasm with a hand-written import object: the module is built
 * standalone (see wasm/README.md), so it needs only a handful of WASI calls and no emscripten
 * JavaScript.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { cpuUsage } from "node:process";
import { fileURLToPath } from "node:url";

/** The C surface of hunspell.wasm (spellcheck/wasm/src/ses_hunspell.cxx); pointers are numbers. */
export interface HunspellExports {
  /** The module's linear memory (grows; re-read `buffer` after every call). */
  memory: WebAssembly.Memory;
  /** Builds a checker from the affix and word-list bytes; 0 when allocation failed. */
  ses_create(aff: number, affLength: number, dic: number, dicLength: number): number;
  /** Frees a checker. */
  ses_destroy(checker: number): void;
  /** The dictionary's character set name, NUL-terminated. */
  ses_encoding(checker: number): number;
  /** 1 when the NUL-terminated word is correct. */
  ses_spell(checker: number, word: number): number;
  /** Checks `count` NUL-terminated words stored back to back; one result byte each. */
  ses_spell_many(checker: number, words: number, count: number, results: number): void;
  /** A malloc'ed block of NUL-terminated suggestions; `*count` receives how many. */
  ses_suggest(checker: number, word: number, count: number): number;
  /** malloc. */
  ses_malloc(size: number): number;
  /** free. */
  ses_free(pointer: number): void;
}

const WASM_URL = new URL("./wasm/hunspell.wasm", import.meta.url);
let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Compiles hunspell.wasm once per process (later calls share the promise).
 *
 * @returns The compiled module.
 * @throws {Error} When the file cannot be read or is not valid WebAssembly.
 *
 * @example
 * ```ts
 * import { compileHunspell } from "./hunspell_wasm.ts";
 * const module = await compileHunspell();
 * console.log(WebAssembly.Module.exports(module).some((e) => e.name === "ses_spell")); // true
 * ```
 */
export function compileHunspell(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const bytes = WASM_URL.protocol === "file:"
      ? await readFile(fileURLToPath(WASM_URL))
      : new Uint8Array(await (await fetch(WASM_URL)).arrayBuffer());
    return await WebAssembly.compile(bytes);
  })();
  return compiled;
}

/**
 * Instantiates hunspell.wasm with its own memory: one instance per dictionary, so a dictionary
 * that makes hunspell trap cannot corrupt another.
 *
 * @returns The instance's exports.
 * @throws {Error} When compiling fails.
 *
 * @example
 * ```ts
 * import { instantiateHunspell } from "./hunspell_wasm.ts";
 * const exports = await instantiateHunspell();
 * console.log(exports.memory.buffer.byteLength >= 16 * 1024 * 1024); // true
 * ```
 */
export async function instantiateHunspell(): Promise<HunspellExports> {
  const module = await compileHunspell();
  // Set once instantiated; the imports run only after that.
  const state: { memory?: WebAssembly.Memory } = {};
  const clock = { cpu: 0, wall: -Infinity };
  let dataView: DataView | undefined;
  // A view of the memory as it is now (growing the memory replaces its buffer).
  const view = () => {
    if (dataView?.buffer !== state.memory!.buffer) dataView = new DataView(state.memory!.buffer);
    return dataView;
  };
  const wasi = {
    // fd_write(fd, iovs, iovs_len, nwritten): this build prints nothing (hunspell's warnings are
    // compiled out), so any write is accepted and dropped.
    fd_write(_fd: number, iovs: number, count: number, written: number): number {
      const data = view();
      let total = 0;
      for (let i = 0; i < count; i++) total += data.getUint32(iovs + i * 8 + 4, true);
      data.setUint32(written, total, true);
      return 0;
    },
    // clock(): hunspell's time limits (100 ms for some suggestion steps, 250 ms overall) are
    // CPU time, as natively. The clock runs at half speed: this build is not uniformly as fast as
    // the native library (some steps take up to about twice as long), and a limit that cut in
    // earlier than natively would change the suggestions; at half speed it cuts in after at least
    // the same work (nanoseconds, u64). Hunspell asks thousands of times per suggestion, so the
    // process CPU time (a system call) is read at most once a millisecond and advanced by the
    // wall clock in between, while this code is running.
    clock_time_get(_id: number, _precision: bigint, time: number): number {
      const now = performance.now();
      if (now - clock.wall > 1) {
        const { user, system } = cpuUsage();
        clock.cpu = user + system;
        clock.wall = now;
      }
      const micros = clock.cpu + (now - clock.wall) * 1000;
      view().setBigUint64(time, BigInt(Math.round(micros * 500)), true);
      return 0;
    },
    proc_exit(code: number): never {
      throw new Error(`hunspell.wasm exited with status ${code}`);
    },
    fd_close: () => 0,
    // 70 = ESPIPE: nothing to seek, the only descriptors are the standard streams.
    fd_seek: () => 70,
    environ_sizes_get(count: number, size: number): number {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return 0;
    },
    environ_get: () => 0,
  };
  const instance = await WebAssembly.instantiate(module, {
    wasi_snapshot_preview1: wasi,
    env: { emscripten_notify_memory_growth: () => {} },
  });
  const exports = instance.exports as unknown as HunspellExports & { _initialize(): void };
  state.memory = exports.memory;
  exports._initialize();
  return exports;
}
