/**
 * Writes a download's chunks to its file in writes of at least 1 MiB, with one write in flight
 * while the next chunks are read: reading and writing overlap, as they do when the runtime's
 * `fetch` is piped to a `node:fs` write stream, and a 200 MiB body takes about 200 writes
 * rather than one per chunk. Every 16 MiB written it starts an `fdatasync` in the background,
 * so the disk writes back while the body still arrives and the sync at completion has little
 * left to do.
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

/**
 * Written bytes between two background `fdatasync` calls (one in flight at a time). The sync a
 * finished download needs (Chromium's BaseFile::Finish flushes too) cost a quarter of a 200 MiB
 * download when it all came at the end: download_bench on a quiet machine went from 0.76-0.84x
 * (Deno) and 0.70-0.76x (Bun) of `fetch` piped to a file to 0.88-1.05x and 0.74-1.08x with a
 * sync every 16 MiB (every 32 MiB: 0.86-0.93x and 0.75-0.84x). It also bounds what a power cut
 * can lose of a partial file.
 */
const EARLY_SYNC_BYTES = 16 * 1024 * 1024;

/** A positioned writer over an open file. */
export class FileWriter {
  #handle: FileHandle;
  #written: number;
  #queued: Uint8Array[] = [];
  #queuedBytes = 0;
  #inFlight: Promise<void> | undefined;
  #error: unknown;
  #failed = false;
  #syncedUpTo = 0;
  /** The background `fdatasync` in flight; its failure is left to the final sync to report. */
  #syncing: Promise<void> | undefined;

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
    // The handle may be closed next: no background sync may still be using it.
    await this.#syncing;
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
        if (this.#syncing === undefined && this.#written - this.#syncedUpTo >= EARLY_SYNC_BYTES) {
          this.#syncedUpTo = this.#written;
          const settled = () => {
            this.#syncing = undefined;
          };
          this.#syncing = this.#handle.datasync().then(settled, settled);
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
