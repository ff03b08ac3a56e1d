import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rawHeaderValues } from "./raw_header_values.ts";

describe("rawHeaderValues", () => {
  it("keeps every line of the name apart, in order, whatever its case", () => {
    const lines: Array<[string, string]> = [
      ["Set-Cookie", "a=1"],
      ["Content-Type", "text/plain"],
      ["SET-COOKIE", "b=2"],
      ["set-cookie", "c=3"],
      ["Set-Cookie2", "d=4"],
    ];
    assert.deepEqual(rawHeaderValues(lines, "set-cookie"), ["a=1", "b=2", "c=3"]);
  });

  it("leaves out names of the same length that differ in more than the case of a letter", () => {
    const lines: Array<[string, string]> = [
      ["Connection", "keep-alive"],
      ["SET\rCOOKIE", "a=1"],
      ["SET-COOKIe", "b=2"],
      ["set-cookie", "c=3"],
      ["set-cookiF", "d=4"],
      ["sEt-cOOkie", "e=5"],
    ];
    assert.deepEqual(rawHeaderValues(lines, "set-cookie"), ["b=2", "c=3", "e=5"]);
  });

  it("answers an empty list when no line has the name", () => {
    assert.deepEqual(rawHeaderValues([["Date", "x"]], "www-authenticate"), []);
    assert.deepEqual(rawHeaderValues([], "set-cookie"), []);
  });
});
