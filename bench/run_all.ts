/**
 * `deno task bench`: runs every benchmark under Deno and under Bun, one after the other, so
 * each prints its ratios against the baseline measured in the same run.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The benchmark files, relative to this folder. */
export const BENCHMARKS: readonly string[] = [
  "fetch_bench.ts",
  "stages_bench.ts",
  "stages_alone_bench.ts",
  "cookies_bench.ts",
  "cache_bench.ts",
  "download_bench.ts",
  "dnr_bench.ts",
  "proxy_bench.ts",
  "spell_bench.ts",
  "serial_bench.ts",
  "young_gc_bench.ts",
];

/**
 * Runs each benchmark in both runtimes.
 *
 * @returns Whether every run exited cleanly.
 *
 * @example Not run as a doc test: it runs every benchmark in both runtimes (minutes)
 * ```ts ignore
 * import { runAll } from "./run_all.ts";
 * if (!runAll()) Deno.exit(1);
 * ```
 */
export function runAll(): boolean {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const bun = fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url));
  let ok = true;
  for (const file of BENCHMARKS) {
    const path = `bench/${file}`;
    for (
      const [command, args] of [[Deno.execPath(), ["run", "-A", path]], [bun, [path]]] as const
    ) {
      const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
      ok &&= result.status === 0;
    }
  }
  return ok;
}

if (import.meta.main && !runAll()) Deno.exit(1);
