import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import process from "node:process";
import {
  AuthCache,
  type AuthInfo,
  type AuthMiddlewareOptions,
  createProxyAuthorize,
} from "../auth/mod.ts";
import { NetService } from "../net/mod.ts";
import { buildSessionPipeline } from "../session/session_pipeline.ts";
import { type AuthOrigin, startAuthOrigin } from "./fixtures/auth_origin.ts";
import { type Squid, squidAvailable, type SquidScheme, startSquid } from "./fixtures/squid.ts";

interface Harness {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  logins: AuthInfo[];
  cache: AuthCache;
  net: NetService;
}

/** A session pipeline whose every request goes through `proxy` (the proxy subsystem's rules
 * are not wired into sessions yet), with the session's auth stage. */
function harness(
  squid: Squid,
  answer: [string, string] | undefined,
  extra: Partial<AuthMiddlewareOptions> = {},
): Harness {
  const proxy = { scheme: "http", host: "127.0.0.1", port: squid.port } as const;
  const net = new NetService({ proxies: { resolveProxies: () => [proxy] } });
  const logins: AuthInfo[] = [];
  const cache = new AuthCache();
  const { fetch } = buildSessionPipeline({
    net,
    identity: { userAgent: () => "ses-test", acceptLanguage: () => "en" },
    cookies: { cookieHeader: () => undefined, storeSetCookies: () => {} },
    onPreconnectHint: () => {},
    auth: {
      cache,
      login: (_details, authInfo) => {
        logins.push(authInfo);
        return Promise.resolve(answer && { username: answer[0], password: answer[1] });
      },
      ntlmAllowed: () => false,
      hasLoginListener: () => answer !== undefined,
      ...extra,
    },
  });
  return { fetch, logins, cache, net };
}

/** Reads one HTTP head and its Content-Length body from a socket. */
function readReply(socket: Socket): Promise<{ status: number; lines: Array<[string, string]> }> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end === -1) return;
      const [statusLine = "", ...rest] = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const lines = rest.map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon), line.slice(colon + 1).trim()] as [string, string];
      });
      const length = Number(lines.find(([n]) => n.toLowerCase() === "content-length")?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      socket.off("data", onData);
      resolve({ status: Number(statusLine.split(" ")[1]), lines });
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

/** A minimal CONNECT handshake answering 407s with `authorize`, then one GET in the tunnel. */
async function tunnelGet(
  squid: Squid,
  origin: AuthOrigin,
  authorize: ReturnType<typeof createProxyAuthorize>,
): Promise<{ status: number; rounds: number; body?: string }> {
  const socket = connect(squid.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const authority = `127.0.0.1:${origin.port}`;
  let authorization: string | undefined;
  try {
    for (let rounds = 1;; rounds++) {
      socket.write(
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n` +
          (authorization ? `Proxy-Authorization: ${authorization}\r\n` : "") + "\r\n",
      );
      const reply = await readReply(socket);
      if (reply.status === 200) {
        socket.write(`GET /open HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
        const chunks: Buffer[] = [];
        for await (const chunk of socket) chunks.push(chunk as Buffer);
        return { status: 200, rounds, body: Buffer.concat(chunks).toString() };
      }
      if (reply.status !== 407 || rounds > 4) return { status: reply.status, rounds };
      authorization = await authorize(reply.lines, {
        scheme: "http",
        host: "127.0.0.1",
        port: squid.port,
      });
      if (authorization === undefined) return { status: 407, rounds };
    }
  } finally {
    socket.destroy();
  }
}

for (const scheme of ["basic", "digest", "ntlm"] as SquidScheme[]) {
  describe(`squid with ${scheme} proxy auth`, {
    skip: !squidAvailable(scheme) && process.env.CI !== "true",
  }, () => {
    let squid: Squid;
    let origin: AuthOrigin;
    before(async () => {
      squid = await startSquid(scheme);
      origin = await startAuthOrigin();
    });
    after(async () => {
      await origin.close();
      await squid.close();
    });
    const user = scheme === "ntlm" ? "EXAMPLE\\alice" : "alice";

    it("a forward request's 407 is answered through 'login'; the origin never sees the credentials", async () => {
      const h = harness(squid, [user, "wonder land"]);
      const mark = origin.seen.length;
      const response = await h.fetch(`${origin.base}/open`);
      assert.equal(await response.text(), "open");
      assert.deepEqual(h.logins, [{
        isProxy: true,
        scheme,
        host: "127.0.0.1",
        port: squid.port,
        realm: squid.realm,
      }]);
      assert.equal(origin.seen[mark]!.proxyAuthorization, undefined);
      assert.equal(origin.seen[mark]!.authorization, undefined);
      // Cached for the proxy: the next request is answered without asking.
      assert.equal(await (await h.fetch(`${origin.base}/open`)).text(), "open");
      assert.equal(h.logins.length, 1);
      await h.net.closeAllConnections();
    });

    if (scheme === "ntlm") {
      it("an NTLM proxy is answered with no allowNTLMCredentialsForDomains: all proxies pass", async () => {
        // Chromium's HttpAuthFilterAllowlist::IsValid passes every proxy; the list is servers'.
        const h = harness(squid, [user, "wonder land"], { ntlmAllowed: () => false });
        assert.equal(await (await h.fetch(`${origin.base}/open`)).text(), "open");
        assert.deepEqual(h.logins.map((info) => info.scheme), ["ntlm"]);
        await h.net.closeAllConnections();
        const logins: AuthInfo[] = [];
        const policy = {
          cache: new AuthCache(),
          login: (_: unknown, info: AuthInfo) => {
            logins.push(info);
            return Promise.resolve({ username: user, password: "wonder land" });
          },
          ntlmAllowed: () => false,
        };
        const target = { host: "127.0.0.1", port: origin.port };
        const tunnel = await tunnelGet(squid, origin, createProxyAuthorize(policy, target));
        assert.equal(tunnel.status, 200);
        assert.deepEqual(logins.map((info) => info.scheme), ["ntlm"]);
      });
    } else {
      // ntlm_fake_auth accepts any password, so only Basic and Digest can say no.
      it("a wrong password is asked for three times, then the 407 is returned", async () => {
        const h = harness(squid, ["alice", "wrong"]);
        const response = await h.fetch(`${origin.base}/open`);
        assert.equal(response.status, 407);
        await response.body?.cancel();
        assert.equal(h.logins.length, 3);
        await h.net.closeAllConnections();
      });
    }

    it("credentials: 'omit' still answers the proxy; the origin's own 401 comes back", async () => {
      // Chromium's privacy mode suppresses server auth alone.
      const h = harness(squid, [user, "wonder land"]);
      const mark = origin.seen.length;
      const response = await h.fetch(`${origin.base}/basic/omit`, { credentials: "omit" });
      assert.equal(response.status, 401);
      assert.equal(await response.text(), "denied");
      assert.deepEqual(h.logins.map((info) => info.isProxy), [true]);
      assert.deepEqual(origin.seen.slice(mark).map((seen) => seen.authorization), [undefined]);
      await h.net.closeAllConnections();
    });

    it("without anyone to ask, the 407 is returned as it is", async () => {
      const h = harness(squid, undefined);
      const response = await h.fetch(`${origin.base}/open`);
      assert.equal(response.status, 407);
      assert.ok(response.headers.get("proxy-authenticate")?.toLowerCase().startsWith(scheme));
      await response.body?.cancel();
      await h.net.closeAllConnections();
    });

    it("a CONNECT tunnel's 407s are answered by the ProxyAuthorize of its handshake", async () => {
      const cache = new AuthCache();
      const logins: AuthInfo[] = [];
      const policy = {
        cache,
        login: (_: unknown, info: AuthInfo) => {
          logins.push(info);
          return Promise.resolve({ username: user, password: "wonder land" });
        },
        ntlmAllowed: () => false,
      };
      const target = { host: "127.0.0.1", port: origin.port };
      const first = await tunnelGet(squid, origin, createProxyAuthorize(policy, target));
      assert.equal(first.status, 200);
      // The origin's own reply came through the tunnel (chunked by node:http).
      assert.match(first.body ?? "", /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n4\r\nopen\r\n0\r\n\r\n$/);
      assert.equal(first.rounds, scheme === "ntlm" ? 3 : 2);
      assert.equal(logins.length, 1);
      // A second handshake uses the cache.
      const second = await tunnelGet(squid, origin, createProxyAuthorize(policy, target));
      assert.equal(second.status, 200);
      assert.equal(logins.length, 1);
    });
  });
}
