import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ntlmAllowlist } from "./ntlm_allowlist.ts";

const allowed = (domains: string, url: string) => ntlmAllowlist(domains)(new URL(url));

describe("ntlmAllowlist (allowNTLMCredentialsForDomains)", () => {
  it("reads Electron's example list", () => {
    const list = "*example.com, *foobar.com, *baz";
    for (const host of ["example.com", "a.example.com", "x.foobar.com", "baz", "foo.baz"]) {
      assert.equal(allowed(list, `http://${host}/`), true, host);
    }
    for (const host of ["example.org", "example.com.evil.test", "bazz"]) {
      assert.equal(allowed(list, `http://${host}/`), false, host);
    }
  });

  it("'*' allows all; a plain name only itself; '.name' its subdomains; '' none", () => {
    assert.equal(allowed("*", "http://anything.test/"), true);
    assert.equal(allowed("intranet, .corp.test", "http://INTRANET/"), true);
    assert.equal(allowed("intranet, .corp.test", "http://x.intranet/"), false);
    assert.equal(allowed("intranet, .corp.test", "http://host.corp.test/"), true);
    assert.equal(allowed("intranet, .corp.test", "http://corp.test/"), false);
    assert.equal(allowed("", "http://intranet/"), false);
  });

  it("reads Chromium's other rules: <local>, IP blocks, ports, schemes, ';'", () => {
    assert.equal(allowed("<local>", "http://wiki:8080/"), true);
    assert.equal(allowed("<local>", "http://wiki.corp.test/"), false);
    assert.equal(allowed("10.0.0.0/8", "http://10.1.2.3/"), true);
    assert.equal(allowed("10.0.0.0/8", "http://11.1.2.3/"), false);
    assert.equal(allowed("a.test:8080", "http://a.test:8080/"), true);
    assert.equal(allowed("a.test:8080", "http://a.test/"), false);
    assert.equal(allowed("https://a.test", "https://a.test/"), true);
    assert.equal(allowed("https://a.test", "http://a.test/"), false);
    assert.equal(allowed("a.test;b.test", "http://b.test/"), true);
  });

  it("allows localhost and loopback only when named, as Chromium subtracts the implicit rules", () => {
    assert.equal(allowed("*.test", "http://localhost/"), false);
    assert.equal(allowed("*.test", "http://127.0.0.1/"), false);
    assert.equal(allowed("localhost", "http://localhost/"), true);
    assert.equal(allowed("127.0.0.1", "http://127.0.0.1:3000/"), true);
  });

  it("treats regular-expression characters in patterns literally", () => {
    assert.equal(allowed("a+b.test", "http://a+b.test/"), true);
    assert.equal(allowed("a+b.test", "http://aab.test/"), false);
  });
});
