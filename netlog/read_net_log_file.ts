/**
 * Reads a net log file, complete or cut off by a crash. A bounded log (`maxFileSize`) keeps its
 * events in `PATH.inprogress/` until it stops (Chromium's bounded `FileNetLogObserver`), so a
 * crash leaves the file with its constants only: the events are then taken from there.
 *
 * @module
 */

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseNetLog, type ReadNetLog } from "./read_net_log.ts";

// Chromium's bounded writer names its event files event_file_0.json to event_file_9.json.
const EVENT_FILE = /^event_file_\d+\.json$/;

/**
 * Reads and parses the log at `path`. When the file lacks its closing and
 * `PATH.inprogress/` holds event files (a bounded log whose process died before
 * `stopLogging`), their whole lines are read after the constants, oldest file first (the ten
 * files are reused in turn), and the log is `truncated`.
 *
 * @param path The log file.
 * @returns The log with names resolved.
 * @throws The file system's error when the file cannot be read; a `SyntaxError` naming what
 * is wrong when it is not a net log.
 *
 * @example
 * ```ts
 * import { readNetLogFile } from "./read_net_log_file.ts";
 * import { NetLog } from "./net_log.ts";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const path = join(tmpdir(), `ses-read-${Date.now()}.json`);
 * const netLog = new NetLog();
 * await netLog.startLogging(path);
 * await netLog.stopLogging();
 * console.log((await readNetLogFile(path)).events.length); // 0
 * ```
 */
export async function readNetLogFile(path: string): Promise<ReadNetLog> {
  const text = await readFile(path, "utf8");
  const complete = /\]\s*(?:,\s*"polledData"[^]*)?\}\s*$/.test(text);
  const pieces = complete ? [] : await inProgressEvents(`${path}.inprogress`);
  if (pieces.length === 0) return parseNetLog(text);
  // The constants and the events' opening, then each file's whole lines.
  const events = pieces.map((piece) => piece.slice(0, piece.lastIndexOf("\n") + 1)).join("");
  return { ...parseNetLog(`${text}${events}`), truncated: true };
}

// The event files in the order they were filled. The writer fills event_file_0 to _9 in turn
// and then reuses them, so the order is cyclic from the oldest: the file whose first event is
// earlier than the first event of the file before it (times are whole milliseconds, so files
// filled within one may tie; with no drop at all, file 0 is the oldest).
async function inProgressEvents(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => EVENT_FILE.test(name));
  } catch {
    return [];
  }
  const files = (await Promise.all(
    names.map(async (name) => {
      const text = await readFile(join(directory, name), "utf8").catch(() => "");
      const time = /^\{"time":"(-?\d+)"/.exec(text);
      return { index: Number(/\d+/.exec(name)![0]), text, time: time ? Number(time[1]) : 0 };
    }),
  )).filter((file) => file.text !== "").sort((a, b) => a.index - b.index);
  const oldest = Math.max(
    0,
    files.findIndex((file, n) => n > 0 && file.time < files[n - 1]!.time),
  );
  return [...files.slice(oldest), ...files.slice(0, oldest)].map((file) => file.text);
}
