/**
 * The pipeline stage that decodes `Content-Encoding: gzip, deflate, br` response bodies.
 *
 * @module
 */

import { pipeline, Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from "node:zlib";
import type { Transform } from "node:stream";
import type { Middleware } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { responseWithBody } from "./response_with_body.ts";

/**
 * Decodes the response body by its `Content-Encoding` (applied in reverse order, unknown
 * codings left alone as Chromium does). Headers stay as received, as in the runtime's fetch.
 * A corrupt body errors the stream with `net::ERR_CONTENT_DECODING_FAILED`.
 *
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { gzipSync } from "node:zlib";
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { contentDecoding } from "./content_decoding.ts";
 * const run = compose([contentDecoding()], () =>
 *   Promise.resolve(new Response(gzipSync("hello"), { headers: { "content-encoding": "gzip" } })));
 * const context = requestContext();
 * console.log(await (await run(new Request("http://a.test/"), context)).text()); // hello
 * ```
 */
export function contentDecoding(): Middleware {
  return (next) => (request, context) =>
    next(request, context).then((response) => decodeResponse(request, response));
}

function decodeResponse(request: Request, response: Response): Response {
  // Most responses are not encoded: settle them before splitting anything.
  const header = response.headers.get("content-encoding");
  if (header === null || response.body === null || request.method === "HEAD") return response;
  const codings = header.split(",").map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "");
  if (codings.length === 0) return response;
  let body: ReadableStream<Uint8Array> = response.body;
  for (const coding of codings.reverse()) {
    const decoder = decoderFor(coding);
    if (decoder) body = decode(body, decoder);
  }
  return responseWithBody(response, body);
}

function decoderFor(coding: string): ((first: Uint8Array) => Transform) | undefined {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return () => createGunzip();
    case "br":
      return () => createBrotliDecompress();
    case "deflate":
      // RFC 9110 says zlib-wrapped, but servers send raw deflate too; Chromium accepts both,
      // telling them apart by the zlib header (CM 8 and a header checksum divisible by 31).
      return (first) =>
        first.length >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0
          ? createInflate()
          : createInflateRaw();
    default:
      return undefined;
  }
}

function decode(
  body: ReadableStream<Uint8Array>,
  makeDecoder: (first: Uint8Array) => Transform,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let output: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        output ??= await startDecoder(reader, makeDecoder);
        const { done, value } = await output.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        // Transport failures keep their own code; anything else came from the decoder.
        controller.error(
          SessionError.is(error)
            ? error
            : new SessionError("ERR_CONTENT_DECODING_FAILED", { cause: error }),
        );
      }
    },
    async cancel(reason) {
      // The source first: the decoder's input pump may be waiting on it.
      await reader.cancel(reason);
      await output?.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

async function startDecoder(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  makeDecoder: (first: Uint8Array) => Transform,
): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  // Two bytes decide between zlib and raw deflate, so gather at least that many.
  let head: Uint8Array = new Uint8Array(0);
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    head = head.length === 0 ? next.value : concat(head, next.value);
    if (head.length >= 2) break;
  }
  // An empty body with a Content-Encoding is empty, not truncated (Chromium agrees).
  if (head.length === 0) {
    return new ReadableStream<Uint8Array>({ start: (c) => c.close() }).getReader();
  }
  const source = Readable.from(chunks(head, reader), { objectMode: false });
  const decoder = makeDecoder(head);
  pipeline(source, decoder, () => {});
  return (Readable.toWeb(decoder) as unknown as ReadableStream<Uint8Array>).getReader();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

async function* chunks(
  head: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    yield head;
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
    finished = true;
  } finally {
    // Stopped early (the consumer cancelled or the decoder failed): the transport must hear
    // of it so it can close the socket instead of waiting for the body to be read.
    if (!finished) await reader.cancel().catch(() => {});
  }
}
