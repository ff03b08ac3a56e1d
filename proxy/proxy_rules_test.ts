import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatProxyRules, parseProxyRules, proxiesForScheme } from "./proxy_rules.ts";
import { formatPacString } from "./proxy_uri.ts";

function pick(rules: string, url: string): string {
  const list = proxiesForScheme(parseProxyRules(rules).rules, new URL(url).protocol);
  return list === undefined ? "DIRECT" : formatPacString(list);
}

describe("parseProxyRules", () => {
  it("follows Electron's documented examples", () => {
    assert.equal(pick("http=foopy:80;ftp=foopy2", "http://a/"), "PROXY foopy:80");
    assert.equal(pick("http=foopy:80;ftp=foopy2", "ftp://a/"), "PROXY foopy2:80");
    assert.equal(pick("http=foopy:80;ftp=foopy2", "https://a/"), "DIRECT");
    assert.equal(pick("foopy:80", "https://a/"), "PROXY foopy:80");
    assert.equal(pick("foopy:80,bar,direct://", "http://a/"), "PROXY foopy:80;PROXY bar:80;DIRECT");
    assert.equal(pick("socks4://foopy", "http://a/"), "SOCKS foopy:1080");
    assert.equal(
      pick("http=foopy,socks5://bar.com", "http://a/"),
      "PROXY foopy:80;SOCKS5 bar.com:1080",
    );
    assert.equal(pick("http=foopy,direct://", "http://a/"), "PROXY foopy:80;DIRECT");
    assert.equal(pick("http=foopy;socks=foopy2", "https://a/"), "SOCKS foopy2:1080");
    assert.equal(pick("http=foopy;socks=foopy2", "http://a/"), "PROXY foopy:80");
  });

  it("has Chromium's precedence quirks", () => {
    // A bare list after a scheme list is ignored; before, it ends parsing.
    assert.equal(pick("http=a;b", "https://x/"), "DIRECT");
    assert.equal(pick("b;http=a", "http://x/"), "PROXY b:80");
    // "socks://" in a URI is SOCKS5, a bare host in socks= is SOCKS4.
    assert.equal(pick("socks=socks://s", "http://x/"), "SOCKS5 s:1080");
    // Unknown keys and their lists are dropped; keys are case-sensitive.
    assert.equal(pick("gopher=g;HTTP=h", "http://x/"), "DIRECT");
    // WebSockets: the socks list, then https, then http.
    assert.equal(pick("http=h;https=s", "ws://x/"), "PROXY s:80");
    assert.equal(pick("http=h", "wss://x/"), "PROXY h:80");
    assert.equal(pick("http=h;socks=f", "wss://x/"), "SOCKS f:1080");
    assert.equal(pick("", "http://x/"), "DIRECT");
  });

  it("reports dropped entries in the style of the codebase", () => {
    const { rules, problems } = parseProxyRules("http=:80,good;zz=q");
    assert.deepEqual(problems, [
      'Cannot parse proxy rule "http=:80,good": host is empty',
      'Cannot parse proxy rule "zz=q": unknown URL scheme "zz"',
    ]);
    assert.equal(formatProxyRules(rules), "http=good:80");
  });

  it("never throws, and its canonical form reads back the same", () => {
    const text = fc.oneof(
      fc.string(),
      fc.array(
        fc.stringMatching(
          /^((http|https|ftp|socks|zz)=)?([a-z0-9]{2,5}:\/\/)?[a-z0-9.:\[\]]{0,8}(,[a-z:\/]{0,10})?$/,
        ),
      ).map((parts) => parts.join(";")),
    );
    fc.assert(
      fc.property(text, (input) => {
        const { rules } = parseProxyRules(input);
        assert.deepEqual(parseProxyRules(formatProxyRules(rules)).rules, rules);
      }),
      { numRuns: 2000 },
    );
  });
});
