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
      contentDispositionFilename(`attachment; filename*=UTF-8'%ZZ; filename=b.txt`),
      "b.txt",
    );
    // Not malformed to Chromium: UnescapeBinaryURLComponent keeps a `%` that starts no escape.
    assert.equal(
      contentDispositionFilename(`attachment; filename*=UTF-8''%ZZ; filename=b.txt`),
      "%ZZ",
    );
    // A charset no decoder knows makes the ext-value invalid (Chromium's DecodeExtValue).
    assert.equal(
      contentDispositionFilename(`attachment; filename*=x-unknown''x; filename=c.txt`),
      "c.txt",
    );
  });

  it("decodes filename* in any charset the Encoding Standard knows, as Chromium with ICU", () => {
    // Chromium's DecodeExtValue: ConvertToUtf8AndNormalize (ICU, failing on bad bytes, NFC),
    // and its http_content_disposition_unittest.cc cases.
    const cases: [string, string][] = [
      [`attachment; filename*=windows-1251''%EF%F0%E8%E2%E5%F2.txt`, "привет.txt"],
      [`attachment; filename*=Shift_JIS''%93%FA%96%7B.txt`, "日本.txt"],
      [`attachment; filename*=koi8-r''%F0%D2%C9%D7%C5%D4`, "Привет"],
      [`attachment; filename*=EUC-JP''%B7%DD%BD%D13%2Epng`, "芸術3.png"],
      [`inline; filename*=Euc-Kr'ko'%BF%B9%BC%FA%2Epng`, "예술.png"],
      [`attachment; filename*=windows-1252''caf%E9.png`, "café.png"],
      [`inline; filename*=iso88591''cafe foo.png`, "cafe foo.png"],
      // Composed to NFC: a + U+0308 becomes ä.
      [`attachment; filename*=UTF-8''foo-a%cc%88.html`, "foo-\u00e4.html"],
      // No charset, an unknown one, a quoted value, a third quote, non-ASCII characters.
      [`attachment; filename*=''foo-%c3%a4.html`, ""],
      [`attachment; filename*=bogus_charset''foo.html`, ""],
      [`attachment; filename*="UTF-8''foo-%c3%a4.html"`, ""],
      [`attachment; filename*=''foo'.html`, ""],
      [`attachment; filename*=iso-8859-1'es'f\xfa.html`, ""],
      // Bytes the charset cannot decode fail the value (OnStringConversionError::FAIL).
      [`attachment; filename*=Shift_JIS''%82; filename=f.txt`, "f.txt"],
      [`attachment; filename*=UTF-8''%FF.txt; filename=f.txt`, "f.txt"],
    ];
    for (const [header, expected] of cases) {
      assert.equal(contentDispositionFilename(header), expected, header);
    }
  });

  it("decodes RFC 2047 words in any charset the Encoding Standard knows, as Chromium", () => {
    // Chromium's DecodeFilenameValue and DecodeWord, with its unit test's cases.
    const cases: [string, string][] = [
      ['attachment; filename="=?EUC-JP?Q?=B7=DD=BD=D13=2Epng?="', "芸術3.png"],
      ["attachment; filename==?eUc-Kr?b?v7m8+iAzLnBuZw==?=", "예술 3.png"],
      ['inline; filename="=?iso88591?Q?caf=e9_=2epng?="', "café .png"],
      // Spaces after an encoded word are dropped, so words in two charsets join up.
      ['inline; filename="=?iso88591?Q?caf=E9_?= .png"', "café .png"],
      [
        'inline; filename="=?euc-kr?b?v7m8+iAz?= =?ksc5601?q?=BF=B9=BC=FA=2Epng?="',
        "예술 3예술.png",
      ],
      [
        'attachment; filename="=?windows-1252?Q?caf=E9?=  =?iso-8859-7?b?4eI=?= .png"',
        "caféαβ.png",
      ],
      // A broken word, or %-escapes that are not UTF-8, leave no name.
      ["attachment; filename==?iiso88591?Q?caf=EG?=", ""],
      ["attachment; filename==?iso88591?Q?caf=E3?", ""],
      ["attachment; filename==?x-unknown?Q?caf?=", ""],
      ["attachment; filename=%B7%DD%BD%D1.png", ""],
      // Whitespace between plain words becomes one space each.
      ['inline; filename="abc  \t\nde.pdf"', "abc    de.pdf"],
    ];
    for (const [header, expected] of cases) {
      assert.equal(contentDispositionFilename(header), expected, header);
    }
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
