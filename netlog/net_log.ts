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
import { FileNetLogWriter } from "./file_net_log_writer.ts";

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
 * import { NetLog } from "./net_log.ts";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const netLog = new NetLog();
 * await netLog.startLogging(join(tmpdir(), `ses-netlog-${Date.now()}.json`));
 * console.log(netLog.currentlyLogging); // true
 * await netLog.stopLogging();
 * console.log(netLog.currentlyLogging); // false
 * ```
 */
export class NetLog implements NetLogSink {
  #writer: FileNetLogWriter | undefined;
  #starting = false;
  #lastSourceId = 0;

  /** Whether a log is being recorded (Electron's `netLog.currentlyLogging`). */
  get currentlyLogging(): boolean {
    return this.#writer !== undefined;
  }

  /** Whether events are wanted: the sink side of `currentlyLogging`. */
  get capturing(): boolean {
    return this.#writer !== undefined;
  }

  /**
   * Starts recording to `path` (created or truncated).
   *
   * @param path The log file.
   * @param options Capture mode and size bound.
   * @returns Resolves once the file holds its constants.
   * @throws {TypeError} `The first parameter must be a valid string` for an empty or
   * non-string path; `Invalid value for captureMode`; `Invalid value for maxFileSize`;
   * `There is already a net log running` while one runs. Rejects, as Electron, with an `Error`
   * named by Chromium's file error when the file cannot be created (`FILE_ERROR_NOT_FOUND` for a
   * missing directory, `FILE_ERROR_ACCESS_DENIED` for a directory or an unwritable place; the
   * system error is its `cause`).
   */
  startLogging(path: string, options: StartLoggingOptions = {}): Promise<void> {
    if (typeof path !== "string" || path === "") {
      throw new TypeError("The first parameter must be a valid string");
    }
    const { captureMode = "default", maxFileSize } = options ?? {};
    if (!CAPTURE_MODES.includes(captureMode)) {
      throw new TypeError("Invalid value for captureMode");
    }
    if (maxFileSize !== undefined && (typeof maxFileSize !== "number" || !(maxFileSize > 0))) {
      throw new TypeError("Invalid value for maxFileSize");
    }
    if (this.#writer !== undefined || this.#starting) {
      throw new TypeError("There is already a net log running");
    }
    this.#starting = true;
    return FileNetLogWriter.open(path, { captureMode, maxFileSize }).then((writer) => {
      this.#writer = writer;
    }, (error: unknown) => {
      throw fileError(error);
    }).finally(() => this.#starting = false);
  }

  /**
   * Stops recording and completes the file.
   *
   * @returns Resolves when the file is closed.
   * @throws Rejects with `No net log in progress` when none runs.
   */
  stopLogging(): Promise<void> {
    const writer = this.#writer;
    if (writer === undefined) return Promise.reject(new Error("No net log in progress"));
    this.#writer = undefined;
    return writer.close();
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
    this.#writer?.add(entry);
  }
}
