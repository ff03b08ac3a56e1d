import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { terminalText } from "./terminal_text.ts";

describe("terminalText", () => {
  it("escapes control characters and bidi overrides, and leaves other text as it is", () => {
    assert.equal(terminalText("Key\x1b]0;owned\x07Board"), "Key\\x1b]0;owned\\x07Board");
    assert.equal(terminalText("a\nb\rc\x7f\x9b"), "a\\x0ab\\x0dc\\x7f\\x9b");
    assert.equal(terminalText("evil\u202egnp.exe"), "evil\\u202egnp.exe");
    assert.equal(terminalText("Clé USB\tß 键盘 🎹"), "Clé USB\tß 键盘 🎹");
  });
});
