import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  brotliCompressSync,
  deflateRawSync,
  deflateSync,
  gzipSync,
  zstdCompressSync,
} from "node:zlib";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { compose, type RequestContext, requestContext } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { contentDecoding, MAX_CONTENT_CODINGS } from "./content_decoding.ts";
import { setResponseUrl } from "../core/response_url.ts";
import { assertSameBytes } from "../tests/fixtures/assert_bytes.ts";

const context: RequestContext = requestContext();

function serve(
  body: BodyInit | null,
  encoding: string,
  method = "GET",
  headers: Record<string, string> = {},
) {
  const run = compose([contentDecoding()], () => {
    const response = new Response(body, {
      headers: { "content-encoding": encoding, ...headers },
    });
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

/** A body that delivers `bytes`, then fails with `error` on the next read. */
function erroringAfter(bytes: Uint8Array, error: Error): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(error);
      sent = true;
      controller.enqueue(bytes);
    },
  }, { highWaterMark: 0 });
}

describe("contentDecoding", () => {
  const text = "hello, decoded world ".repeat(50);

  it("decodes gzip, x-gzip, br, zstd, zlib deflate and raw deflate", async () => {
    assert.equal(await (await serve(gzipSync(text), "gzip")).text(), text);
    assert.equal(await (await serve(zstdCompressSync(text), "zstd")).text(), text);
    assert.equal(await (await serve(zstdCompressSync(gzipSync(text)), "gzip, zstd")).text(), text);
    assert.equal(await (await serve(gzipSync(text), "x-gzip")).text(), text);
    assert.equal(await (await serve(brotliCompressSync(text), "br")).text(), text);
    assert.equal(await (await serve(deflateSync(text), "deflate")).text(), text);
    assert.equal(await (await serve(deflateRawSync(text), "deflate")).text(), text);
  });

  it("undoes stacked codings in reverse order, and none when one is unknown, as Chromium", async () => {
    const twice = brotliCompressSync(gzipSync(text));
    assert.equal(await (await serve(twice, "gzip, br")).text(), text);
    assert.equal(await (await serve("plain", "identity")).text(), "plain");
    assert.equal(await (await serve("zzz", "zstd-unknown")).text(), "zzz");
    // URLRequestHttpJob::SetUpSourceStream: an unknown coding anywhere in the list, identity
    // included, passes the raw body through, the known codings undone neither.
    const gzipped = gzipSync(text);
    for (const header of ["gzip, identity", "identity, gzip", "gzip, x-foo", "x-foo, gzip"]) {
      const body = new Uint8Array(await (await serve(gzipped, header)).arrayBuffer());
      assertSameBytes(body, new Uint8Array(gzipped), header);
    }
  });

  it("refuses more than 16 stacked codings with ERR_CONTENT_DECODING_INIT_FAILED", async () => {
    // A header may name thousands of codings: each would hold an inflater, and the chain of
    // streams would overflow the call stack.
    let sixteen = Buffer.from(text);
    for (let i = 0; i < MAX_CONTENT_CODINGS; i++) sixteen = gzipSync(sixteen);
    const codings = (n: number) => Array(n).fill("gzip").join(", ");
    assert.equal(await (await serve(sixteen, codings(MAX_CONTENT_CODINGS))).text(), text);
    let cancelled = false;
    const body = new ReadableStream({ cancel: () => void (cancelled = true) });
    await assert.rejects(serve(body, codings(5000)), (error: unknown) => {
      assert.ok(error instanceof SessionError);
      assert.equal(error.code, "ERR_CONTENT_DECODING_INIT_FAILED");
      return true;
    });
    assert.ok(cancelled, "the body is given up");
    // Unknown codings count for nothing (the response is left alone, as with one).
    assert.equal(await (await serve("zzz", codings(0) + "x, ".repeat(5000) + "y")).text(), "zzz");
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
    const zstd = await serve(new TextEncoder().encode("not zstd at all"), "zstd");
    await assert.rejects(zstd.text(), { code: "ERR_CONTENT_DECODING_FAILED" });
  });

  it("tells onFailed the response's URL when its body cannot be decoded, and only then", async () => {
    const failed: string[] = [];
    const run = (body: BodyInit, encoding: string, status = 200) =>
      compose([contentDecoding({ onFailed: (url) => failed.push(url) })], () => {
        const response = new Response(body, { status, headers: { "content-encoding": encoding } });
        setResponseUrl(response, "http://a.test/final", true);
        return Promise.resolve(response);
      })(new Request("http://a.test/"), context);
    assert.equal(await (await run(gzipSync(text), "gzip")).text(), text);
    const cut = erroringAfter(gzipSync(text), new SessionError("ERR_CONNECTION_RESET"));
    await assert.rejects((await run(cut, "gzip")).text(), { code: "ERR_CONNECTION_RESET" });
    assert.deepEqual(failed, []);
    await assert.rejects((await run("not gzip", "gzip")).text(), {
      code: "ERR_CONTENT_DECODING_FAILED",
    });
    await assert.rejects(run("x", Array(MAX_CONTENT_CODINGS + 1).fill("br").join()), {
      code: "ERR_CONTENT_DECODING_INIT_FAILED",
    });
    assert.deepEqual(failed, ["http://a.test/final", "http://a.test/final"]);
    // A 206 is a part: its failure says nothing of a whole body the cache below holds.
    await assert.rejects((await run("not gzip", "gzip", 206)).text(), {
      code: "ERR_CONTENT_DECODING_FAILED",
    });
    await assert.rejects(run("x", Array(MAX_CONTENT_CODINGS + 1).fill("br").join(), 206), {
      code: "ERR_CONTENT_DECODING_INIT_FAILED",
    });
    assert.equal(failed.length, 2);
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
        fc.constantFrom("gzip", "br", "deflate", "zstd"),
        async (bytes, sizes, coding) => {
          const encoded = coding === "gzip"
            ? gzipSync(bytes)
            : coding === "br"
            ? brotliCompressSync(bytes)
            : coding === "zstd"
            ? zstdCompressSync(bytes)
            : deflateSync(bytes);
          const response = await serve(chunked(new Uint8Array(encoded), sizes), coding);
          assertSameBytes(new Uint8Array(await response.arrayBuffer()), bytes);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("decodes identically whatever bytes follow the end and the chunk boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("gzip", "br", "deflate", "raw deflate"),
        async (bytes, trailing, sizes, coding) => {
          const encoded = coding === "gzip"
            ? gzipSync(bytes)
            : coding === "br"
            ? brotliCompressSync(bytes)
            : coding === "deflate"
            ? deflateSync(bytes)
            : deflateRawSync(bytes);
          const wire = new Uint8Array([...encoded, ...trailing]);
          const response = await serve(chunked(wire, sizes), coding.replace("raw ", ""));
          assertSameBytes(new Uint8Array(await response.arrayBuffer()), bytes);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("contentDecoding: Chromium's leniency after and around the compressed stream", () => {
  const hello = gzipSync("hello world");
  const stray = new TextEncoder().encode("\n \n\n\n\n \n");
  const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((part) => [...part]));

  it("ignores stray bytes after the gzip footer (gzip_source_stream.cc)", async () => {
    assert.equal(await (await serve(join(hello, stray), "gzip")).text(), "hello world");
    // The same bytes split at every offset.
    const wire = join(hello, stray);
    for (let cut = 1; cut < wire.length; cut++) {
      const response = await serve(chunked(wire, [cut, wire.length]), "gzip");
      assert.equal(await response.text(), "hello world", `cut at ${cut}`);
    }
  });

  it("decodes only the first gzip member, as Chromium does", async () => {
    const twoMembers = join(gzipSync("hello "), gzipSync("world"));
    assert.equal(await (await serve(twoMembers, "gzip")).text(), "hello ");
  });

  it("does not check the gzip footer and accepts a body cut before or inside it", async () => {
    const badCrc = hello.slice();
    badCrc[badCrc.length - 8] = badCrc.at(-8)! ^ 0xff;
    badCrc[badCrc.length - 1] = badCrc.at(-1)! ^ 0xff;
    assert.equal(await (await serve(badCrc, "gzip")).text(), "hello world");
    assert.equal(await (await serve(hello.slice(0, -8), "gzip")).text(), "hello world");
    assert.equal(await (await serve(hello.slice(0, -3), "gzip")).text(), "hello world");
  });

  it("ends a body cut inside the compressed data where it stops, without an error", async () => {
    const big = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
    const cases: Array<[string, Uint8Array<ArrayBuffer>]> = [["gzip", gzipSync(big)], [
      "deflate",
      deflateSync(big),
    ]];
    for (const [coding, encoded] of cases) {
      const cut = encoded.subarray(0, encoded.length >> 1);
      const decoded = new Uint8Array(await (await serve(cut, coding)).arrayBuffer());
      assert.ok(decoded.length > 0 && decoded.length < big.length, `${coding}: ${decoded.length}`);
      assert.deepEqual(decoded, big.subarray(0, decoded.length));
    }
    // A header cut short is an empty body.
    assert.equal(await (await serve(hello.slice(0, 5), "gzip")).text(), "");
  });

  it("reads every optional gzip header field (FEXTRA, FNAME, FCOMMENT, FHCRC)", async () => {
    const deflated = hello.subarray(10);
    const header = [0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3];
    const wire = join(
      new Uint8Array(header),
      new Uint8Array([3, 0, 9, 9, 9]),
      new TextEncoder().encode("name.txt\0a comment\0"),
      new Uint8Array([0xab, 0xcd]),
      deflated,
    );
    for (const size of [1, 2, 3, 7, wire.length]) {
      assert.equal(await (await serve(chunked(wire, [size]), "gzip")).text(), "hello world");
    }
  });

  it("still fails a body that is not gzip, and a zlib stream with a bad Adler-32", async () => {
    const notGzip = join(new Uint8Array([0x1f, 0x8c]), hello.subarray(2));
    await assert.rejects((await serve(notGzip, "gzip")).text(), {
      code: "ERR_CONTENT_DECODING_FAILED",
    });
    const zlib = deflateSync("hello world");
    zlib[zlib.length - 1] = zlib.at(-1)! ^ 0xff;
    await assert.rejects((await serve(zlib, "deflate")).text(), {
      code: "ERR_CONTENT_DECODING_FAILED",
    });
    const corrupt = join(hello.subarray(0, 10), new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    await assert.rejects((await serve(corrupt, "gzip")).text(), {
      code: "ERR_CONTENT_DECODING_FAILED",
    });
  });

  it("reads the bytes after the end off the connection before the body ends", async () => {
    let pulls = 0;
    let cancelled = false;
    const pieces = [hello, stray, stray, stray];
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces[pulls++];
        if (piece === undefined) controller.close();
        else controller.enqueue(piece);
      },
      cancel() {
        cancelled = true;
      },
    });
    assert.equal(await (await serve(source, "gzip")).text(), "hello world");
    assert.equal(pulls, pieces.length + 1);
    assert.equal(cancelled, false);
  });

  it("passes a transport error after the end of the stream on", async () => {
    const source = erroringAfter(hello, new SessionError("ERR_CONNECTION_RESET"));
    await assert.rejects((await serve(source, "gzip")).text(), { code: "ERR_CONNECTION_RESET" });
  });

  describe("a body cut short whose decoded length is Content-Length", () => {
    const text = "hello world ".repeat(100);
    function cutShort(code: "ERR_CONTENT_LENGTH_MISMATCH" | "ERR_INCOMPLETE_CHUNKED_ENCODING") {
      return erroringAfter(gzipSync(text), new SessionError(code));
    }

    it("ends cleanly (URLRequestHttpJob::ShouldFixMismatchedContentLength)", async () => {
      for (
        const code of ["ERR_CONTENT_LENGTH_MISMATCH", "ERR_INCOMPLETE_CHUNKED_ENCODING"] as const
      ) {
        const response = await serve(cutShort(code), "gzip", "GET", {
          "content-length": String(text.length),
        });
        assert.equal(await response.text(), text);
      }
    });

    it("keeps the error when the lengths differ, there is none, or the error is another", async () => {
      for (const length of [String(text.length - 1), undefined, "x"]) {
        const headers: Record<string, string> = length === undefined
          ? {}
          : { "content-length": length };
        const response = await serve(
          cutShort("ERR_CONTENT_LENGTH_MISMATCH"),
          "gzip",
          "GET",
          headers,
        );
        await assert.rejects(response.text(), { code: "ERR_CONTENT_LENGTH_MISMATCH" });
      }
    });
  });

  it("pulls the connection only as the reader asks", async () => {
    const block = gzipSync(new Uint8Array(1 << 20).fill(7));
    let pulls = 0;
    let offset = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (offset >= block.length) return controller.close();
        controller.enqueue(block.subarray(offset, offset + 64));
        offset += 64;
      },
    }, { highWaterMark: 0 });
    const reader = (await serve(source, "gzip")).body!.getReader();
    const first = await reader.read();
    assert.ok(first.value!.length > 0);
    // A megabyte of sevens is ~1 KiB of gzip: 17 pulls of 64 bytes would be all of it.
    assert.ok(pulls < block.length / 64, `${pulls} pulls`);
    await reader.cancel();
  });
});
