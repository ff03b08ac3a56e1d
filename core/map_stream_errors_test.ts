import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapStreamErrors } from "./map_stream_errors.ts";

describe("mapStreamErrors", () => {
  it("passes chunks on in order and ends when the source ends", async () => {
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1]));
        controller.enqueue(new Uint8Array([2, 3]));
        controller.close();
      },
    });
    const bytes = new Uint8Array(
      await new Response(mapStreamErrors(source, (e) => e)).arrayBuffer(),
    );
    assert.deepEqual([...bytes], [1, 2, 3]);
  });

  it("errors with what mapError gives for the source's error", async () => {
    const reset = new Error("reset");
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.error(reset),
    });
    const seen: unknown[] = [];
    const mapped = mapStreamErrors(source, (error) => {
      seen.push(error);
      return new TypeError("mapped");
    });
    await assert.rejects(mapped.getReader().read(), { name: "TypeError", message: "mapped" });
    assert.deepEqual(seen, [reset]);
  });

  it("fails a cancel with what mapError gives, once the source has errored", async () => {
    const reset = new Error("reset");
    const source = new ReadableStream<Uint8Array>({
      start: (controller) => controller.error(reset),
    });
    const mapped = mapStreamErrors(source, () => new TypeError("mapped"));
    await assert.rejects(mapped.cancel("enough"), { name: "TypeError", message: "mapped" });
  });

  it("cancels the source with the same reason", async () => {
    let reason: unknown;
    const source = new ReadableStream<Uint8Array>({ cancel: (why) => void (reason = why) });
    await mapStreamErrors(source, (e) => e).cancel("enough");
    assert.equal(reason, "enough");
  });
});
