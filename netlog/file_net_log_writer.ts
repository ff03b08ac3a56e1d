/**
 * Writes net log events to a file in the format Chromium's net/log/file_net_log_observer.cc
 * writes: `{"constants": {...},\n"events": [\n`, one event per line ending in `,\n`, and on
 * stop the last comma replaced by the closing `]}`.
 *
 * @module
 */

import { close, ftruncate, open, write } from "node:fs";
import type { NetLogEntry } from "../core/net_log_sink.ts";
import { type CaptureMode, paramsForMode } from "./capture_mode.ts";
import { eventTypeNumber, netLogConstants, sourceTypeNumber } from "./net_log_constants.ts";

/** Options for {@linkcode FileNetLogWriter.open}. */
export interface FileNetLogWriterOptions {
  /** What parameters to keep; default `default`. */
  captureMode?: CaptureMode;
  /**
   * The most bytes the file may hold, constants and closing included (the constants, about
   * 12 kB, are written even when they alone pass it); unbounded when absent.
   * Once the next event would pass it, that event and every later one are dropped (the log
   * keeps the first events), and the closing's `polledData.droppedEvents` counts them.
   */
  maxFileSize?: number;
}

// The closing with room for the dropped-event count, reserved so the file never passes
// maxFileSize.
const CLOSING_RESERVE = 64;
const encoder = new TextEncoder();
// How long events wait to be written together; a crash loses at most this much of the log.
const FLUSH_DELAY_MS = 20;

/**
 * One open log file. Events are serialised as they arrive and written in batches; each write
 * holds whole lines only, so a log cut off by a crash is readable up to its last whole line.
 *
 * @example
 * ```ts
 * import { FileNetLogWriter } from "./file_net_log_writer.ts";
 * import { readFile } from "node:fs/promises";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const path = join(tmpdir(), `ses-writer-${Date.now()}.json`);
 * const writer = await FileNetLogWriter.open(path);
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * writer.add({ type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source });
 * await writer.close();
 * console.log(JSON.parse(await readFile(path, "utf8")).events.length); // 1
 * ```
 */
export class FileNetLogWriter {
  #fd: number;
  #mode: CaptureMode;
  #maxFileSize: number;
  #tickOrigin: number;
  #pending: string[] = [];
  #reserved: number;
  #written: number;
  #events = 0;
  #dropped = 0;
  #unknown = 0;
  #error: unknown;
  #flushing: Promise<void> | undefined;
  #closed = false;

  private constructor(
    fd: number,
    header: number,
    tickOrigin: number,
    options: FileNetLogWriterOptions,
  ) {
    this.#fd = fd;
    this.#mode = options.captureMode ?? "default";
    this.#maxFileSize = options.maxFileSize ?? Infinity;
    this.#tickOrigin = tickOrigin;
    this.#written = header;
    this.#reserved = header;
  }

  /**
   * Creates (or truncates) the file and writes the constants.
   *
   * @param path The log file.
   * @param options Capture mode and size bound.
   * @returns The writer.
   * @throws The file system's error when the file cannot be created.
   */
  static async open(
    path: string,
    options: FileNetLogWriterOptions = {},
  ): Promise<FileNetLogWriter> {
    const tickOrigin = performance.timeOrigin;
    const header = encoder.encode(
      `{"constants": ${JSON.stringify(netLogConstants(tickOrigin))},\n"events": [\n`,
    );
    const fd = await new Promise<number>((resolve, reject) =>
      open(path, "w", (error, fd) => error ? reject(error) : resolve(fd))
    );
    try {
      await writeAt(fd, header, 0);
    } catch (error) {
      await closeFd(fd);
      throw error;
    }
    return new FileNetLogWriter(fd, header.length, tickOrigin, options);
  }

  /** Events written so far. */
  get eventCount(): number {
    return this.#events;
  }

  /** Events dropped because of `maxFileSize`. */
  get droppedCount(): number {
    return this.#dropped;
  }

  /** Events dropped because the constants do not name their event or source type. */
  get unknownCount(): number {
    return this.#unknown;
  }

  /**
   * Queues one event: its type and source type become the constants' numbers, its time a
   * string of milliseconds since `timeTickOffset`, its parameters what the mode allows.
   *
   * @param entry The event.
   */
  add(entry: NetLogEntry): void {
    if (this.#closed) return;
    const type = eventTypeNumber(entry.type);
    const sourceType = sourceTypeNumber(entry.source.type);
    // An event outside the constants would make the viewer reject the whole file.
    if (type === undefined || sourceType === undefined) {
      this.#unknown++;
      return;
    }
    const phase = entry.phase === "PHASE_BEGIN" ? 1 : entry.phase === "PHASE_END" ? 2 : 0;
    const params = entry.params === undefined
      ? ""
      : `,"params":${JSON.stringify(paramsForMode(entry.params, this.#mode))}`;
    // Built as text: the fixed part needs no object and no JSON.stringify of its own, which
    // is most of what logging costs per event.
    const line = `{"time":"${Math.round(performance.now())}","source":{"id":${entry.source.id},` +
      `"type":${sourceType},"start_time":"${
        Math.round(entry.source.startTime - this.#tickOrigin)
      }"},"type":${type},"phase":${phase}${params}},\n`;
    // Code units bound the UTF-8 length from below; encode only lines that might not fit.
    const size = this.#reserved + line.length * 3 + CLOSING_RESERVE <= this.#maxFileSize
      ? line.length
      : encoder.encode(line).length;
    if (this.#dropped > 0 || this.#reserved + size + CLOSING_RESERVE > this.#maxFileSize) {
      this.#dropped++;
      return;
    }
    this.#reserved += size;
    this.#events++;
    this.#pending.push(line);
    this.#flushing ??= this.#flush().catch((error) => {
      // A failed write ends the log; close() reports it.
      this.#error ??= error;
      this.#closed = true;
      this.#pending = [];
      this.#flushing = undefined;
    });
  }

  async #flush(): Promise<void> {
    // A moment later, so many requests' events go out in one write (a write per turn costs
    // a file system call per request under load).
    await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
    while (this.#pending.length > 0) {
      const bytes = encoder.encode(this.#pending.join(""));
      this.#pending = [];
      await writeAt(this.#fd, bytes, this.#written);
      this.#written += bytes.length;
    }
    this.#flushing = undefined;
  }

  /**
   * Writes what is queued, replaces the last `,\n` with the closing and closes the file.
   * Later events are ignored.
   *
   * @returns Resolves when the file is complete.
   * @throws The file system's error when a write failed.
   */
  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      await closeFd(this.#fd).catch(() => {});
      throw error;
    }
    if (this.#closed) return;
    this.#closed = true;
    const polled = this.#dropped > 0 ? `,\n"polledData": {"droppedEvents": ${this.#dropped}}` : "";
    const closing = encoder.encode(`${this.#events > 0 ? "\n" : ""}]${polled}}\n`);
    const at = this.#events > 0 ? this.#written - 2 : this.#written;
    try {
      await writeAt(this.#fd, closing, at);
      await new Promise<void>((resolve, reject) =>
        ftruncate(this.#fd, at + closing.length, (error) => error ? reject(error) : resolve())
      );
    } finally {
      await closeFd(this.#fd);
    }
  }
}

// A plain descriptor rather than a FileHandle: Bun throws when a FileHandle is collected
// unclosed, which a session dropped while logging would trigger.
async function writeAt(fd: number, data: Uint8Array, position: number): Promise<void> {
  // A write may take fewer bytes than given; the rest follows it.
  for (let offset = 0; offset < data.length;) {
    offset += await new Promise<number>((resolve, reject) =>
      write(
        fd,
        data,
        offset,
        data.length - offset,
        position + offset,
        (error, written) => error ? reject(error) : resolve(written),
      )
    );
  }
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => error ? reject(error) : resolve()));
}
