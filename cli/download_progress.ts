/**
 * The progress display of `ses download`: a live bar on a terminal, plain lines otherwise.
 *
 * @module
 */

// cli-progress: a widely used, maintained progress bar that redraws in place at a throttled
// rate and fits the terminal's width — the parts a hand-made bar gets wrong.
import cliProgress from "cli-progress";
import type { Writable } from "node:stream";

/** One download's progress display. */
export interface ProgressView {
  /**
   * Shows the bytes so far, the total (0 when unknown) and the rate (bytes/s): the current one
   * while the download runs, the average once it has completed.
   */
  update(received: number, total: number, bytesPerSecond: number): void;
  /** Ends the display (the bar stays on screen at its last value). */
  stop(): void;
}

/** Options for {@linkcode createProgressView}. */
export interface ProgressViewOptions {
  /** The file name shown. */
  name: string;
  /** Where the bar draws (standard error). */
  stream: Writable;
  /** Whether `stream` is a terminal: a live bar; otherwise one line per second. */
  tty: boolean;
  /** Writes one plain line (used when not a terminal). */
  line: (text: string) => void;
}

/**
 * Formats a byte count with binary units, as download tools do.
 *
 * @param bytes A byte count.
 * @returns Text like `1.5 MiB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./download_progress.ts";
 * console.log(formatBytes(1536), formatBytes(200 * 1024 * 1024)); // 1.5 KiB 200.0 MiB
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  // A value that one decimal would round up to 1024 (1023.96 KiB) is shown in the next unit.
  while (unit < units.length - 1 && (value >= 1024 || (unit > 0 && value >= 1023.95))) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Creates the progress display for one download.
 *
 * @param options Name, stream and whether it is a terminal.
 * @returns The display.
 *
 * @example
 * ```ts
 * import { Writable } from "node:stream";
 * import { createProgressView } from "./download_progress.ts";
 * const lines: string[] = [];
 * const view = createProgressView({
 *   name: "a.bin", stream: new Writable({ write: (_c, _e, done) => done() }), tty: false,
 *   line: (text) => lines.push(text),
 * });
 * view.update(512, 1024, 256);
 * view.stop();
 * console.log(lines[0]); // a.bin: 512 B of 1.0 KiB (50%) at 256 B/s
 * ```
 */
export function createProgressView(options: ProgressViewOptions): ProgressView {
  return options.tty ? barView(options) : lineView(options);
}

function describe(received: number, total: number, bytesPerSecond: number): string {
  const of = total > 0 ? ` of ${formatBytes(total)} (${Math.floor(received * 100 / total)}%)` : "";
  return `${formatBytes(received)}${of} at ${formatBytes(bytesPerSecond)}/s`;
}

function lineView({ name, line }: ProgressViewOptions): ProgressView {
  let last = -Infinity;
  let pending: string | undefined;
  return {
    update(received, total, bytesPerSecond) {
      pending = `${name}: ${describe(received, total, bytesPerSecond)}`;
      if (Date.now() - last < 1000) return;
      last = Date.now();
      line(pending);
      pending = undefined;
    },
    stop() {
      if (pending !== undefined) line(pending);
    },
  };
}

function barView({ name, stream }: ProgressViewOptions): ProgressView {
  const bar = new cliProgress.SingleBar({
    stream,
    // The name goes in as a value: cli-progress fills the format's {tokens} in one pass, so a
    // name holding one ("{value}.bin", from a server's Content-Disposition) is shown as it is.
    format: "{name} [{bar}] {percent} | {done} / {size} | {rate} | ETA {left}",
    barsize: 30,
    hideCursor: true,
    fps: 10,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(received, total, bytesPerSecond) {
      const payload = {
        name,
        // cli-progress's own percentage is the full bar's 100% while the total is unknown.
        percent: total > 0 ? `${Math.floor(received * 100 / total)}%` : "?%",
        done: formatBytes(received),
        size: total > 0 ? formatBytes(total) : "?",
        rate: `${formatBytes(bytesPerSecond)}/s`,
        left: timeLeft(received, total, bytesPerSecond),
      };
      // An unknown total draws a bar that is always full, with the bytes counting up.
      const size = total > 0 ? total : Math.max(received, 1);
      if (!started) {
        bar.start(size, received, payload);
        started = true;
        return;
      }
      bar.setTotal(size);
      bar.update(received, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

// The time left at the item's rate (Chromium's smoothed current speed). cli-progress's own ETA
// divides by the time between its last updates: a repeated update (the one at completion) makes it
// NaN, a stall Infinity, and it then prints "NULL" or "INF" cut to two letters ("LLs").
function timeLeft(received: number, total: number, bytesPerSecond: number): string {
  if (total > 0 && received >= total) return "0s";
  if (total <= 0 || bytesPerSecond <= 0) return "?";
  const seconds = Math.ceil((total - received) / bytesPerSecond);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  }
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}
