import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fileRange } from "./_byte_range.ts";

describe("fileRange", () => {
  it("reads one range of bytes as net's ParseRangeHeader and ComputeBounds do", () => {
    const cases: Array<[string, number, [number, number] | undefined]> = [
      ["bytes=2-4", 10, [2, 3]],
      ["bytes=5-", 10, [5, 5]],
      ["bytes=-3", 10, [7, 3]],
      ["bytes=-30", 10, [0, 10]],
      ["bytes=0-100", 10, [0, 10]],
      ["BYTES = 9 - 9", 10, [9, 1]],
      ["bytes=1-2,", 10, [1, 2]],
      ["bytes=+1-+2", 10, [1, 2]],
      ["bytes=-3", 0, [0, 0]],
      ["bytes=0-", 0, undefined],
      ["bytes=10-", 10, undefined],
      ["bytes=3-1", 10, undefined],
      ["bytes=1-2,4-5", 10, undefined],
      ["items=1-2", 10, undefined],
      ["bytes=-0", 10, undefined],
      ["bytes=--5", 10, undefined],
      ["bytes=x-", 10, undefined],
      ["bytes=", 10, undefined],
      ["bytes 1-2", 10, undefined],
      ["bytes=0-99999999999999999999", 10, undefined],
    ];
    for (const [header, size, expected] of cases) {
      const range = fileRange(header, size);
      assert.deepEqual(range && [range.start, range.length], expected, `${header} of ${size}`);
    }
  });

  it("never reaches outside the file", () => {
    fc.assert(fc.property(
      fc.string({
        unit: fc.constantFrom("b", "y", "t", "e", "s", "=", "-", ",", " ", "0", "1", "5", "9"),
      }),
      fc.nat(100),
      (header, size) => {
        const range = fileRange(`bytes=${header}`, size);
        if (range === undefined) return;
        assert.ok(range.start >= 0 && range.length >= 0 && range.start + range.length <= size);
      },
    ));
  });
});
