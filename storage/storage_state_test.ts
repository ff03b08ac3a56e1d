import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatStorageState, parseStorageState, toStorageStateCookie } from "./storage_state.ts";

const cookie = { name: "a", value: "1" };

describe("parseStorageState", () => {
  it("maps domain/path cookies: a leading dot is a domain cookie, sameSite Playwright → Electron", () => {
    const { cookies } = parseStorageState({
      cookies: [
        { ...cookie, domain: ".a.test", path: "/", sameSite: "None", secure: true },
        { ...cookie, domain: "a.test", path: "/p", sameSite: "Strict", expires: 2e9 },
        { ...cookie, domain: "a.test", path: "/" },
      ],
    });
    assert.deepEqual(cookies.map((c) => [c.domain, c.hostOnly, c.sameSite, c.url]), [
      [".a.test", false, "no_restriction", "https://a.test/"],
      ["a.test", true, "strict", "http://a.test/p"],
      ["a.test", true, "lax", "http://a.test/"],
    ]);
    assert.equal(cookies[1]?.expirationDate, 2e9);
    assert.equal(cookies[2]?.session, true);
  });

  it("derives host, directory path and Secure from a url, as Playwright does", () => {
    const [c] = parseStorageState({ cookies: [{ ...cookie, url: "https://a.test/x/y?q" }] })
      .cookies;
    assert.deepEqual([c?.domain, c?.hostOnly, c?.path, c?.secure], ["a.test", true, "/x/", true]);
  });

  it("normalises origins and reads JSON text", () => {
    const state = parseStorageState(
      '{"cookies":[],"origins":[{"origin":"HTTPS://A.test:443/","localStorage":[{"name":"k","value":"v"}]}]}',
    );
    assert.deepEqual(state.origins, [{ origin: "https://a.test", items: [["k", "v"]] }]);
  });

  const bad: [string, unknown, string][] = [
    ["no url nor domain", { cookies: [cookie] }, "Cookie should have a url or a domain/path pair"],
    ["domain without path", { cookies: [{ ...cookie, domain: "a.test" }] }, "domain/path pair"],
    [
      "url and domain",
      { cookies: [{ ...cookie, url: "http://a.test/", domain: "a.test" }] },
      "Cookie should have either url or domain",
    ],
    [
      "url and path",
      { cookies: [{ ...cookie, url: "http://a.test/", path: "/" }] },
      "Cookie should have either url or path",
    ],
    [
      "expires 0",
      { cookies: [{ ...cookie, domain: "a.test", path: "/", expires: 0 }] },
      "only -1 or a positive number",
    ],
    [
      "expires in milliseconds (past year 9999 in seconds)",
      { cookies: [{ ...cookie, domain: "a.test", path: "/", expires: 1767225600000 }] },
      "only -1 or a positive number",
    ],
    [
      "sameSite lax",
      { cookies: [{ ...cookie, domain: "a.test", path: "/", sameSite: "lax" }] },
      "sameSite must be Strict, Lax or None",
    ],
    ["opaque origin", { origins: [{ origin: "data:,x", localStorage: [] }] }, "Invalid origin"],
    [
      "items not an array",
      { origins: [{ origin: "https://a.test", localStorage: "x" }] },
      "localStorage must be an array",
    ],
    ["not an object", [], "the state must be an object"],
  ];
  for (const [what, state, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseStorageState(state), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.ok(error.message.startsWith("Invalid storageState: "), error.message);
        assert.ok(error.message.includes(message), error.message);
        return true;
      });
    });
  }

  it("throws SyntaxError for text that is not JSON", () => {
    assert.throws(() => parseStorageState("{"), SyntaxError);
  });
});

describe("toStorageStateCookie and formatStorageState", () => {
  it("writes Playwright's keys in order, -1 for session cookies, unspecified as Lax", () => {
    const out = toStorageStateCookie({
      name: "n",
      value: "v",
      domain: ".a.test",
      hostOnly: false,
      path: "/",
      secure: true,
      httpOnly: false,
      session: false,
      expirationDate: 1.5e9 + 0.25,
      sameSite: "no_restriction",
    });
    assert.deepEqual(Object.keys(out), [
      "name",
      "value",
      "domain",
      "path",
      "expires",
      "httpOnly",
      "secure",
      "sameSite",
    ]);
    assert.equal(out.expires, 1.5e9 + 0.25);
    assert.equal(out.sameSite, "None");
    assert.equal(
      formatStorageState({ cookies: [out], origins: [] }).split("\n")[3],
      '      "name": "n",',
    );
  });
});
