/**
 * One set of hooks on the ways a process ends, shared by everything that must write before it
 * goes (the cookie store's batch, the disk cache's batch, a net log's closing). Hooking each on
 * its own went wrong twice: a hook per store trips Node's listener-leak warning past ten, and a
 * signal handler that ends the process again once it has written, which is what a signal would
 * have done, must know every writer has written first.
 *
 * The ends, in Node, Deno and Bun alike:
 * - `exit`: a natural end and `process.exit()`;
 * - the global `unload`: Deno's own `Deno.exit()`, which runs no `exit` listener;
 * - `uncaughtExceptionMonitor`: a death by an uncaught exception or an unhandled rejection,
 *   which runs no `exit` listener in Deno or Bun (the monitor leaves the process to die as it
 *   would have);
 * - SIGINT, SIGTERM and SIGHUP, the signals Chromium's browser process turns into a clean
 *   shutdown (Ctrl-C, `kill`, a closed terminal). With no listener of the program's own, the
 *   process is then ended by the same signal (exit status and all); a program that listens
 *   decides for itself.
 *
 * @module
 */

import process from "node:process";

/** How a writer is told of an end. */
export interface ProcessEndOptions {
  /**
   * The writer finishes for good (a net log's closing brackets): it is called only when the
   * process is sure to end, never for an error or a signal the program handles itself.
   * A writer that only writes what is pending, and may go on afterwards, leaves it unset: it is
   * called for every end, handled or not.
   */
  final?: boolean;
}

interface Writer {
  write: () => void;
  final: boolean;
}

const writers = new Set<Writer>();
// Set once the final writers ran: Deno dispatches both `exit` and `unload` at a natural end.
let finished = false;

/**
 * Calls `write` synchronously when the process ends (see the module doc for which ends), once
 * per end, until the returned function is called.
 *
 * @param write Writes what must not be lost; it must not throw (a throw is reported with
 * `console.warn` and the other writers still run).
 * @param options `final` for a writer that finishes for good.
 * @returns Stops calling `write`.
 *
 * @example
 * ```ts
 * import { onProcessEnd } from "./process_end.ts";
 * const pending: string[] = ["last line"];
 * const stop = onProcessEnd(() => console.log(`writing ${pending.splice(0).length} line`));
 * stop(); // a store closed before the end writes on close instead
 * ```
 */
export function onProcessEnd(write: () => void, options: ProcessEndOptions = {}): () => void {
  const writer = { write, final: options.final === true };
  if (writers.size === 0) hook(true);
  writers.add(writer);
  return () => {
    if (!writers.delete(writer) || writers.size > 0) return;
    hook(false);
  };
}

function writeAll(final: boolean): void {
  if (finished) return;
  finished = final;
  for (const writer of [...writers]) {
    if (writer.final && !final) continue;
    try {
      writer.write();
    } catch (error) {
      console.warn(`Could not write at the process's end: ${String(error)}`);
    }
  }
}

const writeAtEnd = () => writeAll(true);

// The program's own `uncaughtException` / `unhandledRejection` listener keeps it alive.
function writeOnFatalError(_error: unknown, origin: string): void {
  const handler = origin === "unhandledRejection" ? "unhandledRejection" : "uncaughtException";
  writeAll(process.listenerCount(handler) === 0);
}

const ENDING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function writeOnSignal(signal: NodeJS.Signals): void {
  // Our own listener is one of them.
  const handled = process.listenerCount(signal) > 1;
  writeAll(!handled);
  if (handled) return;
  hook(false);
  process.kill(process.pid, signal);
}

const globalEvents = globalThis as {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
};

function hook(on: boolean): void {
  if (on) {
    process.on("exit", writeAtEnd);
    process.on("uncaughtExceptionMonitor", writeOnFatalError);
    globalEvents.addEventListener?.("unload", writeAtEnd);
  } else {
    process.off("exit", writeAtEnd);
    process.off("uncaughtExceptionMonitor", writeOnFatalError);
    globalEvents.removeEventListener?.("unload", writeAtEnd);
  }
  for (const signal of ENDING_SIGNALS) {
    try {
      if (on) process.on(signal, writeOnSignal);
      else process.off(signal, writeOnSignal);
    } catch {
      // A platform without this signal (Windows has no SIGHUP in Deno): nothing to hook.
    }
  }
}
