/**
 * The runtime seam: the Deno and Bun implementations of the core `Runtime` interface, and the
 * one place that tells the two apart. No other folder touches `Deno.*`, `Bun.*` or `bun:*`.
 *
 * @example Replace a file atomically
 * ```ts
 * import { currentRuntime } from "./mod.ts";
 *
 * const runtime = currentRuntime();
 * const dir = `${runtime.tempDir()}/ses-example-${crypto.randomUUID()}`;
 * await runtime.ensureDir(dir);
 * await runtime.writeFileAtomic(`${dir}/Preferences`, '{"spellcheck":true}');
 * console.log(await runtime.readTextFile(`${dir}/Preferences`)); // {"spellcheck":true}
 * await runtime.remove(dir);
 * ```
 *
 * @module
 */

export { createBunRuntime } from "./bun_runtime.ts";
export { createDenoRuntime } from "./deno_runtime.ts";
export { currentRuntime } from "./current_runtime.ts";
export { detectRuntime } from "./detect_runtime.ts";
export {
  HIDAPI_DEBIAN_PACKAGE,
  type HidapiBackendOptions,
  openHidapiBackend,
} from "./hidapi_backend.ts";
export { createLibcSerialIo, openPtyPair, type PtyPair } from "./libc_serial.ts";
export { openSqliteDatabase } from "./sqlite_database.ts";
// The implementations' signatures use these core types, so the entry point documents them too.
export type * from "../core/runtime.ts";
export type * from "../core/hid_backend.ts";
