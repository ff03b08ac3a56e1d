/**
 * Reading a whole body from an untrusted server with a size limit, for the small files a session
 * downloads for itself (PAC scripts, spellcheck dictionaries).
 *
 * @module
 */

import { concatBytes } from "./concat_bytes.ts";

/**
 * Reads a body into one buffer, giving up (and cancelling the rest) once it passes `maxBytes`.
 * Errors of the body's stream reject; a cancel that fails is ignored, since the answer is
 * already known.
 *
 * @param body The body, or `null` for none (an empty buffer).
 * @param maxBytes The most bytes accepted.
 * @returns The bytes, or `undefined` when the body is larger than `maxBytes`.
 *
 * @example
 * ```ts
 * import { readBodyCapped } from "./read_body_capped.ts";
 * console.log((await readBodyCapped(new Response("four").body, 4))?.length); // 4
 * console.log(await readBodyCapped(new Response("five!").body, 4)); // undefined
 * ```
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  if (body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, length);
}
