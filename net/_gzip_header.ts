/**
 * Reads the header of a gzip member (RFC 1952 §2.3) the way Chromium's GZipHeader
 * (net/filter/gzip_header.cc) does, so the deflate data after it can go to a raw inflater.
 *
 * @module
 */

/** What {@linkcode GzipHeaderReader.read} found in the bytes given so far. */
export type GzipHeaderStatus =
  /** The header goes on past these bytes. */
  | { state: "incomplete" }
  /** The header ends `end` bytes into the chunk just read; the deflate data starts there. */
  | { state: "complete"; end: number }
  /** Not a gzip header: wrong magic bytes or a compression method other than deflate (8). */
  | { state: "invalid" };

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

// The fixed part: ID1 ID2 CM FLG MTIME(4) XFL OS.
const FIXED_LENGTH = 10;

/**
 * An incremental gzip header reader: feed it chunks until it says `complete` or `invalid`.
 *
 * As in Chromium, the header CRC (FHCRC) is skipped, not checked, and reserved flag bits are
 * ignored; only the magic bytes `1f 8b` and the method `08` are required.
 *
 * @example
 * ```ts
 * import { gzipSync } from "node:zlib";
 * import { GzipHeaderReader } from "./_gzip_header.ts";
 *
 * const bytes = gzipSync("hi");
 * const reader = new GzipHeaderReader();
 * console.log(reader.read(bytes.subarray(0, 4))); // { state: "incomplete" }
 * console.log(reader.read(bytes.subarray(4))); // { state: "complete", end: 6 }
 * ```
 */
export class GzipHeaderReader {
  // Bytes of the fixed part seen so far, then the optional fields in RFC order.
  #fixed = 0;
  #flags = 0;
  #extraLengthBytes = 0;
  #extraLeft = 0;
  #crcBytes = 0;

  /**
   * Reads the next chunk of the header.
   *
   * @param chunk The next bytes of the body, starting where the previous chunk stopped.
   * @returns Whether the header is complete (and where in `chunk` it ends), still going, or
   *   not a gzip header. Once complete or invalid, the reader must not be fed again.
   */
  read(chunk: Uint8Array): GzipHeaderStatus {
    let at = 0;
    while (this.#fixed < FIXED_LENGTH) {
      if (at === chunk.length) return { state: "incomplete" };
      const byte = chunk[at++]!;
      if (this.#fixed === 0 && byte !== 0x1f) return { state: "invalid" };
      if (this.#fixed === 1 && byte !== 0x8b) return { state: "invalid" };
      if (this.#fixed === 2 && byte !== 8) return { state: "invalid" };
      if (this.#fixed === 3) this.#flags = byte & (FHCRC | FEXTRA | FNAME | FCOMMENT);
      this.#fixed++;
    }
    if (this.#flags & FEXTRA) {
      // A two-byte little-endian length, then that many bytes.
      while (this.#extraLengthBytes < 2) {
        if (at === chunk.length) return { state: "incomplete" };
        this.#extraLeft |= chunk[at++]! << (8 * this.#extraLengthBytes++);
      }
      const taken = Math.min(this.#extraLeft, chunk.length - at);
      at += taken;
      this.#extraLeft -= taken;
      if (this.#extraLeft > 0) return { state: "incomplete" };
      this.#flags &= ~FEXTRA;
    }
    for (const flag of [FNAME, FCOMMENT]) {
      if (!(this.#flags & flag)) continue;
      // A NUL-terminated string.
      const nul = chunk.indexOf(0, at);
      if (nul === -1) return { state: "incomplete" };
      at = nul + 1;
      this.#flags &= ~flag;
    }
    if (this.#flags & FHCRC) {
      const taken = Math.min(2 - this.#crcBytes, chunk.length - at);
      at += taken;
      this.#crcBytes += taken;
      if (this.#crcBytes < 2) return { state: "incomplete" };
      this.#flags &= ~FHCRC;
    }
    return { state: "complete", end: at };
  }
}
