/**
 * Watches a response body stream go by and hands over its bytes once it ends.
 *
 * @module
 */

import { concatBytes } from "../core/concat_bytes.ts";

/**
 * Returns a stream that yields `body`'s chunks unchanged and, when the body ends normally
 * within `maxBytes`, calls `onComplete` with all its bytes. A body that errors, is cancelled
 * or grows past `maxBytes` calls nothing: only complete bodies are stored.
 *
 * @param body The body as it comes from the network.
 * @param maxBytes The most bytes worth keeping.
 * @param onComplete Receives the whole body.
 * @returns The stream to hand downstream.
 */
export function recordBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onComplete: (bytes: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let chunks: Uint8Array[] | null = [];
  let length = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      return reader.read().then(({ done, value }) => {
        if (done) {
          controller.close();
          if (chunks !== null) onComplete(concat(chunks, length));
          return;
        }
        if (chunks !== null) {
          length += value.byteLength;
          // A copy: the consumer gets `value` itself and may write into it; the stored bytes
          // must stay the bytes that came over the wire.
          if (length > maxBytes) chunks = null;
          else chunks.push(new Uint8Array(value));
        }
        controller.enqueue(value);
      }, (error: unknown) => controller.error(error));
    },
    cancel(reason) {
      chunks = null;
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  // Copies made above are plain Uint8Arrays, not the transport's Buffers: `new Response(buffer)`
  // copies a body through the species constructor, and Buffer's costs about a sixth of a hit's
  // CPU in Deno.
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks, length);
}
