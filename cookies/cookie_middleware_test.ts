import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compose, type RequestContext, requestContext } from "../core/middleware.ts";
import { CookieJar } from "./cookie_jar.ts";
import { cookieMiddleware } from "./cookie_middleware.ts";

function stage(jar: CookieJar, respond: (request: Request) => Response = () => new Response("")) {
  const seen: Array<RequestContext["defaultHeaders"]> = [];
  const run = compose([cookieMiddleware(jar)], (request, context) => {
    seen.push(context.defaultHeaders);
    return Promise.resolve(respond(request));
  });
  return { run, seen };
}

describe("cookieMiddleware", () => {
  it("leaves the context's defaults untouched when no cookie applies", async () => {
    const jar = new CookieJar();
    jar.storeSetCookies(new Request("http://other.test/"), ["o=1"]);
    const { run, seen } = stage(jar);
    const defaults = [["user-agent", "x"]] as const;
    const context = requestContext({ defaultHeaders: defaults });
    await run(new Request("http://a.test/"), context);
    assert.equal(seen[0], defaults);
    assert.equal(context.defaultHeaders, defaults);
  });

  it("replaces the previous hop's Cookie on the next hop of the same request", async () => {
    const jar = new CookieJar();
    jar.storeSetCookies(new Request("http://a.test/"), ["a=1; Path=/one"]);
    const { run, seen } = stage(jar);
    const context = requestContext({ defaultHeaders: [["user-agent", "x"]] });
    await run(new Request("http://a.test/one"), context);
    await run(new Request("http://a.test/two"), context);
    jar.storeSetCookies(new Request("http://a.test/"), ["b=2; Path=/three"]);
    await run(new Request("http://a.test/three"), context);
    assert.deepEqual(seen, [
      [["user-agent", "x"], ["cookie", "a=1"]],
      [["user-agent", "x"]],
      [["user-agent", "x"], ["cookie", "b=2"]],
    ]);
  });

  it("stores Set-Cookie of any status and none with credentials: omit", async () => {
    const jar = new CookieJar();
    const { run } = stage(jar, (request) =>
      new Response("", {
        status: 500,
        headers: [["set-cookie", `${new URL(request.url).pathname.slice(1)}=1`], [
          "set-cookie",
          "z=2",
        ]],
      }));
    await run(new Request("http://a.test/omitted"), requestContext({ credentials: "omit" }));
    assert.equal(jar.size, 0);
    await run(new Request("http://a.test/kept"), requestContext());
    assert.equal(jar.cookieHeader(new Request("http://a.test/")), "kept=1; z=2");
    const { run: again, seen } = stage(jar);
    await again(new Request("http://a.test/"), requestContext({ credentials: "omit" }));
    assert.equal(seen[0], undefined);
  });

  it("hands out one list while the defaults and the Cookie stay the same", async () => {
    const jar = new CookieJar();
    const url = "http://a.test/";
    jar.storeSetCookies(new Request(url), ["a=1"]);
    const { run, seen } = stage(jar);
    const defaults = Object.freeze([["user-agent", "x"] as const]);
    for (let i = 0; i < 2; i++) {
      await run(new Request(url), requestContext({ defaultHeaders: defaults }));
    }
    jar.storeSetCookies(new Request(url), ["a=2"]);
    await run(new Request(url), requestContext({ defaultHeaders: defaults }));
    const other = [["user-agent", "y"]] as const;
    await run(new Request(url), requestContext({ defaultHeaders: other }));
    jar.remove(url, "a");
    await run(new Request(url), requestContext({ defaultHeaders: defaults }));
    assert.equal(seen[0], seen[1]);
    assert.notEqual(seen[1], seen[2]);
    assert.deepEqual(seen, [
      [["user-agent", "x"], ["cookie", "a=1"]],
      [["user-agent", "x"], ["cookie", "a=1"]],
      [["user-agent", "x"], ["cookie", "a=2"]],
      [["user-agent", "y"], ["cookie", "a=2"]],
      defaults,
    ]);
  });
});
