import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readBodyCapped } from "./read_body_capped.ts";

function chunked(
  ...chunks: number[]
): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next === chunks.length) return controller.close();
      controller.enqueue(new Uint8Array(chunks[next]!).fill(next++));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

describe("readBodyCapped", () => {
  it("joins the chunks of a body up to the limit, in order", async () => {
    const { body, cancelled } = chunked(2, 3, 1);
    assert.deepEqual([...(await readBodyCapped(body, 6))!], [0, 0, 1, 1, 1, 2]);
    assert.equal(cancelled(), false);
  });

  it("gives up past the limit and cancels the rest", async () => {
    const { body, cancelled } = chunked(2, 3, 1);
    assert.equal(await readBodyCapped(body, 5), undefined);
    assert.equal(cancelled(), true);
  });

  it("reads no body as empty, and rejects with the stream's error", async () => {
    assert.equal((await readBodyCapped(null, 0))?.length, 0);
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("reset"));
      },
    });
    await assert.rejects(readBodyCapped(failing, 10), { message: "reset" });
  });
});
