/**
 * One client of `young_gc_bench.ts`, run by it under `--v8-flags=--trace-gc`: warms up, makes
 * sequential 1 KiB GETs, and prints `measured FROM TO`, the span's bounds in milliseconds since
 * the process started (`performance.now()`), the clock V8's trace lines carry: its output reaches
 * the pipe in buffered pieces, so lines printed between them would not mark the span.
 *
 * Run: `deno run -A --v8-flags=--trace-gc bench/young_gc_client.ts CLIENT BASE_URL COUNT`, CLIENT
 * being one of {@linkcode YOUNG_GC_CLIENTS}.
 *
 * @module
 */

import { Agent, get } from "node:http";
import process from "node:process";
import { session } from "../mod.ts";
import { withPassThroughListeners } from "./stages_client.ts";

/** The clients the benchmark compares; the first is the baseline. */
export const YOUNG_GC_CLIENTS = ["node:http", "ses.fetch", "ses.fetch + webRequest"] as const;

const WARM_UP = 20_000;

function nodeHttp(): (url: string) => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return (url) =>
    new Promise((resolve, reject) => {
      get(url, { agent }, (response) => {
        response.on("data", () => {}).on("end", resolve).on("error", reject);
      }).on("error", reject);
    });
}

function sesFetch(hooked: boolean): (url: string) => Promise<void> {
  const ses = session.fromPartition(`young-gc-${hooked}`);
  if (hooked) withPassThroughListeners(ses);
  return async (url) => {
    await (await ses.fetch(url)).arrayBuffer();
  };
}

if (import.meta.main) {
  const [name, base, countArg] = process.argv.slice(2);
  const count = Number(countArg);
  if (!(YOUNG_GC_CLIENTS as readonly string[]).includes(name!) || !(count > 0)) {
    throw new TypeError(`Usage: young_gc_client.ts (${YOUNG_GC_CLIENTS.join("|")}) BASE COUNT`);
  }
  const request = name === "node:http" ? nodeHttp() : sesFetch(name === "ses.fetch + webRequest");
  const url = `${base}/1k`;
  for (let i = 0; i < WARM_UP; i++) await request(url);
  const from = performance.now();
  for (let i = 0; i < count; i++) await request(url);
  console.log(`measured ${from} ${performance.now()}`);
  process.exit(0);
}
