/**
 * Writes net log events to a file in the format Chromium's net/log/file_net_log_observer.cc
 * writes: `{"constants":{...},\n"events": [\n`, one event per line ending in `,\n`, and on
 * stop the last comma replaced by the closing `]}`.
 *
 * @module
 */

import {
  close,
  closeSync,
  ftruncate,
  ftruncateSync,
  open,
  openSync,
  read,
  readFileSync,
  rmSync,
  write,
  writeSync,
} from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import type { NetLogEntry } from "../core/net_log_sink.ts";
import type { CaptureMode } from "./capture_mode.ts";
import { eventLine } from "./event_line.ts";
import { netLogConstants } from "./net_log_constants.ts";

/** Options for {@linkcode FileNetLogWriter.open}. */
export interface FileNetLogWriterOptions {
  /** What parameters to keep; default `default`. */
  captureMode?: CaptureMode;
  /**
   * Bounds the events' bytes, as Chromium's `FileNetLogObserver::CreateBounded`: events go
   * to ten event files of `maxFileSize / 10` bytes each in `<path>.inprogress/`, the oldest
   * overwritten when all ten are full, so the log keeps the LATEST events; on close they are
   * stitched after the constants. The limit is soft (a file is full once it reaches its
   * share, counted in UTF-16 code units) and does not count the constants or the closing.
   * The closing's `polledData.droppedEvents` counts the events dropped. Unbounded when
   * absent.
   */
  maxFileSize?: number;
}

const encoder = new TextEncoder();
// How long events wait to be written together; a crash loses at most this much of the log.
const FLUSH_DELAY_MS = 20;
// Text is encoded in pieces of about this many code units: appending to, and then encoding,
// one ever longer string costs Bun far more than the bytes (a deep rope to flatten).
const PIECE_CHARS = 1 << 16;
// Encoded pieces that are written without waiting for the delay (1 MiB).
const FLUSH_EARLY_PIECES = 16;
// Chromium's kDefaultNumFiles.
const EVENT_FILES = 10;

/** Encoded events bound for one event file (bounded mode) or the log itself (file 0). */
interface Chunk {
  file: number;
  bytes: Uint8Array;
}

/**
 * One open log file. Events are serialised as they arrive and written in batches; each write
 * holds whole lines only, so an unbounded log cut off by a crash is readable up to its last
 * whole line.
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
  #written: number;
  // Bounded mode: the in-progress directory, each event file's share, the file being filled
  // (numbered from 1, as Chromium numbers them), its size so far and each file's event count.
  #inprogress: string | undefined;
  #fileLimit: number;
  #file = 0;
  #fileChars = 0;
  #fileEvents: number[] = [];
  #eventFd: number | undefined;
  #eventFdFile = 0;
  #eventWritten = 0;
  #pending = "";
  #chunks: Chunk[] = [];
  #events = 0;
  #dropped = 0;
  #unknown = 0;
  #error: unknown;
  #flushing: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  // The clock is read once per microtask turn: a request adds several events in one turn.
  #time: string | undefined;
  #expireTime = () => this.#time = undefined;

  private constructor(
    fd: number,
    header: number,
    options: FileNetLogWriterOptions,
    inprogress: string | undefined,
  ) {
    this.#fd = fd;
    this.#mode = options.captureMode ?? "default";
    this.#written = header;
    this.#inprogress = inprogress;
    this.#fileLimit = (options.maxFileSize ?? Infinity) / EVENT_FILES;
    if (inprogress !== undefined) this.#file = 1;
  }

  /**
   * Creates (or truncates) the file and writes the constants; in bounded mode also creates
   * `<path>.inprogress/` for the event files.
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
    // Event times are performance.now() ticks, so tick 0 is the time origin.
    const constants = {
      ...netLogConstants(performance.timeOrigin),
      logCaptureMode: CAPTURE_MODE_NAMES[options.captureMode ?? "default"],
    };
    // Chromium's WriteConstantsToFile, byte for byte.
    const header = encoder.encode(
      `{"constants":${JSON.stringify(constants)},\n"events": [\n`,
    );
    const inprogress = options.maxFileSize === undefined ? undefined : `${path}.inprogress`;
    // The file first, as Electron opens it before the exporter starts: a missing directory
    // fails here rather than being made for the bounded writer's event files.
    const fd = await openFd(path);
    try {
      if (inprogress !== undefined) {
        await rm(inprogress, { recursive: true, force: true });
        await mkdir(inprogress, { mode: PRIVATE_DIRECTORY });
      }
      await writeAt(fd, header, 0);
    } catch (error) {
      await closeFd(fd);
      throw error;
    }
    return new FileNetLogWriter(fd, header.length, options, inprogress);
  }

  /** Events kept so far (written or about to be). */
  get eventCount(): number {
    return this.#events - this.#dropped;
  }

  /** Events dropped because of `maxFileSize`: the oldest ones. */
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
   * @param tick When it happened (`performance.now()`), for an event kept while the file
   * opened; now when absent.
   */
  add(entry: NetLogEntry, tick?: number): void {
    if (this.#closed) return;
    let time = tick === undefined ? this.#time : String(Math.round(tick));
    if (time === undefined) {
      time = this.#time = String(Math.round(performance.now()));
      queueMicrotask(this.#expireTime);
    }
    const line = eventLine(entry, this.#mode, time);
    // An event outside the constants would make the viewer reject the whole file.
    if (line === undefined) {
      this.#unknown++;
      return;
    }
    this.#events++;
    if (this.#file > 0) this.#addBounded(line);
    else this.#pending += line;
    if (this.#pending.length >= PIECE_CHARS) this.#seal();
    if (this.#flushing === undefined) {
      this.#flushing = this.#flush().catch((error) => {
        // A failed write ends the log; close() reports it.
        this.#error ??= error;
        this.#closed = true;
        this.#pending = "";
        this.#chunks = [];
        this.#flushing = undefined;
      });
    } else if (this.#chunks.length >= FLUSH_EARLY_PIECES) {
      this.#wake?.();
    }
  }

  // Chromium's FileWriter::Flush in bounded mode: a full event file makes the next event
  // start the next file, which replaces the oldest of the ten.
  #addBounded(line: string): void {
    if (this.#fileChars >= this.#fileLimit) {
      this.#seal();
      this.#file++;
      this.#fileChars = 0;
      const slot = (this.#file - 1) % EVENT_FILES;
      this.#dropped += this.#fileEvents[slot] ?? 0;
      this.#fileEvents[slot] = 0;
    }
    this.#pending += line;
    this.#fileChars += line.length;
    const slot = (this.#file - 1) % EVENT_FILES;
    this.#fileEvents[slot] = (this.#fileEvents[slot] ?? 0) + 1;
  }

  async #flush(): Promise<void> {
    // A moment later, so many requests' events go out in one write (a write per turn costs
    // a file system call per request under load); a large backlog goes at once.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FLUSH_DELAY_MS);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
    for (;;) {
      this.#seal();
      const chunks = this.#chunks;
      if (chunks.length === 0) break;
      // One write per file: a call into node:fs costs more than the bytes. The chunks stay
      // queued until written, so closeSync at exit writes what an unfinished write held.
      const file = chunks[0]!.file;
      let count = 1;
      while (count < chunks.length && chunks[count]!.file === file) count++;
      const bytes = count === 1 ? chunks[0]!.bytes : Buffer.concat(
        chunks.slice(0, count).map((chunk) => chunk.bytes),
      );
      await this.#write(file, bytes);
      if (this.#closed) return;
      chunks.splice(0, count);
    }
    this.#flushing = undefined;
  }

  // Encodes the pending text as a piece of its file.
  #seal(): void {
    if (this.#pending === "") return;
    this.#chunks.push({ file: this.#file, bytes: encoder.encode(this.#pending) });
    this.#pending = "";
  }

  async #write(file: number, bytes: Uint8Array): Promise<void> {
    if (file === 0) {
      await writeAt(this.#fd, bytes, this.#written);
      this.#written += bytes.length;
      return;
    }
    let fd = this.#eventFd;
    if (fd === undefined || file !== this.#eventFdFile) {
      await this.#closeEventFile();
      // Truncated: the file may hold the events of ten files ago, now dropped.
      fd = this.#eventFd = await openFd(this.#eventFilePath(file));
      this.#eventFdFile = file;
      this.#eventWritten = 0;
    }
    await writeAt(fd, bytes, this.#eventWritten);
    this.#eventWritten += bytes.length;
  }

  #eventFilePath(file: number): string {
    return join(this.#inprogress!, `event_file_${(file - 1) % EVENT_FILES}.json`);
  }

  /**
   * Writes what is queued (in bounded mode: stitches the event files after the constants,
   * oldest first, and removes `<path>.inprogress/`), replaces the last `,\n` with the closing
   * and closes the file. Later events are ignored.
   *
   * @param polledData The state at the stop (Chromium's `GetNetInfo`), written as the log's
   * `polledData` with `droppedEvents` added when a bound dropped some; none when absent and
   * nothing was dropped.
   * @returns Resolves when the file is complete.
   * @throws The file system's error when a write failed.
   */
  async close(polledData?: Record<string, unknown>): Promise<void> {
    this.#wake?.();
    while (this.#flushing) await this.#flushing;
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      await this.#closeEventFile();
      await closeFd(this.#fd).catch(() => {});
      throw error;
    }
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#inprogress !== undefined) await this.#stitch();
      const { closing, at } = this.#closing(polledData);
      await writeAt(this.#fd, closing, at);
      await new Promise<void>((resolve, reject) =>
        ftruncate(this.#fd, at + closing.length, (error) => error ? reject(error) : resolve())
      );
    } finally {
      await closeFd(this.#fd);
    }
  }

  // The bytes that end the file and where they go: Chromium's RewindIfWroteEventBytes (over the
  // last event's ",\n"), then WritePolledDataToFile.
  #closing(polledData: Record<string, unknown> | undefined): { closing: Uint8Array; at: number } {
    const kept = this.#events - this.#dropped;
    const polledValue = this.#dropped > 0
      ? { ...polledData, droppedEvents: this.#dropped }
      : polledData;
    const polled = polledValue === undefined
      ? ""
      : `,\n"polledData": ${JSON.stringify(polledValue)}\n`;
    const closing = encoder.encode(`]${polled}}\n`);
    return { closing, at: kept > 0 ? this.#written - 2 : this.#written };
  }

  /**
   * Completes the file at once, for the process's `exit` event, where nothing asynchronous
   * runs any more: writes what is queued (a write still under way included: each is at a
   * known place, so writing it again is harmless), stitches the event files of a bounded log,
   * writes the closing and closes. Errors are swallowed: the process is ending, and the
   * reader still reads a log cut at its last whole line.
   *
   * @param polledData As for {@linkcode FileNetLogWriter.close}.
   */
  closeSync(polledData?: Record<string, unknown>): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#seal();
      for (const { file, bytes } of this.#chunks) this.#writeSync(file, bytes);
      this.#chunks = [];
      if (this.#inprogress !== undefined) this.#stitchSync();
      const { closing, at } = this.#closing(polledData);
      writeSync(this.#fd, closing, 0, closing.length, at);
      ftruncateSync(this.#fd, at + closing.length);
    } catch {
      // The process is exiting; the log reads up to its last whole line.
    } finally {
      if (this.#eventFd !== undefined) closeSyncFd(this.#eventFd);
      closeSyncFd(this.#fd);
    }
  }

  #writeSync(file: number, bytes: Uint8Array): void {
    if (file === 0) {
      writeAllSync(this.#fd, bytes, this.#written);
      this.#written += bytes.length;
      return;
    }
    if (this.#eventFd === undefined || file !== this.#eventFdFile) {
      if (this.#eventFd !== undefined) closeSyncFd(this.#eventFd);
      this.#eventFd = openSync(this.#eventFilePath(file), "w", PRIVATE_FILE);
      this.#eventFdFile = file;
      this.#eventWritten = 0;
    }
    writeAllSync(this.#eventFd, bytes, this.#eventWritten);
    this.#eventWritten += bytes.length;
  }

  #stitchSync(): void {
    if (this.#eventFd !== undefined) closeSyncFd(this.#eventFd);
    this.#eventFd = undefined;
    const last = this.#file;
    for (let file = Math.max(1, last - EVENT_FILES + 1); file <= last; file++) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(this.#eventFilePath(file));
      } catch {
        continue; // A file that never got an event.
      }
      writeAllSync(this.#fd, bytes, this.#written);
      this.#written += bytes.length;
    }
    rmSync(this.#inprogress!, { recursive: true, force: true });
  }

  // Chromium's StitchFinalLogFile: the event files still held, oldest to newest.
  async #stitch(): Promise<void> {
    await this.#closeEventFile();
    const last = this.#file;
    const first = Math.max(1, last - EVENT_FILES + 1);
    const buffer = new Uint8Array(1 << 16);
    for (let file = first; file <= last; file++) {
      let fd: number;
      try {
        fd = await openFd(this.#eventFilePath(file), "r");
      } catch {
        continue; // A file that never got an event.
      }
      try {
        for (;;) {
          const count = await readAt(fd, buffer);
          if (count === 0) break;
          await writeAt(this.#fd, buffer.subarray(0, count), this.#written);
          this.#written += count;
        }
      } finally {
        await closeFd(fd);
      }
    }
    await rm(this.#inprogress!, { recursive: true, force: true });
  }

  async #closeEventFile(): Promise<void> {
    const fd = this.#eventFd;
    this.#eventFd = undefined;
    if (fd !== undefined) await closeFd(fd).catch(() => {});
  }
}

// Chromium's FileNetLogObserver::CaptureModeToString, for the constants' logCaptureMode.
const CAPTURE_MODE_NAMES: Record<CaptureMode, string> = {
  default: "Default",
  includeSensitive: "IncludeSensitive",
  everything: "Everything",
};

// A log holds URLs, headers and, in includeSensitive, cookies and credentials: a file it
// creates is its owner's only, as base::File (file_posix.cc) creates every file with
// S_IRUSR | S_IWUSR and base::CreateDirectory every directory with 0700. A file that
// exists keeps its mode, as O_CREAT | O_TRUNC leaves it.
const PRIVATE_FILE = 0o600;
const PRIVATE_DIRECTORY = 0o700;

// Plain descriptors rather than FileHandles: Bun throws when a FileHandle is collected
// unclosed, which a session dropped while logging would trigger.
function openFd(path: string, flags = "w"): Promise<number> {
  return new Promise((resolve, reject) =>
    open(path, flags, PRIVATE_FILE, (error, fd) => error ? reject(error) : resolve(fd))
  );
}

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

// Reads on from the descriptor's current position.
function readAt(fd: number, buffer: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) =>
    read(
      fd,
      buffer,
      0,
      buffer.length,
      null,
      (error, count) => error ? reject(error) : resolve(count),
    )
  );
}

function writeAllSync(fd: number, data: Uint8Array, position: number): void {
  for (let offset = 0; offset < data.length;) {
    offset += writeSync(fd, data, offset, data.length - offset, position + offset);
  }
}

function closeSyncFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed by a write that finished: nothing left to release.
  }
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => error ? reject(error) : resolve()));
}
