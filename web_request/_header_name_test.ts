import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { answerSpellings } from "./_header_name.ts";
import { spellingIn } from "../core/header_spelling.ts";

describe("answerSpellings", () => {
  it("names each header by the first of its keys in code-unit order", () => {
    const answer = { "user-agent": "c", "User-Agent": "b", "USER-AGENT": "a", "x-b": "1" };
    assert.equal(spellingIn(answerSpellings(answer), "user-agent"), "USER-AGENT");
    assert.equal(spellingIn(answerSpellings(answer), "x-b"), "x-b");
  });
});
