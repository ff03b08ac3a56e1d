import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParmrkDecoder } from "./_parmrk_decoder.ts";

function decode(decoder: ParmrkDecoder, bytes: number[], parity = false) {
  const view = Uint8Array.from(bytes);
  const { length, error } = decoder.decode(view, parity);
  return { data: [...view.subarray(0, length)], error };
}

describe("ParmrkDecoder", () => {
  it("undoubles 0xFF, across chunk boundaries too", () => {
    const decoder = new ParmrkDecoder();
    assert.deepEqual(decode(decoder, [1, 0xff, 0xff, 2]), { data: [1, 0xff, 2], error: undefined });
    assert.deepEqual(decode(decoder, [3, 0xff]), { data: [3], error: undefined });
    assert.deepEqual(decode(decoder, [0xff, 4]), { data: [0xff, 4], error: undefined });
  });

  it("reports a break, a parity error and a framing error after the data before them", () => {
    assert.deepEqual(decode(new ParmrkDecoder(), [7, 0xff, 0, 0, 8]), {
      data: [7],
      error: "break",
    });
    assert.deepEqual(decode(new ParmrkDecoder(), [0xff, 0, 0x41], true), {
      data: [],
      error: "parity",
    });
    const split = new ParmrkDecoder();
    assert.deepEqual(decode(split, [9, 0xff, 0]), { data: [9], error: undefined });
    assert.deepEqual(decode(split, [0x41]), { data: [], error: "framing" });
  });
});
