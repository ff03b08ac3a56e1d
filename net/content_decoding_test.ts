import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { compose, type RequestContext, requestContext } from "../core/middleware.ts";
import { contentDecoding } from "./content_decoding.ts";
import { setResponseUrl } from "./response_url.ts";

const context: RequestContext = requestContext();

function serve(body: BodyInit | null, encoding: string, method = "GET") {
  const run = compose([contentDecoding()], () => {
    const response = new Response(body, { headers: { "content-encoding": encoding } });
    setResponseUrl(response, "http://a.test/final", true);
    return Promise.resolve(response);
  });
  return run(new Request("http://a.test/", { method }), context);
}

/** Splits bytes into a stream of the given piece sizes, so decoders see odd boundaries. */
function chunked(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let offset = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = Math.max(1, sizes[i++ % sizes.length] ?? 1);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

describe("contentDecoding", () => {
  const text = "hello, decoded world ".repeat(50);

  it("decodes gzip, x-gzip, br, zlib deflate and raw deflate", async () => {
    assert.equal(await (await serve(gzipSync(text), "gzip")).text(), text);
    assert.equal(await (await serve(gzipSync(text), "x-gzip")).text(), text);
    assert.equal(await (await serve(brotliCompressSync(text), "br")).text(), text);
    assert.equal(await (await serve(deflateSync(text), "deflate")).text(), text);
    assert.equal(await (await serve(deflateRawSync(text), "deflate")).text(), text);
  });

  it("undoes stacked codings in reverse order and leaves unknown ones alone", async () => {
    const twice = brotliCompressSync(gzipSync(text));
    assert.equal(await (await serve(twice, "gzip, br")).text(), text);
    assert.equal(await (await serve("plain", "identity")).text(), "plain");
    assert.equal(await (await serve("zzz", "zstd-unknown")).text(), "zzz");
  });

  it("keeps status, headers, url and redirected", async () => {
    const response = await serve(gzipSync(text), "gzip");
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.url, "http://a.test/final");
    assert.equal(response.redirected, true);
  });

  it("errors the body with ERR_CONTENT_DECODING_FAILED on corrupt data", async () => {
    const response = await serve(new TextEncoder().encode("not gzip at all"), "gzip");
    await assert.rejects(response.text(), { code: "ERR_CONTENT_DECODING_FAILED" });
  });

  it("handles empty bodies and HEAD", async () => {
    assert.equal(await (await serve(new Uint8Array(0), "gzip")).text(), "");
    assert.equal(await (await serve(null, "gzip", "HEAD")).text(), "");
  });

  it("cancelling the decoded body cancels the source", async () => {
    let cancelled = false;
    const compressed = gzipSync(new Uint8Array(1 << 20));
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(compressed.subarray(0, 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await serve(source, "gzip");
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    assert.equal(cancelled, true);
  });

  it("decodes identically whatever the chunk boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("gzip", "br", "deflate"),
        async (bytes, sizes, coding) => {
          const encoded = coding === "gzip"
            ? gzipSync(bytes)
            : coding === "br"
            ? brotliCompressSync(bytes)
            : deflateSync(bytes);
          const response = await serve(chunked(new Uint8Array(encoded), sizes), coding);
          assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes);
        },
      ),
      { numRuns: 60 },
    );
  });
});
