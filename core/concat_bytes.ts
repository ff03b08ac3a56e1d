/**
 * Joining byte chunks into one buffer.
 *
 * @module
 */

/**
 * Copies `chunks`, in order, into one new plain `Uint8Array` (never a pooled `Buffer`, whose
 * `buffer` is shared with unrelated bytes): the result stays as it is whatever is later
 * written into the chunks.
 *
 * @param chunks The pieces.
 * @param length Their total byte length, when the caller counted it already.
 * @returns The joined copy.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./concat_bytes.ts";
 * console.log(concatBytes([new Uint8Array([1, 2]), new Uint8Array([3])])); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[], length?: number): Uint8Array {
  if (length === undefined) {
    length = 0;
    for (const chunk of chunks) length += chunk.byteLength;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
