import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { CookieSameSite } from "../core/electron_types.ts";
import { compose, requestContext } from "../core/middleware.ts";
import { parseDate } from "tough-cookie";
import { CookieJar } from "./cookie_jar.ts";
import {
  parseSetCookie,
  REJECT_CONTROL,
  REJECT_NAME_VALUE_SIZE,
  REJECT_NO_CONTENT,
} from "./_parse_set_cookie.ts";
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

  it("parses Set-Cookie lines as RFC 6265bis §5.6 spells the algorithm", () => {
    const cased = fc.constantFrom(
      "SECURE",
      "hTTpOnly",
      " path = /x ",
      "PATH=/",
      "dOmAiN=Example.com",
      "domain=",
      "max-AGE=10",
      "Max-Age=+7",
      "Max-Age=x",
      "Max-Age=99999999999999999999x",
      "EXPIRES=Sun, 06 Nov 1994 08:49:37 GMT",
      "Expires=soon",
      "samesite=STRICT",
      "secure=no",
      "PartitioneD",
      "x".repeat(1024),
      "x".repeat(1025),
      "é".repeat(512),
      "é".repeat(513),
      "v".repeat(4090),
      "\u0130",
      "\u212a",
    );
    const lines = fc.array(fc.oneof(piece, cased), { maxLength: 12 }).map((parts) =>
      parts.join("")
    );
    fc.assert(
      fc.property(lines, (text) => {
        assert.deepEqual(parseSetCookie(text, 1000), specParse(text, 1000), JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });
});

// RFC 6265bis §5.6 step by step (split the line, then each attribute, trim, ASCII lower case),
// with Chromium's limits and line terminators: the reference the position-reading parser is
// checked against.
function specParse(input: string, now: number): ReturnType<typeof parseSetCookie> {
  // deno-lint-ignore no-control-regex
  const control = /[\x00-\x08\x0a-\x1f\x7f]/.exec(input);
  let line = input;
  if (control) {
    if (!["\0", "\r", "\n"].includes(control[0])) return REJECT_CONTROL;
    line = line.slice(0, control.index);
  }
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  const trim = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, "");
  const lower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const [pair = "", ...attributes] = line.split(";");
  const eq = pair.indexOf("=");
  const name = eq === -1 ? "" : trim(pair.slice(0, eq));
  const value = trim(eq === -1 ? pair : pair.slice(eq + 1));
  if (name === "" && value === "") return REJECT_NO_CONTENT;
  if (bytes(name) + bytes(value) > 4096) return REJECT_NAME_VALUE_SIZE;
  const cookie = {
    name,
    value,
    domain: undefined as string | undefined,
    path: undefined as string | undefined,
    expiry: undefined as number | undefined,
    expiryIsDate: false,
    secure: false,
    httpOnly: false,
    sameSite: "unspecified" as CookieSameSite,
    partitioned: false,
  };
  // Chromium keeps the last of each attribute, valid or not (ParsedCookie::SetupAttributes).
  let maxAge: string | undefined;
  let expires: string | undefined;
  for (const attribute of attributes) {
    const at = attribute.indexOf("=");
    const key = lower(trim(at === -1 ? attribute : attribute.slice(0, at)));
    const val = at === -1 ? "" : trim(attribute.slice(at + 1));
    if (bytes(val) > 1024) continue;
    if (key === "secure") cookie.secure = true;
    else if (key === "httponly") cookie.httpOnly = true;
    else if (key === "partitioned") cookie.partitioned = true;
    else if (key === "domain" && val !== "") cookie.domain = val;
    else if (key === "path") cookie.path = val.startsWith("/") ? val : undefined;
    else if (key === "max-age") maxAge = val;
    else if (key === "expires") expires = val;
    else if (key === "samesite") {
      const sameSite = lower(val);
      cookie.sameSite = sameSite === "strict"
        ? "strict"
        : sameSite === "lax"
        ? "lax"
        : sameSite === "none"
        ? "no_restriction"
        : "unspecified";
    }
  }
  // CanonicalCookie::ParseExpiration: Max-Age by base::StringToInt64 (a sign, digits, and an
  // overflow that saturates even with junk after it), else Expires.
  const number = maxAge === undefined ? null : /^([+-]?)([0-9]+)(.*)$/.exec(maxAge);
  if (number !== null) {
    const [, sign, digits = "", junk] = number;
    const overflows = BigInt(digits) > (sign === "-" ? 2n ** 63n : 2n ** 63n - 1n);
    if (junk === "" || overflows) {
      cookie.expiry = sign === "-" || Number(digits) === 0
        ? 0
        : now + Math.min(Number(digits), 4e11) * 1000;
    }
  }
  if (cookie.expiry === undefined && expires) {
    cookie.expiry = parseDate(expires)?.getTime();
    cookie.expiryIsDate = cookie.expiry !== undefined;
  }
  return cookie;
}
