/**
 * What the benchmarks share: starting `bench_server.ts` in a process of its own, the arguments
 * that run a script in the current runtime, and the median.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";

/** The arguments before a script path that run it in this runtime (`deno run -A` or `bun`). */
export const RUNTIME_ARGS: readonly string[] = "Deno" in globalThis ? ["run", "-A"] : [];

/** The running benchmark origin. */
export interface BenchServer {
  /** Like `http://127.0.0.1:PORT`. */
  base: string;
  /** Kills the server process. */
  stop: () => void;
}

/**
 * Starts `bench_server.ts` in a new process of this runtime, so that it shares no event loop
 * with the client being measured.
 *
 * @returns The server, once it prints its port.
 *
 * @example Not run as a doc test: it starts a process
 * ```ts ignore
 * import { startBenchServer } from "./bench_common.ts";
 * const { base, stop } = await startBenchServer();
 * console.log(base);
 * stop();
 * ```
 */
export function startBenchServer(): Promise<BenchServer> {
  const child = spawn(process.execPath, [
    ...RUNTIME_ARGS,
    new URL("./bench_server.ts", import.meta.url).pathname,
  ], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (chunk: Uint8Array) => {
      const port = new TextDecoder().decode(chunk).trim();
      resolve({ base: `http://127.0.0.1:${port}`, stop: () => child.kill() });
    });
    child.once("error", reject);
  });
}

/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @param values At least one number.
 * @returns The median.
 *
 * @example
 * ```ts ignore
 * import { median } from "./bench_common.ts";
 * console.log(median([3, 1, 2]), median([4, 1, 2, 3])); // 2 2.5
 * ```
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
