/**
 * Spellchecking speed, in one run of this runtime, on the 100,000-word corpus of the parity test
 * (spellcheck/testdata/spell_corpus.ts) with Debian's en_US dictionary in both engines:
 *
 * 1. words per second against native `hunspell -l` on the same corpus (its CPU time, from
 *    bash's `times`, minus a run on empty input, which is its dictionary load): hunspell.wasm
 *    alone (`Hunspell.spellMany` over the words) and a whole text check (`checkText` over the
 *    corpus as one text: Chromium's word breaking and rules, no suggestions). Both sides are CPU
 *    time (this process's `process.cpuUsage()`), the steadier figure on a shared machine; the
 *    median of 5 rounds, each paired with its own native run;
 * 2. `Hunspell.suggest` on 200 distinct misspellings of the corpus: p50 and p95 of CPU and wall
 *    time per call (target p95 ≤ 25 ms), with native `hunspell -a` on the same words (CPU per
 *    word) for reference;
 * 3. dictionary load time: Debian's en_US and the built-in `dictionary-en` (wall, median of 5).
 *
 * Run: `deno run -A bench/spell_bench.ts` or `bun bench/spell_bench.ts` (needs Debian's
 * `hunspell` and `hunspell-en-us`).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { builtinEnUsDictionary, checkText, Hunspell } from "../spellcheck/mod.ts";
import { spellCorpus, SYSTEM_EN_US } from "../spellcheck/testdata/spell_corpus.ts";
import { median } from "./bench_common.ts";

const ROUNDS = 5;
const SUGGESTED = 200;
const runtime = "Deno" in globalThis
  ? `Deno ${process.versions.deno}`
  : `Bun ${process.versions.bun}`;

const dir = mkdtempSync(join(tmpdir(), "ses-spell-bench-"));
const aff = readFileSync(`${SYSTEM_EN_US}.aff`);
const dic = readFileSync(`${SYSTEM_EN_US}.dic`);
const words = spellCorpus(dic.toString("utf8"), 100_000);
const corpusFile = join(dir, "corpus.txt");
writeFileSync(corpusFile, words.join("\n") + "\n");
const emptyFile = join(dir, "empty.txt");
writeFileSync(emptyFile, "");

// CPU seconds (user + system) of one native hunspell run over `file`, from bash's `times`.
function nativeCpu(args: string[], file: string): number {
  const script = `hunspell -d ${SYSTEM_EN_US} -i utf-8 ${args.join(" ")} "$1" >/dev/null; times`;
  const result = spawnSync("bash", ["-c", script, "bash", file], {
    encoding: "utf8",
    env: { LC_ALL: "C.UTF-8", PATH: "/usr/bin:/bin" },
  });
  if (result.status !== 0) throw new Error(`hunspell failed: ${result.stderr}`);
  const children = result.stdout.trim().split("\n").at(-1)!;
  const [user, system] = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) =>
    Number(m[1]) * 60 + Number(m[2])
  );
  return user! + system!;
}

function cpuSeconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

const hunspell = await Hunspell.load({ aff, dic });
const text = words.join(" ");
const dictionaries = [{ language: "en-US", checker: hunspell }];
// One untimed pass of each, so the rounds measure compiled code, not the JIT's warm-up.
hunspell.spellMany(words);
checkText(text, dictionaries, () => false, { suggestions: false });

const engineRatios: number[] = [];
const textRatios: number[] = [];
const rates = { native: [] as number[], engine: [] as number[], text: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const native = nativeCpu(["-l"], corpusFile) - nativeCpu(["-l"], emptyFile);
  const engine = cpuSeconds(() => hunspell.spellMany(words));
  const whole = cpuSeconds(() =>
    checkText(text, dictionaries, () => false, { suggestions: false })
  );
  rates.native.push(words.length / native);
  rates.engine.push(words.length / engine);
  rates.text.push(words.length / whole);
  engineRatios.push(native / engine);
  textRatios.push(native / whole);
}

const results = hunspell.spellMany(words);
const misspelled = [...new Set(words.filter((_, i) => !results[i]))];
const step = Math.floor(misspelled.length / SUGGESTED);
const sample = misspelled.filter((_, i) => i % step === 0).slice(0, SUGGESTED);
const cpu: number[] = [];
const wall: number[] = [];
for (const word of sample) {
  const started = performance.now();
  cpu.push(cpuSeconds(() => hunspell.suggest(word)) * 1000);
  wall.push(performance.now() - started);
}
const sampleFile = join(dir, "sample.txt");
writeFileSync(sampleFile, sample.map((word) => `^${word}`).join("\n") + "\n");
const nativeSuggest = (nativeCpu(["-a"], sampleFile) - nativeCpu(["-a"], emptyFile)) * 1000 /
  sample.length;
hunspell.free();

const loads = { system: [] as number[], builtin: [] as number[] };
const builtin = await builtinEnUsDictionary();
for (let round = 0; round < ROUNDS; round++) {
  for (const [key, files] of [["system", { aff, dic }], ["builtin", builtin]] as const) {
    const started = performance.now();
    (await Hunspell.load(files)).free();
    loads[key].push(performance.now() - started);
  }
}
const nativeLoad = median(Array.from({ length: ROUNDS }, () => nativeCpu(["-l"], emptyFile))) *
  1000;
rmSync(dir, { recursive: true });

const k = (rate: number) => `${Math.round(rate / 1000)}k words/s`;
console.log(
  `spell_bench (${runtime}), ${words.length} words, ${misspelled.length} distinct misspelled`,
);
console.log(
  `  hunspell.wasm spellMany: ${median(engineRatios).toFixed(2)}× native hunspell -l ` +
    `(${k(median(rates.engine))} vs ${k(median(rates.native))}, CPU; rounds ` +
    `${engineRatios.map((r) => r.toFixed(2)).join(", ")})`,
);
console.log(
  `  checkText (word breaking + rules): ${median(textRatios).toFixed(2)}× native hunspell -l ` +
    `(${k(median(rates.text))}; rounds ${textRatios.map((r) => r.toFixed(2)).join(", ")})`,
);
console.log(
  `  suggest (${sample.length} words): CPU p50 ${percentile(cpu, 0.5).toFixed(1)} ms, ` +
    `p95 ${percentile(cpu, 0.95).toFixed(1)} ms; wall p50 ${
      percentile(wall, 0.5).toFixed(1)
    } ms, ` +
    `p95 ${percentile(wall, 0.95).toFixed(1)} ms; native hunspell -a ${
      nativeSuggest.toFixed(1)
    } ms CPU per word (mean)`,
);
console.log(
  `  load: en_US (Debian) ${median(loads.system).toFixed(0)} ms, dictionary-en ${
    median(loads.builtin).toFixed(0)
  } ms (wall, median of ${ROUNDS}); native hunspell start + load ${nativeLoad.toFixed(0)} ms CPU`,
);
