import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { isHttpToken, tokenEnd } from "./_http1_token.ts";

describe("tokenEnd", () => {
  it("stops where isHttpToken would first fail, within the given range", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."aZ09-_!~ :\t\r\n\0\xff\x7f".split("")) }),
        fc.nat(),
        fc.nat(),
        (text, a, b) => {
          const bytes = Buffer.from(text, "latin1");
          const from = Math.min(a, bytes.length);
          const to = from + Math.min(b, bytes.length - from);
          const end = tokenEnd(bytes, from, to);
          assert.ok(end >= from && end <= to);
          assert.equal(end === from || isHttpToken(text.slice(from, end)), true);
          if (end < to) assert.equal(isHttpToken(text.slice(from, end + 1)), false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
