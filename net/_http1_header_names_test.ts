import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { headerName } from "./_http1_header_names.ts";

describe("headerName", () => {
  it("hands out common names in either usual case, exactly as received", () => {
    const text = "xContent-Type: a\r\nset-cookie: b\r\nCONTENT-TYPE: c\r\nContent-type: d";
    assert.equal(headerName(text, 1, 13), "Content-Type");
    assert.equal(headerName(text, 18, 28), "set-cookie");
    assert.equal(headerName(text, 33, 45), "CONTENT-TYPE");
    assert.equal(headerName(text, 50, 62), "Content-type");
  });

  it("slices names it does not know, and names that only start like a known one", () => {
    assert.equal(headerName("X-Request-Id: 1", 0, 12), "X-Request-Id");
    assert.equal(headerName("Date2: x", 0, 5), "Date2");
    assert.equal(headerName("Dat: x", 0, 3), "Dat");
  });

  it("always equals the slice of the text", () => {
    const names = fc.oneof(
      fc.constantFrom("Date", "date", "ETag", "Vary", "Set-Cookie", "Keep-Alive", "content-length"),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), names, fc.string({ maxLength: 5 }), (a, name, b) => {
        const text = a + name + b;
        assert.equal(headerName(text, a.length, a.length + name.length), name);
      }),
    );
  });
});
