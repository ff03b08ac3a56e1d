import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentDispositionFilename } from "./content_disposition.ts";

describe("contentDispositionFilename", () => {
  it("reads RFC 6266 filename and prefers RFC 5987 filename*", () => {
    assert.equal(contentDispositionFilename('attachment; filename="a b.txt"'), "a b.txt");
    assert.equal(contentDispositionFilename("attachment; filename=plain.txt"), "plain.txt");
    assert.equal(
      contentDispositionFilename(`attachment; filename*=UTF-8''%E2%82%AC.txt; filename="e.txt"`),
      "€.txt",
    );
    assert.equal(
      contentDispositionFilename(`attachment; filename*=iso-8859-1'en'%A3.txt`),
      "£.txt",
    );
    assert.equal(contentDispositionFilename('attachment; filename="q\\"uote.txt"'), 'q"uote.txt');
    assert.equal(contentDispositionFilename('filename="no-type.txt"'), "no-type.txt");
    assert.equal(contentDispositionFilename("inline"), "");
  });

  it("falls back to filename when filename* is malformed or in an unknown charset", () => {
    assert.equal(
      contentDispositionFilename(`attachment; filename*=UTF-8''%ZZ; filename=b.txt`),
      "b.txt",
    );
    assert.equal(
      contentDispositionFilename(`attachment; filename*=koi8-r''x; filename=c.txt`),
      "c.txt",
    );
  });

  it("decodes Chromium's lenient forms: raw UTF-8, RFC 2047, %-escapes", () => {
    const rawUtf8 = String.fromCharCode(...new TextEncoder().encode("ü.txt"));
    assert.equal(contentDispositionFilename(`attachment; filename="${rawUtf8}"`), "ü.txt");
    assert.equal(
      contentDispositionFilename('attachment; filename="=?UTF-8?B?w7wudHh0?="'),
      "ü.txt",
    );
    assert.equal(
      contentDispositionFilename('attachment; filename="=?ISO-8859-1?Q?a=FC_b.txt?="'),
      "aü b.txt",
    );
    assert.equal(contentDispositionFilename('attachment; filename="%C3%BC.txt"'), "ü.txt");
  });
});
