/**
 * Writes a download's chunks to its file with one write in flight while the next chunks are
 * read, gathering what arrives meanwhile into one `writev`: reading and writing overlap, as
 * they do when the runtime's `fetch` is piped to a `node:fs` write stream.
 *
 * @module
 */

import type { FileHandle } from "node:fs/promises";

// Past this many bytes waiting, `write` waits too, so a slow disk holds the socket back.
const HIGH_WATER = 4 * 1024 * 1024;

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
    this.#inFlight ??= this.#drain();
    if (this.#queuedBytes >= HIGH_WATER) await this.#inFlight;
    this.#check();
  }

  /**
   * Waits until every queued byte is written.
   *
   * @throws What a write threw.
   */
  async flush(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
    this.#check();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queued.length > 0 && !this.#failed) {
        const batch = this.#queued;
        const bytes = this.#queuedBytes;
        this.#queued = [];
        this.#queuedBytes = 0;
        let done = 0;
        while (done < bytes) {
          const { bytesWritten } = await this.#handle.writev(
            done === 0 ? batch : remainder(batch, done),
            this.#written,
          );
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
