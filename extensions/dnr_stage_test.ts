import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { requestContext } from "../core/middleware.ts";
import { DnrEngine, dnrStages, parseRuleset } from "./mod.ts";

describe("declarativeNetRequest stages", () => {
  it("hand back the next step's own promise while no extension has rules", () => {
    const { beforeRequest, modifyHeaders } = dnrStages(new DnrEngine());
    const answer = Promise.resolve(new Response("ok"));
    const next = () => answer;
    const request = new Request("http://a.test/");
    assert.equal(beforeRequest(next)(request, requestContext()), answer);
    assert.equal(modifyHeaders(next)(request, requestContext()), answer);
  });

  it("hand back the next step's own promise when no rule matches", () => {
    const engine = new DnrEngine();
    engine.set(
      "abcdefghijklmnopabcdefghijklmnop",
      "/ext",
      parseRuleset(
        '[{"id": 1, "action": {"type": "block"}, "condition": {"urlFilter": "||ads.test^"}}]',
        { rules: 10, regexRules: 0 },
      ).rules,
    );
    const { beforeRequest, modifyHeaders } = dnrStages(engine);
    const answer = Promise.resolve(new Response("ok"));
    const context = requestContext();
    const run = beforeRequest(modifyHeaders(() => answer));
    assert.equal(run(new Request("http://clean.test/"), context), answer);
  });
});
