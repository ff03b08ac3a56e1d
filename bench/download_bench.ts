/**
 * `ses.downloadURL` (the full pipeline, `.crdownload` file, fsync and rename) against the
 * runtime's own `fetch` piped to a file, both saving a 200 MiB body from a loopback origin.
 * Prints MiB/s for each, the ratio downloadURL ÷ runtime fetch, how far each grew the
 * process's resident memory (peak RSS during the download minus RSS before it) and the CPU
 * time each download took (user + system; steadier than rates on a shared machine). A download
 * fsyncs its file before the rename, which the piped fetch does not, so a third client pipes
 * the runtime's fetch to a file and then fsyncs it: the same durability.
 *
 * Each client runs in a fresh process of this runtime, once per round, with one untimed
 * download first (a process's first large body runs slower in both runtimes); the order
 * rotates between rounds and the printed ratio is the median of the rounds' ratios. The
 * origin (`bench_server.ts`) is one more process.
 *
 * Run: `deno run -A bench/download_bench.ts` or `bun bench/download_bench.ts`.
 *
 * @module
 */

import { execFile } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { open } from "node:fs/promises";
import { session } from "../mod.ts";
import { median, RUNTIME_ARGS, startBenchServer } from "./bench_common.ts";

const ROUNDS = 5;
const MIB = 1024 * 1024;
const CLIENTS = ["ses.downloadURL", "runtime fetch", "runtime fetch + fsync"] as const;

/** What one client process measured. */
interface ClientResult {
  /** MiB per second for the timed download. */
  mibPerSecond: number;
  /** Peak RSS during the timed download minus RSS before it, in MiB. */
  rssGrowthMiB: number;
  /** User plus system CPU time of the timed download, in milliseconds. */
  cpuMs: number;
}

async function sesDownload(url: string, dir: string): Promise<void> {
  const ses = session.fromPartition("bench-download");
  ses.setDownloadPath(dir);
  const state = await new Promise<string>((resolve) => {
    ses.once("will-download", (_event, item) => {
      item.once("done", (_e, done) => {
        rmSync(item.getSavePath(), { force: true });
        resolve(done);
      });
    });
    ses.downloadURL(url);
  });
  if (state !== "completed") throw new Error(`download ended ${state}`);
}

async function fetchDownload(url: string, dir: string, sync = false): Promise<void> {
  const path = join(dir, `fetch-${process.pid}.bin`);
  const response = await fetch(url);
  await response.body!.pipeTo(Writable.toWeb(createWriteStream(path)) as WritableStream);
  if (sync) {
    const handle = await open(path, "r+");
    await handle.sync();
    await handle.close();
  }
  rmSync(path);
}

async function measure(name: string, url: string, dir: string): Promise<ClientResult> {
  const run = name === "ses.downloadURL"
    ? sesDownload
    : (url: string, dir: string) => fetchDownload(url, dir, name === "runtime fetch + fsync");
  await run(url, dir);
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => peak = Math.max(peak, process.memoryUsage.rss()), 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(url, dir);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    mibPerSecond: 200 / seconds,
    rssGrowthMiB: (peak - before) / MIB,
    cpuMs: (user + system) / 1000,
  };
}

async function runClient(name: string, base: string, dir: string): Promise<ClientResult> {
  const script = new URL(import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...RUNTIME_ARGS, script, "--client", name, base, dir],
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ClientResult;
}

async function main(): Promise<void> {
  const runtime = "Deno" in globalThis
    ? `Deno ${process.versions.deno}`
    : `Bun ${process.versions.bun}`;
  const { base, stop } = await startBenchServer();
  const dir = mkdtempSync(join(tmpdir(), "ses-bench-dl-"));
  try {
    console.log(`download benchmark on ${runtime}: 200 MiB from ${base}/big to a file`);
    const rounds: Array<Record<string, ClientResult>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order, so no client always runs right after the same one.
      const order = [
        ...CLIENTS.slice(round % CLIENTS.length),
        ...CLIENTS.slice(0, round % CLIENTS.length),
      ];
      const results: Record<string, ClientResult> = {};
      for (const name of order) results[name] = await runClient(name, `${base}/big`, dir);
      rounds.push(results);
    }
    const ratioTo = (baseline: string) =>
      median(rounds.map((r) => r["ses.downloadURL"]!.mibPerSecond / r[baseline]!.mibPerSecond));
    for (const name of CLIENTS) {
      const rate = median(rounds.map((r) => r[name]!.mibPerSecond));
      const rss = median(rounds.map((r) => r[name]!.rssGrowthMiB));
      const cpu = median(rounds.map((r) => r[name]!.cpuMs));
      console.log(
        `${name}: ${rate.toFixed(0)} MiB/s, RSS growth ${rss.toFixed(1)} MiB, ` +
          `CPU ${cpu.toFixed(0)} ms (medians)`,
      );
    }
    for (const baseline of CLIENTS.slice(1)) {
      console.log(
        `ses.downloadURL / ${baseline} = ${ratioTo(baseline).toFixed(2)}x ` +
          `(median of ${ROUNDS} rounds)`,
      );
    }
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [flag, name = "", url = "", dir = ""] = process.argv.slice(2);
  if (flag === "--client") {
    console.log(JSON.stringify(await measure(name, url, dir)));
    process.exit(0);
  }
  await main();
}
