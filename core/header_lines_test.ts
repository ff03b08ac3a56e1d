import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { headerLines } from "./header_lines.ts";

describe("headerLines", () => {
  it("sorts by name in both runtimes, keeping Set-Cookie lines apart and in order", () => {
    const headers = new Headers([
      ["X-Z", "1"],
      ["Set-Cookie", "b=2"],
      ["Content-Type", "t/p"],
      ["Set-Cookie", "a=1"],
      ["x-a", "3"],
    ]);
    assert.deepEqual(headerLines(headers), [
      ["content-type", "t/p"],
      ["set-cookie", "b=2"],
      ["set-cookie", "a=1"],
      ["x-a", "3"],
      ["x-z", "1"],
    ]);
  });
});
