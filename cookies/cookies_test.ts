import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Cookie } from "../core/electron_types.ts";
import { CookieJar } from "./cookie_jar.ts";
import { Cookies } from "./cookies.ts";

type Change = [string, string, string, boolean];

function newCookies(now?: () => number): { cookies: Cookies; changes: Change[] } {
  const cookies = new Cookies(new CookieJar({ now }));
  const changes: Change[] = [];
  cookies.on("changed", (_event, cookie, cause, removed) => {
    changes.push([cookie.name, cookie.value, cause, removed]);
  });
  return { cookies, changes };
}

const URL_A = "http://example.com/";

describe("Cookies.set", () => {
  it("applies Electron's defaults", async () => {
    const { cookies } = newCookies();
    await cookies.set({ url: URL_A, value: "v" });
    const [cookie] = await cookies.get({});
    assert.deepEqual(Object.entries(cookie!), [
      ["name", ""],
      ["value", "v"],
      ["domain", "example.com"],
      ["hostOnly", true],
      ["path", "/"],
      ["secure", false],
      ["httpOnly", false],
      ["session", true],
      ["sameSite", "lax"],
    ]);
  });

  it("defaults secure to sameSite no_restriction and keeps expirationDate in seconds", async () => {
    const { cookies } = newCookies();
    const expirationDate = Math.floor(Date.now() / 1000) + 3600.5;
    await cookies.set({
      url: "https://example.com/a/b",
      name: "n",
      value: "1",
      sameSite: "no_restriction",
      expirationDate,
    });
    const [cookie] = await cookies.get({});
    assert.deepEqual(Object.keys(cookie!), [
      "name",
      "value",
      "domain",
      "hostOnly",
      "path",
      "secure",
      "httpOnly",
      "session",
      "expirationDate",
      "sameSite",
    ]);
    assert.equal(cookie!.secure, true);
    assert.equal(cookie!.session, false);
    assert.equal(cookie!.expirationDate, expirationDate);
    assert.equal(cookie!.path, "/a");
  });

  it("makes a domain cookie with a leading dot for a domain option", async () => {
    const { cookies } = newCookies();
    await cookies.set({
      url: "http://www.example.com/",
      name: "d",
      value: "1",
      domain: "example.com",
    });
    const [cookie] = await cookies.get({ url: "http://other.example.com/" });
    assert.equal(cookie!.domain, ".example.com");
    assert.equal(cookie!.hostOnly, false);
  });

  const rejections: [string, unknown, string][] = [
    ["no url", { name: "a", value: "b" }, "Missing required option 'url'"],
    [
      "a bad url",
      { url: "not a url", name: "a", value: "b" },
      "Failed to set cookie - The cookie was set with an invalid Domain attribute.",
    ],
    [
      "a foreign domain",
      { url: URL_A, name: "a", value: "b", domain: "other.com" },
      "Failed to set cookie - The cookie was set with an invalid Domain attribute.",
    ],
    [
      "a public suffix domain",
      { url: "http://a.co.uk/", name: "a", value: "b", domain: "co.uk" },
      "Failed to set cookie - The cookie was set with an invalid Domain attribute.",
    ],
    [
      "a ; in the value",
      { url: URL_A, name: "a", value: "b;c" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a control character in the value",
      { url: URL_A, name: "a", value: "b\x01" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a name with leading whitespace",
      { url: URL_A, name: " a", value: "b" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a value with trailing whitespace",
      { url: URL_A, name: "a", value: "b\t" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a name of only spaces",
      { url: URL_A, name: "  ", value: "b" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a ; in the path",
      { url: URL_A, name: "a", value: "b", path: "/x;y" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a path with leading whitespace",
      { url: URL_A, name: "a", value: "b", path: " /x" },
      "Failed to set cookie - The cookie contains ASCII control characters",
    ],
    [
      "a path that percent-encodes to over 1024 bytes",
      { url: URL_A, name: "a", value: "b", path: `/${"é".repeat(200)}` },
      "Failed to set cookie - Cookie exceeded the attribute size limit.",
    ],
    [
      "a bad sameSite",
      { url: URL_A, name: "a", value: "b", sameSite: "garbage" },
      "Failed to convert 'garbage' to an appropriate cookie same site value",
    ],
    [
      "an invalid __Host- prefix",
      { url: "https://example.com/", name: "__Host-a", value: "b", secure: true, path: "/x" },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      // Chromium's CreateSanitizedCookie: HasHiddenPrefixName, whatever the attributes.
      "a nameless cookie whose value starts with __Host-",
      { url: "https://example.com/", name: "", value: "__Host-a=b", secure: true, path: "/" },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      // Chromium's GetCookiePrefix (kPrefixCookieHttp, on by default): __Http- wants what
      // __Secure- wants, and HttpOnly.
      "__Http- without httpOnly",
      { url: "https://example.com/", name: "__Http-a", value: "b", secure: true },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      "__Http- without Secure",
      { url: "https://example.com/", name: "__http-a", value: "b", httpOnly: true },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      // kPrefixCookieHostHttp: what __Host- and __Http- both want.
      "__Host-Http- without httpOnly",
      { url: "https://example.com/", name: "__Host-Http-a", value: "b", secure: true, path: "/" },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      "__Host-Http- on a path",
      {
        url: "https://example.com/",
        name: "__Host-Http-a",
        value: "b",
        secure: true,
        httpOnly: true,
        path: "/x",
      },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      "__Secure- without Secure",
      { url: "https://example.com/", name: "__Secure-a", value: "b" },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      // Chromium's CreateSanitizedCookie checks the prefix before CookieMonster checks the
      // scheme: the prefix is the reason given.
      "a Secure __Secure- cookie from an insecure URL",
      { url: URL_A, name: "__Secure-a", value: "b", secure: true },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      "a __Host- cookie with SameSite=None but not Secure",
      {
        url: "https://example.com/",
        name: "__Host-a",
        value: "b",
        sameSite: "no_restriction",
        secure: false,
      },
      "Failed to set cookie - The cookie was set with an invalid __Host- or __Secure- prefix.",
    ],
    [
      "SameSite=None without Secure",
      {
        url: "https://example.com/",
        name: "a",
        value: "b",
        sameSite: "no_restriction",
        secure: false,
      },
      "Failed to set cookie - The cookie specified SameSite=None, but it was not Secure.",
    ],
    [
      "Secure from an insecure URL",
      { url: URL_A, name: "a", value: "b", secure: true },
      "Failed to set cookie - The cookie was Secure, but the URL was not allowed to access Secure cookies.",
    ],
    [
      "name and value over 4096 bytes",
      { url: URL_A, name: "a", value: "b".repeat(4096) },
      "Failed to set cookie - The cookie exceeded the name/value pair size limit.",
    ],
    [
      "a path over 1024 bytes",
      { url: URL_A, name: "a", value: "b", path: `/${"p".repeat(1024)}` },
      "Failed to set cookie - Cookie exceeded the attribute size limit.",
    ],
    [
      "a path not starting with /",
      { url: URL_A, name: "a", value: "b", path: "x" },
      "Failed to set cookie - The cookie was malformed and could not be stored",
    ],
    [
      "neither name nor value",
      { url: URL_A },
      "Failed to set cookie - The cookie contains no content or only whitespace.",
    ],
    [
      "a URL whose scheme has no cookies",
      { url: "file:///tmp/x", name: "a", value: "b" },
      "Failed to set cookie - Attempted to set a cookie from a scheme that does not support cookies.",
    ],
  ];
  for (const [label, details, message] of rejections) {
    it(`rejects ${label}`, async () => {
      const { cookies } = newCookies();
      await assert.rejects(
        cookies.set(details as Parameters<Cookies["set"]>[0]),
        (error: Error) => error.message === message,
      );
      assert.deepEqual(await cookies.get({}), []);
    });
  }

  it("accepts __Http- and __Host-Http- cookies that are Secure and httpOnly", async () => {
    const cookies = new Cookies(new CookieJar());
    const url = "https://example.com/";
    await cookies.set({ url, name: "__Http-a", value: "1", secure: true, httpOnly: true });
    await cookies.set({ url, name: "__Host-Http-b", value: "2", secure: true, httpOnly: true });
    assert.deepEqual((await cookies.get({ url })).map((c) => c.name), [
      "__Http-a",
      "__Host-Http-b",
    ]);
  });

  it("accepts name+value of exactly 4096 bytes and paths of exactly 1024", async () => {
    const { cookies } = newCookies();
    await cookies.set({ url: URL_A, name: "a", value: "b".repeat(4095) });
    await cookies.set({ url: URL_A, name: "p", value: "1", path: `/${"p".repeat(1023)}` });
    assert.equal((await cookies.get({})).length, 2);
  });

  it("keeps a path as the URL parser writes it, so that the requests it names send the cookie", async () => {
    // Chromium's CreateSanitizedCookie canonicalises the path as a URL path: the cookie must
    // path-match the percent-encoded paths requests carry.
    const { cookies } = newCookies();
    await cookies.set({ url: URL_A, name: "space", value: "1", path: "/my docs" });
    await cookies.set({ url: URL_A, name: "accent", value: "1", path: "/é" });
    await cookies.set({ url: URL_A, name: "dots", value: "1", path: "/a/../b/./c" });
    await cookies.set({ url: URL_A, name: "ctl", value: "1", path: "/x\x01y" });
    assert.deepEqual(
      (await cookies.get({})).map((cookie) => [cookie.name, cookie.path]),
      [["space", "/my%20docs"], ["accent", "/%C3%A9"], ["ctl", "/x%01y"], ["dots", "/b/c"]],
    );
    assert.deepEqual(
      (await cookies.get({ url: "http://example.com/my docs/file" })).map((c) => c.name),
      ["space"],
    );
  });

  it("never lets an insecure origin overwrite a Secure cookie", async () => {
    const { cookies } = newCookies();
    await cookies.set({ url: "https://example.com/", name: "s", value: "1", secure: true });
    await assert.rejects(
      cookies.set({ url: URL_A, name: "s", value: "2" }),
      /Failed to set cookie - The cookie would have overwritten a Secure cookie, and was not allowed to do so\.$/,
    );
    await assert.rejects(
      cookies.set({ url: "http://sub.example.com/", name: "s", value: "2", domain: "example.com" }),
      /overwritten a Secure cookie/,
    );
    assert.equal((await cookies.get({ name: "s" }))[0]?.value, "1");
    await cookies.set({ url: "https://example.com/", name: "s", value: "3", secure: true });
    assert.equal((await cookies.get({ name: "s" }))[0]?.value, "3");
  });

  it("overwrites an HttpOnly cookie only when the new one is HttpOnly too, as Electron's set", async () => {
    // Electron's Cookies::Set includes HttpOnly cookies only when `details.httpOnly` is true;
    // CookieMonster then refuses to replace one (EXCLUDE_OVERWRITE_HTTP_ONLY).
    const { cookies, changes } = newCookies();
    await cookies.set({ url: URL_A, name: "h", value: "1", httpOnly: true });
    for (const expirationDate of [undefined, 0]) {
      await assert.rejects(
        cookies.set({ url: URL_A, name: "h", value: "2", expirationDate }),
        (error: Error) =>
          error.message ===
            "Failed to set cookie - The cookie would have overwritten an HttpOnly cookie, and was not allowed to do so.",
      );
    }
    assert.equal((await cookies.get({ name: "h" }))[0]?.value, "1");
    await cookies.set({ url: URL_A, name: "h", value: "3", httpOnly: true });
    await cookies.set({ url: URL_A, name: "h", value: "4", path: "/other" });
    assert.deepEqual((await cookies.get({ name: "h" })).map((cookie) => cookie.value), ["4", "3"]);
    assert.equal(changes.filter((change) => change[2] === "inserted").length, 3);
  });

  it("clamps expiry to 400 days", async () => {
    const now = Date.UTC(2026, 10, 29);
    const { cookies } = newCookies(() => now);
    await cookies.set({ url: URL_A, name: "far", value: "1", expirationDate: now / 1000 + 1e9 });
    await cookies.set({
      url: URL_A,
      name: "near",
      value: "1",
      expirationDate: now / 1000 + 399 * 86400,
    });
    const byName = Object.fromEntries((await cookies.get({})).map((c) => [c.name, c]));
    assert.equal(byName.far!.expirationDate, now / 1000 + 400 * 86400);
    assert.equal(byName.near!.expirationDate, now / 1000 + 399 * 86400);
  });
});

describe("the 'changed' event", () => {
  it("reports inserted, then explicit on remove", async () => {
    const { cookies, changes } = newCookies();
    await cookies.set({ url: URL_A, name: "foo", value: "bar" });
    await cookies.remove(URL_A, "foo");
    assert.deepEqual(changes, [
      ["foo", "bar", "inserted", false],
      ["foo", "bar", "explicit", true],
    ]);
    assert.deepEqual(await cookies.get({}), []);
  });

  it("reports overwrite then inserted for a new value", async () => {
    const { cookies, changes } = newCookies();
    await cookies.set({ url: URL_A, name: "foo", value: "bar" });
    await cookies.set({ url: URL_A, name: "foo", value: "baz" });
    assert.deepEqual(changes.slice(1), [
      ["foo", "bar", "overwrite", true],
      ["foo", "baz", "inserted", false],
    ]);
  });

  it("reports inserted-no-value-change-overwrite for a new expiry, -no-change- for the same cookie", async () => {
    const { cookies, changes } = newCookies();
    const soon = Date.now() / 1000 + 100;
    await cookies.set({ url: URL_A, name: "foo", value: "bar", expirationDate: soon });
    await cookies.set({ url: URL_A, name: "foo", value: "bar", expirationDate: soon + 100 });
    await cookies.set({ url: URL_A, name: "foo", value: "bar", expirationDate: soon + 100 });
    assert.deepEqual(changes.slice(1), [
      ["foo", "bar", "overwrite", true],
      ["foo", "bar", "inserted-no-value-change-overwrite", false],
      ["foo", "bar", "overwrite", true],
      ["foo", "bar", "inserted-no-change-overwrite", false],
    ]);
  });

  it("reports only expired-overwrite for a past expiry, and expirationDate 0 is the epoch", async () => {
    const { cookies, changes } = newCookies();
    await cookies.set({ url: URL_A, name: "foo", value: "bar" });
    await cookies.set({ url: URL_A, name: "foo", value: "bar", expirationDate: 0 });
    assert.deepEqual(changes.slice(1), [["foo", "bar", "expired-overwrite", true]]);
    assert.deepEqual(await cookies.get({}), []);
    await cookies.set({ url: URL_A, name: "gone", value: "1", expirationDate: 0 });
    assert.equal(changes.length, 2);
  });

  it("reports expired when a cookie outlives its date", async () => {
    let now = Date.UTC(2026, 0, 1);
    const { cookies, changes } = newCookies(() => now);
    await cookies.set({ url: URL_A, name: "t", value: "1", expirationDate: now / 1000 + 10 });
    now += 11_000;
    assert.deepEqual(await cookies.get({}), []);
    assert.deepEqual(changes.at(-1), ["t", "1", "expired", true]);
  });
});

describe("Cookies.get filters", () => {
  async function filled(): Promise<Cookies> {
    const { cookies } = newCookies();
    await cookies.set({
      url: "http://example.com/",
      name: "dom",
      value: "1",
      domain: ".example.com",
    });
    await cookies.set({ url: "http://sub.example.com/", name: "host", value: "1", httpOnly: true });
    await cookies.set({
      url: "https://example.com/p",
      name: "sec",
      value: "1",
      path: "/p",
      secure: true,
      expirationDate: Date.now() / 1000 + 100,
    });
    return cookies;
  }
  const names = (list: Cookie[]) => list.map((c) => c.name).sort();

  it("filters by url (HttpOnly included) then by the other fields", async () => {
    const cookies = await filled();
    assert.deepEqual(names(await cookies.get({ url: "http://sub.example.com/" })), ["dom", "host"]);
    assert.deepEqual(names(await cookies.get({ url: "https://example.com/p/q" })), ["dom", "sec"]);
    assert.deepEqual(names(await cookies.get({ url: "http://example.com/p" })), ["dom"]);
    assert.deepEqual(names(await cookies.get({ name: "host" })), ["host"]);
    assert.deepEqual(names(await cookies.get({ path: "/p" })), ["sec"]);
    assert.deepEqual(names(await cookies.get({ secure: true })), ["sec"]);
    assert.deepEqual(names(await cookies.get({ session: false })), ["sec"]);
    assert.deepEqual(names(await cookies.get({ httpOnly: true })), ["host"]);
  });

  // Electron's MatchesCookie asks net::CanonicalCookie::IsDomainMatch(filter): the filter is a
  // host the cookie would go to, so a host-only cookie of a subdomain is not found by its parent.
  it("domain-matches the domain filter as a host, as Electron's IsDomainMatch", async () => {
    const cookies = await filled();
    assert.deepEqual(names(await cookies.get({ domain: "example.com" })), ["dom", "sec"]);
    assert.deepEqual(names(await cookies.get({ domain: "sub.example.com" })), ["dom", "host"]);
    assert.deepEqual(names(await cookies.get({ domain: "x.sub.example.com" })), ["dom"]);
    assert.deepEqual(names(await cookies.get({ domain: ".example.com" })), ["dom"]);
    assert.deepEqual(names(await cookies.get({ domain: "ample.com" })), []);
    assert.deepEqual(names(await cookies.get({ domain: "EXAMPLE.COM" })), []);
    assert.deepEqual(names(await cookies.get({ domain: "other.com" })), []);
  });
});

describe("Cookies argument types", () => {
  // Cookies' methods are bound with Chromium's gin::ObjectTemplateBuilder, so gin words the
  // error: a string's own text, nothing for a number (gin/arguments.cc V8TypeAsString).
  it("throws Electron's conversion TypeError for a filter, URL or name of the wrong type", () => {
    const { cookies } = newCookies();
    const wrong = cookies as unknown as {
      get(filter?: unknown): Promise<Cookie[]>;
      remove(url?: unknown, name?: unknown): Promise<void>;
    };
    const failure = (index: number, from: string) => ({
      name: "TypeError",
      message: `Error processing argument at index ${index}, conversion failure from ${from}`,
    });
    assert.throws(() => wrong.get(null), failure(0, "null"));
    assert.throws(() => wrong.get("http://example.com/"), failure(0, "http://example.com/"));
    assert.throws(() => wrong.remove(undefined, "a"), failure(0, "undefined"));
    assert.throws(() => wrong.remove(URL_A, 5), failure(1, ""));
  });

  it("throws Insufficient number of arguments when an argument is missing", () => {
    const { cookies } = newCookies();
    const wrong = cookies as unknown as {
      get(filter?: unknown): Promise<Cookie[]>;
      set(details?: unknown): Promise<void>;
      remove(url?: unknown, name?: unknown): Promise<void>;
    };
    const insufficient = { name: "TypeError", message: "Insufficient number of arguments." };
    assert.throws(() => wrong.get(), insufficient);
    assert.throws(() => wrong.set(), insufficient);
    assert.throws(() => wrong.remove(URL_A), insufficient);
    assert.throws(() => wrong.remove(), insufficient);
  });

  it("throws the conversion TypeError for set details that are not a dictionary", () => {
    const { cookies } = newCookies();
    const wrong = cookies as unknown as { set(details: unknown): Promise<void> };
    const failure = (from: string) => ({
      name: "TypeError",
      message: `Error processing argument at index 0, conversion failure from ${from}`,
    });
    assert.throws(() => wrong.set(null), failure("null"));
    assert.throws(() => wrong.set(undefined), failure("undefined"));
    assert.throws(() => wrong.set("http://example.com/"), failure("http://example.com/"));
    // Electron reads the details into a base::Value::Dict: an array is a list, not one.
    assert.throws(() => wrong.set([URL_A]), failure(""));
  });

  it("resolves for a URL string it cannot parse, as Electron's invalid GURL", async () => {
    const { cookies } = newCookies();
    assert.deepEqual(await cookies.get({ url: "nope" }), []);
    await cookies.remove("nope", "a");
  });
});
