import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { movedApiWarning } from "./deprecate.ts";

/** Runs `fn` with console.warn captured. */
function warnings(fn: () => void): string[] {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => seen.push(args.join(" "));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return seen;
}

describe("movedApiWarning, Electron's deprecate.moveAPI notice", () => {
  it("warns once with Electron's words", () => {
    const warn = movedApiWarning("session.loadExtension", "session.extensions.loadExtension");
    assert.deepEqual(warnings(() => (warn(), warn())), [
      "(electron) 'session.loadExtension' is deprecated and will be removed. Please use " +
      "'session.extensions.loadExtension' instead.",
    ]);
  });

  it("is silent under process.noDeprecation and throws under process.throwDeprecation", () => {
    const flags = process as { noDeprecation?: boolean; throwDeprecation?: boolean };
    const before = [flags.noDeprecation, flags.throwDeprecation];
    try {
      flags.noDeprecation = true;
      assert.deepEqual(warnings(movedApiWarning("a", "b")), []);
      flags.noDeprecation = false;
      flags.throwDeprecation = true;
      const warn = movedApiWarning("a", "b");
      assert.throws(warn, {
        message: "'a' is deprecated and will be removed. Please use 'b' instead.",
      });
      assert.doesNotThrow(warn);
    } finally {
      [flags.noDeprecation, flags.throwDeprecation] = before;
    }
  });
});
