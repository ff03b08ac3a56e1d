import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import process from "node:process";
import { Hunspell } from "./hunspell.ts";
import { builtinEnUsDictionary } from "./builtin_en_us.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("Hunspell", () => {
  let english: Hunspell;
  before(async () => english = await Hunspell.load(await builtinEnUsDictionary()));
  after(() => english.free());

  it("checks and suggests with dictionary-en, affixes and case rules included", () => {
    assert.deepEqual(english.spellMany(["walked", "Walked", "WALKED", "walkd", "isn't"]), [
      true,
      true,
      true,
      false,
      true,
    ]);
    assert.equal(english.encoding, "UTF-8");
    assert.ok(english.suggest("walkd").includes("walked"));
    assert.ok(english.suggest("xqzvw").length <= 15);
  });

  it("loads a single-byte dictionary and converts words both ways", async () => {
    const latin1 = await Hunspell.load({
      aff: encode("SET ISO8859-1\nTRY éeacf\n"),
      dic: Uint8Array.from([...encode("1\ncaf"), 0xe9, 0x0a]),
    });
    try {
      assert.equal(latin1.encoding, "ISO8859-1");
      assert.deepEqual(latin1.spellMany(["café", "cafe", "caf€"]), [true, false, false]);
      assert.deepEqual(latin1.suggest("cafe"), ["café"]);
      assert.deepEqual(latin1.suggest("Ω"), []);
    } finally {
      latin1.free();
    }
  });

  it("rejects what it cannot load, with the reason", async () => {
    await assert.rejects(Hunspell.load({ aff: "x", dic: "y" } as never), {
      name: "TypeError",
      message: "Hunspell.load needs { aff: Uint8Array, dic: Uint8Array }",
    });
    await assert.rejects(Hunspell.load(undefined as never), TypeError);
    await assert.rejects(Hunspell.load({ aff: encode(""), dic: encode("") }), {
      message: "Hunspell could not load the dictionary: empty dic file",
    });
    await assert.rejects(Hunspell.load({ aff: encode(""), dic: encode("words\ncat\n") }), {
      message: "Hunspell could not load the dictionary: missing or bad word count in the dic file",
    });
    await assert.rejects(
      Hunspell.load({ aff: encode("SET KLINGON-8\n"), dic: encode("1\ncat\n") }),
      { name: "RangeError", message: 'Unsupported dictionary encoding "KLINGON-8"' },
    );
    // Hunspell gives up (exit) on a table it cannot allocate: a RangeError that says so, and the
    // other dictionaries go on.
    for (const table of ["REP 100000000\nREP a b", "CHECKCOMPOUNDPATTERN 100000000"]) {
      await assert.rejects(
        Hunspell.load({ aff: encode(`SET UTF-8\n${table}\n`), dic: encode("1\ncat\n") }),
        {
          name: "RangeError",
          message: "Hunspell could not load the dictionary: hunspell.wasm exited with status 1",
        },
      );
    }
    assert.equal(english.spell("walked"), true);
  });

  it("sizes its word table by the file, not by an inflated word count", async () => {
    const before = process.memoryUsage().rss;
    // The count alone would make hunspell allocate a 1.6 GB table.
    const inflated = await Hunspell.load({
      aff: encode("SET UTF-8\n"),
      dic: encode("400000000\ncat\n"),
    });
    try {
      assert.deepEqual(inflated.spellMany(["cat", "dog"]), [true, false]);
      assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024);
    } finally {
      inflated.free();
    }
    const bom = await Hunspell.load({
      aff: encode("SET UTF-8\n"),
      dic: encode("\uFEFF99999999\ndog\n"),
    });
    assert.deepEqual(bom.spellMany(["cat", "dog"]), [false, true]);
    bom.free();
  });

  it("answers any string without failing: NUL, lone surrogates, very long words", () => {
    assert.equal(english.spell("ca\0t"), false);
    assert.deepEqual(english.suggest("ca\0t"), []);
    assert.deepEqual(english.spellMany(["cat", "ca\0t", "dog"]), [true, false, true]);
    assert.equal(english.spell("x".repeat(100_000)), false);
    assert.deepEqual(english.suggest("x".repeat(1000)), []);
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (word) => {
        assert.equal(typeof english.spell(word), "boolean");
        assert.equal(english.spellMany([word, "cat"])[1], true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 12 }), (word) => {
        assert.ok(english.suggest(word).length <= 15);
      }),
      { numRuns: 40 },
    );
  });

  it("throws after free, and free is idempotent", async () => {
    const hunspell = await Hunspell.load({ aff: encode("SET UTF-8\n"), dic: encode("1\ncat\n") });
    hunspell.free();
    hunspell.free();
    assert.throws(() => hunspell.spell("cat"), { message: "This Hunspell dictionary was freed" });
    assert.throws(() => hunspell.spellMany(["cat"]), Error);
    assert.throws(() => hunspell.suggest("cat"), Error);
  });
});
