import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { GzipHeaderReader, type GzipHeaderStatus } from "./_gzip_header.ts";

/** Feeds `bytes` in pieces of the given sizes; returns the last status and its piece's offset. */
function readInPieces(
  bytes: Uint8Array,
  sizes: number[],
): { status: GzipHeaderStatus; at: number } {
  const reader = new GzipHeaderReader();
  let at = 0;
  let i = 0;
  for (;;) {
    const size = Math.max(1, sizes[i++ % sizes.length]!);
    const status = reader.read(bytes.subarray(at, at + size));
    if (status.state !== "incomplete" || at + size >= bytes.length) return { status, at };
    at += size;
  }
}

describe("GzipHeaderReader", () => {
  it("finds the end of a header with every optional field, however it is split", () => {
    fc.assert(
      fc.property(
        fc.record({
          extra: fc.option(fc.uint8Array({ maxLength: 300 })),
          name: fc.option(fc.string({ unit: fc.constantFrom(..."abc.txt "), maxLength: 20 })),
          comment: fc.option(fc.string({ unit: fc.constantFrom(..."xyz "), maxLength: 20 })),
          crc: fc.boolean(),
        }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
        ({ extra, name, comment, crc }, sizes) => {
          const flags = (crc ? 2 : 0) | (extra ? 4 : 0) | (name !== null ? 8 : 0) |
            (comment !== null ? 16 : 0);
          const header = [0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 3];
          if (extra) header.push(extra.length & 0xff, extra.length >> 8, ...extra);
          if (name !== null) header.push(...new TextEncoder().encode(name), 0);
          if (comment !== null) header.push(...new TextEncoder().encode(comment), 0);
          if (crc) header.push(0x12, 0x34);
          const bytes = new Uint8Array([...header, 0xaa, 0xbb]);
          const { status, at } = readInPieces(bytes, sizes);
          assert.equal(status.state, "complete");
          assert.equal(at + (status as { end: number }).end, header.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads the header gzip writes", () => {
    const bytes = gzipSync("hello");
    assert.deepEqual(new GzipHeaderReader().read(bytes), { state: "complete", end: 10 });
  });

  it("refuses wrong magic bytes or a method other than deflate, even one byte at a time", () => {
    for (const bytes of [[0x1e], [0x1f, 0x8c], [0x1f, 0x8b, 7]]) {
      const reader = new GzipHeaderReader();
      const statuses = bytes.map((byte) => reader.read(new Uint8Array([byte])).state);
      assert.equal(statuses.at(-1), "invalid");
    }
  });

  it("says incomplete until the last byte of a field arrives", () => {
    const reader = new GzipHeaderReader();
    assert.deepEqual(reader.read(new Uint8Array([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3])), {
      state: "incomplete",
    });
    assert.deepEqual(reader.read(new TextEncoder().encode("name")), { state: "incomplete" });
    assert.deepEqual(reader.read(new Uint8Array([0, 0x55])), { state: "complete", end: 1 });
  });
});
