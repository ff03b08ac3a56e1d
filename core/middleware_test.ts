import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compose, type Middleware, type RequestContext, requestContext } from "./middleware.ts";

const context: RequestContext = requestContext();

describe("compose", () => {
  it("runs stages outermost first and unwinds in reverse", async () => {
    const order: string[] = [];
    const stage = (name: string): Middleware => (next) => async (request, ctx) => {
      order.push(`in ${name}`);
      const response = await next(request, ctx);
      order.push(`out ${name}`);
      return response;
    };
    const run = compose([stage("a"), stage("b")], () => {
      order.push("terminal");
      return Promise.resolve(new Response("ok"));
    });
    assert.equal(await (await run(new Request("http://x.test/"), context)).text(), "ok");
    assert.deepEqual(order, ["in a", "in b", "terminal", "out b", "out a"]);
  });

  it("lets a stage answer without calling next", async () => {
    const block: Middleware = () => () => Promise.resolve(new Response("blocked", { status: 403 }));
    const run = compose([block], () => Promise.reject(new Error("must not run")));
    assert.equal((await run(new Request("http://x.test/"), context)).status, 403);
  });
});
