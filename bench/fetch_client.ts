/**
 * One client of the fetch benchmark, in a process of its own: warms up, measures the three
 * cases once and prints them as one JSON line. `fetch_bench.ts` starts it once per client
 * per round, so no client runs in a heap, JIT state or set of threads another one left.
 *
 * Run: `deno run -A bench/fetch_client.ts CLIENT BASE_URL DIR` or `bun bench/fetch_client.ts …`,
 * CLIENT being `ses.fetch`, `ses.fetch + webRequest` (eight pass-through listeners, one per
 * event, `<all_urls>`), `ses.fetch + cookies` (the 1 KiB GETs go to `/1k-cookie`, whose
 * responses set one cookie that every later request sends), `ses.fetch + proxy bypass`
 * (`fixed_servers` rules with a bypass list the URL matches), `runtime fetch` or `node:http`.
 *
 * @module
 */

import { createWriteStream, rmSync } from "node:fs";
import { Agent, get } from "node:http";
import { join } from "node:path";
import process from "node:process";
import { Writable } from "node:stream";
import { session } from "../mod.ts";
import { withPassThroughListeners } from "./stages_client.ts";

/** A client under test: fetches a URL and consumes the body into `sink` (or discards it). */
type Client = (url: string, sink?: WritableStream<Uint8Array>) => Promise<void>;

/** The measured cases, as printed. */
export interface ClientResult {
  /** 1 KiB GETs one at a time, requests per second. */
  sequential: number;
  /** 1 KiB GETs with {@linkcode IN_FLIGHT} in flight, requests per second. */
  concurrent: number;
  /** A 200 MiB body streamed to a file, MiB per second. */
  download: number;
}

/** The client names `fetch_bench.ts` may ask for. */
export const CLIENT_NAMES = [
  "ses.fetch",
  "runtime fetch",
  "node:http",
  "ses.fetch + webRequest",
  "ses.fetch + cookies",
  "ses.fetch + proxy bypass",
] as const;

/** Requests in flight in the concurrent case. */
export const IN_FLIGHT = 50;

const SEQUENTIAL = 3_000;
const CONCURRENT_TOTAL = 30_000;
// Steady state, not start-up: in Bun, ses.fetch's JavaScript needs about 40 000 requests
// before JavaScriptCore has finished optimising it (the first 10 000 run at about half
// speed), while the runtime's fetch is native code. Every client gets the same warm-up.
const WARM_UP = 50_000;

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

function makeClient(name: string): { client: Client; close: () => Promise<void> } {
  if (name === "ses.fetch") {
    const ses = session.fromPartition("bench");
    return {
      client: async (url, sink) => drain((await ses.fetch(url)).body, sink),
      close: () => ses.closeAllConnections(),
    };
  }
  if (name === "ses.fetch + webRequest") {
    const ses = withPassThroughListeners(session.fromPartition("bench-web-request"));
    return {
      client: async (url, sink) => drain((await ses.fetch(url)).body, sink),
      close: () => ses.closeAllConnections(),
    };
  }
  if (name === "ses.fetch + cookies") {
    const ses = session.fromPartition("bench-cookies");
    return {
      client: async (url, sink) =>
        drain((await ses.fetch(url.endsWith("/1k") ? `${url}-cookie` : url)).body, sink),
      close: () => ses.closeAllConnections(),
    };
  }
  if (name === "ses.fetch + proxy bypass") {
    const ses = session.fromPartition("bench-proxy");
    const ready = ses.setProxy({
      proxyRules: "http=proxy.invalid:3128;https=proxy.invalid:3128",
      proxyBypassRules: "*.internal.example, 127.0.0.1, 10.0.0.0/8",
    });
    return {
      client: async (url, sink) => {
        await ready;
        await drain((await ses.fetch(url)).body, sink);
      },
      close: () => ses.closeAllConnections(),
    };
  }
  if (name === "runtime fetch") {
    return {
      client: async (url, sink) => drain((await fetch(url)).body, sink),
      close: () => Promise.resolve(),
    };
  }
  if (name === "node:http") return { client: nodeHttpClient(), close: () => Promise.resolve() };
  throw new TypeError(`Unknown client "${name}"; expected one of ${CLIENT_NAMES.join(", ")}`);
}

async function requestsPerSecond(client: Client, url: string, total: number, inFlight: number) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < total) await client(url);
  }));
  return total / ((performance.now() - started) / 1000);
}

async function downloadMiBps(client: Client, url: string, dir: string) {
  const path = join(dir, `big-${process.pid}.bin`);
  const sink = Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>;
  const started = performance.now();
  await client(url, sink);
  const seconds = (performance.now() - started) / 1000;
  rmSync(path);
  return 200 / seconds;
}

if (import.meta.main) {
  const [name = "", base = "", dir = ""] = process.argv.slice(2);
  const { client, close } = makeClient(name);
  await requestsPerSecond(client, `${base}/1k`, WARM_UP, IN_FLIGHT);
  // The concurrent case first, in the pattern the warm-up trained the JIT for.
  const concurrent = await requestsPerSecond(client, `${base}/1k`, CONCURRENT_TOTAL, IN_FLIGHT);
  const sequential = await requestsPerSecond(client, `${base}/1k`, SEQUENTIAL, 1);
  // The first large body of a process runs at half speed in both runtimes (cold buffers and
  // code paths), so one untimed download comes first.
  await downloadMiBps(client, `${base}/big`, dir);
  const download = await downloadMiBps(client, `${base}/big`, dir);
  const result: ClientResult = { sequential, concurrent, download };
  await close();
  console.log(JSON.stringify(result));
  process.exit(0);
}
