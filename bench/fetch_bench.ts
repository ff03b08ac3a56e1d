/**
 * `ses.fetch` against the runtime's own `fetch` and `node:http` with a keep-alive agent, in
 * one run: 1 KiB GETs on loopback (sequential and 50 in flight) in requests per second, and
 * a 200 MiB body streamed to a file in MiB/s. Prints one line per case with the ratio of
 * `ses.fetch` to the runtime's `fetch`.
 *
 * Run: `deno run -A bench/fetch_bench.ts` or `bun bench/fetch_bench.ts`.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { Agent, get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Writable } from "node:stream";
import { session } from "../mod.ts";

/** A client under test: fetches a URL and consumes the body into `sink` (or discards it). */
type Client = (url: string, sink?: WritableStream<Uint8Array>) => Promise<void>;

const SEQUENTIAL = 3_000;
const CONCURRENT_TOTAL = 10_000;
const IN_FLIGHT = 50;
const ROUNDS = 3;

function startServer(): Promise<{ base: string; stop: () => void }> {
  const runtimeArgs = "Deno" in globalThis ? ["run", "-A"] : [];
  const child = spawn(process.execPath, [
    ...runtimeArgs,
    new URL("./bench_server.ts", import.meta.url).pathname,
  ], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => {
      resolve({ base: `http://127.0.0.1:${chunk.toString().trim()}`, stop: () => child.kill() });
    });
    child.once("error", reject);
  });
}

async function drain(body: ReadableStream<Uint8Array> | null, sink?: WritableStream<Uint8Array>) {
  if (!body) return;
  if (sink) return await body.pipeTo(sink);
  const reader = body.getReader();
  while (!(await reader.read()).done);
}

function nodeHttpClient(): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (url, sink) =>
    new Promise((resolve, reject) => {
      get(url, { agent }, (response) => {
        if (sink) {
          const out = Writable.fromWeb(sink as import("node:stream/web").WritableStream);
          response.pipe(out).on("finish", resolve).on("error", reject);
        } else {
          response.on("data", () => {}).on("end", resolve).on("error", reject);
        }
      }).on("error", reject);
    });
}

const ses = session.fromPartition("bench");
const clients: Record<string, Client> = {
  "ses.fetch": async (url, sink) => drain((await ses.fetch(url)).body, sink),
  "runtime fetch": async (url, sink) => drain((await fetch(url)).body, sink),
  "node:http": nodeHttpClient(),
};

async function requestsPerSecond(client: Client, url: string, total: number, inFlight: number) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < total) await client(url);
  }));
  return total / ((performance.now() - started) / 1000);
}

async function downloadMiBps(client: Client, url: string, dir: string) {
  const path = join(dir, "big.bin");
  const sink = Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>;
  const started = performance.now();
  await client(url, sink);
  const seconds = (performance.now() - started) / 1000;
  rmSync(path);
  return 200 / seconds;
}

/** Best of several rounds, alternating clients so that drift hits every client alike. */
async function measure(run: (client: Client) => Promise<number>): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, client] of Object.entries(clients)) {
      best[name] = Math.max(best[name] ?? 0, await run(client));
    }
  }
  return best;
}

function report(label: string, unit: string, results: Record<string, number>) {
  const ratio = results["ses.fetch"]! / results["runtime fetch"]!;
  const cells = Object.entries(results).map(([name, value]) =>
    `${name} ${value.toFixed(0)} ${unit}`
  );
  console.log(`${label}: ${cells.join(", ")}; ses.fetch / runtime fetch = ${ratio.toFixed(2)}x`);
}

const runtime = "Deno" in globalThis
  ? `Deno ${process.versions.deno}`
  : `Bun ${process.versions.bun}`;
const { base, stop } = await startServer();
const dir = mkdtempSync(join(tmpdir(), "ses-bench-"));
try {
  console.log(`fetch benchmark on ${runtime}`);
  for (const client of Object.values(clients)) {
    await requestsPerSecond(client, `${base}/1k`, 500, 10);
  }
  report(
    "1 KiB GET, sequential",
    "req/s",
    await measure((c) => requestsPerSecond(c, `${base}/1k`, SEQUENTIAL, 1)),
  );
  report(
    `1 KiB GET, ${IN_FLIGHT} in flight`,
    "req/s",
    await measure((c) => requestsPerSecond(c, `${base}/1k`, CONCURRENT_TOTAL, IN_FLIGHT)),
  );
  report(
    "200 MiB body to a file",
    "MiB/s",
    await measure((c) => downloadMiBps(c, `${base}/big`, dir)),
  );
} finally {
  await ses.closeAllConnections();
  stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
