/**
 * The net log's thread: a `node:worker_threads` worker that owns the log file. Every few
 * milliseconds it turns what the event ring (`_event_ring.ts`) holds into event lines and
 * hands them to a {@linkcode FileNetLogWriter}, as Chromium's file observer serialises and
 * writes on a sequence of its own (net/log/file_net_log_observer.cc). Its protocol is
 * `_net_log_thread.ts`'s.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";
import { EventRingReader } from "./_event_ring.ts";
import { FileNetLogWriter, type FileNetLogWriterOptions } from "./file_net_log_writer.ts";

// How often the ring is emptied; with the writer's own 20 ms batching a crash loses at most
// about 30 ms of events.
const DRAIN_MS = 10;

const port = parentPort;
if (port !== null) {
  const { ring, path, options } = workerData as {
    ring: SharedArrayBuffer;
    path: string;
    options: FileNetLogWriterOptions;
  };
  const reader = new EventRingReader(ring);
  const fail = (error: unknown) => {
    const { name, message, code, errno, syscall } = error as Record<string, unknown>;
    port.postMessage({ error: { name, message: String(message ?? error), code, errno, syscall } });
  };
  FileNetLogWriter.open(path, options).then((writer) => {
    const add = (lines: Uint8Array, count: number) => writer.addEncoded(lines, count);
    const drain = () => reader.drain(add, writer.bounded);
    const timer = setInterval(drain, DRAIN_MS);
    port.on("message", (message: unknown) => {
      if (message !== "close") return;
      clearInterval(timer);
      // The main thread adds nothing once it asked to close: this is the last of the ring.
      drain();
      writer.close().then(() => port.postMessage("closed"), fail);
    });
    port.postMessage("ready");
  }, fail);
}
