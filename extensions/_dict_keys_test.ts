import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { compareUtf8, dictKeys } from "./_dict_keys.ts";

describe("compareUtf8", () => {
  it("orders well-formed strings as Buffer.compare orders their UTF-8 bytes", () => {
    // Code points from every UTF-8 length, the surrogate boundary's neighbours included.
    const unit = fc.oneof(
      fc.constantFrom("a", "Z", "\u00e9", "\ud7ff", "\ue000", "\uffff", "\u{10000}", "\u{1f600}"),
      fc.string({ unit: "grapheme", maxLength: 1 }),
    );
    const text = fc.array(unit, { maxLength: 6 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.equal(Math.sign(compareUtf8(a, b)), expected, JSON.stringify([a, b]));
      }),
      { numRuns: 2000 },
    );
  });

  it("puts a prefix first and sorts keys as base::Value::Dict keeps them", () => {
    assert.ok(compareUtf8("ab", "abc") < 0);
    assert.equal(compareUtf8("x", "x"), 0);
    assert.deepEqual(dictKeys({ "\uff01": 0, "\u{1f600}": 1, b: 2, B: 3, "": 4 }), [
      "",
      "B",
      "b",
      "\uff01",
      "\u{1f600}",
    ]);
  });
});
