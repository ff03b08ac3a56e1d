/**
 * declarativeNetRequest costs, in one run of this runtime:
 *
 * 1. loading an extension with a 30,000-rule static ruleset (wall and CPU time, median of 5
 *    fresh sessions);
 * 2. matching one request against those rules (µs per `DnrEngine.evaluate`), next to the same
 *    with 300 rules: with the index the cost follows the rules that can match, not the total;
 * 3. the impact on `ses.fetch` (1 KiB GETs on loopback, sequential and 50 in flight): a session
 *    with the 30,000 rules loaded (none matching the URL) against one without, interleaved
 *    rounds, median of the per-round ratios of requests per second and of this process's CPU
 *    time per request (the server runs in another process). On a shared machine the CPU ratio
 *    is the steadier figure.
 *
 * Run: `deno run -A bench/dnr_bench.ts` or `bun bench/dnr_bench.ts`.
 *
 * @module
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DnrEngine, parseRuleset } from "../extensions/mod.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type Session } from "../session/mod.ts";
import { median, startBenchServer } from "./bench_common.ts";

const RULES = 30000;
const ROUNDS = 7;
const IN_FLIGHT = 50;
const runtime = "Deno" in globalThis
  ? `Deno ${process.versions.deno}`
  : `Bun ${process.versions.bun}`;

/** A ruleset shaped like a blocklist: hosts, paths, domains, some regexes and short filters. */
function makeRules(count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 30;
    const condition = kind < 10
      ? { urlFilter: `||tracker${i}.example^` }
      : kind < 20
      ? { urlFilter: `/ads/banner-${i}.js`, resourceTypes: ["script", "xmlhttprequest"] }
      : kind < 28
      ? { requestDomains: [`cdn${i}.ads.test`] }
      : kind === 28 && i < 29000
      ? { regexFilter: `^https?://[a-z]+\\.adnet${i}\\.test/` }
      : { urlFilter: `/p${i % 100}^` };
    const action = i % 97 === 0
      ? {
        type: "modifyHeaders",
        requestHeaders: [{ header: "x-dnr", operation: "set", value: String(i) }],
      }
      : { type: "block" };
    return { id: i + 1, priority: 1 + (i % 3), action, condition };
  });
}

function writeExtension(root: string, count: number): string {
  const dir = join(root, `ext-${count}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({
      name: "bench",
      version: "1",
      manifest_version: 3,
      permissions: ["declarativeNetRequest"],
      declarative_net_request: { rule_resources: [{ id: "r", enabled: true, path: "rules.json" }] },
    }),
  );
  writeFileSync(join(dir, "rules.json"), JSON.stringify(makeRules(count)));
  return dir;
}

function newSession(root: string, name: string): Session {
  const rt = currentRuntime();
  return createSessionModule(new App(rt), rt).fromPath(join(root, name));
}

async function measureLoad(root: string, dir: string) {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ses = newSession(root, `load-${i}`);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await ses.loadExtension(dir);
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  console.log(
    `load ${RULES} rules: ${median(walls).toFixed(0)} ms wall, ${median(cpus).toFixed(0)} ms CPU ` +
      `(median of 5)`,
  );
}

function measureMatch() {
  const urls = Array.from({ length: 3000 }, (_, i) => {
    const n = (i * 7919) % RULES;
    switch (i % 6) {
      case 0:
        return `https://tracker${n - (n % 30)}.example/pixel.gif`;
      case 1:
        return `https://site${i}.test/ads/banner-${n - (n % 30) + 10}.js`;
      case 2:
        return `https://www.news${i}.test/article/${i}?utm_source=x&ref=${n}`;
      case 3:
        return `https://cdn${n - (n % 30) + 20}.ads.test/lib.js`;
      case 4:
        return `https://static.site${i}.test/app.${n}.js`;
      default:
        return `https://api.service${i}.test/v1/items/${n}/details`;
    }
  });
  const perMatch = (count: number) => {
    const engine = new DnrEngine();
    engine.set(
      "bench",
      "/",
      parseRuleset(JSON.stringify(makeRules(count)), {
        rules: RULES,
        regexRules: 1000,
      }).rules,
    );
    let acted = 0;
    for (const url of urls) engine.evaluate({ url, method: "GET", resourceType: "xmlhttprequest" });
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      acted = 0;
      // CPU time: on a shared machine wall time also counts other processes' turns.
      const start = process.cpuUsage();
      for (const url of urls) {
        if (engine.evaluate({ url, method: "GET", resourceType: "xmlhttprequest" })) acted++;
      }
      const used = process.cpuUsage(start);
      times.push((used.user + used.system) / urls.length);
    }
    return { us: median(times), acted };
  };
  const small = perMatch(300);
  const large = perMatch(RULES);
  console.log(
    `match one request: ${large.us.toFixed(2)} µs CPU with ${RULES} rules ` +
      `(${large.acted}/${urls.length} URLs acted on), ${small.us.toFixed(2)} µs with 300 rules; ` +
      `ratio ${(large.us / small.us).toFixed(2)}x`,
  );
}

/** Requests per second, and this process's CPU µs per request (the server is another one). */
async function measureRequests(ses: Session, url: string, total: number, inFlight: number) {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (next++ < total) await (await ses.fetch(url)).arrayBuffer();
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(cpu);
  return {
    rate: (total / (performance.now() - start)) * 1000,
    cpu: (used.user + used.system) / total,
  };
}

async function measureFetch(root: string, dir: string) {
  const { base, stop } = await startBenchServer();
  try {
    const plain = newSession(root, "fetch-plain");
    const withRules = newSession(root, "fetch-rules");
    await withRules.loadExtension(dir);
    const url = `${base}/1k`;
    for (const ses of [plain, withRules]) await measureRequests(ses, url, 20000, IN_FLIGHT);
    const cases = [["sequential", 1500, 1], [`${IN_FLIGHT} in flight`, 5000, IN_FLIGHT]] as const;
    const rateRatios = cases.map(() => [] as number[]);
    const cpuRatios = cases.map(() => [] as number[]);
    const cpuWith = cases.map(() => [] as number[]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, total, inFlight]] of cases.entries()) {
        const order = round % 2 === 0 ? [plain, withRules] : [withRules, plain];
        const results = new Map<Session, { rate: number; cpu: number }>();
        for (const ses of order) results.set(ses, await measureRequests(ses, url, total, inFlight));
        const [a, b] = [results.get(withRules)!, results.get(plain)!];
        rateRatios[i]!.push(a.rate / b.rate);
        cpuRatios[i]!.push(a.cpu / b.cpu);
        cpuWith[i]!.push(a.cpu - b.cpu);
      }
    }
    for (const [i, [label]] of cases.entries()) {
      console.log(
        `ses.fetch 1 KiB GET, ${label}, ${RULES} rules loaded / none: req/s ` +
          `${median(rateRatios[i]!).toFixed(2)}x, client CPU per request ` +
          `${median(cpuRatios[i]!).toFixed(2)}x (+${median(cpuWith[i]!).toFixed(1)} µs) ` +
          `(median of ${ROUNDS} rounds)`,
      );
    }
  } finally {
    stop();
  }
}

const root = mkdtempSync(join(tmpdir(), "ses-dnr-bench-"));
try {
  console.log(`declarativeNetRequest benchmark on ${runtime}`);
  const dir = writeExtension(root, RULES);
  await measureLoad(root, dir);
  measureMatch();
  await measureFetch(root, dir);
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exit(0);
