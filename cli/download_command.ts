/**
 * `ses download`: one download through a session, with progress, Ctrl-C that leaves a
 * resumable `.crdownload`, and `--resume` to continue it.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import {
  type DownloadItem,
  readSidecar,
  type Session,
  type SessionModule,
} from "../session/mod.ts";
import { createProgressView } from "./download_progress.ts";
import type { DownloadArgs } from "./parse_download_args.ts";

/** Where `ses download` writes and how it hears Ctrl-C. */
export interface DownloadIo {
  /** Prints a message line (standard error). */
  info: (line: string) => void;
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
 * sidecar stay, and the message says how to resume).
 *
 * @example
 * ```ts ignore
 * import process from "node:process";
 * import { session } from "../mod.ts";
 * import { runDownload } from "./download_command.ts";
 * const code = await runDownload(session, { url: "http://127.0.0.1:8080/a.zip", partition: "x" }, {
 *   info: console.error, stream: process.stderr, tty: false, cwd: process.cwd(),
 *   onInterrupt: () => () => {},
 * });
 * ```
 */
export async function runDownload(
  session: SessionModule,
  args: DownloadArgs,
  io: DownloadIo,
): Promise<number> {
  const ses = session.fromPartition(args.partition);
  let item: DownloadItem;
  try {
    item = args.resume !== undefined
      ? await restore(ses, resolve(io.cwd, args.resume))
      : await begin(ses, args, io);
  } catch (error) {
    io.info(`ses download: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return await follow(item, io);
}

async function begin(ses: Session, args: DownloadArgs, io: DownloadIo): Promise<DownloadItem> {
  let savePath: string | undefined;
  const output = args.output === undefined ? undefined : resolve(io.cwd, args.output);
  if (output === undefined) ses.setDownloadPath(io.cwd);
  else if (args.output!.endsWith("/") || await isDirectory(output)) ses.setDownloadPath(output);
  else savePath = output;
  const announced = new Promise<DownloadItem>((resolveItem) => {
    ses.once("will-download", (_event, item) => {
      if (savePath !== undefined) item.setSavePath(savePath);
      resolveItem(item);
    });
  });
  ses.downloadURL(args.url!);
  return await announced;
}

async function restore(ses: Session, given: string): Promise<DownloadItem> {
  const partial = given.endsWith(PARTIAL) ? given : given + PARTIAL;
  const sidecar = await readSidecar(partial);
  const offset = await stat(partial).then((info) => info.size, () => {
    throw new Error(`Cannot resume "${partial}": the file is missing`);
  });
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
  item!.resume();
  return item!;
}

function follow(item: DownloadItem, io: DownloadIo): Promise<number> {
  const view = createProgressView({
    name: item.getFilename(),
    stream: io.stream,
    tty: io.tty,
    line: io.info,
  });
  const show = () =>
    view.update(item.getReceivedBytes(), item.getTotalBytes(), item.getCurrentBytesPerSecond());
  return new Promise<number>((finish) => {
    const removeInterrupt = io.onInterrupt(async () => {
      item.pause();
      await item.settled();
      view.stop();
      removeInterrupt();
      io.info(
        `paused at ${item.getReceivedBytes()} bytes; continue with: ` +
          `ses download --resume ${JSON.stringify(item.getSavePath() + PARTIAL)}`,
      );
      finish(EXIT_INTERRUPTED);
    });
    item.on("updated", (_event, state) => {
      if (state === "progressing") return show();
      view.stop();
      removeInterrupt();
      const partial = item.getSavePath() + PARTIAL;
      // Only a download that got as far as a response has a partial file and its sidecar.
      const resumable = existsSync(partial) && existsSync(`${partial}.json`);
      io.info(
        `interrupted (${item.getInterruptReason()}${errorDetail(item)})` +
          (resumable ? `; retry with: ses download --resume ${JSON.stringify(partial)}` : ""),
      );
      finish(1);
    });
    item.once("done", (_event, state) => {
      show();
      view.stop();
      removeInterrupt();
      if (state === "completed") {
        io.info(`saved ${item.getSavePath()} (${item.getReceivedBytes()} bytes)`);
        return finish(0);
      }
      io.info(`download ${state} (${item.getInterruptReason()}${errorDetail(item)})`);
      finish(1);
    });
  });
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
