import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NtlmAllowlist } from "./ntlm_allowlist.ts";

describe("NtlmAllowlist (allowNTLMCredentialsForDomains)", () => {
  it("reads Electron's example list", () => {
    const list = new NtlmAllowlist();
    list.set("*example.com, *foobar.com, *baz");
    for (const host of ["example.com", "a.example.com", "x.foobar.com", "baz", "foo.baz"]) {
      assert.equal(list.allows(host), true, host);
    }
    for (const host of ["example.org", "example.com.evil.test", "bazz"]) {
      assert.equal(list.allows(host), false, host);
    }
  });

  it("'*' allows all; a plain name only itself; '.name' its subdomains; '' clears", () => {
    const list = new NtlmAllowlist();
    assert.equal(list.allows("a.test"), false);
    list.set("*");
    assert.equal(list.allows("anything.test"), true);
    list.set("intranet, .corp.test");
    assert.equal(list.allows("INTRANET"), true);
    assert.equal(list.allows("x.intranet"), false);
    assert.equal(list.allows("host.corp.test"), true);
    assert.equal(list.allows("corp.test"), false);
    list.set("");
    assert.equal(list.allows("intranet"), false);
  });

  it("treats regular-expression characters in patterns literally", () => {
    const list = new NtlmAllowlist();
    list.set("a+b.test, (x)");
    assert.equal(list.allows("a+b.test"), true);
    assert.equal(list.allows("aab.test"), false);
    assert.equal(list.allows("(x)"), true);
  });
});
