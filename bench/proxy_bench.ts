/**
 * Proxy resolution costs, in one run of one runtime:
 *
 * - PAC `FindProxyForURL` steady state: `PacScript` against `pac-resolver` (degenerator over
 *   quickjs-wasi) on the same script in the same process, in µs per call and as a ratio.
 *   Targets: ≥ 4× faster and ≤ 30 µs per call. The script lies in the straight-line subset, so
 *   `PacScript` answers it on the calling thread (the line says which path ran); for reference,
 *   the same script with an uncalled loop added, which QuickJS on the PAC thread runs.
 * - PAC compile: `PacScript.compile` of that script once the WebAssembly module is loaded.
 *   Target ≤ 50 ms.
 * - Bypass matching: one URL against 100 bypass rules (globs, suffixes, ports, schemes, IP
 *   literals, CIDR blocks), µs per match.
 *
 * - The request hot path with `fixed_servers` rules and a bypass list, for a bypassed URL:
 *   `resolveProxies` per call, against the resolver with no settings (DIRECT).
 *
 * Rounds alternate the PAC engines and the medians are printed.
 *
 * Run: `deno run -A bench/proxy_bench.ts` or `bun bench/proxy_bench.ts`.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import process from "node:process";
import { createPacResolver } from "pac-resolver";
import { QuickJS } from "quickjs-wasi";
import { bypassMatches, PacScript, parseBypassRules, ProxyResolver } from "../proxy/mod.ts";
import { BENCH_PAC } from "../proxy/testdata/bench_pac.ts";

const URLS = [
  "http://intranet/",
  "http://a.intranet.example/x",
  "http://img.cdn.example.com/a.png",
  "https://shop.example.org/cart",
  "http://a.b.c.d.example/",
  "http://www.example.org/static/app.js",
].map((text) => new URL(text));

const ROUNDS = 5;
const CALLS = 5_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// CPU time of the whole process (every thread) per call, in µs: less sensitive than wall time
// to other processes on a busy machine.
let cpuRounds: Map<(url: URL) => Promise<string>, number[]> = new Map();

async function timePerCall(call: (url: URL) => Promise<string>, calls: number): Promise<number> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(URLS[i % URLS.length]!);
  const wall = ((performance.now() - started) * 1000) / calls;
  const used = process.cpuUsage(cpu);
  const rounds = cpuRounds.get(call) ?? [];
  rounds.push((used.user + used.system) / calls);
  cpuRounds.set(call, rounds);
  return wall;
}

interface PacFigures {
  ours: number;
  theirs: number;
  ratio: number;
  quickJs: number;
  fastPath: boolean;
  /** CPU µs per call: ours, pac-resolver's, QuickJS's. */
  cpu: { ours: number; theirs: number; quickJs: number };
}

// Outside the straight-line subset (a loop), never called: the script's answers, from QuickJS.
const QUICKJS_ONLY = "\nfunction quickJsOnly() { while (false) {} }";

async function benchPac(): Promise<PacFigures> {
  const ours = await PacScript.compile(BENCH_PAC);
  const quickJs = await PacScript.compile(BENCH_PAC + QUICKJS_ONLY);
  const wasm = await readFile(new URL(import.meta.resolve("quickjs-wasi/quickjs.wasm")));
  const vm = await QuickJS.create({ wasm });
  const theirs = createPacResolver(vm, BENCH_PAC);
  const oursCall = (url: URL) => ours.findProxyForUrl(url);
  const quickJsCall = (url: URL) => quickJs.findProxyForUrl(url);
  const theirsCall = (url: URL) => theirs(url.href);
  // The engines must agree before their speed means anything.
  for (const url of URLS) {
    const [a, b, c] = [await oursCall(url), await theirsCall(url), await quickJsCall(url)];
    if (a !== c || (a !== b && !url.protocol.startsWith("https"))) {
      throw new Error(`engines differ on ${url}: ${a} / ${b} / ${c}`);
    }
  }
  await timePerCall(oursCall, CALLS);
  await timePerCall(theirsCall, CALLS);
  await timePerCall(quickJsCall, CALLS);
  cpuRounds = new Map();
  const oursRounds: number[] = [];
  const theirsRounds: number[] = [];
  const quickJsRounds: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await timePerCall(oursCall, CALLS);
    const b = await timePerCall(theirsCall, CALLS);
    quickJsRounds.push(await timePerCall(quickJsCall, CALLS));
    oursRounds.push(a);
    theirsRounds.push(b);
    ratios.push(b / a);
  }
  const fastPath = ours.fastPath && !quickJs.fastPath;
  ours.dispose();
  quickJs.dispose();
  vm.dispose();
  return {
    ours: median(oursRounds),
    theirs: median(theirsRounds),
    ratio: median(ratios),
    quickJs: median(quickJsRounds),
    fastPath,
    cpu: {
      ours: median(cpuRounds.get(oursCall)!),
      theirs: median(cpuRounds.get(theirsCall)!),
      quickJs: median(cpuRounds.get(quickJsCall)!),
    },
  };
}

async function benchCompile(): Promise<number> {
  // The first compile loads the WebAssembly module; it is not part of the per-change cost.
  (await PacScript.compile(BENCH_PAC)).dispose();
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    const script = await PacScript.compile(BENCH_PAC);
    times.push(performance.now() - started);
    script.dispose();
  }
  return median(times);
}

/** 100 bypass rules of every form. */
export function hundredBypassRules(): string {
  const rules: string[] = [];
  for (let i = 0; i < 40; i++) rules.push(`*.site${i}.example`);
  for (let i = 0; i < 20; i++) rules.push(`.suffix${i}.test`);
  for (let i = 0; i < 10; i++) rules.push(`host${i}.example:${8000 + i}`);
  for (let i = 0; i < 10; i++) rules.push(`https://secure${i}.example`);
  for (let i = 0; i < 10; i++) rules.push(`10.${i}.0.0/16`);
  for (let i = 0; i < 5; i++) rules.push(`192.168.${i}.1`);
  for (let i = 0; i < 4; i++) rules.push(`fd00:${i}::/32`);
  rules.push("<local>");
  return rules.join(",");
}

function benchBypass(): number {
  const rules = parseBypassRules(hundredBypassRules());
  const urls = [
    "http://www.nomatch.example/",
    "http://a.site39.example/",
    "https://10.9.1.1/",
    "http://[fd00:3::1]/",
    "http://intranet/",
    "http://host5.example:8005/",
  ].map((text) => new URL(text));
  let matched = 0;
  const iterations = 200_000;
  for (let i = 0; i < 20_000; i++) if (bypassMatches(rules, urls[i % urls.length]!)) matched++;
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) {
      if (bypassMatches(rules, urls[i % urls.length]!)) matched++;
    }
    times.push(((performance.now() - started) * 1000) / iterations);
  }
  if (matched === 0) throw new Error("no URL matched");
  return median(times);
}

async function benchFixedRules(): Promise<{ bypassed: number; direct: number }> {
  const configured = new ProxyResolver();
  await configured.setProxy({
    proxyRules: "http=p:3128;https=p:3128",
    proxyBypassRules: "*.internal.example, 10.0.0.0/8",
  });
  const none = new ProxyResolver();
  const url = new URL("http://api.internal.example/v1/items");
  const iterations = 500_000;
  const time = (resolver: ProxyResolver) => {
    const started = performance.now();
    let direct = 0;
    for (let i = 0; i < iterations; i++) {
      const list = resolver.resolveProxies(url);
      if (Array.isArray(list) && list[0]!.scheme === "direct") direct++;
    }
    if (direct !== iterations) throw new Error("the URL was not bypassed");
    return ((performance.now() - started) * 1000) / iterations;
  };
  time(configured);
  time(none);
  const bypassed: number[] = [];
  const direct: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bypassed.push(time(configured));
    direct.push(time(none));
  }
  return { bypassed: median(bypassed), direct: median(direct) };
}

if (import.meta.main) {
  const runtime = "Deno" in globalThis ? "Deno" : "Bun";
  const pac = await benchPac();
  const compile = await benchCompile();
  const bypass = benchBypass();
  const fixed = await benchFixedRules();
  const verdict = (ok: boolean) => ok ? "meets target" : "MISSES target";
  console.log(`proxy_bench (${runtime})`);
  console.log(
    `  PAC FindProxyForURL (${
      pac.fastPath ? "fast path, on the calling thread" : "QuickJS on the PAC thread"
    }): ses ${pac.ours.toFixed(2)} µs/call, pac-resolver ${pac.theirs.toFixed(1)} µs/call, ${
      pac.ratio.toFixed(1)
    }× faster (${verdict(pac.ratio >= 4 && pac.ours <= 30)}: ≥ 4×, ≤ 30 µs)`,
  );
  console.log(
    `  PAC FindProxyForURL, same script outside the fast path (QuickJS on the PAC thread): ${
      pac.quickJs.toFixed(1)
    } µs/call`,
  );
  console.log(
    `  PAC CPU time per call (all threads): ses ${pac.cpu.ours.toFixed(2)} µs, pac-resolver ${
      pac.cpu.theirs.toFixed(1)
    } µs (${(pac.cpu.theirs / pac.cpu.ours).toFixed(1)}×), outside the fast path ${
      pac.cpu.quickJs.toFixed(1)
    } µs`,
  );
  console.log(`  PAC compile: ${compile.toFixed(1)} ms (${verdict(compile <= 50)}: ≤ 50 ms)`);
  console.log(`  bypass matching, 100 rules: ${bypass.toFixed(2)} µs/match`);
  console.log(
    `  resolveProxies, fixed_servers + bypass, bypassed URL: ${
      (fixed.bypassed * 1000).toFixed(0)
    } ns` +
      ` (no settings: ${(fixed.direct * 1000).toFixed(0)} ns)`,
  );
}
