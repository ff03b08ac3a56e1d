import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sniffedType, typeByExtension } from "./_file_type.ts";

describe("typeByExtension", () => {
  it("reads the last extension of the file's name, in any case", () => {
    assert.equal(typeByExtension("/a/b.tar.GZ"), "application/gzip");
    assert.equal(typeByExtension("/a.d/README"), undefined);
    assert.equal(typeByExtension("/a/.bashrc"), undefined);
    assert.equal(typeByExtension("/a/b.unknown"), undefined);
  });
});

describe("sniffedType", () => {
  it("tells text from binary by the mimesniff binary data bytes", () => {
    const bytes = (...values: number[]) => new Uint8Array(values);
    assert.equal(sniffedType(bytes(0x09, 0x0a, 0x0c, 0x0d, 0x1b, 0x41)), "text/plain");
    for (const binary of [0x00, 0x08, 0x0b, 0x0e, 0x1a, 0x1c, 0x1f]) {
      assert.equal(sniffedType(bytes(0x41, binary)), "application/octet-stream", `${binary}`);
    }
    assert.equal(sniffedType(bytes(0xfe, 0xff, 0x00, 0x41)), "text/plain");
    assert.equal(sniffedType(bytes()), "text/plain");
    const webp = new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ");
    assert.equal(sniffedType(webp), "image/webp");
  });
});
