import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { generateFileName, isReservedName } from "./generate_file_name.ts";

describe("generateFileName", () => {
  it("takes Content-Disposition first, then the URL, then the default", () => {
    assert.equal(
      generateFileName({
        url: "http://a.test/x.bin",
        contentDisposition: 'inline; filename="y.txt"',
      }),
      "y.txt",
    );
    assert.equal(generateFileName({ url: "http://a.test/dir/x%20y.bin" }), "x y.bin");
    assert.equal(generateFileName({ url: "http://a.test/" }), "download");
    assert.equal(generateFileName({ url: "data:text/plain,a/b.txt" }), "download");
    assert.equal(generateFileName({ url: "http://a.test/", defaultName: "file" }), "file");
  });

  it("adds the MIME type's extension to URL names without one, or with a query", () => {
    assert.equal(
      generateFileName({ url: "http://a.test/report", mimeType: "application/pdf" }),
      "report.pdf",
    );
    assert.equal(
      generateFileName({ url: "http://a.test/get.php?id=1", mimeType: "image/png" }),
      "get.png",
    );
    assert.equal(
      generateFileName({ url: "http://a.test/a.jpeg?x", mimeType: "image/jpeg" }),
      "a.jpeg",
    );
    assert.equal(generateFileName({ url: "http://a.test/a.bin", mimeType: "text/plain" }), "a.bin");
    // A Content-Disposition name is kept as sent.
    assert.equal(
      generateFileName({
        url: "http://a.test/",
        contentDisposition: "attachment; filename=README",
        mimeType: "text/plain",
      }),
      "README",
    );
  });

  it("never yields a path, a control character or a device name", () => {
    const cases: Array<[string, string]> = [
      [`attachment; filename="../../x"`, "_.._x"],
      [`attachment; filename="..\\\\..\\\\x.exe"`, "_.._x.exe"],
      [`attachment; filename="/etc/passwd"`, "_etc_passwd"],
      [`attachment; filename="%2e%2e%2fx"`, "_x"],
      [`attachment; filename*=UTF-8''a%00b%0a.txt`, "a_b_.txt"],
      [`attachment; filename*=UTF-8''x%E2%80%AEgpj.exe`, "x_gpj.exe"],
      [`attachment; filename="CON"`, "_CON"],
      [`attachment; filename="lpt1.txt"`, "_lpt1.txt"],
      // Chromium's POSIX builds: dots trimmed at the ends, then a last space becomes '_'.
      [`attachment; filename="name. . ."`, "name. ._"],
      [`attachment; filename="name ..."`, "name_"],
      [`attachment; filename="name. "`, "name._"],
      [`attachment; filename="..."`, "download"],
      [`attachment; filename="a:b*c?.txt"`, "a_b_c_.txt"],
    ];
    for (const [header, expected] of cases) {
      assert.equal(
        generateFileName({ url: "http://a.test/", contentDisposition: header }),
        expected,
        header,
      );
    }
  });

  it("replaces characters as Chromium's ReplaceIllegalCharactersInPath does", () => {
    const cases: Array<[string, string]> = [
      // '~' anywhere (VFAT short names, CVE-2014-9390).
      [`attachment; filename="backup~1.txt"`, "backup_1.txt"],
      [`attachment; filename="~$report.docx"`, "_$report.docx"],
      // Non-characters of every plane, not the first one's alone.
      [`attachment; filename*=UTF-8''a%F0%9F%BF%BEb.txt`, "a_b.txt"],
      [`attachment; filename*=UTF-8''a%EF%BF%BFb.txt`, "a_b.txt"],
      // Only the first and the last character are checked against the ends' rules.
      // (Through filename*: DecodeFilenameValue drops a quoted filename's leading whitespace.)
      [`attachment; filename*=UTF-8''%20%20two.txt`, "_ two.txt"],
    ];
    for (const [header, expected] of cases) {
      assert.equal(
        generateFileName({ url: "http://a.test/", contentDisposition: header }),
        expected,
        header,
      );
    }
  });

  it("property: any header or URL path gives one safe, non-empty component", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), fc.string(), (name, segment) => {
      const header = `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;
      for (
        const result of [
          generateFileName({ url: "http://a.test/", contentDisposition: header }),
          generateFileName({ url: `http://a.test/${encodeURIComponent(segment)}` }),
        ]
      ) {
        assert.ok(result.length > 0);
        assert.doesNotMatch(result, /[/\\\0]/);
        assert.ok(result !== "." && result !== "..");
        assert.doesNotMatch(result, /^[\s.]|[\s.]$/);
        assert.ok(!isReservedName(result));
      }
    }));
  });
});

describe("isReservedName", () => {
  it("matches Windows device names case-insensitively, with or without extension", () => {
    assert.ok(isReservedName("con"));
    assert.ok(isReservedName("Com9.zip"));
    assert.ok(isReservedName("desktop.ini"));
    assert.ok(!isReservedName("console.log"));
    assert.ok(!isReservedName("com10"));
  });
});
