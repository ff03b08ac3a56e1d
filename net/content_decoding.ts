/**
 * The pipeline stage that decodes `Content-Encoding: gzip, deflate, br, zstd` response bodies.
 *
 * @module
 */

import {
  createBrotliDecompress,
  createInflate,
  createInflateRaw,
  createZstdDecompress,
} from "node:zlib";
import type { Transform } from "node:stream";
import type { Middleware, RequestContext } from "../core/middleware.ts";
import type { NetLogWithSource } from "../core/net_log_sink.ts";
import { responseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { GzipHeaderReader } from "./_gzip_header.ts";
import { responseWithBody } from "../core/response_with_body.ts";

/**
 * Content codings one response may stack (an @ses bound; Chromium sets none). Each holds an
 * inflater and a stream in a chain, so a header naming thousands would exhaust memory and the
 * call stack; a response naming more is refused with `net::ERR_CONTENT_DECODING_INIT_FAILED`,
 * as Chromium refuses a response whose decoders it cannot set up. Curl and urllib3 allow 5.
 *
 * @example
 * ```ts
 * import { MAX_CONTENT_CODINGS } from "./content_decoding.ts";
 * console.log(MAX_CONTENT_CODINGS); // 16
 * ```
 */
export const MAX_CONTENT_CODINGS = 16;

/**
 * Decodes the response body by its `Content-Encoding` (applied in reverse order). A list that
 * names any coding besides gzip, x-gzip, deflate, br and zstd (`identity`, a typo) leaves the
 * whole body as received, none of its codings undone, as Chromium does. Headers stay as
 * received, as in the runtime's fetch.
 *
 * Leniency follows Chromium's source streams (net/filter/gzip_source_stream.cc,
 * gzip_header.cc, brotli_source_stream.cc, zstd_source_stream.cc, filter_source_stream.cc):
 * - gzip: only the first member is decoded; its 8-byte footer is skipped unchecked (no CRC or
 *   length check), and every byte after it (stray newlines, further members) is read off the
 *   connection and dropped. The same holds after the end of a deflate or brotli stream.
 * - a body that ends before its compressed stream does (no footer, a cut block) ends the
 *   decoded body there, without an error.
 * - like URLRequestHttpJob::ShouldFixMismatchedContentLength
 *   (net/url_request/url_request_http_job.cc): when the connection ends early
 *   (`ERR_CONTENT_LENGTH_MISMATCH`, `ERR_INCOMPLETE_CHUNKED_ENCODING`) but the decoded length
 *   equals `Content-Length` (servers that declare the uncompressed size), the body ends
 *   cleanly. Applied when there is one content coding.
 *
 * A response made in this process (`ResponseInfo.fromHandler`: a protocol handler's, a file's)
 * is not decoded, as Chromium's decoding belongs to its HTTP job alone.
 *
 * More than {@linkcode MAX_CONTENT_CODINGS} codings reject with
 * `net::ERR_CONTENT_DECODING_INIT_FAILED`. A gzip body without the gzip magic bytes, or corrupt
 * compressed data, errors the body with
 * `net::ERR_CONTENT_DECODING_FAILED`; transport errors keep their own code.
 *
 * @param options `onFailed`, told the response's URL when its body cannot be decoded (either
 * error above), so that the HTTP cache below drops the bytes it stored: Chromium's cache never
 * completes an entry whose reader stopped at a decoding error, so the next request refetches.
 * Not for a 206: its bytes are a part (the cache stores none, and one it cut from a whole
 * stored body fails when the range starts inside the coded stream, the whole being sound).
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
export function contentDecoding(options: ContentDecodingOptions = {}): Middleware {
  const { onFailed } = options;
  return (next) => (request, context) =>
    next(request, context).then((response) => decodeResponse(request, response, onFailed, context));
}

/** Options for {@linkcode contentDecoding}. */
export interface ContentDecodingOptions {
  /**
   * Told the URL of a response whose body failed to decode (or whose decoders failed to
   * start); not of a 206, whose bytes are a part.
   */
  onFailed?: (url: string) => void;
}

function decodeResponse(
  request: Request,
  response: Response,
  onFailed: ((url: string) => void) | undefined,
  context: RequestContext,
): Response {
  // Most responses are not encoded: settle them before splitting anything.
  const header = response.headers.get("content-encoding");
  if (header === null || response.body === null || request.method === "HEAD") return response;
  // Chromium decodes only what its HTTP job read (URLRequestHttpJob::SetUpSourceStream): a
  // protocol handler's or a file's answer goes on as given, as from Electron's URL loader
  // factories; a handler returning another fetch's Response has its body decoded already.
  if (responseInfo(response)?.fromHandler) return response;
  const codings = header.split(",").map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "");
  if (codings.length === 0) return response;
  const decoders: Decoder[] = [];
  for (const coding of codings.reverse()) {
    const decoder = decoderFor(coding);
    // One coding it cannot undo (`identity` included) and Chromium decodes none: the body goes
    // through as received (URLRequestHttpJob::SetUpSourceStream returns the raw stream).
    if (decoder === undefined) return response;
    decoders.push(decoder);
  }
  // A part's failure says nothing of the whole body a cache below may hold (see above).
  const failed = onFailed !== undefined && response.status !== 206
    ? () => onFailed(response.url)
    : undefined;
  if (decoders.length > MAX_CONTENT_CODINGS) {
    response.body.cancel().catch(() => {});
    failed?.();
    throw new SessionError("ERR_CONTENT_DECODING_INIT_FAILED", { url: request.url });
  }
  // Chromium compares the decoded length with Content-Length after all its filters; with one
  // coding that is this stage's count.
  const declared = decoders.length === 1
    ? declaredLength(response.headers.get("content-length"))
    : undefined;
  let body: ReadableStream<Uint8Array> = response.body;
  if (context.netLog?.sink.capturing) body = loggedFilters(context.netLog, decoders, body);
  for (const decoder of decoders) body = decode(body, decoder, declared, failed);
  return responseWithBody(response, body);
}

// The decoders as Chromium's URLRequestHttpJob logs them, URL_REQUEST_FILTERS_SET with the
// filter chain's description (FilterSourceStream::Description: each filter's type after the one
// it reads from, so in decoding order: "BROTLI,GZIP" for `gzip, br`), and the body the decoders
// read, each read as URL_REQUEST_JOB_BYTES_READ ({byte_count, bytes}: the bytes are kept only
// in a capture mode that keeps socket bytes), as URLRequestJob logs the raw bytes of a body
// that is filtered.
function loggedFilters(
  netLog: NetLogWithSource,
  decoders: readonly Decoder[],
  body: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const { sink, source } = netLog;
  sink.add({
    type: "URL_REQUEST_FILTERS_SET",
    phase: "PHASE_NONE",
    source,
    params: { filters: decoders.map((decoder) => decoder.name).join(",") },
  });
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      sink.add({
        type: "URL_REQUEST_JOB_BYTES_READ",
        phase: "PHASE_NONE",
        source,
        params: { byte_count: value.byteLength, bytes: value },
      });
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

/** Makes the inflater for a body from its first bytes (at least two, unless it is shorter). */
type DecoderFactory = (first: Uint8Array) => Transform;

/** One content coding: how to make its inflater, and the gzip header to read before it. */
interface Decoder {
  make: DecoderFactory;
  gzip: boolean;
  /** Chromium's SourceStream type string, for the net log. */
  name: "GZIP" | "DEFLATE" | "BROTLI" | "ZSTD";
}

function decoderFor(coding: string): Decoder | undefined {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      // The header is read here (Chromium's rules); the deflate data goes to a raw inflater,
      // which stops at the end of the member and ignores the footer and what follows.
      return { make: () => createInflateRaw(), gzip: true, name: "GZIP" };
    case "br":
      return { make: () => createBrotliDecompress(), gzip: false, name: "BROTLI" };
    // Chromium decodes zstd (ZstdSourceStream) since M123 and advertises it as it does br.
    case "zstd":
      return { make: () => createZstdDecompress(), gzip: false, name: "ZSTD" };
    case "deflate":
      // RFC 9110 says zlib-wrapped, but servers send raw deflate too; Chromium accepts both,
      // telling them apart by the zlib header (CM 8 and a header checksum divisible by 31).
      return {
        make: (first) =>
          first.length >= 2 && (first[0]! & 0x0f) === 8 &&
            ((first[0]! << 8) | first[1]!) % 31 === 0
            ? createInflate()
            : createInflateRaw(),
        gzip: false,
        name: "DEFLATE",
      };
    default:
      return undefined;
  }
}

function declaredLength(value: string | null): number | undefined {
  if (value === null || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

// The transport's codes for a body cut short; ShouldFixMismatchedContentLength forgives them.
const CUT_SHORT = new Set(["ERR_CONTENT_LENGTH_MISMATCH", "ERR_INCOMPLETE_CHUNKED_ENCODING"]);

/**
 * One decoding layer. Upstream chunks are written to the inflater one at a time, each after
 * the last is processed and only while the consumer waits for output, so a paused reader
 * pauses the connection; the inflater's output goes straight to the consumer.
 */
function decode(
  body: ReadableStream<Uint8Array>,
  decoder: Decoder,
  declared: number | undefined,
  failed: (() => void) | undefined,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const header = decoder.gzip ? new GzipHeaderReader() : undefined;
  let inflater: Transform | undefined;
  // Bytes held back until the deflate flavour can be told (two bytes).
  let held: Uint8Array | undefined;
  let inflaterEnded = false;
  let inflaterError: unknown;
  let decodedBytes = 0;
  let settled = false;
  let pumping: Promise<void> | undefined;

  function startInflater(
    first: Uint8Array,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ) {
    const started = decoder.make(first);
    started.on("data", (chunk: Uint8Array) => {
      decodedBytes += chunk.length;
      if (!settled) controller.enqueue(chunk);
    });
    started.on("end", () => {
      inflaterEnded = true;
      // Bytes after the end are never written to it, so nothing will end its input.
      started.destroy();
    });
    started.on("error", (error) => inflaterError ??= error);
    return started;
  }

  function write(chunk: Uint8Array): Promise<void> {
    const active = inflater!;
    return new Promise((resolve) => {
      // A destroyed inflater may never call back; its 'close' settles the write instead.
      const done = () => {
        active.off("close", done);
        resolve();
      };
      active.once("close", done);
      active.write(chunk, done);
    });
  }

  // Ends the inflater's input and waits until it has said all it will.
  function finishInflater(): Promise<void> {
    const active = inflater;
    if (active === undefined || inflaterEnded || inflaterError !== undefined || active.destroyed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      active.once("end", resolve).once("error", resolve).once("close", resolve);
      active.end();
    });
  }

  // Feeds one upstream chunk; returns once it has been decoded (or dropped).
  async function feed(
    chunk: Uint8Array,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): Promise<void> {
    if (inflaterEnded) return; // Past the end of the compressed stream: read and dropped.
    let data = chunk;
    if (header !== undefined && inflater === undefined) {
      const status = header.read(data);
      if (status.state === "invalid") throw decodingFailed(undefined);
      if (status.state === "incomplete") return;
      data = data.subarray(status.end);
      inflater = startInflater(data, controller);
    } else if (inflater === undefined) {
      held = held === undefined ? data : concat(held, data);
      if (held.length < 2) return;
      data = held;
      held = undefined;
      inflater = startInflater(data, controller);
    }
    if (data.length > 0) await write(data);
    if (inflaterError !== undefined) throw decodingFailed(inflaterError);
  }

  async function endOfBody(controller: ReadableStreamDefaultController<Uint8Array>) {
    if (inflater === undefined && held !== undefined) {
      inflater = startInflater(held, controller);
      await write(held);
    }
    await finishInflater();
    // A stream cut short ends where it stops (Chromium's FilterSourceStream sees only EOF);
    // anything else the inflater reports is corrupt data.
    if (inflaterError !== undefined && !isTruncation(inflaterError)) {
      throw decodingFailed(inflaterError);
    }
  }

  async function pump(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      // One pull reads until it has given the consumer something, or the body is over.
      const before = decodedBytes;
      while (!settled && decodedBytes === before) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          await endOfBody(controller).catch(() => {});
          if (SessionError.is(error) && CUT_SHORT.has(error.code) && decodedBytes === declared) {
            return close(controller);
          }
          throw error;
        }
        if (settled) return; // Cancelled while reading.
        if (next.done) {
          await endOfBody(controller);
          return close(controller);
        }
        await feed(next.value, controller);
      }
    } catch (error) {
      if (!settled) {
        settled = true;
        if (SessionError.is(error) && error.code === "ERR_CONTENT_DECODING_FAILED") failed?.();
        inflater?.destroy();
        controller.error(error);
        await reader.cancel(error).catch(() => {});
      }
    }
  }

  function close(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (settled) return;
    settled = true;
    controller.close();
  }

  return new ReadableStream<Uint8Array>({
    pull(controller) {
      pumping ??= pump(controller).finally(() => pumping = undefined);
      return pumping;
    },
    async cancel(reason) {
      settled = true;
      inflater?.destroy();
      // The transport must hear of it so it can close the socket instead of waiting for the
      // body to be read.
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

function isTruncation(error: unknown): boolean {
  // zlib's Z_BUF_ERROR at the end of input: "unexpected end of file".
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === "Z_BUF_ERROR";
}

function decodingFailed(cause: unknown): SessionError {
  return new SessionError("ERR_CONTENT_DECODING_FAILED", { cause });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
