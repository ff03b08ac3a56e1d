import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { deltaSeconds, parseCacheControl } from "./cache_control.ts";

describe("parseCacheControl", () => {
  it("reads names case-insensitively, unquotes values and keeps the first of a repeat", () => {
    const directives = parseCacheControl(
      'Max-Age=60, no-cache="Set-Cookie, x-a", max-age=5, private, s-maxage = 9',
    );
    assert.deepEqual([...directives], [
      ["max-age", "60"],
      ["no-cache", "Set-Cookie, x-a"],
      ["private", ""],
      ["s-maxage", "9"],
    ]);
  });

  it("skips empty and malformed parts instead of failing the field", () => {
    assert.deepEqual([...parseCacheControl(" , ,public,, =x, max-age=3")], [
      ["public", ""],
      ["max-age", "3"],
    ]);
    assert.equal(parseCacheControl(null).size, 0);
  });

  it("never throws and finds every well-formed directive in any surroundings", () => {
    const name = fc.stringMatching(/^[a-z][a-z-]{0,10}$/);
    fc.assert(
      fc.property(fc.string(), name, fc.nat(1e6), fc.string(), (before, key, value, after) => {
        parseCacheControl(before + after);
        const directives = parseCacheControl(`${key}=${value}, ${before.replace(/[=,"]/g, "")}`);
        assert.equal(directives.get(key), String(value));
      }),
    );
  });
});

describe("deltaSeconds", () => {
  it("accepts non-negative integers, saturating at 2^31, and nothing else", () => {
    const read = (value: string) => deltaSeconds(parseCacheControl(`max-age=${value}`), "max-age");
    assert.equal(read("0"), 0);
    assert.equal(read("99999999999"), 2 ** 31);
    assert.equal(read("-1"), undefined);
    assert.equal(read("1.5"), undefined);
    assert.equal(deltaSeconds(parseCacheControl("public"), "max-age"), undefined);
  });
});
