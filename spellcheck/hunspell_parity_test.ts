// Parity with Debian's native hunspell 1.7.1 (apt: hunspell, hunspell-en-us) on a 100,000-word
// corpus: `hunspell -l` for which words are misspelled, `hunspell -a` for the suggestions.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Hunspell } from "./hunspell.ts";
import { spellCorpus, SYSTEM_EN_US } from "./testdata/spell_corpus.ts";

// The input goes through a file: Deno's spawnSync writes all of `input` before reading, which
// deadlocks once hunspell's output fills the pipe.
function nativeHunspell(args: string[], input: string, dictionary = SYSTEM_EN_US): string {
  const dir = mkdtempSync(join(tmpdir(), "ses-hunspell-"));
  const file = join(dir, "input.txt");
  writeFileSync(file, input);
  const result = spawnSync("hunspell", ["-d", dictionary, "-i", "utf-8", ...args, file], {
    encoding: "utf8",
    env: { LC_ALL: "C.UTF-8", PATH: "/usr/bin:/bin" },
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(dir, { recursive: true });
  assert.equal(result.status, 0, `hunspell ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

describe("hunspell.wasm against native hunspell (en_US, 100,000 words)", () => {
  const aff = readFileSync(`${SYSTEM_EN_US}.aff`);
  const dic = readFileSync(`${SYSTEM_EN_US}.dic`);
  const words = spellCorpus(dic.toString("utf8"), 100_000);
  let hunspell: Hunspell;
  before(async () => hunspell = await Hunspell.load({ aff, dic }));
  after(() => hunspell.free());

  it("misspells exactly the words `hunspell -l` lists", { timeout: 120_000 }, () => {
    const native = nativeHunspell(["-l"], words.join("\n") + "\n").split("\n").filter(Boolean);
    const results = hunspell.spellMany(words);
    const ours = words.filter((_, i) => !results[i]);
    // The corpus mixes kinds: a share of each is wrong, most are right.
    assert.ok(ours.length > 20_000 && ours.length < 60_000, `${ours.length} misspelled`);
    assert.ok(words.some((w, i) => w.endsWith("'s") && results[i]));
    assert.ok(words.some((w, i) => w === w.toUpperCase() && results[i]));
    assert.deepEqual(ours, native);
  });

  it("spell() agrees with spellMany() on the first 5,000 words", () => {
    const sample = words.slice(0, 5_000);
    assert.deepEqual(sample.map((w) => hunspell.spell(w)), hunspell.spellMany(sample));
  });

  it("suggests what `hunspell -a` suggests, in the same order", { timeout: 300_000 }, () => {
    const results = hunspell.spellMany(words);
    const misspelled = [...new Set(words.filter((_, i) => !results[i]))];
    // Every 600th distinct misspelling: about 70 words of every kind of mutation.
    const sample = misspelled.filter((_, i) => i % 600 === 0);
    const native = nativeSuggestions(sample);
    assert.equal(native.length, sample.length);
    assert.deepEqual(sample.map((word) => hunspell.suggest(word)), native);
  });
});

// Native `hunspell -a`'s suggestion list for each word ([] for a word it has none for).
function nativeSuggestions(words: string[], dictionary = SYSTEM_EN_US): string[][] {
  // `^` makes hunspell -a read the rest of the line as text, never as a command.
  const output = nativeHunspell(["-a"], words.map((w) => `^${w}`).join("\n") + "\n", dictionary);
  return output.split("\n").slice(1).filter((line) => /^[&#]/.test(line)).map((line) =>
    line.startsWith("#") ? [] : line.slice(line.indexOf(": ") + 2).split(", ")
  );
}

// hunspell.wasm's n-gram pass (wasm/src/ngsuggest_root_index.patch) bounds the score of ASCII
// words from an index and scores every other word (non-ASCII, or with a ph: field) as upstream
// does; this dictionary mixes both kinds, and the misspellings are far enough from every word
// that only the n-gram pass finds suggestions.
describe("hunspell.wasm against native hunspell (a dictionary of ASCII, non-ASCII and ph: words)", () => {
  const aff = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\nSFX S Y 1\nSFX S 0 s .\n";
  const words = [
    "café/S",
    "cafeteria/S",
    "naïve",
    "native/S",
    "résumé/S",
    "resume/S",
    "Zürich",
    "Zurich",
    "façade/S",
    "facade/S",
    "Tchaikovsky ph:chaikofski",
    "chemistry",
    "Ångström",
    "angstrom/S",
    "Dvořák",
    "doorknob/S",
    "smörgåsbord",
    "smorgasbord",
    "jalapeño/S",
    "jalopy",
  ];
  const dic = `${words.length}\n${words.join("\n")}\n`;
  const misspelled = [
    "kaffeyy",
    "naiiveee",
    "rezzumaye",
    "Zuurrik",
    "fassaadde",
    "chaikofski",
    "Tchaikofskyy",
    "anngstromm",
    "Dvorrakk",
    "smorrgasbordd",
    "jallapenyo",
    "kemmistree",
  ];
  let hunspell: Hunspell;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ses-hunspell-mixed-"));
    writeFileSync(join(dir, "mixed.aff"), aff);
    writeFileSync(join(dir, "mixed.dic"), dic);
    const encoder = new TextEncoder();
    hunspell = await Hunspell.load({ aff: encoder.encode(aff), dic: encoder.encode(dic) });
  });
  after(() => {
    hunspell.free();
    rmSync(dir, { recursive: true });
  });

  it("suggests what `hunspell -a` suggests, in the same order", () => {
    const native = nativeSuggestions(misspelled, join(dir, "mixed"));
    assert.equal(native.length, misspelled.length);
    assert.ok(native.filter((list) => list.length > 0).length >= misspelled.length / 2);
    assert.deepEqual(misspelled.map((word) => hunspell.suggest(word)), native);
  });
});
