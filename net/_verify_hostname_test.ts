import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseSubjectAltName, verifyHostname } from "./_verify_hostname.ts";

function matches(hostname: string, dnsNames: string[], ipAddresses: string[] = []): boolean {
  return verifyHostname(hostname, { dnsNames, ipAddresses });
}

describe("parseSubjectAltName", () => {
  it("reads DNS and IP entries and leaves the other kinds out", () => {
    assert.deepEqual(
      parseSubjectAltName(
        "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:https://a, " +
          'email:a@b, DNS:"odd, name", DNS:*.example.com',
      ),
      {
        dnsNames: ["localhost", "odd, name", "*.example.com"],
        ipAddresses: ["127.0.0.1", "0:0:0:0:0:0:0:1"],
      },
    );
  });

  it("gives no names for a certificate without the extension", () => {
    assert.deepEqual(parseSubjectAltName(undefined), { dnsNames: [], ipAddresses: [] });
    assert.deepEqual(parseSubjectAltName(""), { dnsNames: [], ipAddresses: [] });
  });
});

// Cases from Chromium's x509_certificate_unittest.cc (kNameVerifyTestData) and the rules of
// X509Certificate::VerifyHostname.
describe("verifyHostname", () => {
  it("matches a DNS name case-insensitively, a trailing dot ignored on either side", () => {
    assert.equal(matches("www.example.com", ["WWW.Example.COM"]), true);
    assert.equal(matches("www.example.com.", ["www.example.com"]), true);
    assert.equal(matches("www.example.com", ["www.example.com."]), true);
    assert.equal(matches("example.com", ["www.example.com"]), false);
    assert.equal(matches("localhost", ["localhost"]), true);
  });

  it("takes a wildcard only as the whole leftmost label, for exactly one label", () => {
    assert.equal(matches("www.example.com", ["*.example.com"]), true);
    assert.equal(matches("a.b.example.com", ["*.example.com"]), false);
    assert.equal(matches("example.com", ["*.example.com"]), false);
    assert.equal(matches("foo.example.com", ["f*.example.com"]), false);
    assert.equal(matches("foo.example.com", ["*o.example.com"]), false);
    assert.equal(matches("www.a.example.com", ["www.*.example.com"]), false);
  });

  it("refuses wildcards under a public suffix or an unknown TLD, not under a private one", () => {
    assert.equal(matches("example.com", ["*.com"]), false);
    assert.equal(matches("shop.co.uk", ["*.co.uk"]), false);
    assert.equal(matches("a.shop.co.uk", ["*.shop.co.uk"]), true);
    assert.equal(matches("host.localhost", ["*.localhost"]), false);
    assert.equal(matches("host.intranet", ["*.intranet"]), false);
    assert.equal(matches("myapp.appspot.com", ["*.appspot.com"]), true);
  });

  it("matches an IP address only against IP entries, in any spelling", () => {
    assert.equal(matches("127.0.0.1", [], ["127.0.0.1"]), true);
    assert.equal(matches("127.0.0.1", ["127.0.0.1"]), false);
    assert.equal(matches("127.0.0.1", ["*.0.0.1"]), false);
    assert.equal(matches("::1", [], ["0:0:0:0:0:0:0:1"]), true);
    assert.equal(matches("[::1]", [], ["::1"]), true);
    assert.equal(matches("::2", [], ["::1"]), false);
    assert.equal(matches("127.0.0.1", [], ["::ffff:7f00:1"]), false);
  });

  it("refuses a name that is not a DNS host name", () => {
    assert.equal(matches("", [""]), false);
    assert.equal(matches(".", ["."]), false);
    assert.equal(matches("a..b", ["a..b"]), false);
    assert.equal(matches("a b", ["a b"]), false);
    assert.equal(matches("localhost/x", ["localhost"]), false);
    assert.equal(matches("user@localhost", ["localhost"]), false);
    assert.equal(matches("localhost", ["local\0host", ""]), false);
  });

  it("compares an internationalised name in its punycode form", () => {
    assert.equal(matches("bücher.example", ["xn--bcher-kva.example"]), true);
  });
});
