/**
 * The guard against promoting each request's garbage in V8 (Deno): sequential 1 KiB GETs, each
 * client in a process of its own under `--v8-flags=--trace-gc`, and the time V8's
 * young-generation collector (the scavenger) spends per request, with the full collections
 * (mark-compacts) per 10 000 requests, against `node:http`'s in the same run.
 *
 * What it guards: a request's objects must die young. An object that lives in the old
 * generation and points at a request's objects (a module-level `WeakMap` keyed by them, an
 * object literal's accessor pair) keeps them alive through the next scavenge, which then copies
 * and promotes them; the old generation fills and full collections follow. That cost 2.3 times
 * the scavenge time of the fixed code (bench/README.md, 2026-12-01). JavaScriptCore (Bun) has
 * no such trace, so under Bun this benchmark says so and exits.
 *
 * Run: `deno run -A bench/young_gc_bench.ts [COUNT] [ROUNDS]` (defaults 60 000 and 3).
 *
 * @module
 */

import { execFile } from "node:child_process";
import process from "node:process";
import { promisify } from "node:util";
import { median, startBenchServer } from "./bench_common.ts";
import { YOUNG_GC_CLIENTS } from "./young_gc_client.ts";

/** What V8 traced while a client made its measured requests. */
export interface YoungGcResult {
  /** The scavenges' pauses, µs per request. */
  scavengeMicros: number;
  /** Mark-compacts per 10 000 requests. */
  markCompacts: number;
}

/**
 * Reads `--trace-gc` output: the collections whose time falls in the span the client measured.
 *
 * @param output The client's standard output: V8's trace lines (`[pid:isolate]  T ms: …`) and
 *   the client's `measured FROM TO` line.
 * @param count The requests measured.
 * @returns The scavenge time per request and the full collections per 10 000 requests.
 *
 * @example
 * ```ts
 * import { readTrace } from "./young_gc_bench.ts";
 * const trace = [
 *   "[1:0x1]  5 ms: Scavenge 9.0 (12.0) -> 4.0 (12.0) MB, pooled: 0.0 MB, 9.00 / 0.00 ms (x)",
 *   "[1:0x1]  15 ms: Scavenge 9.0 (12.0) -> 4.0 (12.0) MB, pooled: 0.0 MB, 1.50 / 0.00 ms (x)",
 *   "[1:0x1]  19 ms: Mark-Compact 9.0 (12.0) -> 4.0 (12.0) MB, pooled: 0.0 MB, 2.00 / 0.00 ms",
 *   "measured 10.5 20.5",
 * ].join("\n");
 * console.log(readTrace(trace, 1000)); // { scavengeMicros: 1.5, markCompacts: 10 }
 * ```
 */
export function readTrace(output: string, count: number): YoungGcResult {
  const span = /measured ([\d.]+) ([\d.]+)/.exec(output);
  if (!span) throw new Error("The client printed no measured span");
  const [from, to] = [Number(span[1]), Number(span[2])];
  let scavengeMs = 0;
  let markCompacts = 0;
  for (
    const match of output.matchAll(/\] +([\d.]+) ms: ([\w-]+(?: [\w-]+)?) .*? MB, ([\d.]+) \//g)
  ) {
    const time = Number(match[1]);
    if (time < from || time > to) continue;
    if (match[2] === "Scavenge") scavengeMs += Number(match[3]);
    else if (match[2]!.endsWith("Mark-Compact")) markCompacts++;
  }
  return { scavengeMicros: scavengeMs * 1000 / count, markCompacts: markCompacts * 10_000 / count };
}

async function runClient(name: string, base: string, count: number): Promise<YoungGcResult> {
  const script = new URL("./young_gc_client.ts", import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["run", "-A", "--v8-flags=--trace-gc", script, name, base, String(count)],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return readTrace(stdout, count);
}

if (import.meta.main) {
  if (!("Deno" in globalThis)) {
    console.log("young-generation benchmark: V8 (Deno) only; JavaScriptCore traces no scavenges");
    process.exit(0);
  }
  const count = Number(process.argv[2] ?? 60_000);
  const rounds = Number(process.argv[3] ?? 3);
  const { base, stop } = await startBenchServer();
  try {
    console.log(
      `young-generation benchmark on Deno ${process.versions.deno} (1 KiB GET, sequential)`,
    );
    const results: Record<string, YoungGcResult[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const name of YOUNG_GC_CLIENTS) {
        (results[name] ??= []).push(await runClient(name, base, count));
      }
    }
    const baseline = median(results[YOUNG_GC_CLIENTS[0]]!.map((r) => r.scavengeMicros));
    for (const name of YOUNG_GC_CLIENTS) {
      const scavenge = median(results[name]!.map((r) => r.scavengeMicros));
      const marks = median(results[name]!.map((r) => r.markCompacts));
      console.log(
        `${name}: scavenges ${scavenge.toFixed(2)} µs per request ` +
          `(${(scavenge / baseline).toFixed(2)}x ${YOUNG_GC_CLIENTS[0]}), ` +
          `${marks.toFixed(1)} mark-compacts per 10 000 requests (median of ${rounds} rounds)`,
      );
    }
  } finally {
    stop();
  }
}
