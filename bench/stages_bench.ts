/**
 * The pipeline's guard: `ses.fetch` with each subsystem's stage active, and with all of them,
 * against `ses.fetch` with none, 1 KiB GETs at 50 in flight on loopback. Target: every row
 * ≥ 0.95× (DEVELOPERS.md: each subsystem adds its row; every stage in the path stays within
 * 5%).
 *
 * Each variant runs in a fresh process per round (`stages_client.ts`), the order rotating; a
 * row's figure is the median over rounds of variant ÷ baseline measured in the same round, for
 * requests per second and for the client's CPU time per request (steadier on a shared machine).
 *
 * Run: `deno run -A bench/stages_bench.ts [VARIANTS] [ROUNDS]` or `bun bench/stages_bench.ts …`,
 * VARIANTS comma-separated (default all; `none` is always run), ROUNDS default 5.
 *
 * @module
 */

import { execFile } from "node:child_process";
import process from "node:process";
import { promisify } from "node:util";
import { VARIANTS } from "./stages_client.ts";
import { median, RUNTIME_ARGS, startBenchServer } from "./bench_common.ts";

const [list = "", roundsArg = "5"] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);

async function runClient(name: string, base: string): Promise<{ rps: number; cpuMicros: number }> {
  const script = new URL("./stages_client.ts", import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...RUNTIME_ARGS, script, name, base],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

const runtime = "Deno" in globalThis
  ? `Deno ${process.versions.deno}`
  : `Bun ${process.versions.bun}`;
const names = list === ""
  ? Object.keys(VARIANTS)
  : ["none", ...list.split(",").filter((name) => name !== "none")];
for (const name of names) if (!VARIANTS[name]) throw new TypeError(`Unknown variant "${name}"`);
const { base, stop } = await startBenchServer();
try {
  console.log(`stages benchmark on ${runtime} (1 KiB GET, 50 in flight)`);
  const rounds: Array<Record<string, { rps: number; cpuMicros: number }>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const results: Record<string, { rps: number; cpuMicros: number }> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      results[name] = await runClient(name, base);
    }
    rounds.push(results);
  }
  for (const name of names.filter((name) => name !== "none")) {
    const rps = median(rounds.map((round) => round[name]!.rps / round.none!.rps));
    const cpu = median(rounds.map((round) => round.none!.cpuMicros / round[name]!.cpuMicros));
    const rate = median(rounds.map((round) => round[name]!.rps));
    console.log(
      `${name}: ${rate.toFixed(0)} req/s; ÷ none: req/s ${rps.toFixed(2)}x, ` +
        `CPU per request ${cpu.toFixed(2)}x (median of ${ROUNDS} rounds)`,
    );
  }
} finally {
  stop();
}
process.exit(0);
