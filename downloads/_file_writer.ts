/**
 * Writes a download's chunks to its file with one write in flight while the next chunks are
 * read: reading and writing overlap, as they do when the runtime's `fetch` is piped to a
 * `node:fs` write stream. Small chunks are copied into one of two preallocated 1 MiB buffers
 * (one filling while the other is written), large ones are written as they are, and every
 * write is one `write` call: a 200 MiB body takes a few hundred writes and allocates nothing
 * per chunk. Every 4 MiB written it starts an `fdatasync` in the background, so the disk
 * writes back while the body still arrives and the sync at completion has little left to do.
 *
 * @module
 */

import type { FileHandle } from "node:fs/promises";

/**
 * Past this many bytes waiting for the disk (the write in flight included), `write` returns a
 * promise to wait on, so a slow disk holds the socket back and memory stays bounded: as much
 * as the two staging buffers hold, so one piece is written while the next is ready.
 */
const HIGH_WATER = 2 * 1024 * 1024;

/**
 * The size of each of the two staging buffers, so the size of most writes. Measured writing
 * 200 MiB of 64 KiB chunks (Deno's transport's chunk size) to the page cache on a loaded
 * 2-vCPU VM: Deno, one `writev` per 2 chunks ran at 740–1 380 MiB/s with 180 ms of system time,
 * 1 MiB writes at 2 650–2 730 MiB/s with 23–54 ms.
 */
const STAGE_BYTES = 1024 * 1024;

/**
 * Chunks of at least this size are written as they are, not copied (Bun's transport reads
 * 512 KiB at a time). Nothing goes by `writev`: Bun's `FileHandle.writev` joins its buffers into
 * a new one, and that garbage grew a 200 MiB download's resident memory by 20–50 MiB before the
 * collector caught up; Deno's costs more per buffer than a copy does.
 */
const DIRECT_BYTES = 256 * 1024;

/**
 * Written bytes between two background `fdatasync` calls (one in flight at a time). The sync a
 * finished download needs (Chromium's BaseFile::Finish flushes too) cost a quarter of a 200 MiB
 * download when it all came at the end: download_bench on a quiet machine went from 0.76-0.84x
 * (Deno) and 0.70-0.76x (Bun) of `fetch` piped to a file to 0.88-1.05x and 0.74-1.08x with a
 * sync every 16 MiB (every 32 MiB: 0.86-0.93x and 0.75-0.84x). With the two staging buffers,
 * quiet runs on 2026-11-30 put Bun at a median of 0.97x with a sync every 4 MiB (seven runs,
 * 0.87-1.06x) against 0.94x every 16 MiB (eight runs, 0.85-1.04x), 2 and 8 MiB in between or
 * below, and Deno at 0.95-1.00x either way. It also bounds what a power cut can lose of a
 * partial file.
 */
const EARLY_SYNC_BYTES = 4 * 1024 * 1024;

/** A positioned writer over an open file. */
export class FileWriter {
  #handle: FileHandle;
  #written: number;
  /** The two staging buffers; a piece whose `buffer` is one of theirs goes back to `#free`. */
  #stages: Uint8Array[] = [];
  #free: Uint8Array[] = [];
  /** The staging buffer being filled, and how much of it is. */
  #stage: Uint8Array | undefined;
  #staged = 0;
  /** Pieces to write, in order: filled staging buffers and large chunks. */
  #ready: Uint8Array[] = [];
  /** Bytes in `#ready` and in the write in flight. */
  #waiting = 0;
  #inFlight: Promise<void> | undefined;
  /** Resolved after each piece is written (or a write failed), for a `write` that waits. */
  #progress: PromiseWithResolvers<void> | undefined;
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
   * Takes a chunk. The writer keeps a large chunk until it is written, so the caller must not
   * change it afterwards.
   *
   * @param chunk The bytes.
   * @returns `undefined` when the caller may go on at once, else a promise to wait on first
   * (too much waits for the disk); no promise is made per chunk otherwise.
   * @throws What an earlier write threw (the promise rejects with it too).
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    this.#check();
    if (chunk.length >= DIRECT_BYTES) {
      this.#seal();
      this.#enqueue(chunk);
    } else {
      const rest = this.#copy(chunk);
      if (rest !== undefined) return this.#writeLater(rest);
    }
    return this.#waiting > HIGH_WATER ? this.#waitBelow(HIGH_WATER) : undefined;
  }

  /**
   * Waits until every byte taken is written.
   *
   * @throws What a write threw.
   */
  async flush(): Promise<void> {
    this.#seal();
    await this.#waitBelow(1);
    // The handle may be closed next: no background sync may still be using it.
    await this.#syncing;
    this.#check();
  }

  /** Copies into staging buffers; returns what is left when both are waiting for the disk. */
  #copy(chunk: Uint8Array): Uint8Array | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#stage === undefined) {
        this.#stage = this.#free.pop() ?? this.#newStage();
        if (this.#stage === undefined) return chunk.subarray(offset);
      }
      const take = Math.min(chunk.length - offset, STAGE_BYTES - this.#staged);
      this.#stage.set(chunk.subarray(offset, offset + take), this.#staged);
      this.#staged += take;
      offset += take;
      if (this.#staged === STAGE_BYTES) this.#seal();
    }
    return undefined;
  }

  #newStage(): Uint8Array | undefined {
    if (this.#stages.length === 2) return undefined;
    const stage = new Uint8Array(STAGE_BYTES);
    this.#stages.push(stage);
    return stage;
  }

  async #writeLater(rest: Uint8Array): Promise<void> {
    while (!this.#failed && this.#free.length === 0) await this.#nextProgress();
    this.#check();
    await this.write(rest);
  }

  /** Queues the staging buffer's bytes for writing. */
  #seal(): void {
    if (this.#stage === undefined || this.#staged === 0) return;
    const piece = this.#stage.subarray(0, this.#staged);
    this.#stage = undefined;
    this.#staged = 0;
    this.#enqueue(piece);
  }

  #enqueue(piece: Uint8Array): void {
    this.#ready.push(piece);
    this.#waiting += piece.length;
    this.#inFlight ??= this.#drain();
  }

  async #waitBelow(bytes: number): Promise<void> {
    while (!this.#failed && this.#waiting >= bytes) await this.#nextProgress();
    this.#check();
  }

  #nextProgress(): Promise<void> {
    return (this.#progress ??= Promise.withResolvers<void>()).promise;
  }

  /** Writes the ready pieces one at a time, in order, until none is left. */
  async #drain(): Promise<void> {
    // The bytes of the piece being written that are not yet known to be on disk.
    let unwritten = 0;
    try {
      for (;;) {
        const piece = this.#failed ? undefined : this.#ready.shift();
        if (piece === undefined) break;
        let done = 0;
        unwritten = piece.length;
        while (done < piece.length) {
          const { bytesWritten } = await this.#handle.write(
            piece,
            done,
            piece.length - done,
            this.#written,
          );
          done += bytesWritten;
          this.#written += bytesWritten;
          unwritten -= bytesWritten;
        }
        this.#waiting -= piece.length;
        const stage = this.#stages.find((stage) => stage.buffer === piece.buffer);
        if (stage !== undefined) this.#free.push(stage);
        this.#syncEarly();
        this.#notify();
      }
    } catch (error) {
      // Deno's write writes what fits before it throws (ENOSPC) and tells nothing of it: the
      // file's length says how much of the piece reached it, so the resume offset is exact.
      const size = await this.#handle.stat().then((info) => info.size, () => this.#written);
      if (size > this.#written) this.#written = Math.min(size, this.#written + unwritten);
      this.#failed = true;
      this.#error = error;
      this.#notify();
    } finally {
      this.#inFlight = undefined;
    }
  }

  #syncEarly(): void {
    if (this.#syncing !== undefined || this.#written - this.#syncedUpTo < EARLY_SYNC_BYTES) return;
    this.#syncedUpTo = this.#written;
    const settled = () => {
      this.#syncing = undefined;
    };
    this.#syncing = this.#handle.datasync().then(settled, settled);
  }

  #notify(): void {
    const progress = this.#progress;
    this.#progress = undefined;
    progress?.resolve();
  }

  #check(): void {
    if (this.#failed) throw this.#error;
  }
}
