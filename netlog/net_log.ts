/**
 * Electron's `NetLog` (`ses.netLog`): records the session's network events to a file in
 * Chromium's net log format (Electron docs, api/net-log.md; shell/browser/api/electron_api_net_log.cc).
 *
 * @module
 */

import type { NetLogEntry, NetLogSink, NetLogSource } from "../core/net_log_sink.ts";
import { CAPTURE_MODES, type CaptureMode } from "./capture_mode.ts";
import { LoggedSource } from "./event_line.ts";
import { fileError } from "./_file_error.ts";
import { methodArgumentError } from "../core/conversion_error.ts";
import { onProcessEnd } from "../core/process_end.ts";
import { FileNetLogWriter, type FileNetLogWriterOptions } from "./file_net_log_writer.ts";
import { resolve } from "node:path";

/** Electron's options for `netLog.startLogging`. */
export interface StartLoggingOptions {
  /** What to record; default `default` (no cookies or credentials). */
  captureMode?: CaptureMode;
  /** The most bytes the log may grow to; unbounded by default. */
  maxFileSize?: number;
}

/**
 * A session's net log. It is also the session's {@linkcode NetLogSink}: while no log runs,
 * `capturing` is `false` and the network code builds no events at all.
 *
 * @example
 * ```ts
 * import { session } from "@ses/session";
 * import { readFileSync, rmSync } from "node:fs";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const ses = session.fromPartition("netlog-example");
 * ses.protocol.handle("app", () => new Response("hello"));
 * const path = join(tmpdir(), `ses-netlog-${Date.now()}.json`);
 * await ses.netLog.startLogging(path); // captureMode "default": no cookies or credentials
 * console.log(ses.netLog.currentlyLogging); // true
 * await (await ses.fetch("app://bundle/")).text();
 * await ses.netLog.stopLogging();
 * // Chromium's format: `constants`, then `events` (the first one names the request's URL).
 * const { events } = JSON.parse(readFileSync(path, "utf8"));
 * console.log(events[0].params.url); // app://bundle/
 * rmSync(path);
 * ```
 */
export class NetLog implements NetLogSink {
  #run: LogRun | undefined;
  #lastSourceId = 0;
  #pollNetInfo: (() => Record<string, unknown>) | undefined;

  /**
   * Makes a log that is not running.
   *
   * @param pollNetInfo Returns the session's network state when a log stops, written as the
   * log's `polledData` (Chromium's `net::GetNetInfo`, which Electron's exporter writes at
   * every stop); without it the log has none. A poll that throws leaves the log without it.
   */
  constructor(pollNetInfo?: () => Record<string, unknown>) {
    this.#pollNetInfo = pollNetInfo;
  }

  /**
   * Whether a log is being recorded (Electron's `netLog.currentlyLogging`): true from the
   * `startLogging` call, as Electron's exporter exists at once, until `stopLogging` or a start
   * that failed.
   */
  get currentlyLogging(): boolean {
    return this.#run !== undefined;
  }

  /** Whether events are wanted: the sink side of `currentlyLogging`. */
  get capturing(): boolean {
    return this.#run !== undefined;
  }

  /**
   * Starts recording to `path` (created or truncated). Events from the moment of the call are
   * kept, those that come while the file opens included, so a program that does not await
   * the start (as Electron's own example) still logs its first request. A log still closing on
   * the same file (a `stopLogging()` not awaited) is completed first, then replaced.
   *
   * @param path The log file.
   * @param options Capture mode and size bound.
   * @returns Resolves once the file holds its constants.
   * @throws {TypeError} `Insufficient number of arguments.` without a path and
   * `Error processing argument at index 0, conversion failure from …` for one that is not a
   * string (gin's wording, see core/conversion_error.ts `methodArgumentError`); `The first
   * parameter must be a valid string` for `""` or `null`; `Invalid value for captureMode` when the key is there but is not one of
   * the three modes (`undefined` included, as Electron's binding); `Invalid value for
   * maxFileSize` when it is there but not a number (any number is taken as gin converts it to
   * a uint64: a negative one means unlimited, `0` or `NaN` keeps the latest events only);
   * `There is already a net log running` while one runs. Rejects, as Electron, with an `Error`
   * named by Chromium's file error when the file cannot be created (`FILE_ERROR_NOT_FOUND` for a
   * missing directory, `FILE_ERROR_ACCESS_DENIED` for a directory or an unwritable place; the
   * system error is its `cause`).
   */
  startLogging(path: string, options: StartLoggingOptions = {}): Promise<void> {
    // gin converts the path to a base::FilePath first: only a string converts, and null is
    // Electron's empty path (shell/common/gin_converters/file_path_converter.h).
    if (typeof path !== "string" && path !== null) {
      throw methodArgumentError(0, path, arguments.length);
    }
    if (path === null || path === "") {
      throw new TypeError("The first parameter must be a valid string");
    }
    // Electron's binding reads the options as a gin dictionary: an argument that is not an
    // object is ignored, and a key that is present (undefined too) must convert.
    const bag: Partial<Record<keyof StartLoggingOptions, unknown>> =
      typeof options === "object" && options !== null ? options : {};
    let captureMode: CaptureMode = "default";
    if ("captureMode" in bag) {
      if (!CAPTURE_MODES.includes(bag.captureMode as CaptureMode)) {
        throw new TypeError("Invalid value for captureMode");
      }
      captureMode = bag.captureMode as CaptureMode;
    }
    let maxFileSize: number | undefined;
    if ("maxFileSize" in bag) {
      if (typeof bag.maxFileSize !== "number") {
        throw new TypeError("Invalid value for maxFileSize");
      }
      maxFileSize = fileSizeBound(bag.maxFileSize);
    }
    if (this.#run !== undefined) {
      throw new TypeError("There is already a net log running");
    }
    const run = new LogRun(path, { captureMode, maxFileSize }, () => this.#polled());
    this.#run = run;
    return run.opened.then(() => {}, (error: unknown) => {
      if (this.#run === run) this.#run = undefined;
      throw fileError(error);
    });
  }

  /**
   * Stops recording and completes the file. A stop while the start is still opening the file
   * waits for it, then completes the file with what was logged in between.
   *
   * @returns Resolves when the file is closed.
   * @throws Rejects with `No net log in progress` when none runs (or its start failed).
   */
  stopLogging(): Promise<void> {
    const run = this.#run;
    if (run === undefined) return Promise.reject(new Error("No net log in progress"));
    this.#run = undefined;
    return run.close(this.#polled());
  }

  #polled(): Record<string, unknown> | undefined {
    try {
      return this.#pollNetInfo?.();
    } catch {
      // The events matter more than the state summary: the log is completed without it.
      return undefined;
    }
  }

  /**
   * Makes a source with an id unique in this session.
   *
   * @param type Chromium's source type, like `URL_REQUEST`.
   * @returns The source.
   */
  newSource(type: string): NetLogSource {
    return new LoggedSource(++this.#lastSourceId, type, Date.now());
  }

  /**
   * Records an event when a log runs; otherwise does nothing.
   *
   * @param entry The event.
   */
  add(entry: NetLogEntry): void {
    this.#run?.add(entry);
  }
}

// gin's uint64 conversion of a number (V8's IntegerValue: NaN is 0, fractions truncated): a
// negative size wraps to 2^64 and more, which is Chromium's kUnlimitedFileSize for -1 and as
// good as unlimited for the rest.
function fileSizeBound(size: number): number | undefined {
  if (Number.isNaN(size)) return 0;
  return size < 0 ? undefined : Math.trunc(size);
}

// Logs still being completed, by file: a start on that file waits for the close, so that it
// neither truncates the file under the closing nor removes a bounded log's PATH.inprogress/
// while the closing stitches its event files.
const closingFiles = new Map<string, Promise<void>>();

// One startLogging: the writer once the file is open, and the events of the moments before.
class LogRun {
  readonly opened: Promise<FileNetLogWriter>;
  readonly #file: string;
  #writer: FileNetLogWriter | undefined;
  #early: { entry: NetLogEntry; tick: number }[] = [];
  // The state at a stop at exit, where nothing asks for it.
  #poll: () => Record<string, unknown> | undefined;
  #stopCompletingAtEnd: (() => void) | undefined;

  constructor(
    path: string,
    options: FileNetLogWriterOptions,
    poll: () => Record<string, unknown> | undefined,
  ) {
    this.#poll = poll;
    this.#file = resolve(path);
    const closing = closingFiles.get(this.#file) ?? Promise.resolve();
    this.opened = closing.then(() => FileNetLogWriter.open(path, options)).then((writer) => {
      for (const { entry, tick } of this.#early) writer.add(entry, tick);
      this.#early = [];
      this.#writer = writer;
      // Electron's file is valid JSON when a program ends without stopLogging (its spec:
      // "should end logging automatically when only .startLogging() is called"). The log is
      // completed when the process is sure to end (core/process_end.ts): at exit, by
      // Deno.exit(), a fatal error or a signal no listener of the program's own takes. A program
      // that handles the error or the signal goes on, and its log keeps recording.
      this.#stopCompletingAtEnd = onProcessEnd(() => this.closeSync(), { final: true });
      return writer;
    }, (error: unknown) => {
      this.#early = [];
      throw error;
    });
  }

  add(entry: NetLogEntry): void {
    if (this.#writer !== undefined) this.#writer.add(entry);
    else this.#early.push({ entry, tick: performance.now() });
  }

  close(polledData: Record<string, unknown> | undefined): Promise<void> {
    const closed = this.opened.then((writer) => {
      this.#forget();
      return writer.close(polledData);
    }, () => {
      throw new Error("No net log in progress");
    });
    const settled = closed.then(() => {}, () => {});
    closingFiles.set(this.#file, settled);
    settled.then(() => {
      if (closingFiles.get(this.#file) === settled) closingFiles.delete(this.#file);
    });
    return closed;
  }

  closeSync(): void {
    this.#forget();
    if (this.#writer !== undefined) this.#writer.closeSync(this.#poll());
  }

  #forget(): void {
    this.#stopCompletingAtEnd?.();
    this.#stopCompletingAtEnd = undefined;
  }
}
