import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { compose, type FetchLike, requestContext } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { markWholeBody } from "../core/whole_body.ts";
import { contentDecoding } from "./content_decoding.ts";
import { followRedirects } from "./follow_redirects.ts";
import { observeOutcome, type RequestOutcomeObserver } from "./request_outcome.ts";

function recorder(active = true) {
  const outcomes: string[] = [];
  const observer: RequestOutcomeObserver = {
    active,
    onCompleted: (request, response, context) =>
      outcomes.push(`completed ${context.id} ${request.url} ${response.status}`),
    onError: (_request, error, context) =>
      outcomes.push(`error ${context.id} ${SessionError.is(error) ? error.code : String(error)}`),
  };
  return { observer, outcomes };
}

// A body as the transport makes one that arrived whole with its head: closed already, its
// bytes recorded with markWholeBody.
function wholeBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  markWholeBody(body, [bytes]);
  return body;
}

function pipeline(observer: RequestOutcomeObserver, terminal: FetchLike) {
  return compose([observeOutcome(observer), contentDecoding(), followRedirects()], terminal);
}

describe("observeOutcome", () => {
  it("reports completion once the body has been read to its end", async () => {
    const { observer, outcomes } = recorder();
    const run = pipeline(observer, () => Promise.resolve(new Response("body")));
    const response = await run(new Request("http://a.test/"), requestContext({ id: 3 }));
    assert.deepEqual(outcomes, [], "not before the body is read");
    assert.equal(await response.text(), "body");
    assert.deepEqual(outcomes, ["completed 3 http://a.test/ 200"]);
  });

  it("sees too many redirects, raised outside the per-hop stages", async () => {
    const { observer, outcomes } = recorder();
    const run = pipeline(
      observer,
      () => Promise.resolve(new Response(null, { status: 302, headers: { location: "/again" } })),
    );
    await assert.rejects(run(new Request("http://a.test/"), requestContext({ id: 4 })));
    assert.deepEqual(outcomes, ["error 4 ERR_TOO_MANY_REDIRECTS"]);
  });

  it("sees a decoding failure in a body that arrived whole, after the head", async () => {
    const { observer, outcomes } = recorder();
    const corrupt = gzipSync("hello").subarray(0, 12);
    corrupt[10] = 0xff;
    const run = pipeline(
      observer,
      () =>
        Promise.resolve(
          new Response(wholeBody(corrupt), { headers: { "content-encoding": "gzip" } }),
        ),
    );
    const response = await run(new Request("http://a.test/"), requestContext({ id: 5 }));
    assert.deepEqual(outcomes, [], "decoding replaced the whole body: it is watched");
    await assert.rejects(response.text());
    assert.deepEqual(outcomes, ["error 5 ERR_CONTENT_DECODING_FAILED"]);
  });

  it("counts a streamed body the reader cancels as ERR_ABORTED", async () => {
    const { observer, outcomes } = recorder();
    const run = pipeline(observer, () => Promise.resolve(new Response("long body")));
    const response = await run(new Request("http://a.test/"), requestContext({ id: 6 }));
    await response.body?.cancel();
    assert.deepEqual(outcomes, ["error 6 ERR_ABORTED"]);
  });

  it("keeps the response's URL labels", async () => {
    const { observer } = recorder();
    const run = pipeline(observer, (request) =>
      Promise.resolve(
        request.url.endsWith("/old")
          ? new Response(null, { status: 301, headers: { location: "/new" } })
          : new Response("new"),
      ));
    const response = await run(new Request("http://a.test/old"), requestContext());
    assert.equal(response.url, "http://a.test/new");
    assert.equal(response.redirected, true);
  });

  it("completes a body that arrived whole at once, and passes the response on", async () => {
    const { observer, outcomes } = recorder();
    const original = new Response(wholeBody(new TextEncoder().encode("whole")));
    const run = pipeline(observer, () => Promise.resolve(original));
    const response = await run(new Request("http://a.test/"), requestContext({ id: 7 }));
    assert.equal(response, original, "the same response, not a wrapped copy");
    assert.deepEqual(outcomes, ["completed 7 http://a.test/ 200"], "before the body is read");
    assert.equal(await response.text(), "whole");
    assert.deepEqual(outcomes, ["completed 7 http://a.test/ 200"], "once");
  });

  it("adds no error when a body that arrived whole is cancelled afterwards", async () => {
    const { observer, outcomes } = recorder();
    const run = pipeline(
      observer,
      () => Promise.resolve(new Response(wholeBody(new Uint8Array(8)))),
    );
    const response = await run(new Request("http://a.test/"), requestContext({ id: 8 }));
    await response.body?.cancel();
    assert.deepEqual(outcomes, ["completed 8 http://a.test/ 200"]);
  });

  it("watches a body that arrived whole once decoding has replaced it", async () => {
    const { observer, outcomes } = recorder();
    const run = pipeline(
      observer,
      () =>
        Promise.resolve(
          new Response(wholeBody(gzipSync("hello")), { headers: { "content-encoding": "gzip" } }),
        ),
    );
    const response = await run(new Request("http://a.test/"), requestContext({ id: 9 }));
    assert.deepEqual(outcomes, [], "not before the decoded body is read");
    assert.equal(await response.text(), "hello");
    assert.deepEqual(outcomes, ["completed 9 http://a.test/ 200"]);
  });

  it("passes the response through untouched while inactive", async () => {
    const { observer, outcomes } = recorder(false);
    const original = new Response("x");
    const run = compose([observeOutcome(observer)], () => Promise.resolve(original));
    assert.equal(await run(new Request("http://a.test/"), requestContext()), original);
    assert.deepEqual(outcomes, []);
  });
});
