import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  compose,
  type FetchLike,
  type RequestContext,
  requestContext,
} from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { followRedirects } from "./follow_redirects.ts";

function context(body: RequestContext["body"] = null): RequestContext {
  return requestContext({ urlChain: ["http://a.test/start"], body });
}

/** An origin that answers by path: /r/N redirects N times, /to?u=URL redirects to URL. */
function origin(status = 302) {
  const seen: { method: string; url: string; auth: string | null; type: string | null }[] = [];
  const run = compose([followRedirects()], (request) => {
    seen.push({
      method: request.method,
      url: request.url,
      auth: request.headers.get("authorization"),
      type: request.headers.get("content-type"),
    });
    const url = new URL(request.url);
    const hops = /^\/r\/(\d+)$/.exec(url.pathname);
    if (hops && Number(hops[1]) > 0) {
      return Promise.resolve(
        new Response("moved", { status, headers: { location: `/r/${Number(hops[1]) - 1}` } }),
      );
    }
    const to = url.searchParams.get("u");
    if (url.pathname === "/to" && to !== null) {
      return Promise.resolve(new Response(null, { status, headers: { location: to } }));
    }
    return Promise.resolve(new Response(`final ${request.method}`));
  });
  return { run, seen };
}

describe("followRedirects", () => {
  it("follows a chain, labels the response and records the URL chain", async () => {
    const { run } = origin();
    const ctx = context();
    const response = await run(new Request("http://a.test/r/3"), ctx);
    assert.equal(await response.text(), "final GET");
    assert.equal(response.url, "http://a.test/r/0");
    assert.equal(response.redirected, true);
    assert.deepEqual(ctx.urlChain.slice(1), [
      "http://a.test/r/2",
      "http://a.test/r/1",
      "http://a.test/r/0",
    ]);
  });

  it("allows 20 redirects and fails the 21st with ERR_TOO_MANY_REDIRECTS", async () => {
    const { run } = origin();
    assert.equal((await run(new Request("http://a.test/r/20"), context())).status, 200);
    await assert.rejects(
      run(new Request("http://a.test/r/21"), context()),
      (error: unknown) =>
        SessionError.is(error) && error.code === "ERR_TOO_MANY_REDIRECTS" && error.errno === -310,
    );
  });

  it("returns the 3xx itself in manual mode and refuses in error mode", async () => {
    const { run } = origin();
    const manual = await run(new Request("http://a.test/r/1", { redirect: "manual" }), context());
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.get("location"), "/r/0");
    assert.equal(manual.redirected, false);
    await assert.rejects(
      run(new Request("http://a.test/r/1", { redirect: "error" }), context()),
      TypeError,
    );
  });

  it("turns POST into GET on 302 and 303 and drops the body", async () => {
    for (const status of [301, 302, 303]) {
      const { run, seen } = origin(status);
      const ctx = context(new TextEncoder().encode("data"));
      const request = new Request("http://a.test/r/1", {
        method: "POST",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(await (await run(request, ctx)).text(), "final GET");
      assert.equal(ctx.body, null);
      assert.deepEqual(seen.map((hop) => [hop.method, hop.type]), [
        ["POST", "text/plain"],
        ["GET", null],
      ]);
    }
  });

  it("keeps method and byte body on 307 and 308, refuses a consumed stream", async () => {
    for (const status of [307, 308]) {
      const { run } = origin(status);
      const bytes = new TextEncoder().encode("data");
      const ctx = context(bytes);
      const response = await run(new Request("http://a.test/r/1", { method: "PUT" }), ctx);
      assert.equal(await response.text(), "final PUT");
      assert.equal(ctx.body, bytes);
      await assert.rejects(
        run(new Request("http://a.test/r/1", { method: "PUT" }), context(new Blob(["x"]).stream())),
        { code: "ERR_UPLOAD_STREAM_REWIND_NOT_SUPPORTED" },
      );
    }
  });

  it("drops Authorization across origins only", async () => {
    const { run, seen } = origin();
    const headers = { authorization: "Basic eDp5" };
    await run(new Request("http://a.test/to?u=/final", { headers }), context());
    await run(new Request("http://a.test/to?u=http://b.test/final", { headers }), context());
    assert.deepEqual(seen.map((hop) => hop.auth), ["Basic eDp5", "Basic eDp5", "Basic eDp5", null]);
  });

  it("takes a custom scheme's hop for cross-origin, its origin being opaque", async () => {
    const seen: (string | null)[][] = [];
    const run = compose([followRedirects({ isSchemeAllowed: () => true })], (request) => {
      seen.push([request.headers.get("authorization"), request.headers.get("origin")]);
      return Promise.resolve(
        new URL(request.url).pathname === "/a"
          ? new Response(null, { status: 307, headers: { location: "app://h/b" } })
          : new Response("b"),
      );
    });
    const headers = { authorization: "Basic eDp5", origin: "app://h" };
    await run(new Request("app://h/a", { method: "POST", body: "x", headers }), context());
    assert.deepEqual(seen, [["Basic eDp5", "app://h"], [null, "null"]]);
  });

  it("rejects unsafe and invalid locations", async () => {
    const { run } = origin();
    await assert.rejects(
      run(new Request("http://a.test/to?u=file:///etc/passwd"), context()),
      { code: "ERR_UNSAFE_REDIRECT" },
    );
    await assert.rejects(
      run(new Request("http://a.test/to?u=http://%5B::1"), context()),
      { code: "ERR_INVALID_REDIRECT" },
    );
  });

  it("passes a 3xx without Location through untouched", async () => {
    const run = compose(
      [followRedirects()],
      () => Promise.resolve(new Response("x", { status: 300 })),
    );
    const response = await run(new Request("http://a.test/"), context());
    assert.equal(response.status, 300);
    assert.equal(response.url, "http://a.test/");
  });

  it("passes a 302 with an empty Location through, as Chromium's IsRedirect ignores it", async () => {
    const run = compose(
      [followRedirects()],
      () => Promise.resolve(new Response("body", { status: 302, headers: { location: "  " } })),
    );
    const response = await run(new Request("http://a.test/", { redirect: "error" }), context());
    assert.equal(response.status, 302);
    assert.equal(response.redirected, false);
    assert.equal(await response.text(), "body");
  });
});

describe("followRedirects hooks", () => {
  const defaults = [["user-agent", "demo/1"], ["accept", "*/*"]] as const;

  it("gives every hop the entry's default headers, even after a stage emptied them", async () => {
    const sent: string[][] = [];
    // A stage following the convention for showing the headers to be sent (webRequest):
    // merge the defaults into the request and empty them.
    const merging = (next: FetchLike): FetchLike => (request, ctx) => {
      const headers = new Headers(request.headers);
      for (const [name, value] of ctx.defaultHeaders ?? []) {
        if (!headers.has(name)) headers.set(name, value);
      }
      ctx.defaultHeaders = [];
      sent.push([...headers.keys()]);
      return next(new Request(request, { headers }), ctx);
    };
    const run = compose([followRedirects(), merging], (request) =>
      Promise.resolve(
        request.url.endsWith("/old")
          ? new Response(null, { status: 302, headers: { location: "/new" } })
          : new Response("new"),
      ));
    const ctx = requestContext({ defaultHeaders: defaults });
    await run(new Request("http://a.test/old"), ctx);
    assert.deepEqual(sent, [["accept", "user-agent"], ["accept", "user-agent"]]);
  });

  it("chooses each hop's Accept-Encoding for its URL: br and zstd not to a cleartext host", async () => {
    const encodings: (string | undefined)[] = [];
    const run = compose([followRedirects()], (request, ctx) => {
      encodings.push(ctx.defaultHeaders?.find(([name]) => name === "accept-encoding")?.[1]);
      return Promise.resolve(
        request.url.startsWith("https:")
          ? new Response(null, { status: 302, headers: { location: "http://b.test/" } })
          : new Response("plain"),
      );
    });
    const entered = [["accept-encoding", "gzip, deflate, br, zstd"]] as const;
    await run(new Request("https://a.test/"), requestContext({ defaultHeaders: entered }));
    assert.deepEqual(encodings, ["gzip, deflate, br, zstd", "gzip, deflate"]);
  });

  it("calls onRedirect with the request, the 3xx response and the target, before the hop", async () => {
    const events: string[] = [];
    const run = compose([
      followRedirects({
        onRedirect: ({ request, response, redirectUrl }, ctx) =>
          events.push(`${ctx.id} ${request.url} ${response.status} -> ${redirectUrl.href}`),
      }),
    ], (request) => {
      events.push(`hop ${request.url}`);
      return Promise.resolve(
        request.url.endsWith("/old")
          ? new Response(null, { status: 301, headers: { location: "/new" } })
          : new Response("new"),
      );
    });
    await run(new Request("http://a.test/old"), requestContext({ id: 9 }));
    assert.deepEqual(events, [
      "hop http://a.test/old",
      "9 http://a.test/old 301 -> http://a.test/new",
      "hop http://a.test/new",
    ]);
  });

  it("fails with the error onRedirect throws", async () => {
    const run = compose([
      followRedirects({
        onRedirect: () => {
          throw new SessionError("ERR_BLOCKED_BY_CLIENT");
        },
      }),
    ], () => Promise.resolve(new Response(null, { status: 302, headers: { location: "/x" } })));
    await assert.rejects(
      run(new Request("http://a.test/"), requestContext()),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_BLOCKED_BY_CLIENT",
    );
  });

  it("follows schemes the predicate allows and refuses the rest with ERR_UNSAFE_REDIRECT", async () => {
    const seen: string[] = [];
    const stage = (isSchemeAllowed?: (url: URL) => boolean) =>
      compose([followRedirects({ isSchemeAllowed })], (request) => {
        seen.push(request.url);
        return Promise.resolve(
          request.url.startsWith("http:")
            ? new Response(null, { status: 302, headers: { location: "app://bundle/index" } })
            : new Response("custom"),
        );
      });
    await assert.rejects(
      stage()(new Request("http://a.test/"), requestContext()),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_UNSAFE_REDIRECT",
    );
    const allowApp = (url: URL) => url.protocol === "app:" || url.protocol === "http:";
    const response = await stage(allowApp)(new Request("http://a.test/"), requestContext());
    assert.equal(await response.text(), "custom");
    assert.deepEqual(seen, ["http://a.test/", "http://a.test/", "app://bundle/index"]);
  });
});
