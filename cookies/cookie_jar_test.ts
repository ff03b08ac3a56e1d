import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CookieInclusion } from "../core/cookie_jar_like.ts";
import {
  CookieJar,
  LAX_ALLOW_UNSAFE_MS,
  MAX_COOKIES,
  MAX_COOKIES_PER_DOMAIN,
  PURGED_COOKIES,
  PURGED_COOKIES_PER_DOMAIN,
} from "./cookie_jar.ts";

const request = (url: string, init?: RequestInit) => new Request(url, init);

describe("CookieJar limits", () => {
  it(`keeps ${MAX_COOKIES_PER_DOMAIN} per registrable domain and evicts down to ${PURGED_COOKIES_PER_DOMAIN} at one more`, () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now++ });
    const evicted: string[] = [];
    jar.setChangeListener((cookie, cause) => cause === "evicted" && evicted.push(cookie.name));
    for (let i = 0; i < MAX_COOKIES_PER_DOMAIN; i++) {
      // Subdomains count toward their registrable domain.
      jar.storeSetCookies(request(`http://h${i % 3}.example.com/`), [
        `c${i}=1; Domain=example.com`,
      ]);
    }
    assert.equal(jar.size, MAX_COOKIES_PER_DOMAIN);
    assert.deepEqual(evicted, []);
    jar.storeSetCookies(request("http://example.com/"), ["last=1"]);
    assert.equal(jar.size, PURGED_COOKIES_PER_DOMAIN);
    assert.equal(evicted.length, MAX_COOKIES_PER_DOMAIN + 1 - PURGED_COOKIES_PER_DOMAIN);
    // Least recently used first.
    assert.deepEqual(evicted.slice(0, 2), ["c0", "c1"]);
    jar.storeSetCookies(request("http://other.com/"), ["x=1"]);
    assert.equal(jar.size, PURGED_COOKIES_PER_DOMAIN + 1);
  });

  it("evicts insecure cookies before secure ones", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now++ });
    jar.storeSetCookies(request("https://example.com/"), ["secure=1; Secure"]);
    for (let i = 0; i < MAX_COOKIES_PER_DOMAIN; i++) {
      jar.storeSetCookies(request("https://example.com/"), [`c${i}=1`]);
    }
    assert.ok(jar.list().some((cookie) => cookie.name === "secure"));
  });

  // CookieMonster::GarbageCollect: a site over the limit loses its expired cookies first, and
  // is purged to 150 only if it is still over 180.
  it("removes a full site's expired cookies first and evicts none if that is enough", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    const changes: string[] = [];
    jar.setChangeListener((_cookie, cause) => cause !== "inserted" && changes.push(cause));
    for (let i = 0; i < MAX_COOKIES_PER_DOMAIN; i++) {
      const maxAge = i < 5 ? "; Max-Age=10" : "";
      jar.storeSetCookies(request("http://example.com/"), [`c${i}=1${maxAge}`]);
      now++;
    }
    now += 20_000;
    jar.storeSetCookies(request("http://example.com/"), ["last=1"]);
    assert.deepEqual(changes, Array(5).fill("expired"));
    assert.equal(jar.size, MAX_COOKIES_PER_DOMAIN + 1 - 5);
  });

  // CookieMonster::GarbageCollect purges the whole jar only of cookies not accessed for
  // kSafeFromGlobalPurgeDays (30), least recently used first, insecure before secure.
  it(`keeps ${MAX_COOKIES} in all and evicts down to ${PURGED_COOKIES} only cookies unused for 30 days`, () => {
    const day = 24 * 60 * 60 * 1000;
    let now = Date.UTC(2026, 0, 1);
    const jar = new CookieJar({ now: () => now++ });
    const evicted: string[] = [];
    jar.setChangeListener((cookie, cause) =>
      void (cause === "evicted" && evicted.push(cookie.name))
    );
    for (let i = 0; i < MAX_COOKIES; i++) {
      jar.storeSetCookies(request(`https://d${i % 100}.test/`), [
        `c${i}=1${i < 2 ? "; Secure" : ""}`,
      ]);
    }
    assert.equal(jar.size, MAX_COOKIES);
    now += 31 * day;
    // Used lately: safe from the purge even though it is among the oldest.
    assert.ok(jar.cookieHeader(request("https://d2.test/"))?.startsWith("c2=1; c102=1"));
    jar.storeSetCookies(request("https://d0.test/"), ["extra=1"]);
    assert.equal(jar.size, PURGED_COOKIES);
    assert.equal(evicted.length, MAX_COOKIES + 1 - PURGED_COOKIES);
    assert.deepEqual(evicted.slice(0, 3), ["c3", "c4", "c5"]);
    assert.ok(!evicted.includes("c0") && !evicted.includes("c2"));
    assert.ok(!evicted.includes("extra"));
  });

  it(`keeps more than ${MAX_COOKIES} cookies when all were used within 30 days`, () => {
    let now = Date.UTC(2026, 0, 1);
    const jar = new CookieJar({ now: () => now++ });
    let evicted = 0;
    jar.setChangeListener((_cookie, cause) => void (cause === "evicted" && evicted++));
    for (let i = 0; i <= MAX_COOKIES; i++) {
      jar.storeSetCookies(request(`http://d${i % 100}.test/`), [`c${i}=1`]);
    }
    assert.equal(jar.size, MAX_COOKIES + 1);
    assert.equal(evicted, 0);
  });
});

describe("CookieJar rules on the wire", () => {
  it("parses like Chromium: nameless cookies, size limits, ignored long attributes", () => {
    const jar = new CookieJar();
    const url = request("http://example.com/a");
    jar.storeSetCookies(url, [
      "nameless",
      `big=${"x".repeat(4093)}`,
      `toobig=${"x".repeat(4091)}`,
      `long=1; Path=/${"p".repeat(1024)}`,
      `ok=1; Path=/${"p".repeat(1023)}`,
    ]);
    assert.deepEqual(jar.list().map((cookie) => `${cookie.name}:${cookie.path.length}`).sort(), [
      ":1",
      "big:1",
      "long:1",
      "ok:1024",
    ]);
    assert.match(jar.cookieHeader(url)!, /^nameless; big=x+; long=1$/);
  });

  // ParsedCookie keeps the last pair of each attribute, valid or not, and
  // CanonicalCookie::ParseExpiration reads Max-Age with base::StringToInt64 (a "+" sign allowed,
  // an overflow saturating even before junk), falling back to Expires when it is not a number;
  // an Expires that is not a date makes a session cookie.
  it("reads the last Max-Age and Expires as Chromium, a sign and a saturating number included", () => {
    const now = 1_000_000_000;
    const jar = new CookieJar({ now: () => now });
    const tomorrow = new Date(now + 86_400_000).toUTCString();
    jar.storeSetCookies(request("http://example.com/"), [
      "lastinvalid=1; Max-Age=3600; Max-Age=abc",
      "lastvalid=1; Max-Age=abc; Max-Age=60",
      "plus=1; Max-Age=+60",
      "emptymaxage=1; Max-Age=; Expires=" + tomorrow,
      "junk=1; Max-Age=60s",
      "saturated=1; Max-Age=99999999999999999999s",
      "badexpires=1; Expires=" + tomorrow + "; Expires=junk",
      "emptyexpires=1; Expires=" + tomorrow + "; Expires=",
      "maxagewins=1; Expires=junk; Max-Age=60",
    ]);
    const expiries = Object.fromEntries(
      jar.list().map((
        cookie,
      ) => [cookie.name, cookie.expiry === undefined ? "session" : cookie.expiry - now]),
    );
    assert.deepEqual(expiries, {
      lastinvalid: "session",
      lastvalid: 60_000,
      plus: 60_000,
      emptymaxage: 86_400_000,
      junk: "session",
      saturated: 400 * 86_400_000,
      badexpires: "session",
      emptyexpires: "session",
      maxagewins: 60_000,
    });
    jar.storeSetCookies(request("http://example.com/"), [
      "lastvalid=1; Max-Age=60; Max-Age=-1",
      "plus=1; Max-Age=-99999999999999999999s",
    ]);
    assert.deepEqual(jar.list().filter((c) => c.name === "lastvalid" || c.name === "plus"), []);
  });

  it("moves an Expires date, not a Max-Age, by the skew of the server's clock", () => {
    const now = 1_000_000_000;
    const jar = new CookieJar({ now: () => now });
    const serverNow = now - 3_600_000;
    const inTenMinutes = new Date(serverNow + 600_000).toUTCString();
    jar.storeSetCookies(
      request("http://example.com/"),
      [
        `dated=1; Expires=${inTenMinutes}`,
        "aged=1; Max-Age=60",
        // The 400-day limit counts from now, after the move.
        `far=1; Expires=${new Date(serverNow + 500 * 86_400_000).toUTCString()}`,
      ],
      undefined,
      serverNow,
    );
    const expiries = Object.fromEntries(jar.list().map((c) => [c.name, c.expiry! - now]));
    assert.deepEqual(expiries, { dated: 600_000, aged: 60_000, far: 400 * 86_400_000 });
  });

  it("cuts a line at NUL, CR or LF and rejects other control characters", () => {
    const jar = new CookieJar();
    const url = request("http://example.com/");
    jar.storeSetCookies(url, ["a=1\0x", "b=2\rx", "c=3\nx", "d=4\x01", "e=5\tx"]);
    assert.equal(jar.cookieHeader(url), "a=1; b=2; c=3; e=5\tx");
  });

  it("rejects a Domain of a public suffix or another site, accepts the host's own", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("http://a.co.uk/"), ["a=1; Domain=co.uk", "b=1; Domain=a.co.uk"]);
    jar.storeSetCookies(request("http://a.example/"), ["c=1; Domain=b.example"]);
    assert.deepEqual(jar.list().map((cookie) => [cookie.name, cookie.domain]), [["b", ".a.co.uk"]]);
  });

  it("rejects a Domain with a %-escape, as Chromium's GetCookieDomainWithString", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("http://a.example.com/"), [
      "a=1; Domain=%65xample.com",
      "b=1; Domain=example.com",
    ]);
    assert.deepEqual(jar.list().map((cookie) => cookie.name), ["b"]);
  });

  it("takes a Domain equal to the IP host, IPv6 included, as a host-only cookie", () => {
    // Chromium's GetCookieDomainWithString: a Domain that is the URL's IP address names the host.
    const jar = new CookieJar();
    jar.storeSetCookies(request("http://[::1]:8080/"), ["six=1; Domain=[::1]", "no=1; Domain=::1"]);
    jar.storeSetCookies(request("http://10.0.0.1/"), [
      "four=1; Domain=.10.0.0.1",
      "no=1; Domain=0.1",
    ]);
    assert.deepEqual(jar.list().map((cookie) => [cookie.name, cookie.domain, cookie.hostOnly]), [
      ["six", "[::1]", true],
      ["four", "10.0.0.1", true],
    ]);
  });

  it("stores a Partitioned cookie only when it is Secure and from a secure or loopback URL", () => {
    // Chromium's CanonicalCookie::IsCookiePartitionedValid (EXCLUDE_INVALID_PARTITIONED).
    const jar = new CookieJar();
    const reasons: (string | undefined)[] = [];
    const log = ({ exclusion }: { exclusion?: string }) => void reasons.push(exclusion);
    jar.storeSetCookies(request("http://example.com/"), ["a=1; Partitioned"], log);
    jar.storeSetCookies(request("https://example.com/"), ["b=1; Partitioned"], log);
    jar.storeSetCookies(request("https://example.com/"), ["c=1; Partitioned; Secure"], log);
    jar.storeSetCookies(request("http://127.0.0.1/"), ["d=1; partitioned; Secure"], log);
    assert.deepEqual(jar.list().map((cookie) => cookie.name), ["c", "d"]);
    assert.deepEqual(reasons, [
      "EXCLUDE_INVALID_PARTITIONED",
      "EXCLUDE_INVALID_PARTITIONED",
      undefined,
      undefined,
    ]);
  });

  it("enforces __Host- and __Secure- prefixes", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("https://example.com/"), [
      "__Host-ok=1; Secure; Path=/",
      "__Host-domain=1; Secure; Path=/; Domain=example.com",
      "__Host-path=1; Secure; Path=/x",
      "__Secure-ok=1; Secure",
      "__secure-lower=1",
      "__Secure-insecure=1",
    ]);
    assert.deepEqual(jar.list().map((cookie) => cookie.name).sort(), ["__Host-ok", "__Secure-ok"]);
  });

  // Chromium's CanonicalCookie::Create judges a Set-Cookie line's __Host- prefix by the
  // attributes as written (IsCookiePrefixValid with the ParsedCookie): a default path of "/"
  // is not a `Path=/` attribute, and a Domain attribute naming the host itself is one too many
  // (RFC 6265bis §4.1.3.2); only an IP host may name its own address.
  // Chromium's __Http- and __Host-Http- prefixes (kPrefixCookieHttp, kPrefixCookieHostHttp, on
  // by default): what __Secure- and __Host- want, and HttpOnly.
  it("enforces __Http- and __Host-Http- prefixes", () => {
    const jar = new CookieJar();
    const seen: string[] = [];
    jar.storeSetCookies(request("https://example.com/"), [
      "__Http-ok=1; Secure; HttpOnly",
      "__HTTP-notHttpOnly=1; Secure",
      "__Http-insecure=1; HttpOnly",
      "__Host-Http-ok=1; Secure; HttpOnly; Path=/",
      "__Host-Http-notHttpOnly=1; Secure; Path=/",
      "__host-http-nopath=1; Secure; HttpOnly",
      "__Host-Http-domain=1; Secure; HttpOnly; Path=/; Domain=example.com",
      "__Httpish=1",
    ], (inclusion) => seen.push(`${inclusion.name} ${inclusion.exclusion ?? "INCLUDE"}`));
    assert.deepEqual(seen, [
      "__Http-ok INCLUDE",
      "__HTTP-notHttpOnly EXCLUDE_INVALID_PREFIX",
      "__Http-insecure EXCLUDE_INVALID_PREFIX",
      "__Host-Http-ok INCLUDE",
      "__Host-Http-notHttpOnly EXCLUDE_INVALID_PREFIX",
      "__host-http-nopath EXCLUDE_INVALID_PREFIX",
      "__Host-Http-domain EXCLUDE_INVALID_PREFIX",
      "__Httpish INCLUDE",
    ]);
  });

  it("wants a __Host- line's Path=/ written and no Domain attribute but an IP host's own", () => {
    const jar = new CookieJar();
    const seen: string[] = [];
    const listen = (inclusion: CookieInclusion) =>
      seen.push(`${inclusion.name} ${inclusion.exclusion ?? "INCLUDE"}`);
    jar.storeSetCookies(request("https://example.com/"), [
      "__Host-nopath=1; Secure",
      "__Host-badpath=1; Secure; Path=x",
      "__Host-lastpath=1; Secure; Path=/; Path=/x",
      "__Host-self=1; Secure; Path=/; Domain=example.com",
      "__host-lower=1; Secure",
      "__Host-ok=1; Secure; Path=/",
    ], listen);
    jar.storeSetCookies(request("http://localhost/"), [
      "__Host-localhost=1; Secure; Path=/; Domain=localhost",
    ], listen);
    jar.storeSetCookies(request("http://127.0.0.1/"), [
      "__Host-ip=1; Secure; Path=/; Domain=127.0.0.1",
    ], listen);
    assert.deepEqual(seen, [
      "__Host-nopath EXCLUDE_INVALID_PREFIX",
      "__Host-badpath EXCLUDE_INVALID_PREFIX",
      "__Host-lastpath EXCLUDE_INVALID_PREFIX",
      "__Host-self EXCLUDE_INVALID_PREFIX",
      "__host-lower EXCLUDE_INVALID_PREFIX",
      "__Host-ok INCLUDE",
      "__Host-localhost EXCLUDE_INVALID_PREFIX",
      "__Host-ip INCLUDE",
    ]);
    assert.deepEqual(jar.list().map((cookie) => cookie.name).sort(), ["__Host-ip", "__Host-ok"]);
  });

  it("refuses a nameless cookie whose value starts with a prefix, even one meeting its rules", () => {
    // The Cookie header would carry `__Host-sid=x`, which the server reads as a __Host- cookie
    // it never set: Chromium's HasHiddenPrefixName rejects such a value outright (RFC 6265bis
    // §5.7), case-insensitively.
    const jar = new CookieJar();
    const excluded: string[] = [];
    jar.storeSetCookies(
      request("https://example.com/"),
      [
        "=__Host-sid=x; Secure; Path=/",
        "=__secure-sid=x; Secure",
        "__HOST-sid",
        "=__Hostile=1",
      ],
      (inclusion) => excluded.push(inclusion.exclusion ?? "INCLUDE"),
    );
    assert.deepEqual(excluded, [
      "EXCLUDE_INVALID_PREFIX",
      "EXCLUDE_INVALID_PREFIX",
      "EXCLUDE_INVALID_PREFIX",
      "INCLUDE",
    ]);
    assert.equal(jar.cookieHeader(request("https://example.com/")), "__Hostile=1");
  });

  it("requires Secure for SameSite=None and a secure URL for Secure", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("https://example.com/"), ["none=1; SameSite=None"]);
    jar.storeSetCookies(request("http://example.com/"), ["sec=1; Secure"]);
    assert.equal(jar.size, 0);
  });

  it("sends unspecified-SameSite cookies with a cross-site POST only while two minutes old", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    jar.storeSetCookies(request("https://example.com/"), ["u=1", "l=1; SameSite=Lax"]);
    const post = () =>
      jar.cookieHeader(
        request("https://example.com/", {
          method: "POST",
          headers: { origin: "https://evil.test" },
        }),
      );
    assert.equal(post(), "u=1");
    now += LAX_ALLOW_UNSAFE_MS;
    assert.equal(post(), "u=1");
    now += 1;
    assert.equal(post(), undefined);
  });

  it("orders the header by path length, then creation", () => {
    let now = 1;
    const jar = new CookieJar({ now: () => now++ });
    const url = request("http://example.com/a/b/c");
    jar.storeSetCookies(url, [
      "root=1; Path=/",
      "deep=1; Path=/a/b",
      "mid=1; Path=/a",
      "root2=1; Path=/",
    ]);
    assert.equal(jar.cookieHeader(url), "deep=1; mid=1; root=1; root2=1");
  });

  // CookieMonster::MaybeDeleteEquivalentCookieAndUpdateStatus: the replaced cookie's creation
  // time is inherited only when the value is the same (RFC 6265bis inherits it always).
  it("keeps a replaced cookie's place in the order only when its value is unchanged", () => {
    let now = 1;
    const jar = new CookieJar({ now: () => now++ });
    const url = request("http://example.com/");
    jar.storeSetCookies(url, ["a=1", "b=2", "c=3; Max-Age=100", "d=4"]);
    jar.storeSetCookies(url, ["a=1; HttpOnly", "c=3; Max-Age=200"]);
    assert.equal(jar.cookieHeader(url), "a=1; b=2; c=3; d=4");
    jar.storeSetCookies(url, ["a=5", "c=6; Max-Age=100"]);
    assert.equal(jar.cookieHeader(url), "b=2; d=4; a=5; c=6");
    const byName = new Map(jar.list().map((cookie) => [cookie.name, cookie.creation]));
    assert.ok(byName.get("c")! > byName.get("a")!);
  });

  it("checks only the same site's cookies for a Secure one an insecure write would shadow", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("https://a.example.com/"), ["s=1; Secure; Domain=example.com"]);
    jar.storeSetCookies(request("http://b.example.com/"), ["s=2"]);
    jar.storeSetCookies(request("http://other.com/"), ["s=3"]);
    assert.deepEqual(jar.list().map((cookie) => `${cookie.domain}:${cookie.value}`), [
      ".example.com:1",
      "other.com:3",
    ]);
  });

  it("keeps host-only cookies off subdomains and domain cookies on them", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("http://example.com/"), ["host=1", "dom=1; Domain=.Example.COM"]);
    assert.equal(jar.cookieHeader(request("http://www.example.com/")), "dom=1");
    assert.equal(jar.cookieHeader(request("http://example.com/")), "host=1; dom=1");
    assert.equal(jar.cookieHeader(request("http://notexample.com/")), undefined);
  });
});

describe("CookieJar inclusion reports", () => {
  it("names the cookies it sends and, with Chromium's reasons, those it leaves out", () => {
    const jar = new CookieJar();
    const secure = new Request("https://a.test/docs/page");
    jar.storeSetCookies(secure, [
      "plain=1; Path=/",
      "safe=1; Secure; Path=/",
      "strict=1; SameSite=Strict; Path=/",
      "docs=1",
    ]);
    const heard: CookieInclusion[] = [];
    const header = jar.cookieHeader(
      new Request("http://a.test/other", { headers: { origin: "https://b.test" } }),
      (inclusion) => heard.push(inclusion),
    );
    assert.equal(header, "plain=1");
    const byName = Object.fromEntries(heard.map((i) => [i.name, i.exclusion ?? "INCLUDE"]));
    assert.deepEqual(byName, {
      plain: "INCLUDE",
      safe: "EXCLUDE_SECURE_ONLY",
      strict: "EXCLUDE_SAMESITE_STRICT",
      docs: "EXCLUDE_NOT_ON_PATH",
    });
    assert.ok(heard.every((i) => i.operation === "send" && i.domain === "a.test"));
  });

  it("reports each Set-Cookie line stored or refused", () => {
    const jar = new CookieJar();
    const heard: CookieInclusion[] = [];
    jar.storeSetCookies(
      new Request("http://a.test/"),
      ["ok=1", "s=1; Secure", "=", "x=1; Domain=b.test", "__Secure-y=1", "n=1; SameSite=None"],
      (inclusion) => heard.push(inclusion),
    );
    assert.deepEqual(heard.map((i) => [i.name, i.exclusion]), [
      ["ok", undefined],
      ["s", "EXCLUDE_SECURE_ONLY"],
      ["", "EXCLUDE_NO_COOKIE_CONTENT"],
      ["x", "EXCLUDE_INVALID_DOMAIN"],
      ["__Secure-y", "EXCLUDE_INVALID_PREFIX"],
      ["n", "EXCLUDE_SAMESITE_NONE_INSECURE"],
    ]);
    assert.ok(heard.every((i) => i.operation === "store"));
  });
});

describe("CookieJar storing the same line again", () => {
  it("dates a Max-Age line from each response, and keeps a session line's fields", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    const url = request("http://a.test/");
    for (const at of [1_000_000, 9_000_000]) {
      now = at;
      jar.storeSetCookies(url, [
        "m=1; Max-Age=60",
        "s=2; Path=/; HttpOnly",
        "s=2; Path=/; HttpOnly",
      ]);
      const [m, s] = jar.list("http://a.test/").sort((a, b) => a.name.localeCompare(b.name));
      assert.equal(m!.expiry, at + 60_000, "Max-Age counts from this response");
      assert.equal(s!.expiry, undefined);
      assert.equal(s!.httpOnly, true);
      assert.equal(s!.value, "2");
    }
    assert.equal(jar.size, 2);
  });
});

describe("CookieJar storing an unchanged line again from the same URL", () => {
  const changes = (jar: CookieJar) => {
    const heard: string[] = [];
    jar.setChangeListener((cookie, cause, removed) =>
      heard.push(`${cookie.name}=${cookie.value} ${cause} ${removed}`)
    );
    return heard;
  };

  it("reports an overwrite with no change each time and moves only the access time", () => {
    let now = 1_000;
    const jar = new CookieJar({ now: () => now });
    const heard = changes(jar);
    const stored: CookieInclusion[] = [];
    const url = request("http://a.test/app/page");
    for (let i = 0; i < 3; i++, now += 10) {
      jar.storeSetCookies(url, ["id=7; HttpOnly"], (inclusion) => stored.push(inclusion));
    }
    assert.deepEqual(heard, [
      "id=7 inserted false",
      "id=7 overwrite true",
      "id=7 inserted-no-change-overwrite false",
      "id=7 overwrite true",
      "id=7 inserted-no-change-overwrite false",
    ]);
    const [cookie] = jar.list();
    assert.deepEqual(
      [cookie!.creation, cookie!.lastAccess, cookie!.path, cookie!.httpOnly],
      [1_000, 1_020, "/app", true],
    );
    assert.deepEqual(stored.map((i) => [i.name, i.domain, i.path, i.exclusion]), [
      ["id", "a.test", "/app", undefined],
      ["id", "a.test", "/app", undefined],
      ["id", "a.test", "/app", undefined],
    ]);
  });

  it("repeats the line's own cookie though a change listener set another one meanwhile", () => {
    let now = 1_000;
    const jar = new CookieJar({ now: () => now });
    const heard: string[] = [];
    const url = request("http://a.test/");
    for (const inPlace of [false, true]) {
      jar.setChangeListener((cookie, cause, removed) => {
        heard.push(`${cookie.name}=${cookie.value} ${cause} ${removed}`);
        // A listener mirroring the session cookie into another one, as it is told of it.
        if (cookie.name === "id" && !removed) {
          jar.set({ ...cookie, name: "mirror", expiry: undefined }, "http://a.test/");
        }
      });
      heard.length = 0;
      // The second round overwrites the stored id in place before the repeats.
      jar.storeSetCookies(url, [inPlace ? "id=8" : "id=7"]);
      now += 10;
      jar.storeSetCookies(url, [inPlace ? "id=8" : "id=7"]);
      jar.storeSetCookies(url, [inPlace ? "id=8" : "id=7"]);
      const value = inPlace ? 8 : 7;
      assert.deepEqual(heard.filter((line) => line.startsWith("id=")), [
        ...(inPlace ? ["id=7 overwrite true"] : []),
        `id=${value} inserted false`,
        `id=${value} overwrite true`,
        `id=${value} inserted-no-change-overwrite false`,
        `id=${value} overwrite true`,
        `id=${value} inserted-no-change-overwrite false`,
      ]);
      assert.equal(jar.list().find((c) => c.name === "id")!.lastAccess, now);
    }
    // A line that removes the cookie places none, though the listener sets a session cookie.
    jar.setChangeListener((cookie, cause) => {
      heard.push(`${cookie.name}=${cookie.value} ${cause}`);
      if (cause === "expired-overwrite") jar.set({ ...cookie, name: "after" }, "http://a.test/");
    });
    heard.length = 0;
    jar.storeSetCookies(url, ["id=; Max-Age=0"]);
    jar.storeSetCookies(url, ["id=; Max-Age=0"]);
    assert.deepEqual(heard, ["id=8 expired-overwrite", "after=8 inserted"]);
  });

  it("stores it in full after the cookie changed, went away or was evicted", () => {
    const jar = new CookieJar();
    const heard = changes(jar);
    const url = request("http://a.test/");
    jar.storeSetCookies(url, ["id=1"]);
    jar.storeSetCookies(url, ["id=2"]);
    jar.storeSetCookies(url, ["id=1"]);
    assert.deepEqual(heard.splice(0), [
      "id=1 inserted false",
      "id=1 overwrite true",
      "id=2 inserted false",
      "id=2 overwrite true",
      "id=1 inserted false",
    ]);
    jar.remove("http://a.test/", "id");
    jar.storeSetCookies(url, ["id=1"]);
    assert.deepEqual(heard.splice(0), ["id=1 explicit true", "id=1 inserted false"]);
    assert.equal(jar.cookieHeader(url), "id=1");

    // A listener that removes the cookie as it is overwritten: the next line inserts it again.
    jar.setChangeListener((cookie, cause) => {
      if (cause === "overwrite") jar.remove("http://a.test/", cookie.name);
    });
    jar.storeSetCookies(url, ["id=1"]);
    assert.equal(jar.size, 0);
    jar.setChangeListener(undefined);
    jar.storeSetCookies(url, ["id=1"]);
    assert.equal(jar.cookieHeader(url), "id=1");

    // The only insecure cookie of a full site goes first when it is inserted, every time.
    const full = new CookieJar();
    const secure = request("https://b.test/");
    for (let i = 0; i < MAX_COOKIES_PER_DOMAIN; i++) {
      full.storeSetCookies(secure, [`s${i}=1; Secure`]);
    }
    const fullHeard = changes(full);
    full.storeSetCookies(secure, ["x=1"]);
    full.storeSetCookies(secure, ["x=1"]);
    assert.deepEqual(fullHeard.filter((change) => change.startsWith("x=")), [
      "x=1 inserted false",
      "x=1 evicted true",
      "x=1 inserted false",
    ]);
  });

  it("stores the lines after a repeated one for the response's URL", () => {
    const jar = new CookieJar();
    const heard = changes(jar);
    const url = request("http://a.test/app/page");
    jar.storeSetCookies(url, ["id=1"]);
    jar.storeSetCookies(url, ["id=1", "n=2", "id=1"]);
    assert.deepEqual(heard, [
      "id=1 inserted false",
      "id=1 overwrite true",
      "id=1 inserted-no-change-overwrite false",
      "n=2 inserted false",
      "id=1 overwrite true",
      "id=1 inserted-no-change-overwrite false",
    ]);
    assert.deepEqual(jar.list().map((cookie) => `${cookie.name} ${cookie.domain}${cookie.path}`), [
      "id a.test/app",
      "n a.test/app",
    ]);
  });

  it("stores the same line from another URL for that URL", () => {
    const jar = new CookieJar();
    jar.storeSetCookies(request("http://a.test/x/y"), ["id=1"]);
    jar.storeSetCookies(request("http://a.test/p/q"), ["id=1"]);
    jar.storeSetCookies(request("http://b.test/x/y"), ["id=1"]);
    jar.storeSetCookies(request("http://a.test/x/y"), ["id=1"]);
    assert.deepEqual(jar.list().map((cookie) => `${cookie.domain}${cookie.path}`).sort(), [
      "a.test/p",
      "a.test/x",
      "b.test/x",
    ]);
  });
});

describe("CookieJar building the same Cookie header again", () => {
  it("follows expiry and every change of the jar", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    const expired: string[] = [];
    jar.setChangeListener((cookie, cause) => cause === "expired" && expired.push(cookie.name));
    const url = request("http://a.test/");
    jar.storeSetCookies(url, ["a=1; Max-Age=10", "b=2"]);
    assert.equal(jar.cookieHeader(url), "a=1; b=2");
    now += 9_999;
    assert.equal(jar.cookieHeader(url), "a=1; b=2");
    now += 1;
    assert.equal(jar.cookieHeader(url), "b=2");
    assert.deepEqual(expired, ["a"]);
    jar.storeSetCookies(url, ["c=3"]);
    assert.equal(jar.cookieHeader(url), "b=2; c=3");
    jar.remove("http://a.test/", "b");
    assert.equal(jar.cookieHeader(url), "c=3");
    jar.storeSetCookies(request("http://a.test/x/"), ["d=4; Max-Age=1; Path=/x"]);
    const deeper = request("http://a.test/x/y");
    assert.equal(jar.cookieHeader(deeper), "d=4; c=3");
    now += 1_000;
    assert.equal(jar.cookieHeader(deeper), "c=3");
    assert.deepEqual(expired, ["a", "d"]);
  });

  // CookieMonster::FindCookiesForRegistryControlledHost deletes every expired cookie of the
  // request's registrable domain, whether or not the request would have carried it.
  it("removes the expired cookies of the whole site a request goes to", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    const expired: string[] = [];
    jar.setChangeListener((cookie, cause) => cause === "expired" && expired.push(cookie.name));
    jar.storeSetCookies(request("https://a.example.com/x/"), [
      "host=1; Max-Age=10",
      "secure=1; Max-Age=10; Secure; Domain=example.com",
      "path=1; Max-Age=10; Path=/x",
      "later=1; Max-Age=100",
    ]);
    jar.storeSetCookies(request("http://other.test/"), ["other=1; Max-Age=10"]);
    const url = request("http://b.example.com/");
    assert.equal(jar.cookieHeader(url), undefined);
    now += 10_000;
    assert.equal(jar.cookieHeader(url), undefined);
    assert.deepEqual(expired, ["host", "secure", "path"]);
    assert.deepEqual(jar.list().map((cookie) => cookie.name), ["later"]);
    assert.deepEqual(expired, ["host", "secure", "path", "other"]);
  });

  it("builds it again after a change listener told of an expiry changed the jar", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    const url = request("http://a.test/");
    jar.storeSetCookies(url, ["a=1; Max-Age=1", "b=2"]);
    jar.setChangeListener((_cookie, cause) => {
      if (cause === "expired") jar.storeSetCookies(url, ["c=3"]);
    });
    now += 1_000;
    assert.equal(jar.cookieHeader(url), "b=2");
    assert.equal(jar.cookieHeader(url), "b=2; c=3");
  });

  it("reads Origin and Referer on every request while a Strict cookie applies", () => {
    const jar = new CookieJar();
    const url = "https://a.test/";
    jar.storeSetCookies(request(url), ["s=1; SameSite=Strict", "l=1; SameSite=Lax"]);
    const cross = request(url, { headers: { origin: "https://b.test" } });
    assert.equal(jar.cookieHeader(request(url)), "s=1; l=1");
    assert.equal(jar.cookieHeader(cross), "l=1");
    assert.equal(
      jar.cookieHeader(request(url, { headers: { referer: "https://b.test/" } })),
      "l=1",
    );
    assert.equal(jar.cookieHeader(request(url)), "s=1; l=1");
  });

  it("asks again for an unsafe method, and after the access time is due", () => {
    let now = 1_000_000;
    const jar = new CookieJar({ now: () => now });
    jar.storeSetCookies(request("https://a.test/"), ["u=1"]);
    now += LAX_ALLOW_UNSAFE_MS + 1;
    const cross = { headers: { origin: "https://b.test" } };
    assert.equal(jar.cookieHeader(request("https://a.test/", cross)), "u=1");
    assert.equal(
      jar.cookieHeader(request("https://a.test/", { ...cross, method: "POST" })),
      undefined,
    );
    assert.equal(jar.list()[0]!.lastAccess, now);
    const read = now;
    now += 59_999;
    assert.equal(jar.cookieHeader(request("https://a.test/")), "u=1");
    assert.equal(jar.list()[0]!.lastAccess, read);
    now += 1;
    assert.equal(jar.cookieHeader(request("https://a.test/")), "u=1");
    assert.equal(jar.list()[0]!.lastAccess, now);
  });
});

describe("CookieJar.remove with a change listener that changes the jar", () => {
  it("reports each cookie once and keeps sending domain cookies set afterwards", () => {
    const jar = new CookieJar();
    const url = "http://www.a.test/";
    jar.storeSetCookies(request(url), ["x=host", "x=dom; Domain=a.test"]);
    const heard: string[] = [];
    let again = true;
    jar.setChangeListener((cookie, cause) => {
      heard.push(`${cookie.name}=${cookie.value} ${cause}`);
      // Cookies.remove runs the jar's remove at once, inside the listener.
      if (cause === "explicit" && again) {
        again = false;
        jar.remove(url, "x");
      }
    });
    jar.remove(url, "x");
    assert.deepEqual(heard.sort(), ["x=dom explicit", "x=host explicit"]);
    jar.storeSetCookies(request(url), ["y=1; Domain=a.test"]);
    assert.equal(jar.cookieHeader(request(url)), "y=1");
  });
});

describe("CookieJar.set with a change listener that sets the same cookie", () => {
  // The listener hears the old cookie go before the new one is stored, and sets one of the same
  // name, domain and path: the jar must still hold one cookie under that key. In Electron the
  // listener runs once the change is done, so its cookie is the one left.
  it("keeps the listener's cookie alone when the replaced one was of the other kind", () => {
    const jar = new CookieJar();
    const url = "http://a.test/";
    jar.storeSetCookies(request(url), ["pin=mine"]);
    jar.setChangeListener((cookie, _cause, removed) => {
      if (removed && cookie.value === "mine") jar.storeSetCookies(request(url), ["pin=mine"]);
    });
    jar.storeSetCookies(request(url), ["pin=server; Max-Age=100"]);
    assert.equal(jar.cookieHeader(request(url)), "pin=mine");
    assert.equal(jar.size, 1);
    jar.setChangeListener(undefined);
    jar.remove(url, "pin");
    assert.equal(jar.cookieHeader(request(url)), undefined);
  });
});
