/**
 * `ses.fetch` against the runtime's own `fetch` and `node:http` with a keep-alive agent, in
 * one run: 1 KiB GETs on loopback (sequential and 50 in flight) in requests per second, and
 * a 200 MiB body streamed to a file in MiB/s. Prints one line per case with the ratio of
 * `ses.fetch` to the runtime's `fetch`, and one with the ratio of `ses.fetch` with eight
 * pass-through webRequest listeners (one per event, `<all_urls>`) to plain `ses.fetch`.
 *
 * Each client runs in a fresh process of this runtime (`fetch_client.ts`), once per round,
 * clients interleaved with the order rotating. A round's ratio compares runs made moments
 * apart, so the printed ratio is the median of the rounds' ratios, and the rates are the
 * medians of each client's rounds: a shared machine's slow and fast spells then touch both
 * sides of a ratio alike. The server is one more process.
 *
 * Run: `deno run -A bench/fetch_bench.ts` or `bun bench/fetch_bench.ts`; with `--web-request`
 * only the two `ses.fetch` clients run (the webRequest rows alone), with `--cookies-proxy` the
 * plain one, one with a cookie set and sent on every request, and one with `fixed_servers`
 * proxy rules whose bypass list the URL matches (issues 8 and 9).
 *
 * @module
 */

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import { CLIENT_NAMES, type ClientResult, IN_FLIGHT } from "./fetch_client.ts";
import { median, RUNTIME_ARGS, startBenchServer } from "./bench_common.ts";

const ROUNDS = 5;

async function runClient(name: string, base: string, dir: string): Promise<ClientResult> {
  const script = new URL("./fetch_client.ts", import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...RUNTIME_ARGS, script, name, base, dir],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ClientResult;
}

function report(label: string, unit: string, rounds: Array<Record<string, number>>) {
  const cells = clients.map((name) =>
    `${name} ${median(rounds.map((round) => round[name]!)).toFixed(0)} ${unit}`
  );
  const ratios = RATIOS.filter(([top, bottom]) => clients.includes(top) && clients.includes(bottom))
    .map(([top, bottom]) => {
      const ratio = median(rounds.map((round) => round[top]! / round[bottom]!));
      return `${top} / ${bottom} = ${ratio.toFixed(3)}x`;
    });
  console.log(
    `${label}: ${cells.join(", ")}; ${ratios.join("; ")} (median of ${rounds.length} rounds)`,
  );
}

/** The ratios printed, numerator first. */
const RATIOS: ReadonlyArray<readonly [string, string]> = [
  ["ses.fetch", "runtime fetch"],
  ["ses.fetch + webRequest", "ses.fetch"],
  ["ses.fetch + cookies", "ses.fetch"],
  ["ses.fetch + proxy bypass", "ses.fetch"],
];
const clients: readonly string[] = process.argv.includes("--web-request")
  ? ["ses.fetch", "ses.fetch + webRequest"]
  : process.argv.includes("--cookies-proxy")
  ? ["ses.fetch", "ses.fetch + cookies", "ses.fetch + proxy bypass"]
  : CLIENT_NAMES;

const runtime = "Deno" in globalThis
  ? `Deno ${process.versions.deno}`
  : `Bun ${process.versions.bun}`;
const { base, stop } = await startBenchServer();
const dir = mkdtempSync(join(tmpdir(), "ses-bench-"));
try {
  console.log(`fetch benchmark on ${runtime}`);
  const rounds: Record<keyof ClientResult, Array<Record<string, number>>> = {
    sequential: [],
    concurrent: [],
    download: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const results: Record<string, ClientResult> = {};
    // Rotate who goes first, so that no client always follows the same one.
    for (let i = 0; i < clients.length; i++) {
      const name = clients[(round + i) % clients.length]!;
      results[name] = await runClient(name, base, dir);
    }
    for (const key of Object.keys(rounds) as Array<keyof ClientResult>) {
      rounds[key].push(
        Object.fromEntries(clients.map((name) => [name, results[name]![key]])),
      );
    }
  }
  report("1 KiB GET, sequential", "req/s", rounds.sequential);
  report(`1 KiB GET, ${IN_FLIGHT} in flight`, "req/s", rounds.concurrent);
  report("200 MiB body to a file", "MiB/s", rounds.download);
} finally {
  stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
