import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compose } from "../core/middleware.ts";
import { defaultHeaders } from "./default_headers.ts";

const context = { id: 1, startTime: 0, resourceType: "other", urlChain: [], body: null };

function run(languages: string, init?: RequestInit) {
  let seen = new Headers();
  const fetchLike = compose(
    [defaultHeaders({ userAgent: () => "agent/1", acceptLanguage: () => languages })],
    (request) => {
      seen = request.headers;
      return Promise.resolve(new Response(""));
    },
  );
  return fetchLike(new Request("http://a.test/", init), context).then(() => seen);
}

describe("defaultHeaders", () => {
  it("adds the identity and encoding headers", async () => {
    const headers = await run("en-US,fr;q=0.9");
    assert.equal(headers.get("user-agent"), "agent/1");
    assert.equal(headers.get("accept-language"), "en-US,fr;q=0.9");
    assert.equal(headers.get("accept-encoding"), "gzip, deflate, br");
    assert.equal(headers.get("accept"), "*/*");
  });

  it("keeps what the caller set and sends no empty Accept-Language", async () => {
    const headers = await run("", { headers: { "user-agent": "mine", accept: "text/html" } });
    assert.equal(headers.get("user-agent"), "mine");
    assert.equal(headers.get("accept"), "text/html");
    assert.equal(headers.has("accept-language"), false);
  });
});
