/**
 * Bodies whose bytes were all at hand when they were made. A stage that needs a response's
 * whole body (the HTTP cache, to store it) asks the body's maker first, and wraps the body in
 * a recording stream of its own only when the maker cannot tell: the wrap costs a stream, a
 * `Response` and a promise per chunk on every request (20–60 µs of CPU for a 16 KiB body).
 * The mark also says the network is done with the body: net's `observeOutcome` reports such a
 * request completed at once, as Chromium's URLLoader completes once the body is in the data
 * pipe (services/network/url_loader.cc).
 *
 * @module
 */

import { objectSlot } from "./object_slot.ts";

// By stream, not by Response: a stage that rebuilds the Response around the same stream keeps
// the bytes known, and one that replaces the stream (decoding, throttling) drops them. A slot,
// not a WeakMap, so that each body is young garbage once read (core/object_slot.ts).
const wholes = objectSlot<ReadableStream<Uint8Array>, readonly Uint8Array[]>("whole body");

/**
 * Records that `body` will yield exactly `chunks`, in order, and then close: it was made from
 * bytes already received in full. The maker must not reuse the chunks' memory afterwards.
 *
 * @param body A body stream nobody has read from yet.
 * @param chunks Its bytes.
 *
 * @example
 * ```ts
 * import { markWholeBody, wholeBodyChunks } from "./whole_body.ts";
 * const bytes = new TextEncoder().encode("hi");
 * const body = new ReadableStream<Uint8Array>({
 *   start(controller) {
 *     controller.enqueue(bytes);
 *     controller.close();
 *   },
 * });
 * markWholeBody(body, [bytes]);
 * console.log(wholeBodyChunks(body)?.length); // 1
 * ```
 */
export function markWholeBody(
  body: ReadableStream<Uint8Array>,
  chunks: readonly Uint8Array[],
): void {
  wholes.set(body, chunks);
}

/**
 * Returns the bytes a body was made from, when its maker recorded them with
 * {@linkcode markWholeBody} and nobody has started reading it. A caller that keeps them must
 * copy them: the reader of the body gets the same chunks and may write into them.
 *
 * @param body A response body.
 * @returns Its chunks, or `undefined` when the maker did not say or reading has started.
 *
 * @example
 * ```ts
 * import { wholeBodyChunks } from "./whole_body.ts";
 * console.log(wholeBodyChunks(new Blob(["x"]).stream())); // undefined
 * ```
 */
export function wholeBodyChunks(
  body: ReadableStream<Uint8Array>,
): readonly Uint8Array[] | undefined {
  // A locked body may have been read in part: its first chunks are no longer the bytes to come.
  return body.locked ? undefined : wholes.get(body);
}
