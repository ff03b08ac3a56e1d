import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import { SessionSpellcheck } from "./session_spellcheck.ts";
import { builtinEnUsProvider } from "../spellcheck/mod.ts";

const runtime = currentRuntime();

describe("ses.spellCheck / spellCheckWord / getSpellingSuggestions (built-in en-US)", () => {
  const session = createSessionModule(new App(runtime), runtime);
  const ses = session.fromPartition("spellcheck-test");
  // The default list follows the OS locale; these tests are about en-US.
  ses.setSpellCheckerLanguages(["en-US"]);

  it("finds misspellings with UTF-16 ranges and hunspell's suggestions", async () => {
    const text = "Ünïcode 😀 tset: the quick brown fox doesn't jumpp";
    const found = await ses.spellCheck(text);
    assert.deepEqual(found.map(({ start, end, word }) => [start, end, word]), [
      [0, 7, "Ünïcode"],
      [11, 15, "tset"],
      [text.length - 5, text.length, "jumpp"],
    ]);
    assert.ok(found[1]!.suggestions.includes("test"));
    assert.ok(found[2]!.suggestions.includes("jump"));
  });

  it("checks and suggests single words", async () => {
    assert.equal(await ses.spellCheckWord("doesn't"), true);
    assert.equal(await ses.spellCheckWord("doesnt"), false);
    const suggestions = await ses.getSpellingSuggestions("recieve");
    assert.equal(suggestions[0], "receive");
    assert.ok(suggestions.length <= 15);
    await assert.rejects(ses.spellCheckWord(7 as unknown as string), TypeError);
  });

  it("counts the custom dictionary's words as correct, once added", async () => {
    const persistent = session.fromPartition(`persist:spellcheck-custom-${Date.now()}`);
    persistent.setSpellCheckerLanguages(["en-US"]);
    assert.deepEqual((await persistent.spellCheck("Zyxtomatic works")).map((m) => m.word), [
      "Zyxtomatic",
    ]);
    assert.equal(persistent.addWordToSpellCheckerDictionary("Zyxtomatic"), true);
    assert.deepEqual(await persistent.spellCheck("Zyxtomatic works"), []);
    assert.equal(await persistent.spellCheckWord("Zyxtomatic"), true);
  });

  it("rejects a language that is not selected", async () => {
    await assert.rejects(ses.spellCheck("text", { languages: ["fr-FR"] }), {
      name: "RangeError",
      message:
        'Spellcheck language "fr-FR" is not selected; select it with setSpellCheckerLanguages',
    });
  });

  it("names a language no selection could make work as unknown, not unselected", async () => {
    await assert.rejects(ses.spellCheck("text", { languages: ["xx-YY"] }), {
      name: "RangeError",
      message: 'Spellcheck language "xx-YY" is not a language the spellchecker knows; ' +
        "see availableSpellCheckerLanguages",
    });
    assert.deepEqual(await ses.spellCheck("text", { languages: ["en-US"] }), []);
  });
});

describe("SessionSpellcheck", () => {
  it("uses the provider it is given, custom words included, through the Runtime's worker", async () => {
    const spellcheck = new SessionSpellcheck(runtime, {
      activeDictionaries: () => builtinEnUsProvider().activeDictionaries(),
      isCustomWord: (word) => word === "Zyxt",
    });
    try {
      const long = "Zyxt wrote one two three four five six seven eight nine tenn";
      assert.deepEqual((await spellcheck.check(long)).map((m) => m.word), ["tenn"]);
    } finally {
      spellcheck.close();
    }
  });
});
