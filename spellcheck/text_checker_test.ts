import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  HunspellDictionaryFiles,
  SpellcheckDictionaryProvider,
} from "./dictionary_provider.ts";
import { TextChecker } from "./text_checker.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const EN: HunspellDictionaryFiles = {
  language: "en-US",
  aff: encode("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n"),
  dic: encode("5\nthe\ncat\nsat\non\nmat\n"),
};
const DE: HunspellDictionaryFiles = {
  language: "de-DE",
  aff: encode("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n"),
  dic: encode("2\nkatze\nmatte\n"),
};

function provider(custom: string[] = [], dictionaries = [EN]): SpellcheckDictionaryProvider {
  return {
    activeDictionaries: () => Promise.resolve(dictionaries),
    isCustomWord: (word) => custom.includes(word),
  };
}

describe("TextChecker", () => {
  it("checks a long text in a worker with the same result as on the calling thread", async () => {
    let workers = 0;
    const checker = new TextChecker(provider(["Tom"]), {
      createWorker: (url) => {
        workers++;
        return new Worker(url, { type: "module" });
      },
    });
    try {
      const long = "the cat sat on teh mat Tom sat on the mta the cat sat";
      const inWorker = await checker.check(long);
      assert.equal(workers, 1);
      const inThread = await new TextChecker(provider(["Tom"]), { workerThreshold: 1000 })
        .check(long);
      assert.deepEqual(inWorker, inThread);
      const at = (word: string) => long.indexOf(word);
      assert.deepEqual(inWorker.map((m) => [m.start, m.end, m.word, m.suggestions]), [
        [at("teh"), at("teh") + 3, "teh", ["the"]],
        [at("mta"), at("mta") + 3, "mta", ["mat"]],
      ]);
      // The worker is kept while the dictionaries stay the same.
      assert.equal((await checker.check(long, { suggestions: false }))[0]!.suggestions.length, 0);
      assert.equal(workers, 1);
    } finally {
      checker.close();
    }
  });

  it("treats custom words and suggestions alike in a worker and on the calling thread", async () => {
    const long = "the ｔｅｈ cat sat on Ｔｏｍ mat the cat sat qqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
    const inWorker = new TextChecker(provider(["Tom"]), { workerThreshold: 1 });
    const inThread = new TextChecker(provider(["Tom"]), { workerThreshold: 1000 });
    try {
      const expected = [
        { start: 4, end: 7, word: "ｔｅｈ", suggestions: ["the"] },
        { start: 39, end: 69, word: "q".repeat(30), suggestions: [] },
      ];
      assert.deepEqual(await inThread.check(long), expected);
      assert.deepEqual(await inWorker.check(long), expected);
    } finally {
      inWorker.close();
      inThread.close();
    }
  });

  it("checks words, suggests, and limits a check to some of the active languages", async () => {
    const checker = new TextChecker(provider(["Tom"], [EN, DE]));
    try {
      assert.equal(await checker.checkWord("katze"), true);
      assert.equal(await checker.checkWord("Tom"), true);
      assert.equal(await checker.checkWord("kat"), false);
      assert.deepEqual(await checker.suggest("matt"), ["mat", "matte"]);
      assert.deepEqual((await checker.check("katze cat", { languages: ["en-US"] })).length, 1);
      // "en" is checked with the en-US dictionary Chromium gives it: the selected one.
      assert.deepEqual(await checker.check("katze cat", { languages: ["en"] }), [
        { start: 0, end: 5, word: "katze", suggestions: [] },
      ]);
      await assert.rejects(checker.check("cat", { languages: ["fr-FR"] }), {
        name: "RangeError",
        message:
          'Spellcheck language "fr-FR" is not active; select it with setSpellCheckerLanguages',
      });
      await assert.rejects(checker.check(42 as unknown as string), TypeError);
      // A hole is no language code: the check must not quietly use fewer languages.
      await assert.rejects(checker.check("kat", { languages: new Array<string>(2) }), {
        name: "TypeError",
        message: "languages must be an array of language codes",
      });
      const sparse: string[] = [];
      sparse[1] = "en-US";
      await assert.rejects(checker.check("kat", { languages: sparse }), TypeError);
    } finally {
      checker.close();
    }
  });

  it("checks and suggests for a single word as a text check does: in NFKC", async () => {
    const checker = new TextChecker(provider(["Tom"]));
    try {
      assert.equal(await checker.checkWord("ｃａｔ"), true);
      assert.equal(await checker.checkWord("Ｔｏｍ"), true);
      assert.deepEqual(await checker.check("ｃａｔ Ｔｏｍ"), []);
      assert.deepEqual(await checker.suggest("ｍａｔｔ"), ["mat"]);
      assert.equal(await checker.checkWord("ｍａｔｔ"), false);
    } finally {
      checker.close();
    }
  });

  it("rejects a dictionary hunspell cannot use, and recovers when the provider is fixed", async () => {
    let files: HunspellDictionaryFiles[] = [
      { language: "en-US", aff: encode("SET UTF-8\n"), dic: new Uint8Array() },
    ];
    const checker = new TextChecker({
      activeDictionaries: () => Promise.resolve(files),
      isCustomWord: () => false,
    });
    try {
      await assert.rejects(checker.checkWord("cat"), {
        name: "RangeError",
        message:
          'Spellcheck language "en-US": Hunspell could not load the dictionary: empty dic file',
      });
      const long = "the cat sat on teh mat the cat sat on the mat";
      // In the worker too: the check fails rather than finding nothing, naming the language.
      await assert.rejects(checker.check(long), {
        message:
          'Spellcheck language "en-US": Hunspell could not load the dictionary: empty dic file',
      });
      files = [EN];
      assert.equal(await checker.checkWord("cat"), true);
      assert.deepEqual((await checker.check(long)).map((m) => m.word), ["teh"]);
    } finally {
      checker.close();
    }
  });

  it("reuses a loaded dictionary for the same bytes and loads other bytes of the same size", async () => {
    let files = [EN];
    const checker = new TextChecker({
      activeDictionaries: () => Promise.resolve(files),
      isCustomWord: () => false,
    }, { workerThreshold: 3 });
    try {
      const long = "the cat sat on the cot";
      assert.deepEqual((await checker.check("cot")).map((m) => m.word), ["cot"]);
      assert.deepEqual((await checker.check(long)).map((m) => m.word), ["cot"]);
      const cot = { ...EN, dic: encode("5\nthe\ncot\nsat\non\nmat\n") };
      assert.equal(cot.dic.length, EN.dic.length);
      files = [cot];
      assert.deepEqual((await checker.check("cot cat")).map((m) => m.word), ["cat"]);
      assert.deepEqual((await checker.check(long)).map((m) => m.word), ["cat"]);
    } finally {
      checker.close();
    }
  });

  it("finds nothing misspelled when no language is active", async () => {
    const checker = new TextChecker(provider([], []));
    assert.deepEqual(await checker.check("qqq"), []);
    assert.equal(await checker.checkWord("qqq"), true);
    checker.close();
  });
});
