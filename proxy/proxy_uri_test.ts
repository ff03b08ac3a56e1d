import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatPacString, formatProxyUri, parseProxyUri } from "./proxy_uri.ts";

describe("parseProxyUri", () => {
  it("applies default schemes and ports", () => {
    assert.deepEqual(parseProxyUri("foopy"), {
      value: { scheme: "http", host: "foopy", port: 80 },
    });
    assert.deepEqual(parseProxyUri("https://p"), {
      value: { scheme: "https", host: "p", port: 443 },
    });
    assert.deepEqual(parseProxyUri("socks4://p"), {
      value: { scheme: "socks4", host: "p", port: 1080 },
    });
    assert.deepEqual(parseProxyUri("SOCKS://p:9"), {
      value: { scheme: "socks5", host: "p", port: 9 },
    });
    assert.deepEqual(parseProxyUri("p", "socks4"), {
      value: { scheme: "socks4", host: "p", port: 1080 },
    });
    assert.deepEqual(parseProxyUri(" direct:// "), { value: { scheme: "direct" } });
  });

  it("canonicalises hosts", () => {
    const host = (text: string) => {
      const parsed = parseProxyUri(text);
      return "value" in parsed && parsed.value.scheme !== "direct" ? parsed.value.host : parsed;
    };
    assert.equal(host("FOO.Example"), "foo.example");
    assert.equal(host("0xA.020.3.4:8"), "10.16.3.4");
    assert.equal(host("127.1"), "127.0.0.1");
    assert.equal(host("[0:0:0:0:0:0:0:1]:80"), "::1");
    assert.equal(host("[FEDC:BA98::]"), "fedc:ba98::");
    assert.equal(host("bücher.example"), "xn--bcher-kva.example");
    // Found by the property below: "%3B" decodes to ";", which the rules could not write back.
    assert.deepEqual(host("%3B"), { error: 'host "%3B" has a character hosts cannot have' });
    assert.deepEqual(host("a%2Cb"), { error: 'host "a%2Cb" has a character hosts cannot have' });
  });

  it("keeps credentials for proxy authentication", () => {
    assert.deepEqual(parseProxyUri("http://us%40r:p%3Ass@h:3128"), {
      value: { scheme: "http", host: "h", port: 3128, username: "us@r", password: "p:ss" },
    });
  });

  it("names what is wrong", () => {
    assert.deepEqual(parseProxyUri("http://:80"), { error: "host is empty" });
    assert.deepEqual(parseProxyUri("foo:"), { error: 'port "" is not a number from 0 to 65535' });
    assert.deepEqual(parseProxyUri("foo:70000"), {
      error: 'port "70000" is not a number from 0 to 65535',
    });
    assert.deepEqual(parseProxyUri("gopher://x"), { error: 'unknown proxy scheme "gopher"' });
    assert.deepEqual(parseProxyUri("direct://x"), { error: "DIRECT takes no host" });
    assert.deepEqual(parseProxyUri("::1"), {
      error: '"::1" needs brackets around an IPv6 address',
    });
    assert.ok("error" in parseProxyUri("a/b:80"));
    assert.ok("error" in parseProxyUri("[::1"));
  });

  it("formats URIs and PAC strings", () => {
    assert.equal(formatProxyUri({ scheme: "http", host: "a", port: 80 }), "a:80");
    assert.equal(formatProxyUri({ scheme: "socks5", host: "::1", port: 1 }), "socks5://[::1]:1");
    assert.equal(
      formatPacString([
        { scheme: "http", host: "a", port: 80 },
        { scheme: "https", host: "b", port: 443 },
        { scheme: "socks4", host: "c", port: 1080 },
        { scheme: "socks5", host: "::1", port: 1080 },
        { scheme: "direct" },
      ]),
      "PROXY a:80;HTTPS b:443;SOCKS c:1080;SOCKS5 [::1]:1080;DIRECT",
    );
  });

  it("never throws, and its canonical form reads back the same", () => {
    const text = fc.oneof(
      fc.string(),
      fc.stringMatching(/^([a-z0-9]{1,6}:\/\/)?([a-z%@:]{0,4}@)?[\w.\-\[\]:]{0,20}(:\d{0,6})?$/),
    );
    fc.assert(
      fc.property(text, (input) => {
        const parsed = parseProxyUri(input);
        if ("error" in parsed) return;
        const again = parseProxyUri(formatProxyUri(parsed.value));
        assert.deepEqual(again, parsed);
      }),
      { numRuns: 2000 },
    );
  });
});
