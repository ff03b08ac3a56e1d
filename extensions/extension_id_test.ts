import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { extensionIdFromKey, extensionIdFromPath } from "./mod.ts";

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

  it("refuses a key that is not base64", () => {
    for (const key of ["", "not base64!", 42, null]) {
      assert.throws(() => extensionIdFromKey(key), {
        message: "Value 'key' is missing or invalid.",
      });
    }
  });
});
