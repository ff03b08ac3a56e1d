import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AuthCache } from "./auth_cache.ts";
import {
  AuthController,
  type AuthInfo,
  type AuthPolicy,
  type LoginDetails,
} from "./auth_controller.ts";
import { createProxyAuthorize, withProxyAuth } from "./proxy_authorize.ts";
import type { ProxyHandshake } from "../core/proxy_handshake.ts";

const REQUEST = { url: "http://a.test/x", method: "GET", uri: "/x", path: "/x" };
const TARGET = { key: "http://a.test", isProxy: false, host: "a.test", port: 80 };

function policy(ntlm = false): AuthPolicy & { asked: AuthInfo[] } {
  const asked: AuthInfo[] = [];
  return {
    asked,
    cache: new AuthCache(),
    login: (_details, info) => {
      asked.push(info);
      return Promise.resolve({ username: "u", password: "p" });
    },
    ntlmAllowed: () => ntlm,
  };
}

const ALL = ["Negotiate", 'Basic realm="b"', "NTLM", 'Digest realm="d", nonce="n", qop=auth'];

describe("AuthController", () => {
  it("picks by Chromium's preference: NTLM (when allowed), Digest, Basic; never Negotiate", async () => {
    const allowed = await new AuthController(TARGET, policy(true)).respond(ALL, REQUEST);
    assert.match(allowed!.value, /^NTLM TlRMTVNTUAAB/);
    assert.equal(allowed!.pinConnection, true);
    const digest = await new AuthController(TARGET, policy(false)).respond(ALL, REQUEST);
    assert.match(digest!.value, /^Digest username="u", realm="d"/);
    const basic = await new AuthController(TARGET, policy()).respond(ALL.slice(0, 3), REQUEST);
    assert.equal(basic!.value, "Basic dTpw");
    const none = await new AuthController(TARGET, policy(true)).respond(["Negotiate"], REQUEST);
    assert.equal(none, undefined);
  });

  it("an NTLM challenge message out of turn, or a malformed one, is not answered", async () => {
    const p = policy(true);
    const controller = new AuthController(TARGET, p);
    assert.equal(await controller.respond(["NTLM TlRMTVNTUAACAAAA"], REQUEST), undefined);
    const first = await controller.respond(["NTLM"], REQUEST);
    assert.ok(first);
    // The second leg's token is garbage: a rejection, so the next identity is asked for.
    const again = await controller.respond(["NTLM !!!!"], REQUEST);
    assert.match(again?.value ?? "", /^NTLM TlRMTVNTUAAB/);
    assert.equal(p.asked.length, 2);
  });

  it("answers stale=true at most twice with the same identity, then asks", async () => {
    const p = policy();
    const controller = new AuthController(TARGET, p);
    const challenge = (
      stale: boolean,
    ) => [`Digest realm="d", nonce="n${Math.random()}"${stale ? ", stale=true" : ""}`];
    await controller.respond(challenge(false), REQUEST);
    await controller.respond(challenge(true), REQUEST);
    await controller.respond(challenge(true), REQUEST);
    assert.equal(p.asked.length, 1);
    await controller.respond(challenge(true), REQUEST);
    assert.equal(p.asked.length, 2);
  });

  it("stale=true decides before the realm: the first Digest challenge, same identity", async () => {
    // Chromium's HttpAuthHandlerDigest::HandleAnotherChallengeImpl returns STALE on stale=true
    // whatever the realm, and HttpAuth::HandleChallengeResponse reads only the first challenge
    // of the scheme sent.
    const p = policy();
    const controller = new AuthController(TARGET, p);
    await controller.respond(['Digest realm="d", nonce="1"'], REQUEST);
    const moved = await controller.respond(['Digest realm="e", nonce="2", stale=true'], REQUEST);
    assert.match(moved!.value, /^Digest username="u", realm="e", nonce="2"/);
    assert.equal(p.asked.length, 1);
    // A later plain challenge for the realm now answered is a rejection: the next identity.
    await controller.respond(['Digest realm="e", nonce="3"'], REQUEST);
    assert.equal(p.asked.length, 2);
    // Not stale in the first Digest challenge: a stale one after it does not count.
    const q = policy();
    const second = new AuthController(TARGET, q);
    await second.respond(['Digest realm="d", nonce="1"'], REQUEST);
    await second.respond(
      ['Digest realm="f", nonce="2"', 'Digest realm="d", nonce="3", stale=true'],
      REQUEST,
    );
    assert.equal(q.asked.length, 2);
  });

  it("shows an IPv6 host in brackets, as Chromium's SchemeHostPort (GURL::host) holds it", async () => {
    const p = policy();
    const server = { key: "http://[::1]:8080", isProxy: false, host: "::1", port: 8080 };
    await new AuthController(server, p).respond(['Basic realm="r"'], REQUEST);
    const authorize = createProxyAuthorize(p, { host: "a.test", port: 443 });
    await authorize([["Proxy-Authenticate", 'Basic realm="p"']], {
      scheme: "http",
      host: "fe80::1",
      port: 3128,
    });
    assert.deepEqual(p.asked.map((info) => info.host), ["[::1]", "[fe80::1]"]);
  });

  it("a tunnel's authorizer drops a rejected cached identity and asks once more", async () => {
    const p = policy();
    const proxy = { scheme: "http", host: "p.test", port: 3128 } as const;
    p.cache.add("proxy http://p.test:3128", "squid", "basic", { username: "old", password: "x" });
    const authorize = createProxyAuthorize(p, { host: "a.test", port: 443 });
    const lines = [["Proxy-Authenticate", 'Basic realm="squid"']] as const;
    assert.equal(await authorize(lines, proxy), `Basic ${btoa("old:x")}`);
    assert.equal(await authorize(lines, proxy), "Basic dTpw");
    assert.deepEqual(p.asked, [{
      isProxy: true,
      scheme: "basic",
      host: "p.test",
      port: 3128,
      realm: "squid",
    }]);
    assert.equal(
      p.cache.lookup("proxy http://p.test:3128", "squid", "basic")?.credentials.username,
      "u",
    );
  });

  it("a tunnel's 'login' gets the 407's headers and whether it asks for the first time", async () => {
    const details: LoginDetails[] = [];
    const p: AuthPolicy = {
      cache: new AuthCache(),
      login: (given) => {
        details.push(given);
        return Promise.resolve({ username: "u", password: "wrong" });
      },
      ntlmAllowed: () => false,
    };
    const authorize = createProxyAuthorize(p, { host: "a.test", port: 443 }, "https://a.test/x");
    const lines = [
      ["Proxy-Authenticate", 'Basic realm="squid"'],
      ["Via", "1.1 squid"],
      ["proxy-authenticate", "Negotiate"],
    ] as const;
    const proxy = { scheme: "http", host: "p.test", port: 3128 } as const;
    await authorize(lines, proxy);
    await authorize(lines, proxy);
    assert.deepEqual(
      details,
      [true, false].map((firstAuthAttempt) => ({
        url: "https://a.test/x",
        firstAuthAttempt,
        responseHeaders: {
          "proxy-authenticate": ['Basic realm="squid"', "Negotiate"],
          "via": ["1.1 squid"],
        },
      })),
    );
  });

  it("withProxyAuth gives each handshake its own authorizer, with URI credentials first", async () => {
    const seen: Array<string | undefined> = [];
    const handshake: ProxyHandshake = async (_socket, proxy, _target, options) => {
      seen.push(await options.authorize?.([["proxy-authenticate", 'Basic realm="r"']], proxy));
    };
    const wrapped = withProxyAuth(handshake, policy());
    const proxy = {
      scheme: "http",
      host: "p.test",
      port: 3128,
      username: "me",
      password: "pw",
    } as const;
    const socket = {} as Parameters<ProxyHandshake>[0];
    await wrapped(socket, proxy, { host: "a.test", port: 443 }, {});
    await wrapped(socket, proxy, { host: "a.test", port: 443 }, {});
    // Each handshake starts afresh: the URI's credentials first both times.
    assert.deepEqual(seen, [`Basic ${btoa("me:pw")}`, `Basic ${btoa("me:pw")}`]);
  });

  it("a tunnel's 'login' wait ends with the handshake's signal; a late answer is not cached", async () => {
    let answer!: (credentials: { username: string; password: string }) => void;
    const p: AuthPolicy = {
      cache: new AuthCache(),
      login: () => new Promise((resolve) => answer = resolve),
      ntlmAllowed: () => false,
    };
    const proxy = { scheme: "http", host: "p.test", port: 3128 } as const;
    const handshake: ProxyHandshake = async (_socket, server, _target, options) => {
      await options.authorize?.([["proxy-authenticate", 'Basic realm="r"']], server);
    };
    const controller = new AbortController();
    const socket = {} as Parameters<ProxyHandshake>[0];
    const running = withProxyAuth(handshake, p)(socket, proxy, { host: "a.test", port: 443 }, {
      signal: controller.signal,
      url: "https://a.test/",
    });
    const reason = new Error("closed");
    controller.abort(reason);
    await assert.rejects(running, (error: unknown) => error === reason);
    answer({ username: "late", password: "x" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(p.cache.size, 0);
  });
});
