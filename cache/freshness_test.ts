import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CacheEntry } from "./cache_entry.ts";
import { freshness, isStorable, parseHttpDate, varyNames } from "./freshness.ts";

const NOW = Date.parse("Sun, 29 Nov 2026 12:00:00 GMT");

function entry(rawHeaders: Array<[string, string]>, fields: Partial<CacheEntry> = {}): CacheEntry {
  return {
    key: "http://a.test/",
    url: "http://a.test/",
    status: 200,
    statusText: "OK",
    httpVersion: "1.1",
    rawHeaders,
    vary: [],
    requestTime: NOW,
    responseTime: NOW,
    remoteAddress: "",
    remotePort: 0,
    body: new Uint8Array(),
    ...fields,
  };
}

const date = (offsetMs: number) => new Date(NOW + offsetMs).toUTCString();

describe("freshness", () => {
  it("takes max-age over Expires, and ignores s-maxage in a private cache", () => {
    const state = freshness(
      entry([["Cache-Control", "max-age=10, s-maxage=99"], ["Expires", date(3600_000)]]),
      NOW,
    );
    assert.equal(state.lifetime, 10_000);
  });

  it("computes Expires minus Date, and an invalid Expires as already expired", () => {
    assert.equal(
      freshness(entry([["Date", date(0)], ["Expires", date(60_000)]]), NOW).lifetime,
      60_000,
    );
    assert.equal(freshness(entry([["Expires", "0"]]), NOW).lifetime, 0);
  });

  it("uses 10% of the Last-Modified age for 200, 203 and 206 only, as Chromium", () => {
    const headers: Array<[string, string]> = [
      ["Date", date(0)],
      ["Last-Modified", date(-10 * 3600_000)],
    ];
    for (const status of [200, 203, 206]) {
      assert.equal(freshness(entry(headers, { status }), NOW).lifetime, 3600_000, `${status}`);
    }
    // Heuristically cacheable in RFC 9110, but Chromium's GetFreshnessLifetimes gives them none.
    for (const status of [204, 302, 404, 405, 414, 501]) {
      assert.equal(freshness(entry(headers, { status }), NOW).lifetime, 0, `${status}`);
    }
    // Nor under must-revalidate, nor from a Last-Modified after Date.
    const revalidate: Array<[string, string]> = [...headers, ["Cache-Control", "must-revalidate"]];
    assert.equal(freshness(entry(revalidate), NOW).lifetime, 0);
    const future: Array<[string, string]> = [["Date", date(0)], ["Last-Modified", date(60_000)]];
    assert.equal(freshness(entry(future), NOW).lifetime, 0);
  });

  it("keeps 300, 301, 308 and 410 fresh for good unless a field says otherwise (Chromium)", () => {
    for (const status of [300, 301, 308, 410]) {
      assert.equal(freshness(entry([], { status }), NOW).lifetime, Infinity);
      assert.equal(
        freshness(entry([["Last-Modified", date(-3600_000)]], { status }), NOW).lifetime,
        Infinity,
      );
      assert.equal(
        freshness(entry([["Cache-Control", "max-age=5"]], { status }), NOW).lifetime,
        5000,
      );
      assert.equal(isStorable(status, []), true);
      assert.equal(isStorable(status, [["Cache-Control", "no-store"]]), false);
    }
    assert.equal(freshness(entry([], { status: 302 }), NOW).lifetime, 0);
    assert.equal(isStorable(302, []), false);
  });

  it("adds Age, the response delay and the resident time (RFC 9111 §4.2.3)", () => {
    const state = freshness(
      entry([["Age", "30"], ["Date", date(0)]], {
        requestTime: NOW - 2000,
        responseTime: NOW,
      }),
      NOW + 5000,
    );
    assert.equal(state.age, 30_000 + 2000 + 5000);
    // A Date in the past makes the apparent age count when it is larger.
    assert.equal(freshness(entry([["Date", date(-60_000)]]), NOW).age, 60_000);
  });

  it("reads Age's first member as 1*DIGIT and ignores any other value (RFC 9111 §5.1)", () => {
    const age = (...values: string[]) =>
      freshness(entry(values.map((value): [string, string] => ["Age", value])), NOW).age;
    // A list (two caches on the way each wrote one): the first member, as Chromium's GetAgeValue.
    assert.equal(age("7200", "60"), 7_200_000);
    assert.equal(age("7200, 60"), 7_200_000);
    assert.equal(age(" 30 "), 30_000);
    // Not a non-negative integer: ignored, as if absent.
    for (const value of ["-5", "1.5", "1e3", "0x10", "", "soon"]) {
      assert.equal(age(value), 0, value);
    }
    // Beyond 2^31 seconds: saturated, as delta-seconds are (RFC 9111 §1.2.2).
    assert.equal(age("99999999999999999999"), 2 ** 31 * 1000);
  });

  it("reads no-cache (bare, with fields, and Pragma), must-revalidate, swr, sie", () => {
    const bare = freshness(entry([["Cache-Control", "no-cache"]]), NOW);
    assert.deepEqual([bare.noCache, bare.mustRevalidate], [true, true]);
    const fields = freshness(entry([["Cache-Control", 'no-cache="x-a, x-b"']]), NOW);
    assert.deepEqual([fields.noCache, fields.noCacheFields], [false, ["x-a", "x-b"]]);
    assert.equal(freshness(entry([["Pragma", "no-cache"]]), NOW).noCache, true);
    // Whatever Cache-Control says, as Chromium's GetFreshnessLifetimes.
    const pragma = freshness(
      entry([["Cache-Control", "max-age=600, stale-while-revalidate=60"], ["Pragma", "no-cache"]]),
      NOW,
    );
    assert.deepEqual([pragma.noCache, pragma.mustRevalidate], [true, true]);
    const rich = freshness(
      entry([[
        "Cache-Control",
        "max-age=1, must-revalidate, stale-while-revalidate=5, stale-if-error=7, immutable",
      ]]),
      NOW,
    );
    assert.deepEqual(
      [rich.mustRevalidate, rich.staleWhileRevalidate, rich.staleIfError],
      [true, 5000, 7000],
    );
  });
});

describe("isStorable", () => {
  it("stores understood statuses with freshness or validators, never no-store or Vary: *", () => {
    assert.equal(isStorable(200, [["Cache-Control", "max-age=1"]]), true);
    assert.equal(isStorable(200, [["ETag", '"a"']]), true);
    assert.equal(isStorable(200, [["Cache-Control", "private, max-age=1"]]), true);
    assert.equal(isStorable(200, []), false);
    assert.equal(isStorable(200, [["Cache-Control", "public"]]), false);
    assert.equal(isStorable(206, [["Cache-Control", "max-age=1"]]), false);
    assert.equal(
      isStorable(200, [["cache-control", "max-age=1"], ["Cache-Control", "no-store"]]),
      false,
    );
    assert.equal(isStorable(200, [["Cache-Control", "max-age=1"], ["Vary", "a, *"]]), false);
  });

  it("stores any other final status but 206, 304, 401, 407 given max-age or Expires, as Chromium", () => {
    const expires: Array<[string, string]> = [["Expires", "Mon, 30 Nov 2026 00:00:00 GMT"]];
    for (const status of [201, 202, 400, 403, 418, 500, 502, 503]) {
      assert.equal(isStorable(status, [["Cache-Control", "max-age=5"]]), true, String(status));
      assert.equal(isStorable(status, expires), true, String(status));
      assert.equal(isStorable(status, [["ETag", '"a"']]), false, String(status));
      assert.equal(isStorable(status, [["Cache-Control", "private"]]), false, String(status));
      assert.equal(isStorable(status, [["Cache-Control", "no-store, max-age=5"]]), false);
    }
    assert.equal(isStorable(304, [["Cache-Control", "max-age=5"]]), false);
    // Challenges: a stored one would answer the request sent again with credentials.
    assert.equal(isStorable(401, [["Cache-Control", "max-age=5"]]), false);
    assert.equal(isStorable(407, expires), false);
    assert.equal(isStorable(206, expires), false);
  });

  it("finds the fields it reads whatever their case, among lines of other names", () => {
    const others: Array<[string, string]> = [["Date", "x"], ["Set-Cookie", "a=1"], ["Via", "y"]];
    assert.equal(isStorable(200, [...others, ["EXPIRES", "Mon, 30 Nov 2026 00:00:00 GMT"]]), true);
    assert.equal(isStorable(200, [...others, ["Last-Modified", "x"]]), true);
    assert.equal(isStorable(200, [["etag", '"a"'], ["VARY", "*"]]), false);
    assert.equal(
      isStorable(200, [...others, ["CACHE-CONTROL", "no-store"], ["ETag", '"a"']]),
      false,
    );
    assert.equal(isStorable(200, others), false);
  });
});

describe("varyNames and parseHttpDate", () => {
  it("normalises Vary and parses IMF-fixdate", () => {
    assert.deepEqual(varyNames(" Accept-Language ,accept-encoding, ACCEPT-language"), [
      "accept-encoding",
      "accept-language",
    ]);
    assert.equal(varyNames("*"), "*");
    assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
    assert.equal(parseHttpDate("yesterday"), undefined);
  });

  it("parses the three HTTP-date formats, and no bare number or ISO date (RFC 9110 §5.6.7)", () => {
    assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
    assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994"), Date.parse("Sun Nov  6 08:49:37 1994"));
    // Date.parse reads each of these as a year (or a day) far ahead: Expires: 3600, meant as a
    // max-age, would keep a response fresh for centuries.
    for (const value of ["3600", "-1", "0", "2099", "99999", "2099-01-01", "12/01/2094", ""]) {
      assert.equal(parseHttpDate(value), undefined, value);
    }
    assert.equal(
      freshness(entry([["Date", date(0)], ["Expires", "3600"]]), NOW).lifetime,
      0,
    );
  });
});
