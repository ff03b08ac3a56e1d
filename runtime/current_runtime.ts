/**
 * The process-wide {@linkcode Runtime}.
 *
 * @module
 */

import type { Runtime } from "../core/runtime.ts";
import { createBunRuntime } from "./bun_runtime.ts";
import { createDenoRuntime } from "./deno_runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";

let current: Runtime | undefined;

/**
 * Returns the {@linkcode Runtime} for the runtime running this process, created on first call
 * and shared afterwards.
 *
 * @returns The Deno or Bun runtime.
 * @throws {Error} When neither Deno nor Bun is running.
 *
 * @example Read an environment variable
 * ```ts
 * import { currentRuntime } from "./mod.ts";
 *
 * const runtime = currentRuntime();
 * console.log(runtime.name, runtime.env("HOME"));
 * ```
 */
export function currentRuntime(): Runtime {
  current ??= detectRuntime() === "deno" ? createDenoRuntime() : createBunRuntime();
  return current;
}
