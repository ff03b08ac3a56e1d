import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setResponseUrl } from "./response_url.ts";

describe("setResponseUrl", () => {
  it("shows the URL without its fragment, as the fetch standard's Response.url does", () => {
    const response = new Response("x");
    setResponseUrl(response, "http://a.test/page?q=1#top", false);
    assert.equal(response.url, "http://a.test/page?q=1");
    const bare = new Response("x");
    setResponseUrl(bare, "http://a.test/#", false);
    assert.equal(bare.url, "http://a.test/");
  });

  it("keeps url and redirected on clone(), and both copies read their own body", async () => {
    const response = new Response("body", { status: 201 });
    setResponseUrl(response, "http://a.test/final", true);
    const copy = response.clone();
    assert.equal(copy.url, "http://a.test/final");
    assert.equal(copy.redirected, true);
    assert.equal(copy.status, 201);
    const again = copy.clone();
    assert.equal(again.url, "http://a.test/final");
    assert.deepEqual(
      [await response.text(), await copy.text(), await again.text()],
      ["body", "body", "body"],
    );
  });

  it("keeps a clone unredirected when the original was not redirected", () => {
    const response = new Response("x");
    setResponseUrl(response, "http://a.test/", false);
    const copy = response.clone();
    assert.equal(copy.url, "http://a.test/");
    assert.equal(copy.redirected, false);
  });
});
