import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { acceptLanguageHeader } from "./accept_language.ts";

describe("acceptLanguageHeader", () => {
  it("matches Chromium's q-values", () => {
    assert.equal(acceptLanguageHeader("en-US,fr,de"), "en-US,fr;q=0.9,de;q=0.8");
    assert.equal(acceptLanguageHeader(" en-US , fr "), "en-US,fr;q=0.9");
    assert.equal(acceptLanguageHeader(""), "");
    assert.equal(acceptLanguageHeader("a,,b"), "a,b;q=0.9");
  });

  it("never goes below q=0.1", () => {
    const tags = Array.from({ length: 12 }, (_, i) => `l${i}`);
    const parts = acceptLanguageHeader(tags.join(",")).split(",");
    assert.equal(parts[9], "l9;q=0.1");
    assert.equal(parts[11], "l11;q=0.1");
  });

  it("keeps every tag, in order, with non-increasing q-values", () => {
    const tag = fc.stringMatching(/^[a-z]{2,3}(-[A-Z]{2})?$/);
    fc.assert(fc.property(fc.array(tag, { minLength: 1, maxLength: 15 }), (tags) => {
      const parts = acceptLanguageHeader(tags.join(",")).split(",");
      assert.deepEqual(parts.map((part) => part.split(";")[0]), tags);
      const q = parts.map((part) => Number(part.split(";q=")[1] ?? "1"));
      for (let i = 1; i < q.length; i++) assert.ok(q[i]! <= q[i - 1]! && q[i]! >= 0.1);
    }));
  });
});
