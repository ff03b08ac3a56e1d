/**
 * `ses download`: one download through a session, with progress, Ctrl-C that leaves a
 * resumable `.crdownload`, `--resume` to continue it, and `--json` for a one-line report of
 * the outcome in place of progress and messages.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { rename, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Writable } from "node:stream";
import {
  type DownloadItem,
  readSidecar,
  type Session,
  type SessionModule,
} from "../session/mod.ts";
import { createProgressView, type ProgressView } from "./download_progress.ts";
import type { DownloadArgs } from "./parse_download_args.ts";
import { fromPartitionOption } from "./partition_option.ts";
import { omitSessionHeaders, proxyLogin, schemeHint, serverLogin } from "./request_options.ts";
import { terminalText } from "./terminal_text.ts";

/** Where `ses download` writes and how it hears Ctrl-C. */
export interface DownloadIo {
  /** Prints a message line (standard error). */
  info: (line: string) => void;
  /** Prints the `--json` report (standard output). */
  out: (line: string) => void;
  /** The stream the progress bar draws on. */
  stream: Writable;
  /** Whether `stream` is a terminal (a live bar) or not (plain lines). */
  tty: boolean;
  /** The current directory, where downloads go without `-o`. */
  cwd: string;
  /** Registers the Ctrl-C handler; returns a function that removes it. */
  onInterrupt: (handler: () => void) => () => void;
}

/** The exit code after Ctrl-C, as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130;

const PARTIAL = ".crdownload";

/**
 * Runs one download to completion, interruption or Ctrl-C.
 *
 * @param session The `session` module.
 * @param args The parsed arguments.
 * @param io Output and signals.
 * @returns 0 when complete, 1 when it failed, 130 after Ctrl-C (the `.crdownload` and its
 * sidecar stay, and the message says how to resume; before the server answered, the download
 * is cancelled). With `json`, no progress and no message:
 * one {@linkcode DownloadReport} line on `io.out` tells the outcome.
 *
 * @example
 * ```ts ignore
 * import process from "node:process";
 * import { session } from "../mod.ts";
 * import { runDownload } from "./download_command.ts";
 * const code = await runDownload(session, { url: "http://127.0.0.1:8080/a.zip", partition: "x", json: false }, {
 *   info: console.error, out: console.log, stream: process.stderr, tty: false, cwd: process.cwd(),
 *   onInterrupt: () => () => {},
 * });
 * ```
 */
export async function runDownload(
  session: SessionModule,
  args: DownloadArgs,
  io: DownloadIo,
): Promise<number> {
  const ses = fromPartitionOption(session, args.partition);
  // The item keeps no HTTP status, and Chromium's reason for a 404 or a 500 is
  // SERVER_BAD_CONTENT or SERVER_FAILED: the failure line names the status line too, as curl
  // --fail does, so the command watches the responses (one download per run).
  const response = { statusCode: 0, statusLine: "" };
  ses.webRequest.onResponseStarted(({ statusCode, statusLine }) => {
    response.statusCode = statusCode;
    response.statusLine = statusLine;
  });
  // -H 'Name:', -k, --proxy, -u and -U as `ses fetch` reads them, for this process's session
  // only: none of them is stored with the partition.
  const restoreHeaders = args.omitHeaders && omitSessionHeaders(ses, args.omitHeaders);
  if (args.insecure) ses.setCertificateVerifyProc((_request, callback) => callback(0));
  const logins = args.proxyUser ? [proxyLogin(args.proxyUser)] : [];
  // -u answers the server the download goes to (a resumed one's from its sidecar) when it asks,
  // by a 'login' listener rather than in the URL: a URL's userinfo would stay in the item's URL
  // chain, its sidecar on disk and the --json report.
  const answerServer = (url: string) => {
    if (!args.user) return;
    const login = serverLogin(args.user, url);
    logins.push(login);
    ses.on("login", login);
  };
  for (const login of logins) ses.on("login", login);
  try {
    if (args.proxy !== undefined) {
      await ses.setProxy({ proxyRules: args.proxy, proxyBypassRules: args.proxyBypass ?? "" });
    }
    // Ctrl-C before the server answers finds no item to pause (it is announced with the
    // response, as Electron's 'will-download' is): the request is aborted, and the item it then
    // brings is cancelled, as there is nothing yet to resume.
    let interrupted = false;
    const removeEarlyInterrupt = args.resume !== undefined ? () => {} : io.onInterrupt(() => {
      interrupted = true;
      ses.closeAllConnections();
    });
    let started: Started;
    try {
      started = args.resume !== undefined
        ? await restore(ses, resolve(io.cwd, args.resume), answerServer)
        : { item: await begin(ses, args, io, answerServer) };
    } catch (error) {
      io.info(`ses download: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    } finally {
      removeEarlyInterrupt();
    }
    return await follow(started, io, args.json, response, interrupted);
  } finally {
    for (const login of logins) ses.off("login", login);
    restoreHeaders?.();
  }
}

/** The download, and for a resumed numbered partial file the save path it was for. */
interface Started {
  item: DownloadItem;
  /** Where the completed file goes when not at the item's save path (see restore). */
  savePath?: string;
}

async function begin(
  ses: Session,
  args: DownloadArgs,
  io: DownloadIo,
  answerServer: (url: string) => void,
): Promise<DownloadItem> {
  let savePath: string | undefined;
  const output = args.output === undefined ? undefined : resolve(io.cwd, args.output);
  // For this run only: setDownloadPath would store the directory with the partition, where a
  // program's later downloads would follow it.
  if (output === undefined) ses.useDownloadDirectory(io.cwd);
  else if (args.output!.endsWith("/") || await isDirectory(output)) {
    ses.useDownloadDirectory(output);
  } else savePath = output;
  const announced = new Promise<DownloadItem>((resolveItem) => {
    ses.once("will-download", (_event, item) => {
      if (savePath !== undefined) item.setSavePath(savePath);
      resolveItem(item);
    });
  });
  answerServer(args.url!);
  ses.downloadURL(args.url!, args.headers ? { headers: args.headers } : undefined);
  return await announced;
}

async function restore(
  ses: Session,
  given: string,
  answerServer: (url: string) => void,
): Promise<Started> {
  const partial = given.endsWith(PARTIAL) ? given : given + PARTIAL;
  // The partial file first: without it (a wrong path, a download that completed) the sidecar
  // is missing too, and naming the sidecar would send the user looking for the wrong file.
  const offset = await stat(partial).then((info) => info.size, () => {
    throw new Error(`Cannot resume "${partial}": the file is missing`);
  });
  const sidecar = await readSidecar(partial);
  // Chromium resumes at the last URL of the chain.
  answerServer(sidecar.urlChain.at(-1)!);
  let item: DownloadItem | undefined;
  ses.once("will-download", (_event, given) => void (item = given));
  ses.createInterruptedDownload({
    path: partial.slice(0, -PARTIAL.length),
    urlChain: sidecar.urlChain,
    mimeType: sidecar.mimeType,
    offset,
    // Electron asks for a length above the offset; when the server never said, the 206's
    // Content-Range sets the real one.
    length: sidecar.totalBytes > offset ? sidecar.totalBytes : offset + 1,
    eTag: sidecar.eTag,
    lastModified: sidecar.lastModified,
    startTime: sidecar.startTime,
  });
  // Only http: and https: downloads continue (Chromium's resume modes): resume() would do
  // nothing, and the command would wait for ever.
  if (!item!.canResume()) {
    throw new Error(
      `Cannot resume "${partial}": only http: and https: downloads resume (${item!.getURL()})`,
    );
  }
  item!.resume();
  // `-o X` writes `X (1).crdownload` while another download holds `X.crdownload`; that file is
  // resumed where it is (the other one's bytes are not its own), and the completed file then
  // goes to X, the path asked for, as the first run would have put it.
  const numbered = partial.startsWith(`${sidecar.savePath} (`) &&
    /^ \(\d+\)\.crdownload$/.test(partial.slice(sidecar.savePath.length));
  return numbered ? { item: item!, savePath: sidecar.savePath } : { item: item! };
}

function follow(
  { item, savePath }: Started,
  io: DownloadIo,
  json: boolean,
  response: { statusCode: number; statusLine: string },
  interrupted: boolean,
): Promise<number> {
  // Made at the first progress, when the file is open under its final name: labelled with that
  // name (`-o`'s, or one made unique with " (1)"), as Chromium's GetFileNameToReportUser takes
  // the target path's base name; getFilename() is only the name the server suggested.
  let view: ProgressView | undefined;
  const viewOnce = () =>
    view ??= json ? SILENT : createProgressView({
      name: basename(savePath ?? item.getSavePath()) || item.getFilename(),
      stream: io.stream,
      tty: io.tty,
      line: io.info,
    });
  // A completed item's current rate is 0 (Electron's getCurrentBytesPerSecond): the last frame
  // shows this run's average instead, as curl's last line does: the bytes this process saved
  // over the time it ran, not the item's start time, which a --resume keeps from the first run
  // (a resume a day later would say some B/s). A restart from zero lowers the run's offset.
  const run = { start: Date.now() / 1000, offset: item.getReceivedBytes() };
  const show = () => {
    run.offset = Math.min(run.offset, item.getReceivedBytes());
    viewOnce().update(item.getReceivedBytes(), item.getTotalBytes(), rate(item, run));
  };
  return new Promise<number>((finish) => {
    // Tells the outcome once: a line for people, or the JSON report.
    let ended = false;
    const end = (code: number, state: DownloadReport["state"], message: string) => {
      if (ended) return;
      ended = true;
      view?.stop();
      removeInterrupt();
      // The item's own partial file: `<savePath>.crdownload` may be another download's (a run
      // left it), which this one then numbered `<savePath> (1).crdownload`.
      const partial = item.partialPath();
      // Only a download that got as far as a response has a partial file and its sidecar.
      const resumable = state !== "completed" && state !== "cancelled" && partial !== "" &&
        existsSync(partial) && existsSync(`${partial}.json`);
      if (json) {
        const report = downloadReport(item, state, resumable ? partial : null);
        io.out(
          JSON.stringify(state === "completed" && savePath ? { ...report, savePath } : report),
        );
      } else io.info(message + (resumable && state === "interrupted" ? retryHint(partial) : ""));
      finish(code);
    };
    const removeInterrupt = io.onInterrupt(async () => {
      item.pause();
      await item.settled();
      // The pause's own 'updated' came before the chunk already on its way was saved: the last
      // frame shows what was kept, the count the message gives.
      show();
      end(
        EXIT_INTERRUPTED,
        "paused",
        `paused at ${item.getReceivedBytes()} bytes; continue with: ` +
          `ses download --resume ${JSON.stringify(item.partialPath())}`,
      );
    });
    item.on("updated", (_event, state) => {
      if (state === "progressing") return show();
      end(1, "interrupted", failureLine("interrupted", item, response));
    });
    // Its 'done' ends the command.
    if (interrupted) item.cancel();
    item.once("done", async (_event, state) => {
      if (interrupted) {
        return end(
          EXIT_INTERRUPTED,
          "cancelled",
          "ses download: cancelled before the server answered (Ctrl-C)",
        );
      }
      if (state !== "completed") return end(1, state, failureLine(state, item, response));
      show();
      if (savePath !== undefined) {
        try {
          await rename(item.getSavePath(), savePath);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          return end(
            1,
            state,
            `ses download: saved ${item.getSavePath()}, not ${savePath}: ${why}`,
          );
        }
      }
      const saved = savePath ?? item.getSavePath();
      end(0, state, `saved ${saved} (${item.getReceivedBytes()} bytes)`);
    });
  });
}

// A failure names the command, as every `ses` message does, in one wording for both the events
// that can tell it.
function failureLine(
  state: string,
  item: DownloadItem,
  response: { statusCode: number; statusLine: string },
): string {
  const reason = item.getInterruptReason();
  // A status only explains a reason the server gave (SERVER_*), and only when a response came
  // and was not a success: a 206 of the wrong range is SERVER_BAD_CONTENT by itself.
  const { statusCode, statusLine } = response;
  const failed = statusCode !== 0 && (statusCode < 200 || statusCode > 299);
  const status = reason.startsWith("SERVER_") && failed ? `: ${statusLine}` : "";
  // The status line is the server's text (a reason phrase may hold ESC, BEL or C1 bytes that
  // some runtimes pass on): printed escaped, so it cannot retitle or clear the terminal.
  // A URL typed without its scheme is an invalid request (`localhost:` read as a scheme too).
  const hint = reason === "NETWORK_INVALID_REQUEST" ? schemeHint(item.getURL()) : "";
  return terminalText(`ses download: ${state} (${reason}${status}${errorDetail(item)})${hint}`);
}

function rate(item: DownloadItem, run: { start: number; offset: number }): number {
  if (item.getState() !== "completed") return item.getCurrentBytesPerSecond();
  // Times are in seconds with millisecond precision; a run within one millisecond is counted as
  // taking one.
  const seconds = Math.max(item.getEndTime() - run.start, 0.001);
  return Math.round((item.getReceivedBytes() - run.offset) / seconds);
}

function retryHint(partial: string): string {
  return `; retry with: ses download --resume ${JSON.stringify(partial)}`;
}

// --json shows no progress: standard output carries the report alone.
const SILENT: ProgressView = { update: () => {}, stop: () => {} };

/**
 * What `ses download --json` prints when the download stops, on one line: the item's facts by
 * Electron's getter names, in their order.
 */
export interface DownloadReport {
  /** Electron's end state, or `paused` after Ctrl-C (the partial file is kept). */
  state: "completed" | "cancelled" | "interrupted" | "paused";
  /** Where the file is, or is going (`getSavePath()`). */
  savePath: string;
  /** The URL requested last (`getURL()`). */
  url: string;
  /** Every URL visited, redirects included (`getURLChain()`). */
  urlChain: string[];
  /** The response's MIME type, `""` if none. */
  mimeType: string;
  /** Bytes saved. */
  receivedBytes: number;
  /** The full length, 0 when unknown. */
  totalBytes: number;
  /** The `ETag`, `""` if none. */
  eTag: string;
  /** The `Last-Modified`, `""` if none. */
  lastModified: string;
  /** Seconds since the epoch. */
  startTime: number;
  /** Seconds since the epoch; 0 while it has not ended (paused, interrupted). */
  endTime: number;
  /** Chromium's interrupt reason (`NETWORK_FAILED`, ...), `""` when none. */
  interruptReason: string;
  /** The message of the error behind the interruption, if any. */
  error: string | null;
  /** The `.crdownload` file to pass to `--resume`, when one was left. */
  resume: string | null;
}

function downloadReport(
  item: DownloadItem,
  state: DownloadReport["state"],
  resume: string | null,
): DownloadReport {
  const error = item.getLastError();
  return {
    state,
    savePath: item.getSavePath(),
    url: item.getURL(),
    urlChain: item.getURLChain(),
    mimeType: item.getMimeType(),
    receivedBytes: item.getReceivedBytes(),
    totalBytes: item.getTotalBytes(),
    eTag: item.getETag(),
    lastModified: item.getLastModifiedTime(),
    startTime: item.getStartTime(),
    endTime: item.getEndTime(),
    interruptReason: item.getInterruptReason(),
    error: error instanceof Error ? error.message : error === undefined ? null : String(error),
    resume,
  };
}

function errorDetail(item: DownloadItem): string {
  const error = item.getLastError();
  return error instanceof Error ? `: ${error.message}` : "";
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
