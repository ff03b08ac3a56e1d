/**
 * The HTTP cache's costs and gains, in one run of this runtime, against a loopback origin in
 * its own process:
 *
 * - hit: a stored 16 KiB response (persistent session, SQLite) against the same request
 *   going to the origin (a session with `{cache: false}`); p50 per request, body read;
 * - miss: 16 KiB responses that are stored as they stream (a new URL each time) against no
 *   cache at all; requests per second;
 * - uncacheable: the fetch benchmark's 1 KiB GET (no caching headers) with the cache stage in
 *   the path against none, sequential and 50 in flight; requests per second;
 * - the stage alone: the same uncacheable request answered by an in-process step, with the
 *   stage (on-disk store) in front and without; CPU per request, free of network noise.
 *
 * Rounds alternate the two sides with the order rotating; each ratio printed is the median of
 * the rounds' ratios, so a shared machine's slow and fast spells touch both sides alike. The
 * CPU time per request (this process, all threads: file writes run on I/O threads) is printed
 * too: on a loaded machine it moves far less than wall time.
 *
 * Run: `deno run -A bench/cache_bench.ts` or `bun bench/cache_bench.ts`.
 *
 * @module
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { session } from "../mod.ts";
import type { Session } from "../session/mod.ts";
import { HttpCache } from "../cache/mod.ts";
import { compose, type FetchLike, requestContext } from "../core/mod.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { median, startBenchServer } from "./bench_common.ts";

const ROUNDS = 5;
const HITS = 5_000;
const MISSES = 1_500;
const SEQUENTIAL = 3_000;
const IN_FLIGHT = 50;
const CONCURRENT = 20_000;

async function fetchBody(ses: Session, url: string): Promise<void> {
  const response = await ses.fetch(url);
  await response.arrayBuffer();
}

/** CPU time of this process (all its threads) per request in the last `timed` run, in µs. */
let lastCpu = 0;

/** Per-request times in ms, one request at a time. */
async function timed(
  ses: Session,
  urls: (i: number) => string,
  count: number,
  settle?: () => Promise<void>,
) {
  const times = new Float64Array(count);
  const cpu = process.cpuUsage();
  const begin = performance.now();
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fetchBody(ses, urls(i));
    times[i] = performance.now() - start;
  }
  if (settle !== undefined) {
    // The settling time is spread over the requests, so `sum(times)` is the whole run.
    await settle();
    const extra = (performance.now() - begin - times.reduce((a, b) => a + b, 0)) / count;
    for (let i = 0; i < count; i++) times[i]! += extra;
  }
  const used = process.cpuUsage(cpu);
  lastCpu = (used.user + used.system) / count;
  return times;
}

/** Requests per second with `inFlight` at a time. */
async function rate(ses: Session, url: string, count: number, inFlight: number) {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < count) await fetchBody(ses, url);
  }));
  return count / ((performance.now() - start) / 1000);
}

function percentile(times: Float64Array, p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function sum(times: Float64Array): number {
  return times.reduce((a, b) => a + b, 0);
}

/** CPU µs per request of `fetchLike` answering `count` uncacheable requests. */
async function stageCpu(fetchLike: FetchLike, count: number): Promise<number> {
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const response = await fetchLike(new Request("http://bench.test/1k"), requestContext());
    await response.arrayBuffer();
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / count;
}

async function stageAlone(dir: string): Promise<{ with: number; without: number }> {
  const oneKiB = new Uint8Array(1024).fill(97);
  const origin: FetchLike = () =>
    Promise.resolve(new Response(oneKiB, { headers: { "content-length": "1024" } }));
  const cache = new HttpCache({ directory: join(dir, "stage"), runtime: currentRuntime() });
  const staged = compose([cache.middleware], origin);
  await stageCpu(staged, 20_000);
  await stageCpu(origin, 20_000);
  const withStage: number[] = [];
  const without: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    withStage.push(await stageCpu(staged, 20_000));
    without.push(await stageCpu(origin, 20_000));
  }
  await cache.close();
  return { with: median(withStage), without: median(without) };
}

const name = "Deno" in globalThis ? `Deno ${process.versions.deno}` : `Bun ${process.versions.bun}`;
const { base, stop } = await startBenchServer();
const dir = mkdtempSync(join(tmpdir(), "ses-cache-bench-"));
try {
  const cached = session.fromPath(join(dir, "cached"));
  const uncached = session.fromPath(join(dir, "uncached"), { cache: false });
  const hitUrl = `${base}/16k-cached?hit`;
  let missId = 0;
  const missUrl = () => `${base}/16k-cached?miss=${++missId}`;
  // Warm-up: JIT, connections and the stored entry.
  for (const ses of [cached, uncached]) {
    await timed(ses, () => hitUrl, 3_000);
    await timed(ses, missUrl, 1_000);
    await rate(ses, `${base}/1k`, 20_000, IN_FLIGHT);
  }
  await cached.clearCache();
  const rounds: Record<string, number[]> = {
    hitP50: [],
    hitP99: [],
    tripP50: [],
    hitRatio: [],
    missRatio: [],
    seqRatio: [],
    concRatio: [],
    missRate: [],
    missCpu: [],
    noCacheCpu: [],
    seqCpu: [],
    seqNoCacheCpu: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [cached, uncached] : [uncached, cached];
    const hits: Record<string, Float64Array> = {};
    const misses: Record<string, Float64Array> = {};
    const seq: Record<string, Float64Array> = {};
    const conc: Record<string, number> = {};
    for (const ses of order) {
      const key = ses === cached ? "cached" : "uncached";
      await fetchBody(ses, hitUrl);
      hits[key] = await timed(ses, () => hitUrl, HITS);
      seq[key] = await timed(ses, () => `${base}/1k`, SEQUENTIAL);
      rounds[key === "cached" ? "seqCpu" : "seqNoCacheCpu"]!.push(lastCpu);
      conc[key] = await rate(ses, `${base}/1k`, CONCURRENT, IN_FLIGHT);
      // Last, and counting the wait until every body is written: stores finish off the
      // request path, and must not be left to burden the cases measured after them.
      misses[key] = await timed(ses, missUrl, MISSES, () => ses.cacheIdle());
      rounds[key === "cached" ? "missCpu" : "noCacheCpu"]!.push(lastCpu);
    }
    await cached.clearCache();
    const hitP50 = percentile(hits.cached!, 0.5);
    const tripP50 = percentile(hits.uncached!, 0.5);
    rounds.hitP50!.push(hitP50);
    rounds.hitP99!.push(percentile(hits.cached!, 0.99));
    rounds.tripP50!.push(tripP50);
    rounds.hitRatio!.push(tripP50 / hitP50);
    rounds.missRatio!.push(sum(misses.uncached!) / sum(misses.cached!));
    rounds.missRate!.push(MISSES / (sum(misses.cached!) / 1000));
    rounds.seqRatio!.push(sum(seq.uncached!) / sum(seq.cached!));
    rounds.concRatio!.push(conc.cached! / conc.uncached!);
  }
  const m = (key: string) => median(rounds[key]!);
  console.log(`cache benchmark on ${name} (median of ${ROUNDS} rounds)`);
  console.log(
    `16 KiB hit: p50 ${(m("hitP50") * 1000).toFixed(0)} µs, p99 ${
      (m("hitP99") * 1000).toFixed(0)
    } µs; loopback round trip p50 ${(m("tripP50") * 1000).toFixed(0)} µs; hit ${
      m("hitRatio").toFixed(1)
    }x faster`,
  );
  console.log(
    `16 KiB miss, stored: ${m("missRate").toFixed(0)} req/s; cache / no cache = ${
      m("missRatio").toFixed(2)
    }x; CPU per request ${m("missCpu").toFixed(0)} µs against ${m("noCacheCpu").toFixed(0)} µs`,
  );
  console.log(
    `1 KiB uncacheable GET, cache stage / none: sequential ${m("seqRatio").toFixed(2)}x, ` +
      `${IN_FLIGHT} in flight ${m("concRatio").toFixed(2)}x; CPU per sequential request ${
        m("seqCpu").toFixed(0)
      } µs against ${m("seqNoCacheCpu").toFixed(0)} µs`,
  );
  const stage = await stageAlone(dir);
  console.log(
    `the stage alone, uncacheable: CPU per request ${stage.with.toFixed(1)} µs with, ` +
      `${stage.without.toFixed(1)} µs without (+${(stage.with - stage.without).toFixed(1)} µs)`,
  );
} finally {
  stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
