import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { SessionError } from "../core/session_error.ts";
import { ChunkedDecoder } from "./_http1_chunked_decoder.ts";
import { assertSameBytes } from "../tests/fixtures/assert_bytes.ts";

function encode(body: Uint8Array, sizes: number[], extensions: boolean, trailer: string): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  let index = 0;
  while (at < body.length) {
    const size = Math.min(sizes[index % sizes.length] ?? 1, body.length - at);
    index++;
    parts.push(Buffer.from(`${size.toString(16)}${extensions ? `;n=${index}` : ""}\r\n`));
    parts.push(body.subarray(at, at + size), Buffer.from("\r\n"));
    at += size;
  }
  parts.push(Buffer.from(`0\r\n${trailer}\r\n`));
  return Buffer.concat(parts);
}

/** Feeds `wire` cut at `cuts`; returns the body and how many bytes followed it. */
function decodeSplit(wire: Uint8Array, cuts: number[]): { body: Buffer; after: number } {
  const decoder = new ChunkedDecoder();
  const out: Uint8Array[] = [];
  let at = 0;
  let after = 0;
  for (const cut of [...cuts, wire.length]) {
    const piece = wire.subarray(at, cut);
    at = cut;
    if (decoder.done) {
      after += piece.length;
      continue;
    }
    const used = decoder.decode(piece, out);
    after += piece.length - used;
  }
  assert.ok(decoder.done, "the decoder should have reached the end");
  return { body: Buffer.concat(out), after };
}

function invalid(wire: string): void {
  assert.throws(
    () => new ChunkedDecoder().decode(Buffer.from(wire, "latin1"), []),
    (error) => SessionError.is(error) && error.code === "ERR_INVALID_CHUNKED_ENCODING",
    JSON.stringify(wire),
  );
}

describe("ChunkedDecoder", () => {
  it("decodes any body however the encoding is split, and stops at its end", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000, size: "max" }),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom("", "X-T: 1\r\n", "A: b\r\nC: d\r\n"),
        fc.array(fc.nat(), { maxLength: 30, size: "max" }),
        (body, sizes, extensions, trailer, seeds) => {
          const wire = Buffer.concat([
            encode(body, sizes, extensions, trailer),
            Buffer.from("NEXT"),
          ]);
          const cuts = [...new Set(seeds.map((seed) => seed % wire.length))].sort((a, b) => a - b);
          const decoded = decodeSplit(wire, cuts);
          assertSameBytes(new Uint8Array(decoded.body), body);
          assert.equal(decoded.after, 4);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts bare LF line ends, upper-case hex and trailing spaces in the size", () => {
    const { body } = decodeSplit(Buffer.from("A  \nabcdefghij\n0\n\n"), []);
    assert.equal(body.toString(), "abcdefghij");
  });

  it("refuses malformed size lines and unterminated chunk data", () => {
    invalid("\r\n");
    invalid("-1\r\n");
    invalid("+1\r\n");
    invalid("0x1\r\n");
    invalid(" 1\r\n");
    invalid("g\r\n");
    invalid(";ext\r\n");
    invalid("2\r\nabc\r\n");
    invalid("20000000000000\r\n");
    invalid(`${"1".repeat(17 * 1024)}`);
  });
});
