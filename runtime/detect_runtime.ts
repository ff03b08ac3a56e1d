/**
 * Runtime detection, done in this one place so every other folder stays runtime-neutral.
 *
 * @module
 */

import type { Runtime } from "../core/runtime.ts";

/** Just enough of the Deno and Bun globals to tell them apart without their type packages. */
interface RuntimeGlobals {
  Deno?: { version?: { deno?: unknown } };
  Bun?: { version?: unknown };
}

/**
 * Tells which supported runtime is executing this code.
 *
 * @param scope The global object to inspect; tests pass a stand-in, everyone else omits it.
 * @returns `"deno"` under Deno, `"bun"` under Bun.
 * @throws {Error} When neither Deno nor Bun is running, for example under Node.js.
 *
 * @example Detect the runtime
 * ```ts
 * import { detectRuntime } from "./mod.ts";
 *
 * const name = detectRuntime();
 * console.log(name === "deno" || name === "bun"); // true
 * ```
 */
export function detectRuntime(scope: object = globalThis): Runtime["name"] {
  const globals: RuntimeGlobals = scope;
  if (typeof globals.Deno?.version?.deno === "string") return "deno";
  if (typeof globals.Bun?.version === "string") return "bun";
  throw new Error(
    "Cannot detect the runtime: @ses/session runs on Deno or Bun, and this is neither",
  );
}
