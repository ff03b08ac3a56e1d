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

  it("treats words of 64 UTF-8 bytes or more as correct and does not suggest for 24+ units", () => {
    assert.deepEqual(checkText("x".repeat(64), en, () => false), []);
    const long = checkText("q".repeat(30), en, () => false);
    assert.deepEqual(long.map((m) => [m.word.length, m.suggestions]), [[30, []]]);
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
