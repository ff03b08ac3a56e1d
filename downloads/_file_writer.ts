/**
 * Writes a download's chunks to its file in writes of at least 1 MiB, with one write in flight
 * while the next chunks are read: reading and writing overlap, as they do when the runtime's
 * `fetch` is piped to a `node:fs` write stream, and a 200 MiB body takes about 200 writes
 * rather than one per chunk.
 *
 * @module
 */

import type { FileHandle } from "node:fs/promises";

// Past this many bytes waiting, `write` waits too, so a slow disk holds the socket back.
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * A write starts once this many bytes are waiting (or at `flush`). Measured writing 200 MiB
 * of 64 KiB chunks (Deno's transport's chunk size) to the page cache on a loaded 2-vCPU VM:
 * Deno, one `writev` per 2 chunks ran at 740–1 380 MiB/s with 180 ms of system time, 1 MiB
 * writes at 2 650–2 730 MiB/s with 23–54 ms; Bun's 500 KiB chunks gain little either way.
 */
const COALESCE_BYTES = 1024 * 1024;

/**
 * Chunks smaller than this on average are copied into one buffer and written with one
 * `write`: Deno's `FileHandle.writev` costs more per buffer than the copy does (16 × 64 KiB
 * by `writev` 1 630–1 900 MiB/s, copied and written 2 650–2 730 MiB/s). Larger chunks go by
 * `writev` as they are (Bun's `writev` of 16 × 64 KiB: 4 160 MiB/s).
 */
const COPY_BELOW = 256 * 1024;

/** A positioned writer over an open file. */
export class FileWriter {
  #handle: FileHandle;
  #written: number;
  #queued: Uint8Array[] = [];
  #queuedBytes = 0;
  #inFlight: Promise<void> | undefined;
  #error: unknown;
  #failed = false;

  /**
   * Starts writing at `position`.
   *
   * @param handle The open file.
   * @param position The byte offset of the next write.
   */
  constructor(handle: FileHandle, position: number) {
    this.#handle = handle;
    this.#written = position;
  }

  /** The end of the bytes known to be written (the resume offset). */
  get written(): number {
    return this.#written;
  }

  /**
   * Queues a chunk; resolves at once unless too much is waiting.
   *
   * @param chunk The bytes.
   * @throws What an earlier write threw.
   */
  async write(chunk: Uint8Array): Promise<void> {
    this.#check();
    this.#queued.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes >= COALESCE_BYTES) this.#inFlight ??= this.#drain(false);
    if (this.#queuedBytes >= HIGH_WATER) await this.#inFlight;
    this.#check();
  }

  /**
   * Waits until every queued byte is written.
   *
   * @throws What a write threw.
   */
  async flush(): Promise<void> {
    while ((this.#inFlight !== undefined || this.#queuedBytes > 0) && !this.#failed) {
      await (this.#inFlight ??= this.#drain(true));
    }
    this.#check();
  }

  /** Writes batches while 1 MiB is waiting, or while anything is when `all`. */
  async #drain(all: boolean): Promise<void> {
    try {
      while (
        !this.#failed && this.#queuedBytes > 0 && (all || this.#queuedBytes >= COALESCE_BYTES)
      ) {
        let batch = this.#queued;
        const bytes = this.#queuedBytes;
        this.#queued = [];
        this.#queuedBytes = 0;
        if (batch.length > 1 && bytes / batch.length < COPY_BELOW) batch = [concat(batch, bytes)];
        let done = 0;
        while (done < bytes) {
          const { bytesWritten } = batch.length === 1
            ? await this.#handle.write(batch[0]!, done, bytes - done, this.#written)
            : await this.#handle.writev(done === 0 ? batch : remainder(batch, done), this.#written);
          done += bytesWritten;
          this.#written += bytesWritten;
        }
      }
    } catch (error) {
      this.#failed = true;
      this.#error = error;
    } finally {
      this.#inFlight = undefined;
    }
  }

  #check(): void {
    if (this.#failed) throw this.#error;
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function remainder(batch: Uint8Array[], skip: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const chunk of batch) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return rest;
}
