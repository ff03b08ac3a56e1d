/**
 * Waits for a non-blocking descriptor to become readable or writable without blocking the event
 * loop: poll(2) runs off the main thread and answers with the events that fired. In Deno it is a
 * `nonblocking` FFI call (Deno runs it on its blocking-call threads and resolves a promise); Bun
 * has no such call, so there a worker sits in poll(2) and posts its answer. Measured on a pty
 * pair (serial_bench, quiet machine, 2026-11-30) the Deno call took SerialPort from 0.86-0.95x to
 * 0.99-1.03x of a node:fs loop: a promise settles sooner than a worker's message arrives.
 *
 * Why a worker and not a timer: measured on a pty pair (1 MiB in 4 KiB lock-step chunks, two
 * cores under load, both runtimes), a loop that retried `EAGAIN` on `setTimeout` with a 1-16 ms
 * back-off moved about as many bytes per second when data was already waiting, but every wait
 * cost up to the back-off in latency and woke the process while idle; the poll(2) worker wakes
 * as soon as the kernel has bytes and costs nothing while idle. The reads and writes themselves
 * stay on the main thread, straight into the caller's buffers.
 *
 * @module
 */

import type { Runtime } from "../core/runtime.ts";
import { type Libc, O_CLOEXEC, O_NONBLOCK, POLLERR, POLLHUP, POLLIN, POLLNVAL } from "./_libc.ts";

interface Waiter {
  events: number;
  resolve: (revents: number) => void;
}

/** What the worker answers. */
interface PollAnswer {
  ready?: true;
  revents?: number;
  woke?: boolean;
}

const FAILURE = POLLERR | POLLHUP | POLLNVAL;

/** Bun's `Worker` can stop and start keeping the program running; Deno's never takes this path. */
type RefWorker = Worker & { ref?(): void; unref?(): void };

/** poll(2) on another thread: resolves with its result once it returns. */
type AsyncPoll = (fds: Uint8Array, count: bigint, timeout: number) => Promise<number>;

// Bound once per process, on first use; `undefined` outside Deno.
let denoPoll: AsyncPoll | null | undefined = null;
function asyncPoll(): AsyncPoll | undefined {
  if (denoPoll === null) {
    denoPoll = "Deno" in globalThis
      ? Deno.dlopen("libc.so.6", {
        poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
      }).symbols.poll
      : undefined;
  }
  return denoPoll;
}

/**
 * One descriptor's waiter: one worker, one wake pipe.
 *
 * @example Wait for a pipe to become readable
 * ```ts
 * import { currentRuntime } from "./current_runtime.ts";
 * import { loadLibc, O_NONBLOCK, POLLIN } from "./_libc.ts";
 * import { FdWaiter } from "./_fd_waiter.ts";
 *
 * const runtime = currentRuntime();
 * const libc = await loadLibc(runtime);
 * const pipe = new Int32Array(2);
 * libc.pipe2(new Uint8Array(pipe.buffer), O_NONBLOCK);
 * const waiter = new FdWaiter(runtime, libc, pipe[0]!);
 * const ready = waiter.wait(POLLIN);
 * libc.write(pipe[1]!, Uint8Array.of(1), 1);
 * console.log(await ready); // 1 (POLLIN)
 * waiter.close(() => {
 *   libc.close(pipe[0]!);
 *   libc.close(pipe[1]!);
 * });
 * ```
 */
export class FdWaiter {
  #libc: Libc;
  #fd: number;
  /** Bun's poll(2) worker; `undefined` in Deno, which polls with a nonblocking FFI call. */
  #worker: RefWorker | undefined;
  #asyncPoll: AsyncPoll | undefined;
  #fds = new Uint8Array(16);
  #started: Promise<void>;
  #wakeRead: number;
  #wakeWrite: number;
  #waiters: Waiter[] = [];
  /** The events of the poll(2) in flight, or 0 when the worker idles. */
  #polling = 0;
  #closed = false;
  /** Set by `close()` while a poll is in flight: finishes closing once the worker answers. */
  #release: (() => void) | undefined;
  #scratch = new Uint8Array(64);

  /**
   * @param runtime Starts the worker.
   * @param libc The main thread's libc.
   * @param fd The descriptor to watch.
   * @throws {Error} When no pipe can be made.
   */
  constructor(runtime: Runtime, libc: Libc, fd: number) {
    this.#libc = libc;
    this.#fd = fd;
    const pipe = new Int32Array(2);
    if (libc.pipe2(new Uint8Array(pipe.buffer), O_NONBLOCK | O_CLOEXEC) !== 0) {
      throw new Error(`pipe2() failed: errno ${libc.errno()}`);
    }
    this.#wakeRead = pipe[0]!;
    this.#wakeWrite = pipe[1]!;
    this.#asyncPoll = asyncPoll();
    if (this.#asyncPoll !== undefined) {
      this.#started = Promise.resolve();
      return;
    }
    const worker = runtime.createWorker(new URL("./_serial_poll_worker.js", import.meta.url), {
      name: "ses serial poll",
    });
    this.#worker = worker;
    this.#started = new Promise((resolve, reject) => {
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`The serial poll worker failed: ${event.message}`));
        // A worker that dies mid-poll answers nothing more: fail the waits instead of hanging.
        if (this.#polling !== 0) this.#answered(-1, false);
      };
      worker.onmessage = (message: MessageEvent<PollAnswer>) => {
        if (message.data.ready) {
          resolve();
          if (this.#polling === 0) this.#keepAlive(false);
        } else this.#answered(message.data.revents ?? -1, message.data.woke ?? false);
      };
    });
  }

  /** Resolves once the worker runs; rejects when it cannot start. */
  get started(): Promise<void> {
    return this.#started;
  }

  /**
   * Waits until `events` (POLLIN, POLLOUT) or an error condition fire, or `wake()` is called.
   *
   * @param events The poll(2) events.
   * @returns The events that fired (0 after `wake()` or `close()`).
   */
  wait(events: number): Promise<number> {
    if (this.#closed) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.#waiters.push({ events, resolve });
      if (this.#polling === 0) this.#poll();
      // A poll without these events in flight: interrupt it and poll again for all of them.
      else if ((this.#polling & events) !== events) this.#interrupt();
    });
  }

  /** Ends every pending wait with 0. */
  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve(0);
    if (this.#polling !== 0) this.#interrupt();
  }

  /**
   * Ends pending waits with 0, stops the worker and closes the pipe; then calls `release`
   * (which closes the watched descriptor).
   *
   * A worker in a native call cannot be terminated, and a descriptor closed under its poll(2)
   * could be reused by the next `open` and watched for ever; so with a poll in flight the wake
   * byte goes first, and the descriptors are closed once the worker has answered.
   *
   * @param release Called once the worker no longer uses any descriptor.
   */
  close(release: () => void = () => {}): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release = () => {
      this.#release = undefined;
      this.#worker?.terminate();
      this.#libc.close(this.#wakeRead);
      this.#libc.close(this.#wakeWrite);
      release();
    };
    this.wake();
    if (this.#polling === 0) this.#release();
  }

  #poll(): void {
    this.#polling = this.#waiters.reduce((events, waiter) => events | waiter.events, 0);
    this.#post();
  }

  #post(): void {
    const poll = this.#asyncPoll;
    if (poll !== undefined) {
      // The same two pollfd entries the worker fills: the descriptor, then the wake pipe.
      const view = new DataView(this.#fds.buffer);
      view.setInt32(0, this.#fd, true);
      view.setInt16(4, this.#polling, true);
      view.setInt16(6, 0, true);
      view.setInt32(8, this.#wakeRead, true);
      view.setInt16(12, POLLIN, true);
      view.setInt16(14, 0, true);
      poll(this.#fds, 2n, -1).then(
        (ready) =>
          this.#answered(
            ready < 0 ? -1 : view.getInt16(6, true),
            ready > 0 && view.getInt16(14, true) !== 0,
          ),
        () => this.#answered(-1, false),
      );
      return;
    }
    this.#started.then(
      () => {
        if (this.#closed) return this.#release?.();
        this.#keepAlive(true);
        this.#worker!.postMessage({ fd: this.#fd, events: this.#polling, wakeFd: this.#wakeRead });
      },
      () => this.#answered(-1, false),
    );
  }

  #interrupt(): void {
    this.#libc.write(this.#wakeWrite, this.#scratch, 1);
  }

  #answered(revents: number, woke: boolean): void {
    this.#polling = 0;
    if (this.#closed) return this.#release?.();
    if (woke) { while (this.#libc.read(this.#wakeRead, this.#scratch, this.#scratch.length) > 0); }
    const fired = revents < 0 ? POLLERR : revents;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if ((fired & (waiter.events | FAILURE)) !== 0) waiter.resolve(fired);
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
    if (waiting.length > 0) this.#poll();
    else this.#keepAlive(false);
  }

  /**
   * An idle open descriptor does not keep the program running, a wait on it does: as Deno's
   * nonblocking poll(2) call, pending only while someone waits, and as a socket's pending read.
   * Bun's worker would otherwise hold the program for as long as the descriptor is open.
   */
  #keepAlive(on: boolean): void {
    if (on) this.#worker?.ref?.();
    else this.#worker?.unref?.();
  }
}
