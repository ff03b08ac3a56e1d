import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseStatusLine } from "./_status_line.ts";

describe("parseStatusLine", () => {
  it("keeps a line it made as it is, whatever text it was given", () => {
    // Chromium's normalised line parses to itself: what webRequest shows is what it reads.
    const text = fc.oneof(
      fc.string(),
      fc.tuple(
        fc.constantFrom("HTTP/", "http/", "Http/", "HTTP /", ""),
        fc.string({ unit: fc.constantFrom("0", "1", "2", "9", ".", " ", "x") }),
        fc.string(),
      ).map((parts) => parts.join("")),
    );
    fc.assert(fc.property(text, (given) => {
      const once = parseStatusLine(given);
      assert.deepEqual(parseStatusLine(once.statusLine), once);
      assert.match(once.statusLine, /^HTTP\/(0\.9|1\.0|1\.1|2\.0) \d+/);
    }));
  });
});
