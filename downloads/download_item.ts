/**
 * `DownloadItem`: one download of a session, with Electron's methods and events.
 *
 * @module
 */

import { type FileHandle, stat } from "node:fs/promises";
import { methodArgumentError } from "../core/conversion_error.ts";
import { ElectronEvent } from "../core/electron_event.ts";
import { isRedirectStatus } from "../core/redirect.ts";
import { SessionError } from "../core/session_error.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import { responseUrlChain } from "../core/url_chain.ts";
import { withoutUserinfo } from "../core/userinfo.ts";
import { latin1Bytes } from "./_bytes.ts";
import { DownloadTarget } from "./_download_target.ts";
import { writeSidecar } from "./crdownload_sidecar.ts";
import type { DownloadFetch } from "./download_fetch.ts";
import { generateFileName } from "./generate_file_name.ts";
import {
  type DownloadInterruptReason,
  interruptReasonForError,
  interruptReasonForFileError,
  interruptReasonForStatus,
  type ResumeMode,
  resumeModeFor,
} from "./interrupt_reason.ts";
import { FileWriter } from "./_file_writer.ts";
import { RateEstimator } from "./rate_estimator.ts";
import { responseMimeType } from "./response_mime_type.ts";
import {
  copySaveDialogSettings,
  defaultSaveDialogSettings,
  type SaveDialogOptions,
  type SaveDialogSettings,
  saveDialogSettings,
} from "./save_dialog_options.ts";

/** A download's state, as Electron names it. */
export type DownloadState = "progressing" | "completed" | "cancelled" | "interrupted";

/** The events a `DownloadItem` emits, with Electron's listener signatures. */
export type DownloadItemEvents = {
  /** The download moved on (bytes, pause, resume) or was interrupted but can resume. */
  updated: (event: ElectronEvent, state: "progressing" | "interrupted") => void;
  /** The download ended: completed, cancelled, or interrupted for good. */
  done: (event: ElectronEvent, state: "completed" | "cancelled" | "interrupted") => void;
};

/** How a `DownloadItem` starts; only the session's download manager makes items. */
export interface DownloadItemInit {
  /** The session's download fetch (`file:` URLs included). */
  fetch: DownloadFetch;
  /** The URLs so far; requests go to the last. */
  urlChain: string[];
  /** Extra request headers (`downloadURL`'s `headers`). */
  headers?: Record<string, string>;
  /** The directory for a download without a save path, read when the name is chosen. */
  directory: () => string;
  /** Emits `'will-download'`; returns whether a listener called `preventDefault()`. */
  announce: (item: DownloadItem) => boolean;
  /** For `createInterruptedDownload`: the saved state to resume from. */
  interrupted?: InterruptedState;
}

/** The state `createInterruptedDownload` restores. */
export interface InterruptedState {
  /** Absolute path of the download (the partial bytes are in `path.crdownload` or `path`). */
  path: string;
  /** The MIME type. */
  mimeType: string;
  /** Bytes already saved. */
  offset: number;
  /** The full length. */
  length: number;
  /** The Last-Modified value. */
  lastModified: string;
  /** The ETag value. */
  eTag: string;
  /** Seconds since the epoch. */
  startTime: number;
}

const UPDATE_INTERVAL_MS = 500;
// Chromium's kMaxAutoResumeAttempts.
const MAX_AUTO_RESUMES = 5;

/**
 * One download, as Electron's `DownloadItem`: it reaches the program through the session's
 * `'will-download'` event, where the listener may `setSavePath`. Bytes go to
 * `<savePath>.crdownload`, fsynced and renamed when complete; without a save path the name comes
 * from `generateFileName` in the session's download directory, made unique (`name (1).ext`),
 * and nothing is overwritten.
 *
 * `pause()` stops reading, so TCP backpressure holds the server; `resume()` reads on, or, when
 * the connection is gone, asks for `Range: bytes=N-` with `If-Range` (a strong ETag, else a
 * Last-Modified at least 60 s before the response's Date; never a weak validator). Only a 206
 * whose `Content-Range` starts at N, of the version asked for, is appended; a 200, a 206
 * starting elsewhere or of another ETag, or a 416 starts again from zero. Offsets count bytes of the saved file: a resume asks for
 * `Accept-Encoding: identity` (as Chromium does), and a download whose first response was
 * content-encoded resumes from zero, since its validators belong to the encoded representation.
 *
 * Beyond Electron: {@linkcode DownloadItem.getInterruptReason} and
 * {@linkcode DownloadItem.getLastError} tell why a download stopped. `'done'` comes after the
 * files are settled (renamed, or removed on cancel).
 *
 * @example
 * ```ts
 * import { session } from "@ses/session";
 * import { mkdtempSync, readFileSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const dir = mkdtempSync(join(tmpdir(), "ses-download-example-"));
 * const ses = session.fromPartition("downloads-example");
 * const done = new Promise<string>((resolve) => {
 *   ses.once("will-download", (_event, item) => {
 *     item.setSavePath(join(dir, "hello.txt"));
 *     // Bytes received and expected; 'done' comes once the file is renamed into place.
 *     item.once("done", (_e, state) => {
 *       resolve(`${state} ${item.getReceivedBytes()}/${item.getTotalBytes()}`);
 *     });
 *   });
 * });
 * ses.downloadURL("data:text/plain,hello"); // an http(s) URL goes the same way
 * console.log(await done, readFileSync(join(dir, "hello.txt"), "utf8")); // completed 5/5 hello
 * rmSync(dir, { recursive: true });
 * ```
 */
export class DownloadItem extends TypedEmitter<DownloadItemEvents> {
  #init: DownloadItemInit;
  #urlChain: string[];
  #state: DownloadState = "progressing";
  #paused = false;
  #gate: PromiseWithResolvers<void> | undefined;
  #pausedDuringRead = false;
  #mimeType = "";
  #contentDisposition = "";
  #eTag = "";
  #lastModified = "";
  // Whether #lastModified may guard a range (RFC 9110 §8.8.2.2); a restored one is taken as
  // the caller gives it.
  #lastModifiedStrong = true;
  #encoded = false;
  #received = 0;
  #total = 0;
  #startTime = Date.now() / 1000;
  #endTime = 0;
  #target: DownloadTarget;
  #dialogOptions: SaveDialogSettings = defaultSaveDialogSettings();
  #reason: DownloadInterruptReason | "" = "";
  #error: unknown = undefined;
  #autoResumes = 0;
  #abort: AbortController | undefined;
  #handle: FileHandle | undefined;
  #rate = new RateEstimator();
  #lastUpdate = 0;
  #announced = false;
  // Every byte is saved and the file is being synced and renamed (Chromium's COMPLETING state).
  #completing = false;
  #idle: Promise<void> = Promise.resolve();
  #pauseReached: PromiseWithResolvers<void> | undefined;
  // A request is on its way and no file is open (a resume, or the first request of a restored
  // download): a pause then has nothing to save, and is reached at once.
  #requesting = false;
  // Saves what was read so far while a read waits for bytes that may never come (a stalled
  // server), so that a pause is reached without them; set only during such a read.
  #settleDuringRead: (() => void) | undefined;
  #sidecarWrite: Promise<void> = Promise.resolve();

  /**
   * Not for callers: items come from the session (`downloadURL`, `createInterruptedDownload`).
   *
   * @param init The session's parts and the download's start.
   */
  constructor(init: DownloadItemInit) {
    super();
    this.#init = init;
    this.#urlChain = [...init.urlChain];
    this.#target = new DownloadTarget(init.interrupted?.path);
    const saved = init.interrupted;
    if (saved) {
      this.#state = "interrupted";
      this.#reason = "NETWORK_FAILED";
      this.#mimeType = saved.mimeType;
      this.#received = saved.offset;
      this.#total = saved.length;
      this.#lastModified = saved.lastModified;
      this.#eTag = saved.eTag;
      this.#startTime = saved.startTime;
    }
  }

  /** @internal Starts a `downloadURL` download: the request, then `'will-download'`. */
  start(): void {
    this.#run(0);
  }

  /** @internal Marks the item announced (`createInterruptedDownload` announces at once). */
  markAnnounced(): void {
    this.#announced = true;
  }

  /**
   * @internal Resolves once no write is in flight and the sidecar holds the saved length, for
   * a program that must stop right after `pause()` (the CLI's Ctrl-C).
   */
  settled(): Promise<void> {
    if (this.#state !== "progressing" || !this.#pauseReached) return this.#idle;
    return Promise.race([this.#pauseReached.promise, this.#idle]);
  }

  /**
   * @internal The file the bytes are written to: `<savePath>.crdownload`, or a numbered one
   * (`<savePath> (1).crdownload`) while another download holds that; `""` before one exists.
   * What the CLI offers to `--resume`.
   */
  partialPath(): string {
    return this.#target.partialPath;
  }

  /**
   * Pauses the download: no more bytes are read until `resume()`. Does nothing once every byte
   * is saved and the file is being completed (after the `'updated'` at full length).
   */
  pause(): void {
    if (this.#state !== "progressing" || this.#paused || this.#completing) return;
    this.#paused = true;
    this.#gate = Promise.withResolvers<void>();
    this.#pauseReached = Promise.withResolvers<void>();
    // A server that never answers must not hold the pause (Ctrl-C in ses download --resume).
    if (this.#requesting) this.#pauseReached.resolve();
    this.#rate.reset();
    this.#settleDuringRead?.();
    this.#emitUpdated("progressing");
  }

  /**
   * Tells whether the download is paused.
   *
   * @returns `true` between `pause()` and `resume()`.
   */
  isPaused(): boolean {
    return this.#paused;
  }

  /**
   * Resumes a paused download, or restarts an interrupted one that can resume: with a
   * `Range` request from the saved length when a strong validator guards it, else from zero.
   */
  resume(): void {
    if (this.#state === "progressing") {
      if (!this.#paused) return;
      this.#paused = false;
      this.#gate?.resolve();
      this.#gate = undefined;
      this.#emitUpdated("progressing");
      return;
    }
    if (this.#state !== "interrupted" || !this.canResume()) return;
    const mode = this.#resumeMode();
    if (mode === "user-restart") {
      // Chromium's ResumeInterruptedDownload forgets the saved length and validators before
      // the request, so progress starts again from 0 rather than falling back later.
      this.#received = 0;
      this.#eTag = "";
      this.#lastModified = "";
    }
    this.#paused = false;
    this.#autoResumes = 0;
    this.#state = "progressing";
    this.#emitUpdated("progressing");
    this.#run(mode === "user-restart" ? 0 : this.#received);
  }

  /**
   * Tells whether `resume()` would do something.
   *
   * @returns `true` for a paused download and for an interrupted one whose reason allows it
   * (Chromium's resume modes: not after a 401, 403, 404 or for a `file:` URL).
   */
  canResume(): boolean {
    if (this.#state === "progressing") return this.#paused;
    return this.#state === "interrupted" && this.#resumeMode() !== "invalid";
  }

  /**
   * Cancels the download: the request stops, the partial file and its sidecar are removed
   * (for a `createInterruptedDownload` item, the partial bytes at its `path` or
   * `path.crdownload`, as Chromium deletes a cancelled interrupted download's current path).
   * Does nothing once the file is being completed (after the `'updated'` at full length, whose
   * listener may still cancel), as in Chromium's COMPLETING state.
   */
  cancel(): void {
    if (this.#state === "completed" || this.#isCancelled() || this.#completing) return;
    const wasRunning = this.#state === "progressing";
    this.#state = "cancelled";
    this.#reason = "USER_CANCELED";
    this.#paused = false;
    this.#gate?.resolve();
    this.#abort?.abort();
    // A running transfer cleans up when its read fails; otherwise clean up here.
    if (!wasRunning || this.#abort === undefined) void this.#finishCancel();
  }

  /**
   * Returns the URL the download requests (the last of the redirect chain).
   *
   * @returns The URL the download requests (the last of the redirect chain).
   */
  getURL(): string {
    return this.#urlChain.at(-1) ?? "";
  }

  /**
   * Returns the URL chain, redirects included.
   *
   * @returns Every URL visited, the first request's first.
   */
  getURLChain(): string[] {
    return [...this.#urlChain];
  }

  /**
   * Returns the response's MIME type, as Chromium reads `Content-Type`: lower case, without
   * parameters; `""` until known, and for a type without `/` or `*\/*`.
   *
   * @returns The response's MIME type (`text/html`), `""` until known.
   */
  getMimeType(): string {
    return this.#mimeType;
  }

  /**
   * Tells whether a user gesture started the download (never, in a session).
   *
   * @returns Always `false`: a session download has no user gesture.
   */
  hasUserGesture(): boolean {
    return false;
  }

  /**
   * Returns the file name Electron's `getFilename` reports.
   *
   * @returns The name generated from the `Content-Disposition`, URL and MIME type; the saved
   * file may differ (a save path, or a ` (1)` for uniqueness).
   */
  getFilename(): string {
    return generateFileName({
      url: this.getURL(),
      contentDisposition: this.#contentDisposition,
      mimeType: this.#mimeType,
    });
  }

  /**
   * Returns the full length in bytes, 0 when unknown.
   *
   * @returns The full length in bytes, 0 when unknown.
   */
  getTotalBytes(): number {
    return this.#total;
  }

  /**
   * Returns the number of bytes saved so far.
   *
   * @returns Bytes saved so far.
   */
  getReceivedBytes(): number {
    return this.#received;
  }

  /**
   * Returns how much is done, in whole percent.
   *
   * @returns Whole percent done, or -1 while the total is unknown, and for an empty file, as
   * Chromium's `DownloadItemImpl::PercentComplete` answers for a total of 0 bytes (a completed
   * download's total is what was saved, so otherwise it reads 100).
   */
  getPercentComplete(): number {
    if (this.#total <= 0) return -1;
    return Math.floor(this.#received * 100 / this.#total);
  }

  /**
   * Returns the current rate in bytes per second, over the last seconds.
   *
   * @returns The current rate in bytes per second, over the last seconds.
   */
  getCurrentBytesPerSecond(): number {
    return this.#state === "progressing" && !this.#paused ? this.#rate.bytesPerSecond() : 0;
  }

  /**
   * Returns the `Content-Disposition` header, `""` if none. Its bytes are read as UTF-8 (a byte
   * that is not becomes U+FFFD), as Electron hands the header's `std::string` to JavaScript: a
   * raw UTF-8 `filename="résumé.pdf"` reads as sent, not one character per byte.
   *
   * @returns The `Content-Disposition` header, `""` if none.
   */
  getContentDisposition(): string {
    // Headers give one character per byte; only a non-ASCII header needs decoding.
    if (!/[\u0080-\uffff]/.test(this.#contentDisposition)) return this.#contentDisposition;
    return new TextDecoder().decode(latin1Bytes(this.#contentDisposition));
  }

  /**
   * Returns the state.
   *
   * @returns The state.
   */
  getState(): DownloadState {
    return this.#state;
  }

  /**
   * Returns the `Last-Modified` header, kept (as Chromium keeps it) only when the response has
   * a strong validator: a strong ETag, or a Last-Modified at least 60 s before its Date.
   *
   * @returns The `Last-Modified` header, `""` if none or not kept.
   */
  getLastModifiedTime(): string {
    return this.#lastModified;
  }

  /**
   * Returns the `ETag` header, kept (as Chromium keeps it) only when the response has a strong
   * validator: a weak ETag alone reads `""`.
   *
   * @returns The `ETag` header, `""` if none or not kept.
   */
  getETag(): string {
    return this.#eTag;
  }

  /**
   * Returns when the download started, in seconds since the epoch.
   *
   * @returns When the download started, in seconds since the epoch.
   */
  getStartTime(): number {
    return this.#startTime;
  }

  /**
   * Returns when the download ended, in seconds since the epoch; 0 while it runs.
   *
   * @returns When the download ended, in seconds since the epoch; 0 while it runs.
   */
  getEndTime(): number {
    return this.#endTime;
  }

  /**
   * Sets where to save the file; only effective in the `'will-download'` listener. Missing
   * directories are created; an existing file there is replaced on completion, as in Electron.
   *
   * @param path The file path; a relative one is resolved against the current directory.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a path that is not a string, `Insufficient number of arguments.` for none (Chromium
   * gin's words, as Electron's DownloadItem binding).
   */
  setSavePath(path: string): void {
    if (typeof path !== "string") throw methodArgumentError(0, path, arguments.length);
    if (this.#announced) return;
    this.#target.choose(path);
  }

  /**
   * Returns the save path: the one set, or the chosen one once known; `""` before.
   *
   * @returns The save path: the one set, or the chosen one once known; `""` before.
   */
  getSavePath(): string {
    return this.#target.savePath;
  }

  /** The save path (Electron's `savePath` property). */
  get savePath(): string {
    return this.#target.savePath;
  }

  set savePath(path: string) {
    this.setSavePath(path);
  }

  /**
   * Keeps Electron's save dialog options (no dialog is ever shown), read as Electron's
   * converter reads them: known fields of the right types, the rest dropped.
   *
   * @param options The options (`title`, `defaultPath`, `buttonLabel`, `filters`, ...).
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a value that is not an object (a function included), `Insufficient number of
   * arguments.` for none (Chromium gin's words, as Electron's DownloadItem binding).
   */
  setSaveDialogOptions(options: SaveDialogOptions): void {
    if (typeof options !== "object" || options === null) {
      throw methodArgumentError(0, options, arguments.length);
    }
    this.#dialogOptions = saveDialogSettings(options);
  }

  /**
   * Returns the save dialog options as Electron does: every field, with `window` `null`.
   *
   * @returns `{window, title, message, buttonLabel, nameFieldLabel, defaultPath, filters,
   * properties, showsTagField, securityScopedBookmarks}`; before any were set, empty strings
   * and lists, `showsTagField` `true` and `securityScopedBookmarks` `false`.
   */
  getSaveDialogOptions(): SaveDialogSettings {
    return copySaveDialogSettings(this.#dialogOptions);
  }

  /**
   * Beyond Electron: why the download stopped, as Chromium's interrupt reason
   * (`NETWORK_FAILED`, `SERVER_UNAUTHORIZED`, `FILE_NO_SPACE`, `USER_CANCELED`, ...).
   *
   * @returns The reason, or `""` while nothing has stopped it.
   */
  getInterruptReason(): DownloadInterruptReason | "" {
    return this.#reason;
  }

  /**
   * Beyond Electron: the error behind the last interruption (a `SessionError` such as
   * `net::ERR_FILE_NOT_FOUND`, or a `node:fs` error).
   *
   * @returns The error, or `undefined` when the reason came from an HTTP status or none.
   */
  getLastError(): unknown {
    return this.#error;
  }

  #run(offset: number): void {
    const finished = this.#attempt(offset).catch((error) => this.#interrupt("FILE_FAILED", error));
    this.#idle = finished;
  }

  async #attempt(requestedOffset: number): Promise<void> {
    // The file is closed and its sidecar written (an automatic resume comes after both): a
    // pause from before is reached now, not when (if ever) the response comes.
    this.#requesting = true;
    if (this.#paused) this.#pauseReached?.resolve();
    let offset = await this.#usableOffset(requestedOffset);
    const validator = this.#validator();
    if (validator === undefined) offset = 0;
    let headers: Headers;
    try {
      // Checked here, so that the error is the same in every runtime (their fetch words it
      // differently).
      if (!URL.canParse(this.getURL())) {
        throw new SessionError("ERR_INVALID_URL", { url: this.getURL() });
      }
      headers = new Headers(this.#init.headers);
    } catch (error) {
      // A URL that does not parse, or a header no request may carry (a space in a name, CR LF
      // in a value): Chromium refuses such a request before sending it
      // (NETWORK_INVALID_REQUEST), and says so on the item.
      this.#requesting = false;
      if (!this.#announced && !(await this.#announce())) return;
      return this.#interrupt("NETWORK_INVALID_REQUEST", error);
    }
    if (offset > 0 && validator !== undefined) {
      headers.set("range", `bytes=${offset}-`);
      headers.set("if-range", validator);
      headers.set("accept-encoding", "identity");
    }
    const abort = new AbortController();
    this.#abort = abort;
    // A resumption is not redirected: Chromium's DownloadResponseHandler takes a redirect of a
    // partial request for a middle box and interrupts (SERVER_UNREACHABLE), for a later resume.
    const partial = headers.has("range");
    let response: Response;
    try {
      response = await this.#init.fetch(this.getURL(), {
        headers,
        signal: abort.signal,
        redirect: partial ? "manual" : "follow",
        // Electron's downloadURL leaves DownloadUrlParameters' prefer_cache false, so Chromium
        // loads with LOAD_DISABLE_CACHE: a download neither reads nor fills the HTTP cache
        // (download_utils.cc GetLoadFlags), which the fetch cache mode no-store stands for.
        cache: "no-store",
        // A caller's Origin header does not make its cookies same-origin only: Chromium's
        // download request includes credentials (DownloadUrlParameters' credentials mode).
        credentials: "include",
      });
    } catch (error) {
      this.#requesting = false;
      if (this.#isCancelled()) return this.#finishCancel();
      if (!this.#announced && !(await this.#announce())) return;
      return this.#interrupt(interruptReasonForError(error), error);
    }
    this.#requesting = false;
    if (partial && isRedirectStatus(response.status)) {
      await response.body?.cancel().catch(() => {});
      this.#error = undefined;
      return this.#interrupt("SERVER_UNREACHABLE", undefined);
    }
    this.#extendUrlChain(response);
    if (this.#isCancelled()) {
      await response.body?.cancel().catch(() => {});
      return this.#finishCancel();
    }
    // A 206 to a request without a Range would save a piece as the whole file: Chromium's
    // HandleSuccessfulServerResponse calls it bad content.
    const failure = interruptReasonForStatus(response.status) ??
      (response.status === 206 && !headers.has("range") ? "SERVER_BAD_CONTENT" : undefined);
    if (failure !== undefined) {
      await response.body?.cancel().catch(() => {});
      if (!this.#announced) {
        this.#takeHeaders(response, 0);
        if (!(await this.#announce())) return;
      }
      this.#error = undefined;
      return this.#interrupt(failure, undefined);
    }
    if (
      offset > 0 && response.status === 206 &&
      (contentRangeStart(response) !== offset ||
        (validator !== undefined && validatorChanged(response, validator)))
    ) {
      // A range we did not ask for, or one of another version (a server that ignores If-Range):
      // start again from zero, as SEMANTICS.md asks.
      await response.body?.cancel().catch(() => {});
      if (++this.#autoResumes > MAX_AUTO_RESUMES) {
        return this.#interrupt("SERVER_BAD_CONTENT", undefined);
      }
      return this.#attempt(0);
    }
    if (response.status !== 206) offset = 0;
    this.#takeHeaders(response, offset);
    if (!this.#announced && !(await this.#announce())) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    // Chromium's DownloadFile reports progress on a 500 ms timer while its stream is active,
    // so a download whose server stalls still says so (its rate falling to 0), not only when
    // bytes come.
    const ticker = setInterval(() => {
      if (this.#state !== "progressing" || this.#paused || this.#completing) return;
      // A timer fires a little early or late: a tick counts when most of a period has passed
      // since the last report, or a stall would be reported only every other tick.
      const now = Date.now();
      if (now - this.#lastUpdate < UPDATE_INTERVAL_MS * 0.9) return;
      this.#lastUpdate = now;
      this.#emitUpdated("progressing");
    }, UPDATE_INTERVAL_MS);
    // The transfer's socket keeps a program running; this timer must not, or a paused
    // download (which holds nothing open) would.
    ticker.unref();
    try {
      await this.#transfer(response, offset);
    } finally {
      clearInterval(ticker);
    }
  }

  /** Appends the hops a request to `getURL()` was redirected through (Chromium's url_chain). */
  #extendUrlChain(response: Response): void {
    // The session's pipeline records every hop; another fetch shows only where it ended.
    // The auth stage takes `user:pass@` off a request (used to answer the challenge), so
    // `response.url` never has it, while Chromium's url_chain keeps the URL as requested.
    // A response's URL has no fragment (Fetch's "exclude fragment"), while the chain keeps
    // the one requested, as GURL does.
    const requested = withoutUserinfo(this.getURL()).replace(/#.*$/s, "");
    const hops = responseUrlChain(response)?.slice(1) ??
      (response.url !== "" && response.url !== requested ? [response.url] : []);
    this.#urlChain.push(...hops);
  }

  /** Reads the response's facts; `offset` > 0 means a 206 continuing the same bytes. */
  #takeHeaders(response: Response, offset: number): void {
    const headers = response.headers;
    const encoding = (headers.get("content-encoding") ?? "identity").trim().toLowerCase();
    this.#encoded = encoding !== "identity" && encoding !== "";
    if (offset === 0) {
      this.#mimeType = responseMimeType(headers.get("content-type"));
      this.#contentDisposition = headers.get("content-disposition") ?? "";
    }
    this.#eTag = headers.get("etag") ?? "";
    this.#lastModified = headers.get("last-modified") ?? "";
    this.#lastModifiedStrong = isStrongDate(this.#lastModified, headers.get("date"));
    // Chromium's HandleResponseHeaders keeps neither unless one is strong: getETag() and
    // getLastModifiedTime() say "" for a weak ETag and a fresh Last-Modified alone.
    if (!this.#hasStrongValidator()) {
      this.#eTag = "";
      this.#lastModified = "";
    }
    const range = /\/(\d+)\s*$/.exec(headers.get("content-range") ?? "");
    const length = Number(headers.get("content-length") ?? NaN);
    if (response.status === 206 && range) this.#total = Number(range[1]);
    else if (!this.#encoded && Number.isSafeInteger(length)) this.#total = offset + length;
    else this.#total = 0;
  }

  /** Emits `'will-download'`; false when the download was cancelled there. */
  async #announce(): Promise<boolean> {
    let prevented = false;
    this.#notify(() => prevented = this.#init.announce(this));
    this.#announced = true;
    if (prevented) this.cancel();
    if (this.#isCancelled()) {
      await this.#finishCancel();
      return false;
    }
    this.#target.propose(this.#init.directory(), this.getFilename());
    return true;
  }

  /**
   * The offset a resume can use: the partial file must hold at least `requested` bytes (it is
   * cut to that length); otherwise the download starts from zero (Chromium's FILE_TOO_SHORT).
   * A partial file deleted meanwhile holds none: Chromium opens it with FLAG_OPEN_ALWAYS,
   * finds it too short and restarts.
   */
  async #usableOffset(requested: number): Promise<number> {
    if (requested === 0) return 0;
    const partial = await this.#target.existingPartial();
    if (partial === undefined) return 0;
    const size = await stat(partial).then((info) => info.size, () => 0);
    return size >= requested ? requested : 0;
  }

  /**
   * The If-Range value: a strong ETag, else a strong Last-Modified; none for encoded responses.
   */
  #validator(): string | undefined {
    if (this.#encoded) return undefined;
    if (this.#eTag !== "" && !this.#eTag.startsWith("W/")) return this.#eTag;
    return this.#lastModified !== "" && this.#lastModifiedStrong ? this.#lastModified : undefined;
  }

  /** Whether the response has a strong ETag or Last-Modified (Chromium's HasStrongValidators). */
  #hasStrongValidator(): boolean {
    return (this.#eTag !== "" && !this.#eTag.startsWith("W/")) ||
      (this.#lastModified !== "" && this.#lastModifiedStrong);
  }

  async #transfer(response: Response, offset: number): Promise<void> {
    try {
      this.#handle = await this.#target.open(offset, this.#init.directory(), this.getFilename());
      await this.#writeSidecar(offset);
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      await this.#closeHandle();
      return this.#interrupt(interruptReasonForFileError(error), error);
    }
    this.#received = offset;
    this.#rate.reset();
    this.#pausedDuringRead = false;
    let writer = new FileWriter(this.#handle, offset);
    const reader = response.body?.getReader();
    // Every exit from the loop goes through here: what was read is written (or the write
    // failed), so the saved length is exact before anything else looks at it.
    const settle = async (): Promise<unknown> => {
      const failure = await writer.flush().then(() => undefined, (error: unknown) => error);
      this.#received = writer.written;
      return failure;
    };
    const fileFailure = async (error: unknown): Promise<void> => {
      // Chunks taken but never written (the disk filled while they waited) are not received:
      // a resume asks for the bytes after the file's end, not after a gap.
      this.#received = writer.written;
      await reader?.cancel().catch(() => {});
      await this.#closeHandle();
      return this.#interrupt(interruptReasonForFileError(error), error);
    };
    // A read's result that came while paused, saved on resume().
    let held: ReadableStreamReadResult<Uint8Array> | undefined;
    // What a pause saves (the bytes, then the sidecar): the file error, if any.
    const savePause = async (): Promise<unknown> => {
      const failure = await settle();
      if (failure === undefined) await this.#writeSidecar(writer.written).catch(() => {});
      return failure;
    };
    // A pause saved while a read waited; the loop then saves nothing more for it, so nothing
    // is written after settled() said the pause was reached.
    let pauseSaved: Promise<unknown> | undefined;
    // A pause while a read waits: the bytes so far go to disk and the sidecar says so at once,
    // not when (if ever) the server sends more. What the read then brings is held back,
    // uncounted, until resume(), so the pause's count stays what it said.
    const whileReading = () => {
      const reached = this.#pauseReached;
      const saved = (pauseSaved ?? Promise.resolve()).then(savePause);
      pauseSaved = saved;
      saved.then(() => reached?.resolve());
    };
    // Where the loop stops for a pause until resume(): saved (unless a pause during the read
    // did it), and no file held open, as a program may drop the item, or stop, while it is
    // paused. `gate` is this pause's, held from before the awaits: a resume() meanwhile has
    // resolved it and dropped #gate. Gives the file error that ended the pause, if any.
    const stayPaused = async (gate: PromiseWithResolvers<void>): Promise<unknown> => {
      this.#pausedDuringRead = true;
      const failure = await (pauseSaved ?? savePause());
      pauseSaved = undefined;
      if (failure !== undefined) return failure;
      await this.#closeHandle();
      this.#pauseReached?.resolve();
      await gate.promise;
      return undefined;
    };
    for (;;) {
      const gate = this.#gate;
      if (gate) {
        const failure = await stayPaused(gate);
        if (failure !== undefined) return fileFailure(failure);
        if (this.#isCancelled()) break;
        try {
          this.#handle = await this.#target.reopen();
        } catch (error) {
          return fileFailure(error);
        }
        writer = new FileWriter(this.#handle, writer.written);
      }
      if (this.#isCancelled()) break;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        this.#settleDuringRead = whileReading;
        if (held !== undefined) {
          chunk = held;
          held = undefined;
        } else chunk = reader ? await reader.read() : { done: true, value: undefined };
      } catch (error) {
        this.#settleDuringRead = undefined;
        if (this.#isCancelled()) break;
        const gate = this.#gate;
        if (gate) {
          // The connection ended while the download was paused (a stalled server gave up):
          // it stays paused, as Chromium's does, and the rest is asked for on resume().
          const failure = await stayPaused(gate);
          if (failure !== undefined) return fileFailure(failure);
          if (this.#isCancelled()) break;
        }
        // Chromium's HandleRequestCompletionStatus: a body shorter than its Content-Length with
        // no strong validator completes, since a resume would start again from zero and a
        // wrong Content-Length would then never end. Not when the connection may have died
        // while we held it paused: that cut is ours, and the restart below is the safe way on.
        // The transport hands over the bytes it read before the failure first, so a response
        // we paused is suspect to its end, however many bytes came after the resume.
        if (
          isContentLengthMismatch(error) && !this.#hasStrongValidator() && !this.#pausedDuringRead
        ) break;
        const failure = await settle();
        if (failure !== undefined) return fileFailure(failure);
        await this.#closeHandle();
        if (this.#pausedDuringRead && this.#validator() !== undefined) {
          // The connection died while we held it paused: ask for the rest.
          this.#pausedDuringRead = false;
          return this.#attempt(this.#received);
        }
        return this.#interrupt(interruptReasonForError(error), error);
      }
      this.#settleDuringRead = undefined;
      if (pauseSaved !== undefined) {
        if (this.#gate) {
          held = chunk;
          continue;
        }
        // Resumed before the read came back: the pause is over, and its save ran its course.
        pauseSaved = undefined;
      }
      if (chunk.done) break;
      try {
        const full = writer.write(chunk.value);
        if (full !== undefined) await full;
      } catch (error) {
        return fileFailure(error);
      }
      this.#received += chunk.value.length;
      const now = Date.now();
      this.#rate.add(chunk.value.length, now);
      this.#maybeEmitProgress(now);
    }
    const failure = await settle();
    if (this.#isCancelled()) return this.#finishCancel();
    if (failure !== undefined) return fileFailure(failure);
    // Chromium's OnAllDataSaved: the total becomes what was saved and observers hear it (an
    // 'updated' at full length) before the file is completed; a cancel() there still counts.
    this.#total = this.#received;
    this.#emitUpdated("progressing");
    if (this.#isCancelled()) return this.#finishCancel();
    await this.#complete();
  }

  /**
   * Syncs and renames the file. From here `cancel()` and `pause()` do nothing, as in Chromium's
   * COMPLETING state: a cancel() meanwhile once said 'cancelled' until the 'done' of a completed
   * file.
   */
  async #complete(): Promise<void> {
    this.#completing = true;
    try {
      // A pause's sidecar write may be on its way (a pause() while the end of the body was
      // awaited): it lands first, or it would bring the sidecar back after commit() removed it.
      await this.#sidecarWrite.catch(() => {});
      // Chromium's BaseFile::Finish flushes with base::File::Flush, fdatasync on Linux: the
      // bytes and the size, not the timestamps. Nothing is synced before completion (a killed
      // process loses nothing the kernel holds; a pause or interruption closes the file).
      await this.#handle!.datasync();
      await this.#closeHandle();
      await this.#target.commit();
    } catch (error) {
      this.#completing = false;
      return this.#interrupt(interruptReasonForFileError(error), error);
    }
    this.#completing = false;
    this.#total = this.#received;
    this.#state = "completed";
    // A pause() from the last 'updated' came after the last byte: nothing is left to hold.
    this.#paused = false;
    this.#gate = undefined;
    // An earlier interruption this download came back from is over: no reason, no error.
    this.#reason = "";
    this.#error = undefined;
    this.#endTime = Date.now() / 1000;
    this.#notify(() => this.emit("done", new ElectronEvent(), "completed"));
  }

  async #interrupt(reason: DownloadInterruptReason, error: unknown): Promise<void> {
    if (this.#isCancelled()) return this.#finishCancel();
    await this.#closeHandle();
    // A cancel() while the file closed was the user's (USER_CANCELED), not this failure.
    if (this.#isCancelled()) return this.#finishCancel();
    this.#reason = reason;
    this.#error = error;
    const mode = this.#resumeMode();
    const automatic = (mode === "auto-continue" || mode === "auto-restart") &&
      this.#autoResumes < MAX_AUTO_RESUMES;
    // The state stays `progressing` until nothing else will run: a resume() during the awaits
    // must not start a second transfer beside the automatic one (they once wrote one file
    // together and both reported 'done').
    await this.#writeSidecar(this.#received).catch(() => {});
    if (this.#isCancelled()) return this.#finishCancel();
    if (automatic) {
      this.#autoResumes++;
      // A pause() meanwhile holds its gate for the next transfer.
      return this.#attempt(mode === "auto-restart" ? 0 : this.#received);
    }
    this.#state = "interrupted";
    this.#paused = false;
    this.#gate = undefined;
    if (mode === "invalid") {
      // Nothing can continue it, so its partial file goes, as in Chromium.
      await this.#target.discard();
      this.#endTime = Date.now() / 1000;
      this.#notify(() => this.emit("done", new ElectronEvent(), "interrupted"));
    } else {
      this.#emitUpdated("interrupted");
    }
  }

  #resumeMode(): ResumeMode {
    if (this.#reason === "") return "invalid";
    return resumeModeFor(this.#reason, {
      httpUrl: /^https?:/i.test(this.getURL()),
      hasValidator: this.#validator() !== undefined,
      userActionRequired: this.#autoResumes >= MAX_AUTO_RESUMES,
    });
  }

  async #finishCancel(): Promise<void> {
    if (this.#endTime !== 0) return;
    this.#endTime = Date.now() / 1000;
    await this.#closeHandle();
    // A pause's sidecar write may be on its way (pause() then cancel()): it lands first, or it
    // would bring the sidecar back after discard() removed it.
    await this.#sidecarWrite.catch(() => {});
    await this.#target.discard();
    this.#notify(() => this.emit("done", new ElectronEvent(), "cancelled"));
  }

  // A method, not a comparison, since an await can change the state a comparison narrowed.
  #isCancelled(): boolean {
    return this.#state === "cancelled";
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => {});
  }

  #writeSidecar(offset: number): Promise<void> {
    if (!this.#target.keepsSidecar) return Promise.resolve();
    // One at a time: two writes of one item racing would rename each other's temporary file.
    // None once cancelled or completing: both remove the sidecar, and a later write would
    // restore it beside nothing.
    const write = this.#sidecarWrite.catch(() => {}).then(() =>
      this.#isCancelled() || this.#completing || this.#state === "completed"
        ? undefined
        : this.#writeSidecarNow(offset)
    );
    this.#sidecarWrite = write;
    return write;
  }

  async #writeSidecarNow(offset: number): Promise<void> {
    await writeSidecar(this.#target.partialPath, {
      version: 1,
      savePath: this.#target.savePath,
      urlChain: this.#urlChain,
      mimeType: this.#mimeType,
      totalBytes: this.#total,
      offset,
      eTag: this.#encoded ? "" : this.#eTag,
      lastModified: this.#encoded || !this.#lastModifiedStrong ? "" : this.#lastModified,
      startTime: this.#startTime,
    });
  }

  #maybeEmitProgress(now: number): void {
    if (now - this.#lastUpdate < UPDATE_INTERVAL_MS) return;
    this.#lastUpdate = now;
    this.#emitUpdated("progressing");
  }

  /**
   * Runs the program's listeners so that a throwing one cannot change the download (a throw
   * from a 'done' listener once turned a completed download into an interrupted one): like an
   * EventEmitter error in Electron's main process, the error surfaces as uncaught.
   */
  #notify(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  #emitUpdated(state: "progressing" | "interrupted"): void {
    this.#notify(() => this.emit("updated", new ElectronEvent(), state));
  }
}

/**
 * Whether a Last-Modified date is a strong validator: RFC 9110 §8.8.2.2 (and Chromium's
 * `HttpUtil::HasStrongValidators`) count it as one only when the response's Date is at least
 * 60 seconds later; a file changed within the minute may change again within the same second.
 * §13.1.5 forbids a weak date in If-Range.
 */
function isStrongDate(lastModified: string, date: string | null): boolean {
  const modified = Date.parse(lastModified);
  const sent = Date.parse(date ?? "");
  return Number.isFinite(modified) && Number.isFinite(sent) && sent - modified >= 60_000;
}

function isContentLengthMismatch(error: unknown): boolean {
  return SessionError.is(error) && error.code === "ERR_CONTENT_LENGTH_MISMATCH";
}

/**
 * Whether a 206 belongs to another version than the saved bytes: its ETag (or, when a date
 * guarded the range, its Last-Modified) differs from the `If-Range` sent, as from a server that
 * ignores `If-Range`. Chromium's `UpdateValidatorsOnResumption` drops the saved bytes when the
 * validators changed. A 206 without the header is taken as the same version.
 */
function validatorChanged(response: Response, sent: string): boolean {
  const received = response.headers.get(sent.startsWith('"') ? "etag" : "last-modified");
  return received !== null && received !== sent;
}

function contentRangeStart(response: Response): number | undefined {
  const match = /^\s*bytes\s+(\d+)-\d+\/(?:\d+|\*)\s*$/i.exec(
    response.headers.get("content-range") ?? "",
  );
  return match ? Number(match[1]) : undefined;
}
