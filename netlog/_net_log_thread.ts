/**
 * The main thread's side of a net log: events go into a shared ring (`_event_ring.ts`) in
 * compact form, and the log's thread (`_net_log_worker.ts`) turns them into Chromium's lines
 * and writes the file, so that the request path pays for a copy, not for JSON and file
 * writes.
 *
 * Protocol: the worker gets `{ring, path, options}` as its `workerData` and answers `"ready"`
 * once the file holds its constants; the main thread posts `"close"` after its last event, and
 * the worker answers `"closed"` once the file is complete. A failure is answered with
 * `{error}` (the error's name, message and file system fields).
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import type { NetLogEntry } from "../core/net_log_sink.ts";
import { EventRingWriter, newEventRing } from "./_event_ring.ts";
import type { FileNetLogWriterOptions } from "./file_net_log_writer.ts";

type Reply = "ready" | "closed" | { error: Record<string, unknown> };

/**
 * A log file written by a thread of its own.
 *
 * @example
 * ```ts
 * import { NetLogThread } from "./_net_log_thread.ts";
 * import { readFile } from "node:fs/promises";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const path = join(tmpdir(), `ses-thread-${Date.now()}.json`);
 * const log = await NetLogThread.open(path, {});
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * log.add({ type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source });
 * await log.close();
 * console.log(JSON.parse(await readFile(path, "utf8")).events.length); // 1
 * ```
 */
export class NetLogThread {
  #worker: Worker;
  #ring: EventRingWriter;
  #gone: Error | undefined;
  #replies: Array<(reply: Reply) => void> = [];

  private constructor(worker: Worker, ring: EventRingWriter) {
    this.#worker = worker;
    this.#ring = ring;
  }

  /**
   * Starts the log's thread, which creates (or truncates) the file and writes the constants.
   *
   * @param path The log file.
   * @param options Capture mode and size bound.
   * @returns The log, once the file holds its constants.
   * @throws The file system's error when the file cannot be created.
   */
  static open(path: string, options: FileNetLogWriterOptions): Promise<NetLogThread> {
    const ring = newEventRing();
    const worker = new Worker(new URL("./_net_log_worker.ts", import.meta.url), {
      workerData: { ring, path, options: { ...options, timeOrigin: performance.timeOrigin } },
    });
    const log = new NetLogThread(
      worker,
      new EventRingWriter(ring, options.captureMode ?? "default"),
    );
    worker.on("message", (reply: Reply) => log.#replies.shift()?.(reply));
    const lost = (why: string) => {
      log.#gone ??= new Error(`The net log's thread ${why}`);
      for (const settle of log.#replies.splice(0)) {
        settle({ error: { message: log.#gone.message } });
      }
    };
    worker.on("error", (error) => lost(`failed: ${String(error)}`));
    worker.on("exit", () => lost("exited"));
    return log.#reply().then((reply) => {
      if (reply !== "ready") {
        void worker.terminate();
        throw errorOf(reply);
      }
      // A log left running does not keep the process alive.
      worker.unref();
      return log;
    });
  }

  /**
   * Records one event; its time is now.
   *
   * @param entry The event.
   */
  add(entry: NetLogEntry): void {
    if (this.#gone === undefined) this.#ring.write(entry, performance.now());
  }

  /**
   * Lets the log's thread write what the ring holds and complete the file, then ends it.
   *
   * @returns Resolves when the file is complete.
   * @throws The file system's error when a write failed, or an `Error` when the thread died.
   */
  async close(): Promise<void> {
    if (this.#gone !== undefined) throw this.#gone;
    const reply = this.#reply();
    // Held until the file is complete.
    this.#worker.ref();
    this.#worker.postMessage("close");
    const answer = await reply;
    await this.#worker.terminate();
    if (answer !== "closed") throw errorOf(answer);
  }

  #reply(): Promise<Reply> {
    return new Promise((resolve) => this.#replies.push(resolve));
  }
}

function errorOf(reply: Reply): Error {
  const fields = typeof reply === "object" ? reply.error : { message: `unexpected ${reply}` };
  const error = new Error(String(fields.message));
  for (const key of ["name", "code", "errno", "syscall"]) {
    if (fields[key] !== undefined) Object.defineProperty(error, key, { value: fields[key] });
  }
  return error;
}
