import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { concatBytes } from "./concat_bytes.ts";

describe("concatBytes", () => {
  it("joins chunks in order, counting their length when not given", () => {
    const joined = concatBytes([Uint8Array.of(1, 2), new Uint8Array(), Uint8Array.of(3)]);
    assert.deepEqual([...joined], [1, 2, 3]);
    assert.deepEqual([...concatBytes([Uint8Array.of(4), Uint8Array.of(5)], 2)], [4, 5]);
    assert.equal(concatBytes([]).length, 0);
  });

  it("returns a plain copy that later writes into the chunks do not reach", () => {
    const chunk = Buffer.from([7, 8]);
    const joined = concatBytes([chunk]);
    chunk[0] = 0;
    assert.equal(joined[0], 7);
    assert.equal(Object.getPrototypeOf(joined), Uint8Array.prototype);
    assert.equal(joined.byteOffset, 0);
    assert.equal(joined.buffer.byteLength, 2);
  });
});
