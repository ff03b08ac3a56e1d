import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { markWholeBody, wholeBodyChunks } from "./whole_body.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("wholeBodyChunks", () => {
  it("returns the chunks a body was marked with, until someone reads it", async () => {
    const chunks = [bytes("ab"), bytes("c")];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    markWholeBody(body, chunks);
    assert.equal(wholeBodyChunks(body), chunks);
    // Rebuilding the Response around the same stream keeps it known.
    const response = new Response(new Response(body).body);
    assert.equal(wholeBodyChunks(response.body!), chunks);
    const reader = response.body!.getReader();
    await reader.read();
    assert.equal(wholeBodyChunks(body), undefined, "a locked body may be read in part");
  });

  it("knows nothing of bodies nobody marked", () => {
    assert.equal(wholeBodyChunks(new Response("x").body!), undefined);
  });
});
