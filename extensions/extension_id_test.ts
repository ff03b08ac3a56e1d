import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { extensionIdFromBytes, extensionIdFromKey, extensionIdFromPath } from "./mod.ts";

describe("extension ids", () => {
  it("hashes the path bytes as given, mapped to a-p (Chromium's test vectors)", () => {
    assert.equal(extensionIdFromPath("test"), "jpignaibiiemhngfjkcpokkamffknabf");
    assert.equal(extensionIdFromPath("/path/to/file.ext"), "lnkgfdknojmdambfcanadbhmfjfljobb");
  });

  it("counts a trailing slash", () => {
    assert.notEqual(extensionIdFromPath("/a/b"), extensionIdFromPath("/a/b/"));
    assert.match(extensionIdFromPath("/a/b/"), /^[a-p]{32}$/);
  });

  it("hashes a key's DER, with or without PEM armour", () => {
    const der = btoa("test");
    assert.equal(extensionIdFromKey(der), "jpignaibiiemhngfjkcpokkamffknabf");
    const pem = `-----BEGIN PUBLIC KEY-----\n${der}\n-----END PUBLIC KEY-----\n`;
    assert.equal(extensionIdFromKey(pem), "jpignaibiiemhngfjkcpokkamffknabf");
  });

  it("reads the base64 strictly, as Chromium's Base64Decode: padded, no whitespace outside PEM", () => {
    // Wrapped lines inside PEM armour are fine: the line breaks go with the whitespace.
    const body = `${btoa("tes")}\n  ${btoa("t")}`;
    const wrapped = `-----BEGIN PUBLIC KEY-----\r\n${body}\n-----END PUBLIC KEY-----`;
    assert.equal(
      extensionIdFromKey(wrapped),
      extensionIdFromBytes(new TextEncoder().encode("test")),
    );
    const bad = [
      "dGVzdA", // no padding
      "dGVz\ndA==", // a line break without PEM armour
      " dGVzdA==", // a space
      "dGVzdA===", // three padding characters
      "-----BEGIN PUBLIC KEY----- dGVz dA== -----END PUBLIC KEY-----", // a space inside the body
      " -----BEGIN PUBLIC KEY-----\ndGVzdA==\n-----END PUBLIC KEY-----", // armour not first
      "-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----", // an empty body
    ];
    for (const key of bad) {
      assert.throws(() => extensionIdFromKey(key), {
        message: "Value 'key' is missing or invalid.",
      }, JSON.stringify(key));
    }
  });

  it("refuses a key that is not base64", () => {
    for (const key of ["", "not base64!", 42, null]) {
      assert.throws(() => extensionIdFromKey(key), {
        message: "Value 'key' is missing or invalid.",
      });
    }
  });
});
