/**
 * An incremental decoder for `Transfer-Encoding: chunked` bodies with Chromium's rules
 * (net/http/http_chunked_decoder.cc).
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const SEMICOLON = 0x3b;

// Chromium's kMaxLineBufLen: a chunk-size or trailer line longer than this is refused.
const MAX_LINE_BYTES = 16 * 1024;

const SIZE_LINE = 0;
const DATA = 1;
const DATA_END = 2;
const TRAILER = 3;
const DONE = 4;

/**
 * Decodes a chunked body fed in arbitrary pieces, handing out views of the input without
 * copying the data. Chunk extensions (`;name=value`) and trailer fields are read and ignored.
 *
 * @example Decode a body that arrives in two pieces
 * ```ts
 * import { ChunkedDecoder } from "./_http1_chunked_decoder.ts";
 * import assert from "node:assert/strict";
 *
 * const decoder = new ChunkedDecoder();
 * const bytes = new TextEncoder().encode("5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT");
 * const out: Uint8Array[] = [];
 * decoder.decode(bytes.subarray(0, 12), out);
 * const used = decoder.decode(bytes.subarray(12), out);
 * assert.equal(new TextDecoder().decode(Uint8Array.from(out.flatMap((p) => [...p]))), "hello");
 * assert.ok(decoder.done);
 * assert.equal(bytes.length - 12 - used, 4); // "NEXT" follows the body
 * ```
 */
export class ChunkedDecoder {
  #state = SIZE_LINE;
  #remaining = 0;
  #line: Uint8Array | null = null;

  /** Whether the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Decodes the next piece of the encoded body.
   *
   * @param input The next bytes from the connection.
   * @param out Receives the decoded body pieces, as views of `input`.
   * @returns How many bytes of `input` belong to the body; less than `input.length` only when
   *   the body ended inside `input` (the rest follows the message).
   * @throws {SessionError} `ERR_INVALID_CHUNKED_ENCODING` on a malformed chunk-size line, chunk
   *   data not followed by a line break, or a line over 16 KiB.
   */
  decode(input: Uint8Array, out: Uint8Array[]): number {
    const length = input.length;
    let pos = 0;
    while (pos < length && this.#state !== DONE) {
      if (this.#state === DATA) {
        const take = Math.min(this.#remaining, length - pos);
        out.push(input.subarray(pos, pos + take));
        pos += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = DATA_END;
        continue;
      }
      const lf = input.indexOf(LF, pos);
      if (lf === -1) {
        this.#keepPartialLine(input.subarray(pos));
        return length;
      }
      this.#onLine(this.#completeLine(input.subarray(pos, lf)));
      pos = lf + 1;
    }
    return pos;
  }

  #keepPartialLine(piece: Uint8Array): void {
    const line = this.#line === null ? piece.slice() : concat(this.#line, piece);
    if (line.length > MAX_LINE_BYTES) throw new SessionError("ERR_INVALID_CHUNKED_ENCODING");
    this.#line = line;
  }

  #completeLine(piece: Uint8Array): Uint8Array {
    const line = this.#line === null ? piece : concat(this.#line, piece);
    this.#line = null;
    if (line.length > MAX_LINE_BYTES) throw new SessionError("ERR_INVALID_CHUNKED_ENCODING");
    return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
  }

  #onLine(line: Uint8Array): void {
    switch (this.#state) {
      case SIZE_LINE: {
        const size = chunkSize(line);
        if (size === 0) {
          this.#state = TRAILER;
        } else {
          this.#remaining = size;
          this.#state = DATA;
        }
        return;
      }
      case DATA_END:
        if (line.length !== 0) throw new SessionError("ERR_INVALID_CHUNKED_ENCODING");
        this.#state = SIZE_LINE;
        return;
      case TRAILER:
        if (line.length === 0) this.#state = DONE;
        return;
    }
  }
}

// Chromium's ParseChunkSize: hex digits only (no sign, no 0x), extensions after ';' ignored,
// trailing whitespace allowed, and the value must fit (here: a safe integer).
function chunkSize(line: Uint8Array): number {
  let end = line.indexOf(SEMICOLON);
  if (end === -1) end = line.length;
  while (end > 0 && (line[end - 1] === SP || line[end - 1] === HTAB)) end--;
  if (end === 0) throw new SessionError("ERR_INVALID_CHUNKED_ENCODING");
  let size = 0;
  for (let i = 0; i < end; i++) {
    const digit = hexValue(line[i] ?? 0);
    if (digit === -1) throw new SessionError("ERR_INVALID_CHUNKED_ENCODING");
    size = size * 16 + digit;
    if (size > Number.MAX_SAFE_INTEGER) throw new SessionError("ERR_INVALID_CHUNKED_ENCODING");
  }
  return size;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
