import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { CookieSameSite } from "../core/electron_types.ts";
import { compose, requestContext } from "../core/middleware.ts";
import { parseDate } from "tough-cookie";
import { CookieJar } from "./cookie_jar.ts";
import { parseSetCookie } from "./_parse_set_cookie.ts";
import { cookieMiddleware } from "./cookie_middleware.ts";
import { Cookies } from "./cookies.ts";

const HOSTS = [
  "example.com",
  "a.b.example.com",
  "127.0.0.1",
  "__proto__",
  "constructor",
  "x.co.uk",
];
const SPECIAL = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", ""];

// Pieces Set-Cookie lines are made of, so generated lines hit the attribute code, mixed with
// arbitrary text.
const piece = fc.oneof(
  fc.constantFrom(...SPECIAL),
  fc.constantFrom("=", ";", " ", "\t", '"', ",", ".", "/", "__Host-", "__Secure-"),
  fc.constantFrom(
    "Domain=",
    "Path=",
    "Expires=",
    "Max-Age=",
    "SameSite=",
    "Secure",
    "HttpOnly",
    "Domain=.example.com",
    "Domain=__proto__",
    "Domain=constructor",
    "Max-Age=-1",
    "Max-Age=99999999999999999999",
    "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    "Expires=Fri, 07 Aug 9999 08:04:19 GMT",
    "SameSite=None",
    "SameSite=Lax",
  ),
  fc.string({ maxLength: 12 }),
);
const line = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(""));
// What an HTTP field value can carry: no NUL, CR or LF, and only 8-bit characters.
// deno-lint-ignore no-control-regex
const headerValue = line.map((text) => text.replace(/[\0\r\n]|[^\x00-\xff]/g, "").trim());

function prototypeSnapshot(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype].flatMap((proto) =>
    Object.getOwnPropertyNames(proto)
  ).sort();
}

describe("cookie properties (fast-check)", () => {
  it("arbitrary Set-Cookie headers never make the fetch path throw or touch prototypes", async () => {
    const before = prototypeSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.array(headerValue, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...HOSTS),
        fc.constantFrom("http", "https"),
        fc.constantFrom(...SPECIAL, "a/b"),
        async (lines, host, scheme, path) => {
          const jar = new CookieJar();
          const headers = new Headers();
          for (const value of lines) headers.append("set-cookie", value);
          const run = compose(
            [cookieMiddleware(jar)],
            (_request, context) =>
              Promise.resolve(
                new Response(
                  context.defaultHeaders?.find(([name]) => name === "cookie")?.[1] ?? "",
                  { headers },
                ),
              ),
          );
          const url = `${scheme}://${host}/${path}`;
          await run(new Request(url), requestContext());
          const sent = await (await run(new Request(url), requestContext())).text();
          for (const cookie of jar.list(url)) assert.ok(sent.includes(cookie.value));
          await new Cookies(jar).get({ domain: host });
        },
      ),
      { numRuns: 400 },
    );
    assert.deepEqual(prototypeSnapshot(), before);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("arbitrary strings given to the jar directly never throw", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(line, fc.string({ unit: "binary" })), { maxLength: 5 }),
        (lines) => {
          const jar = new CookieJar();
          jar.storeSetCookies(new Request("https://a.example.com/x"), lines);
          jar.cookieHeader(new Request("https://a.example.com/x"));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("get after set round-trips", async () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: fc.oneof(token, fc.constantFrom(...SPECIAL.filter(Boolean))),
          value: fc.stringMatching(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{0,40}$/),
          host: fc.constantFrom("example.com", "www.example.com", "__proto__.test"),
          domainCookie: fc.boolean(),
          path: fc.constantFrom("/", "/a", "/a/b", "/__proto__"),
          secure: fc.boolean(),
          httpOnly: fc.boolean(),
          sameSite: fc.constantFrom<CookieSameSite>(
            "unspecified",
            "lax",
            "strict",
            "no_restriction",
          ),
          expires: fc.option(fc.integer({ min: 60, max: 300 * 86400 }), { nil: undefined }),
        }),
        async (c) => {
          const cookies = new Cookies(new CookieJar());
          const url = `https://${c.host}${c.path}`;
          const secure = c.secure || c.sameSite === "no_restriction";
          const expirationDate = c.expires === undefined
            ? undefined
            : Math.floor(Date.now() / 1000) + c.expires;
          await cookies.set({
            url,
            name: c.name,
            value: c.value,
            domain: c.domainCookie ? c.host : undefined,
            path: c.path,
            secure,
            httpOnly: c.httpOnly,
            sameSite: c.sameSite,
            expirationDate,
          });
          const found = await cookies.get({ url, name: c.name });
          assert.equal(found.length, 1);
          const expected = {
            name: c.name,
            value: c.value,
            domain: c.domainCookie ? `.${c.host}` : c.host,
            hostOnly: !c.domainCookie,
            path: c.path,
            secure,
            httpOnly: c.httpOnly,
            session: expirationDate === undefined,
            ...(expirationDate === undefined ? {} : { expirationDate }),
            sameSite: c.sameSite,
          };
          assert.deepEqual(found[0], expected);
          assert.deepEqual(Object.keys(found[0]!), Object.keys(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads IMF-fixdate Expires exactly as the RFC 6265 date algorithm does", () => {
    const two = (n: number) => String(n).padStart(2, "0");
    fc.assert(
      fc.property(
        fc.constantFrom("Mon", "Fri", "Sun"),
        fc.integer({ min: 0, max: 35 }),
        fc.constantFrom("Jan", "feb", "Mar", "Apr", "Jun", "Dec", "Foo"),
        fc.integer({ min: 1500, max: 10000 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        (weekday, day, month, year, hour, minute, second) => {
          const date = `${weekday}, ${two(day)} ${month} ${year} ${two(hour)}:${two(minute)}:${
            two(second)
          } GMT`;
          const parsed = parseSetCookie(`a=b; Expires=${date}`, 0);
          assert.ok(typeof parsed !== "string");
          assert.equal(parsed.expiry, parseDate(date)?.getTime(), date);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
