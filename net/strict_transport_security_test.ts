import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_HSTS_AGE_SECONDS, parseStrictTransportSecurity } from "./strict_transport_security.ts";

describe("parseStrictTransportSecurity", () => {
  it("reads max-age and includeSubDomains in any case, order and quoting", () => {
    const cases: Array<[string, { maxAge: number; includeSubDomains: boolean }]> = [
      ["max-age=600", { maxAge: 600, includeSubDomains: false }],
      ['MAX-AGE="600"; INCLUDESUBDOMAINS', { maxAge: 600, includeSubDomains: true }],
      ["includeSubDomains; max-age=0", { maxAge: 0, includeSubDomains: true }],
      // Empty directives and unknown ones (with values, quoted or not) are ignored.
      [';; max-age = 10 ;preload; foo="a;b"; ;', { maxAge: 10, includeSubDomains: false }],
      ["max-age=0123", { maxAge: 123, includeSubDomains: false }],
    ];
    for (const [value, expected] of cases) {
      assert.deepEqual(parseStrictTransportSecurity(value), expected, value);
    }
  });

  it("cuts a max-age past one year to one year, as Chromium's kMaxHSTSAgeSecs", () => {
    assert.equal(MAX_HSTS_AGE_SECONDS, 31_536_000);
    assert.equal(parseStrictTransportSecurity("max-age=99999999999999999999")?.maxAge, 31_536_000);
  });

  it("ignores an invalid header whole", () => {
    for (
      const value of [
        "",
        "includeSubDomains",
        "max-age",
        "max-age=",
        "max-age=-1",
        "max-age=1.5",
        "max-age=1; max-age=2",
        "max-age=1; includeSubDomains; includeSubDomains",
        "max-age=1; includeSubDomains=yes",
        'max-age="10',
        "max-age=10 20",
        "max age=10",
      ]
    ) {
      assert.equal(parseStrictTransportSecurity(value), undefined, value);
    }
  });
});
