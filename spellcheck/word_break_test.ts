import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { breakWords, scriptOfLanguage } from "./word_break.ts";

const words = (text: string, language?: string) =>
  breakWords(text, { language }).map(({ word }) => word);

describe("breakWords (Chromium's spellcheck word iterator)", () => {
  it("joins letters across one apostrophe, period or colon, not across hyphens", () => {
    assert.deepEqual(words("don't well-known e.g. foo:bar dogs' 'quoted'"), [
      "don't",
      "well",
      "known",
      "e.g",
      "foo:bar",
      "dogs",
      "quoted",
    ]);
    assert.deepEqual(words("rock’n’roll a''b"), ["rock’n’roll", "a", "b"]);
  });

  it("counts digits as letters in Latin, not in Hebrew", () => {
    assert.deepEqual(words("3rd 42 v2.0"), ["3rd", "42", "v2.0"]);
    assert.deepEqual(words("שלום 42", "he-IL"), ["שלום"]);
  });

  it("splits URLs and e-mail addresses at their punctuation", () => {
    assert.deepEqual(words("https://www.example.com/a-path?q=1 me@host.org"), [
      "https",
      "www.example.com",
      "a",
      "path",
      "q",
      "1",
      "me",
      "host.org",
    ]);
  });

  it("reports UTF-16 offsets of the original text and checks the NFKC form", () => {
    const text = "😀 ﬁne cafe\u0301!";
    const found = breakWords(text);
    assert.deepEqual(found, [
      { start: 3, end: 6, word: "fine" },
      { start: 7, end: 12, word: "café" },
    ]);
    assert.equal(text.slice(3, 6), "ﬁne");
  });

  it("takes letters of the language's script only", () => {
    assert.deepEqual(words("Привет hello", "ru-RU"), ["Привет"]);
    assert.deepEqual(words("Привет hello", "en-US"), ["hello"]);
    assert.equal(scriptOfLanguage("el-GR"), "Greek");
    assert.equal(scriptOfLanguage("xx"), "Latin");
  });

  it("splits contractions into parts when asked", () => {
    assert.deepEqual(
      breakWords("in'n'out", { contractions: false }).map(({ word }) => word),
      ["in", "n", "out"],
    );
  });

  it("never throws and returns ordered, in-bounds, non-overlapping ranges", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (text) => {
      let last = 0;
      for (const { start, end, word } of breakWords(text)) {
        assert.ok(start >= last && end > start && end <= text.length && word.length > 0);
        last = end;
      }
    }));
  });
});
