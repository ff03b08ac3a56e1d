import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bypassMatches,
  formatBypassRules,
  matchesImplicitRules,
  parseBypassRules,
} from "./bypass_rules.ts";

function bypasses(rules: string, url: string): boolean {
  return bypassMatches(parseBypassRules(rules), new URL(url));
}

describe("parseBypassRules", () => {
  it("matches host globs, suffixes, ports and schemes", () => {
    assert.ok(bypasses("foobar.com", "http://foobar.com/"));
    assert.ok(!bypasses("foobar.com", "http://www.foobar.com/"));
    assert.ok(bypasses(".foobar.com", "http://www.foobar.com/"));
    assert.ok(bypasses("*foobar.com", "http://foobar.com/"));
    assert.ok(bypasses("f?obar.com", "http://fOobar.com/"));
    assert.ok(bypasses("FOOBAR.com:99", "http://foobar.com:99/"));
    assert.ok(!bypasses("foobar.com:99", "http://foobar.com/"));
    assert.ok(bypasses("foobar.com:443", "https://foobar.com/"));
    assert.ok(bypasses("https://x.y.com:99", "https://x.y.com:99/"));
    assert.ok(!bypasses("https://x.y.com:99", "http://x.y.com:99/"));
    assert.ok(bypasses("http://.google.com", "http://maps.google.com/"));
  });

  it("matches IP literals in any written form", () => {
    assert.ok(bypasses("<-loopback>;127.0.1", "http://127.0.0.1/"));
    assert.ok(bypasses("<-loopback>;10.0.1", "http://10.0.0.1/"));
    assert.ok(bypasses("0xA.0.0.1:81", "http://10.0.0.1:81/"));
    assert.ok(bypasses("[0:0::5]", "http://[::5]/"));
    assert.ok(bypasses("http://[::5]:99", "http://[::5]:99/"));
    assert.ok(!bypasses("[::5]:99", "http://[::5]/"));
  });

  it("matches CIDR blocks, IPv4-mapped IPv6 included", () => {
    assert.ok(bypasses("192.168.1.1/16", "http://192.168.44.2/"));
    assert.ok(!bypasses("192.168.1.1/16", "http://192.169.0.1/"));
    assert.ok(bypasses("192.168.1.1/16", "http://[::ffff:192.168.3.4]/"));
    assert.ok(bypasses("::ffff:10.0.0.0/104", "http://10.9.9.9/"));
    assert.ok(bypasses("fefe:13::abc/33", "http://[fefe:13:1::]/"));
    assert.ok(!bypasses("fefe:13::abc/33", "http://[fefe:14::]/"));
    assert.ok(!bypasses("10.0.0.0/8", "http://ten.example/"));
  });

  it("has <local>, <-loopback> and the implicit rules", () => {
    assert.ok(bypasses("<local>", "http://intranet/"));
    assert.ok(!bypasses("<local>", "http://a.b/"));
    assert.ok(!bypasses("<local>", "http://[::5]/"));
    for (
      const url of [
        "http://localhost/",
        "http://a.localhost/",
        "http://127.4.5.6/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.1.1/",
        "http://[fe80::1]/",
      ]
    ) {
      assert.ok(matchesImplicitRules(new URL(url)), url);
      assert.ok(bypasses("", url), url);
      assert.ok(!bypasses("<-loopback>", url), url);
    }
    assert.ok(!matchesImplicitRules(new URL("http://127.example/")));
    // Last to first: a later rule wins over <-loopback>.
    assert.ok(bypasses("<-loopback>,localhost", "http://localhost/"));
    assert.ok(!bypasses("localhost,<-loopback>", "http://localhost/"));
  });

  it("reads no_proxy-style suffixes when asked", () => {
    const rules = parseBypassRules("google.com", { suffixMatching: true });
    assert.ok(bypassMatches(rules, new URL("http://maps.google.com/")));
    assert.ok(bypassMatches(rules, new URL("http://google.com/")));
  });

  it("reports rules it drops", () => {
    assert.deepEqual(parseBypassRules("a:b, 10.0.0.0/33, ://x, ok").problems, [
      'Cannot parse bypass rule "a:b": port "b" is invalid',
      'Cannot parse bypass rule "10.0.0.0/33": prefix length "33" is out of range',
      'Cannot parse bypass rule "://x": scheme is empty',
    ]);
  });

  it("globs in linear time", () => {
    const rules = parseBypassRules(`${"*a".repeat(200)}b`);
    assert.ok(!bypassMatches(rules, new URL(`http://${"a".repeat(60)}.${"a".repeat(60)}/`)));
  });

  it("never throws, and its canonical form reads back the same", () => {
    const text = fc.oneof(
      fc.string(),
      fc.array(
        fc.stringMatching(/^([a-z]{0,5}:\/\/)?[a-z0-9.*:\[\]<>\-\/]{0,14}$/),
      ).map((parts) => parts.join(",")),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (input, suffixMatching) => {
        const { rules } = parseBypassRules(input, { suffixMatching });
        const again = parseBypassRules(formatBypassRules({ rules }), { suffixMatching });
        assert.deepEqual(again.rules, rules);
        bypassMatches({ rules }, new URL("http://a.b.example:81/"));
      }),
      { numRuns: 2000 },
    );
  });
});
