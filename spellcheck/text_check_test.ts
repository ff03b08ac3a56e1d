import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Hunspell } from "./hunspell.ts";
import { checkText, type LoadedDictionary, suggestAcross } from "./text_check.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("checkText (Chromium's rules over hunspell)", () => {
  let english: Hunspell;
  let french: Hunspell;
  let en: LoadedDictionary[];
  before(async () => {
    english = await Hunspell.load({
      aff: encode("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\nICONV 1\nICONV ’ '\n"),
      dic: encode("6\nhello\nworld\nin\nn\nout\ndon't\n"),
    });
    french = await Hunspell.load({
      aff: encode("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n"),
      dic: encode("2\nbonjour\nmonde\n"),
    });
    en = [{ language: "en-US", checker: english }];
  });
  after(() => {
    english.free();
    french.free();
  });

  it("reports misspellings with UTF-16 ranges of the original text and suggestions", () => {
    const text = "😀 helo, world! Wrld";
    const found = checkText(text, en, () => false);
    assert.deepEqual(found.map(({ start, end, word }) => [start, end, word]), [
      [3, 7, "helo"],
      [16, 20, "Wrld"],
    ]);
    assert.equal(text.slice(found[0]!.start, found[0]!.end), "helo");
    assert.deepEqual(found[0]!.suggestions, ["hello"]);
    assert.deepEqual(found[1]!.suggestions, ["World"]);
  });

  it("accepts custom words, contractions of correct parts and typographic apostrophes", () => {
    const custom = new Set(["Zyx"]);
    assert.deepEqual(checkText("Zyx in'n'out don’t", en, (w) => custom.has(w)), []);
    assert.deepEqual(checkText("in'n'oot", en, () => false).map((m) => m.word), ["in'n'oot"]);
  });

  it("checks words of up to 64 UTF-8 bytes and suggests for up to 24 bytes (hunspell_engine.cc)", async () => {
    assert.deepEqual(checkText("x".repeat(64), en, () => false).map((m) => m.word.length), [64]);
    assert.deepEqual(checkText("x".repeat(65), en, () => false), []);
    assert.deepEqual(checkText("é".repeat(33), en, () => false), []);
    const long = checkText("q".repeat(30), en, () => false);
    assert.deepEqual(long.map((m) => [m.word.length, m.suggestions]), [[30, []]]);
    const e12 = "é".repeat(12);
    const lengthy = await Hunspell.load({
      aff: encode("SET UTF-8\nTRY abcdefghijklmnopqrstuvwxyzé\n"),
      dic: encode(`2\nabcdefghijklmnopqrstuvwx\n${e12}a\n`),
    });
    try {
      const dictionaries = [{ language: "en-US", checker: lengthy }];
      // 24 bytes: suggested for, though 24 UTF-16 units.
      assert.deepEqual(
        checkText("abcdefghijklmnopqrstuvwz", dictionaries, () => false)[0]?.suggestions,
        ["abcdefghijklmnopqrstuvwx"],
      );
      // 25 bytes in 13 UTF-16 units: too long to suggest for.
      assert.deepEqual(checkText(`${e12}b`, dictionaries, () => false)[0]?.suggestions, []);
      // 24 bytes in 13 UTF-16 units: suggested for.
      assert.deepEqual(checkText(`${e12.slice(1)}ab`, dictionaries, () => false), [
        { start: 0, end: 13, word: `${e12.slice(1)}ab`, suggestions: [`${e12}a`] },
      ]);
    } finally {
      lengthy.free();
    }
  });

  it("suggests for the word as checked (NFKC), and reports the text's own word", () => {
    assert.deepEqual(checkText("ｈｅｌｏ ｗｏｒｌｄ", en, () => false), [
      { start: 0, end: 4, word: "ｈｅｌｏ", suggestions: ["hello"] },
    ]);
  });

  it("counts a word as correct when any dictionary has it, and merges suggestions", () => {
    const both = [...en, { language: "fr-FR", checker: french }];
    assert.deepEqual(checkText("hello monde", both, () => false), []);
    assert.deepEqual(suggestAcross("monda", both), ["monde"]);
    assert.deepEqual(checkText("hello monde", [], () => false), []);
  });

  it("leaves suggestions empty when asked not to compute them", () => {
    assert.deepEqual(checkText("helo", en, () => false, { suggestions: false }), [
      { start: 0, end: 4, word: "helo", suggestions: [] },
    ]);
  });
});
