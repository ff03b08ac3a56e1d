import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { responseMimeType } from "./response_mime_type.ts";

describe("responseMimeType", () => {
  it("reads the type as Chromium's ParseContentType: lower case, no parameters or comment", () => {
    assert.equal(responseMimeType("Text/HTML; charset=UTF-8"), "text/html");
    assert.equal(responseMimeType("  application/PDF"), "application/pdf");
    assert.equal(responseMimeType("image/png(a comment)"), "image/png");
    assert.equal(responseMimeType("text/plain ;x=1"), "text/plain");
  });

  it("gives '' for no type, a type without '/' and '*/*'", () => {
    for (const value of [null, "", "  ", "binary", "*/*", "*/*; charset=utf-8", ";text/html"]) {
      assert.equal(responseMimeType(value), "", String(value));
    }
  });
});
