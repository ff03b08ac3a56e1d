import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseMatchPattern } from "./match_pattern.ts";
import { parseRequestFilter } from "./request_filter.ts";

describe("parseMatchPattern", () => {
  const cases: Array<[string, string, boolean]> = [
    ["<all_urls>", "app://bundle/x", true],
    ["<all_urls>", "file:///etc/hosts", true],
    ["*://*/*", "https://a.test/", true],
    ["*://*/*", "ws://a.test/", false],
    ["*://*/*", "ftp://a.test/", false],
    ["*://*/*", "app://a.test/", false],
    ["http://a.test/*", "http://a.test/x?y=1", true],
    ["http://a.test/*", "https://a.test/x", false],
    ["http://a.test/*", "http://a.test:8080/x", true],
    ["http://a.test:8080/*", "http://a.test:8080/x", true],
    ["http://a.test:8080/*", "http://a.test/x", false],
    ["http://a.test:80/*", "http://a.test/x", true],
    ["http://*.a.test/*", "http://a.test/", true],
    ["http://*.a.test/*", "http://deep.b.a.test/", true],
    ["http://*.a.test/*", "http://xa.test/", false],
    ["http://A.TEST/*", "http://a.test/", true],
    ["*://*/api/*.json", "https://h.test/api/v1/x.json", true],
    ["*://*/api/*.json", "https://h.test/api/v1/x.jsonp", false],
    ["*://*/search?q=*", "https://h.test/search?q=cats", true],
    ["file:///tmp/*", "file:///tmp/a.txt", true],
    ["app://bundle/*", "app://bundle/index.html", true],
    ["http://[::1]/*", "http://[::1]:3000/", true],
    ["http://[::1]:3000/*", "http://[::1]:3000/", true],
    ["http://a.test:65535/*", "http://a.test:65535/", true],
    ["http://*/:1234", "http://a.test/:1234", true],
    // Chromium's URLPattern: a host with a trailing dot is the same host (CanonicalizeHostForMatching).
    ["*://ads.test/*", "http://ads.test./x", true],
    ["*://*.ads.test/*", "https://x.ads.test./", true],
    ["http://a.test./*", "http://a.test/", true],
    // The pattern's host is canonicalized as a URL's is (net::CanonicalizeHost).
    ["http://BÜCHER.test/*", "http://xn--bcher-kva.test/", true],
    ["http://0x7f.1/*", "http://127.0.0.1/", true],
    ["http://a%41.test/*", "http://aa.test/", true],
    // Subdomains are never matched against IP addresses (URLPatternTest Match7).
    ["http://*.0.0.1/*", "http://127.0.0.1/", false],
    // A path ending in "/*" matches the path without it (IgnoreMissingBackslashes).
    ["http://a.test/example/*", "http://a.test/example", true],
    ["http://a.test/example", "http://a.test/example/", false],
    // file: patterns ignore the host and may leave out the path's slash (Match14-16).
    ["file://localhost/tmp/*", "file:///tmp/a.txt", true],
    ["file://*", "file:///etc/hosts", true],
    ["file://foo*", "file:///foobar", true],
    ["file:///foo*", "file://foo/", false],
    // Patterns of schemes without a host: everything after the colon is the path (Match13).
    ["data:*", "data:text/plain,hi", true],
    ["data:text/*", "data:text/plain,hi", true],
    ["data:*", "about:blank", false],
    ["app:*", "app://bundle/index.html", true],
    ["app://bundle/*", "app://bundle/index.html", true],
  ];
  for (const [pattern, url, expected] of cases) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${url}`, () => {
      assert.equal(parseMatchPattern(pattern)(new URL(url)), expected);
    });
  }

  it("throws Chromium's parse errors in Electron's message", () => {
    const errors: Array<[string, string]> = [
      ["http://a.test", "Empty path."],
      ["a.test/*", "Missing scheme separator."],
      ["http:a.test/*", "Wrong scheme type."],
      ["http:///*", "Host can not be empty."],
      ["http://a.*.test/*", "Invalid host wildcard."],
      ["http://a.test:port/*", "Invalid port."],
      // Chromium's ExtensionURLPatternTest.Ports and ParseInvalid.
      ["http://foo:/", "Invalid port."],
      ["http://foo:123456/", "Invalid port."],
      ["http://foo:65536/", "Invalid port."],
      ["http://foo:80:80/monkey", "Invalid port."],
      ["http://*.:80/", "Host can not be empty."],
      ["http://*./", "Host can not be empty."],
      ["1http://a.test/*", "Wrong scheme type."],
      // The rest of Chromium's ExtensionURLPatternTest.ParseInvalid, Ports and IPv6Patterns.
      ["http", "Missing scheme separator."],
      ["http:", "Wrong scheme type."],
      ["http:/", "Wrong scheme type."],
      ["http://", "Host can not be empty."],
      ["http://:1234/", "Host can not be empty."],
      ["http://*foo/bar", "Invalid host wildcard."],
      ["http://foo.*/bar", "Invalid host wildcard."],
      ["http://[::1/*", "Invalid host."],
      ["http://[::1]]/*", "Invalid host."],
      ["http://[]:8888/*", "Host can not be empty."],
      ["http://[::1]:/*", "Invalid port."],
      // A port needs a scheme that has a default one: not `*`, not a custom scheme.
      ["*://a.test:8080/*", "Invalid port."],
      ["app://bundle:1/*", "Invalid port."],
      // A host that no URL can have.
      ["http://a b/*", "Invalid host."],
      ["http://a@b/*", "Invalid host."],
      ["http://a%zz/*", "Invalid host."],
    ];
    for (const [pattern, reason] of errors) {
      assert.throws(() => parseMatchPattern(pattern), {
        name: "TypeError",
        message: `Invalid url pattern ${pattern}: ${reason}`,
      });
    }
  });
});

describe("parseMatchPattern of a scheme without hosts", () => {
  it("refuses one with nothing after the colon, as URLPattern::Parse (Host can not be empty.)", () => {
    for (const pattern of ["data:", "app:"]) {
      assert.throws(() => parseMatchPattern(pattern), {
        name: "TypeError",
        message: `Invalid url pattern ${pattern}: Host can not be empty.`,
      });
    }
    assert.equal(parseMatchPattern("data:,")(new URL("data:,")), true);
  });
});

describe("parseRequestFilter", () => {
  it("matches all URLs when urls is empty, and applies excludeUrls and types", () => {
    const filter = parseRequestFilter({
      urls: [],
      excludeUrls: ["*://*/private/*"],
      types: ["xhr"],
    });
    assert.equal(filter.matches("https://a.test/public/x", "xhr"), true);
    assert.equal(filter.matches("https://a.test/private/x", "xhr"), false);
    assert.equal(filter.matches("https://a.test/public/x", "download"), false);
  });

  it("answers each URL by its own parts when filters are asked about URLs in turn", () => {
    const hosts = parseRequestFilter({ urls: ["*://a.test/*"], excludeUrls: ["*://*/skip*"] });
    const paths = parseRequestFilter({ urls: ["http://*/api/*"] });
    const asked: Array<[string, boolean, boolean]> = [
      ["http://a.test/api/x", true, true],
      ["http://b.test/api/x", false, true],
      ["http://a.test/skip?q", false, false],
      ["not a url", false, false],
      ["http://a.test/api/x", true, true],
      ["https://a.test:8443/api/x", true, false],
    ];
    for (const [url, host, path] of asked) {
      assert.equal(hosts.matches(url, "xhr"), host, `${url} by host`);
      assert.equal(paths.matches(url, "xhr"), path, `${url} by path`);
    }
  });
});

describe("parseMatchPattern with the parts of a URL", () => {
  it("gives a plain record of a URL's parts the URL's answer", () => {
    for (
      const [pattern, given] of [
        ["http://*.a.test:8080/x*", "http://www.a.test:8080/x?y"],
        ["data:text/*", "data:text/plain,x"],
        ["https://a.test/*", "http://a.test/"],
        ["http://a.test/p?q=*", "http://a.test/p?q=1"],
      ]
    ) {
      const matches = parseMatchPattern(pattern!);
      const url = new URL(given!);
      const { href, protocol, hostname, port, pathname, search } = url;
      const parts = { href, protocol, hostname, port, pathname, search };
      assert.equal(matches(parts), matches(url), pattern);
    }
  });
});
