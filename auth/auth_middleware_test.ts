import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compose, type FetchLike, requestContext } from "../core/middleware.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { setResponseInfo } from "../core/response_info.ts";
import { AuthCache } from "./auth_cache.ts";
import { authHeadersStage } from "./auth_headers_stage.ts";
import { authMiddleware, type AuthMiddlewareOptions, MAX_AUTH_ROUNDS } from "./auth_middleware.ts";

const PROXY: ProxyServer = { scheme: "http", host: "p.test", port: 3128 };

/** A transport stand-in that records each request and answers through `reply`. */
function recorder(reply: (request: Request, n: number) => Response) {
  const sent: Request[] = [];
  const terminal: FetchLike = (request) => {
    sent.push(request);
    return Promise.resolve(reply(request, sent.length));
  };
  return { sent, terminal };
}

function viaProxy(response: Response, proxy: ProxyServer = PROXY): Response {
  setResponseInfo(response, {
    httpVersion: "1.1",
    statusLine: `HTTP/1.1 ${response.status}`,
    rawHeaders: [...response.headers],
    remoteAddress: "127.0.0.1",
    remotePort: 3128,
    proxy,
    connectionReused: false,
    fromCache: false,
  });
  return response;
}

function options(extra: Partial<AuthMiddlewareOptions> = {}): AuthMiddlewareOptions {
  return {
    cache: new AuthCache(),
    login: () => Promise.resolve({ username: "u", password: "p" }),
    ntlmAllowed: () => false,
    hasLoginListener: () => true,
    ...extra,
  };
}

const ask407 = () =>
  viaProxy(new Response("", { status: 407, headers: { "proxy-authenticate": 'Basic realm="p"' } }));

describe("authMiddleware", () => {
  it("answers a forward proxy's 407 and sends Proxy-Authorization only after it asked", async () => {
    const { sent, terminal } = recorder((request) =>
      request.headers.has("proxy-authorization") ? viaProxy(new Response("ok")) : ask407()
    );
    const run = compose([authMiddleware(options()), authHeadersStage()], terminal);
    const response = await run(new Request("http://a.test/"), requestContext());
    assert.equal(await response.text(), "ok");
    assert.deepEqual(sent.map((r) => r.headers.get("proxy-authorization")), [null, "Basic dTpw"]);
    assert.equal(sent[1]!.headers.get("authorization"), null);
  });

  it("credentials: 'omit' answers a forward proxy still, never the server (Chromium)", async () => {
    // HttpNetworkTransaction: privacy mode suppresses server auth only; a proxy's 407 is
    // answered whatever the request's credentials mode.
    const { sent, terminal } = recorder((request) =>
      request.headers.has("proxy-authorization")
        ? viaProxy(
          new Response("who?", { status: 401, headers: { "www-authenticate": 'Basic realm="s"' } }),
        )
        : ask407()
    );
    for (const url of ["http://a.test/x", "http://me:pw@a.test/x"]) {
      const cache = new AuthCache();
      cache.add("http://a.test", "s", "basic", { username: "cached", password: "x" }, "/");
      const asked: boolean[] = [];
      const run = compose([
        authMiddleware(options({
          cache,
          login: (_details, info) => {
            asked.push(info.isProxy);
            return Promise.resolve({ username: "u", password: "p" });
          },
        })),
        authHeadersStage(),
      ], terminal);
      sent.length = 0;
      const response = await run(new Request(url), requestContext({ credentials: "omit" }));
      assert.equal(response.status, 401, url);
      assert.equal(await response.text(), "who?");
      assert.deepEqual(sent.map((r) => r.headers.get("authorization")), [null, null], url);
      assert.deepEqual(sent.map((r) => r.headers.get("proxy-authorization")), [
        null,
        "Basic dTpw",
      ]);
      assert.deepEqual(asked, [true], url);
    }
  });

  it("leaves a 407 on an https request alone: it came through a tunnel, from the origin", async () => {
    const { sent, terminal } = recorder(ask407);
    const run = compose([authMiddleware(options()), authHeadersStage()], terminal);
    const response = await run(new Request("https://a.test/"), requestContext());
    assert.equal(response.status, 407);
    assert.equal(sent.length, 1);
  });

  it("stops a peer that calls every nonce stale: 2 stale retries, 3 prompts, then the 401", async () => {
    let nonce = 0;
    const { sent, terminal } = recorder(() =>
      new Response("", {
        status: 401,
        headers: { "www-authenticate": `Digest realm="r", nonce="${++nonce}", stale=true` },
      })
    );
    // A login that always answers, and a server that calls every nonce stale.
    const run = compose([authMiddleware(options()), authHeadersStage()], terminal);
    const response = await run(new Request("http://a.test/"), requestContext());
    assert.equal(response.status, 401);
    // The first send, 3 prompted answers, 2 stale retries of the first answer.
    assert.equal(sent.length, 6);
    assert.ok(sent.length <= MAX_AUTH_ROUNDS + 1);
  });

  it("takes the URL's credentials off the request and the URL chain", async () => {
    const { sent, terminal } = recorder(() => new Response("ok"));
    const context = requestContext({ urlChain: ["http://u:p@a.test/x"] });
    const run = compose(
      [authMiddleware(options({ hasLoginListener: () => false })), authHeadersStage()],
      terminal,
    );
    await run(new Request("http://u:p@a.test/x"), context);
    assert.equal(sent[0]!.url, "http://a.test/x");
    assert.deepEqual(context.urlChain, ["http://a.test/x"]);
  });

  it("takes the fast path (no wrapper, no login check) when nothing could answer", async () => {
    let asked = 0;
    const { terminal } = recorder(() => new Response("", { status: 401 }));
    const run = compose(
      [authMiddleware(options({ hasLoginListener: () => (asked++, false) }))],
      terminal,
    );
    const response = await run(new Request("http://a.test/"), requestContext());
    assert.equal(response.status, 401);
    assert.equal(asked, 1);
    // `omit` asks the same: a forward proxy's 407 is answered whatever the credentials mode.
    await run(new Request("http://a.test/"), requestContext({ credentials: "omit" }));
    assert.equal(asked, 2);
  });
});
