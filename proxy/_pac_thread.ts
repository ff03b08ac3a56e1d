/**
 * The main thread's side of the PAC thread (`_pac_worker.ts`): one worker for every PAC script
 * in the process, started on the first compile. Requests are served in order; the request the
 * worker is on has a watchdog at its deadline plus a grace period, and a script still running
 * then is ended by terminating the worker. A new worker compiles the live scripts again and
 * takes the requests that were waiting.
 *
 * Why a thread: QuickJS polls its interrupt handler every 10 000 calls or jumps, and some
 * single operations cost milliseconds (a string `repeat`, a `fill` over a sparse array, the
 * stack trace of each overflow a script catches), so a script on the calling thread could
 * overstay its deadline by seconds or minutes. On the thread it cannot, and the event loop
 * keeps running while a script does.
 *
 * A run made while the worker has nothing else to do is handed off through a
 * `SharedArrayBuffer` (`HAND_OFF_SLOTS`): the main thread writes it, rings, and waits for the
 * answer at most `HAND_OFF_WINDOW_MS`, so an ordinary script is answered with no message and
 * no event-loop turn (a message round trip cost more than the script itself). A run still
 * going then is abandoned to the worker, which posts its answer as a message, under the same
 * watchdog as a posted run: the event loop is never held longer than the window.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import type { RunOutcome, SandboxLimits, TopLevelDns } from "./_pac_sandbox.ts";
import {
  type CompileReply,
  HAND_OFF_SLOT_COUNT,
  HAND_OFF_SLOTS,
  HAND_OFF_STATE,
  HAND_OFF_UNITS,
  type PacWorkerReply,
  type PacWorkerRequest,
  readUnits,
  ScriptLoadError,
  SEPARATOR,
  writeUnits,
} from "./_pac_protocol.ts";

/** How long past its deadline a run may go before the thread is terminated. */
export const PAC_GRACE_MS = 20;
const WATCH_MS = 5;
/**
 * The longest the main thread waits for a handed-off run's answer before leaving the run to
 * the worker and going back to its event loop. An ordinary script answers in 5 to 50 µs; the
 * window is wide enough for one on a machine where the worker waits for a core.
 */
export const HAND_OFF_WINDOW_MS = 2;
/**
 * How long the main thread watches for a handed-off run's answer before it sleeps for the rest
 * of the window. Waking a sleeping thread on an idle VM costs 25–60 µs, more than the script:
 * quiet runs of bench/proxy_bench.ts took 60–130 µs a call with both threads sleeping at once,
 * 10–22 µs with this watch and the worker's (bench/README.md, 2026-11-30).
 */
const HAND_OFF_WATCH_MS = 0.1;

// Checks with nothing awaited before the watch timer stops.
const IDLE_CHECKS = 10;
// A compile (and the first one's thread start, which loads QuickJS) may take this much more
// than the script's own deadline on a busy machine.
const START_ALLOWANCE_MS = 5000;

interface Pending {
  seq: number;
  // The script a compile is for; undefined for a run.
  compiles: number | undefined;
  request: PacWorkerRequest;
  // Milliseconds the worker may spend on it, from the moment it starts on it.
  allowanceMs: number;
  settle: (reply: RunOutcome | CompileReply) => void;
}

// With no script left, the thread (a JavaScript isolate and QuickJS) is kept this long for the
// next compile.
const IDLE_MS = 30_000;

interface Live {
  source: string;
  limits: SandboxLimits;
  topLevel: TopLevelDns;
}

/** The PAC thread, shared by every script. */
export class PacThread {
  static #shared: PacThread | undefined;
  #worker: Worker | undefined;
  // The worker's hand-off buffer: its slots and its text.
  #slots: Int32Array<ArrayBufferLike> = new Int32Array(0);
  #units: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
  #ready = false;
  #restarting = false;
  #seq = 1;
  #nextId = 1;
  // Requests sent and not yet answered, in the order the worker serves them.
  readonly #queue: Pending[] = [];
  readonly #live = new Map<number, Live>();
  // Checks the request the worker is on every WATCH_MS while requests are awaited; it also
  // keeps the process alive meanwhile (the worker itself never does). A timer per request
  // cost more than the round trip in Deno.
  #watch: ReturnType<typeof setInterval> | undefined;
  #idleChecks = 0;
  // When the worker started on the head of the queue (`performance.now()`), if it is ready.
  #headSince: number | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;

  /** The process's PAC thread. */
  static shared(): PacThread {
    return PacThread.#shared ??= new PacThread();
  }

  /**
   * Compiles a script on the thread.
   *
   * @param source The script.
   * @param limits Its limits.
   * @param topLevel DNS answers for its top level (see `PacSandbox`).
   * @returns The script's id with the `alert()` messages its top level made, or the name its
   * top level needs resolved (then compile again with the answer).
   * @throws {SyntaxError} `Cannot compile PAC script: ...`.
   */
  async compile(
    source: string,
    limits: SandboxLimits,
    topLevel: TopLevelDns,
  ): Promise<{ id: number; alerts: readonly string[] } | { pending: string }> {
    const id = this.#nextId++;
    const seq = this.#seq++;
    const reply = await this.#send(
      seq,
      id,
      [seq, "compile", id, source, limits, topLevel],
      limits.timeoutMs + START_ALLOWANCE_MS,
    );
    if (reply !== null && "reported" in reply) {
      throw new ScriptLoadError(reply.error, reply.line, reply.reported, reply.alerts);
    }
    if (reply !== null && "pending" in reply) return { pending: reply.pending };
    // A worker that compiles it again (after a restart) knows no more names than these.
    this.#live.set(id, { source, limits, topLevel: { ...topLevel, noMoreLookups: true } });
    return { id, alerts: reply !== null && "alerts" in reply ? reply.alerts : [] };
  }

  /**
   * Runs FindProxyForURL once (see `PacSandbox.run`). Time spent waiting for the thread (behind
   * other scripts, or while it restarts) does not count against the budget.
   *
   * @param budgetMs Milliseconds the run may take once started.
   * @returns The outcome; a run ended by the watchdog is a fatal error.
   */
  run(
    id: number,
    url: string,
    host: string,
    answers: Record<string, string[] | null>,
    noMoreLookups: boolean,
    budgetMs: number,
  ): RunOutcome | Promise<RunOutcome> {
    const seq = this.#seq++;
    let table = "";
    for (const _ in answers) {
      table = JSON.stringify(answers);
      break;
    }
    const request = [seq, id, budgetMs, noMoreLookups ? "1" : "0", url, host, table].join(
      SEPARATOR,
    );
    if (
      this.#ready && this.#queue.length === 0 && !this.#restarting &&
      request.length <= HAND_OFF_UNITS
    ) {
      const handedOff = this.#handOff(request);
      if (typeof handedOff !== "number") return handedOff;
      // Left to the worker: the head of the queue from the moment it was handed off.
      return new Promise((settle) => {
        this.#queue.push({
          seq,
          compiles: undefined,
          request,
          allowanceMs: budgetMs,
          settle: settle as Pending["settle"],
        });
        this.#headStarted();
        this.#headSince = handedOff;
      });
    }
    return this.#send(seq, undefined, request, budgetMs) as Promise<RunOutcome>;
  }

  /**
   * Frees a script's sandbox.
   *
   * @param id The script's id.
   */
  dispose(id: number): void {
    if (!this.#live.delete(id)) return;
    if (this.#worker !== undefined) this.#post([this.#seq++, "dispose", id]);
    if (this.#live.size === 0) {
      clearTimeout(this.#idle);
      this.#idle = setTimeout(() => {
        if (this.#live.size === 0 && this.#queue.length === 0) this.#stop();
      }, IDLE_MS);
      this.#idle.unref?.();
    }
  }

  #send(
    seq: number,
    compiles: number | undefined,
    request: PacWorkerRequest,
    allowanceMs: number,
  ): Promise<RunOutcome | CompileReply> {
    return new Promise((settle) => {
      this.#queue.push({ seq, compiles, request, allowanceMs, settle });
      if (this.#restarting) return;
      if (this.#worker === undefined) return this.#launch();
      this.#post(request);
      if (this.#queue.length === 1) this.#headStarted();
    });
  }

  // Posts a message to the worker, first counting it in the hand-off buffer so that the
  // worker leaves its wait to read it.
  #post(request: PacWorkerRequest): void {
    Atomics.add(this.#slots, HAND_OFF_SLOTS.mail, 1);
    this.#ring();
    this.#worker!.postMessage(request);
  }

  #ring(): void {
    Atomics.add(this.#slots, HAND_OFF_SLOTS.doorbell, 1);
    Atomics.notify(this.#slots, HAND_OFF_SLOTS.doorbell);
  }

  // Hands a run to the idle worker and waits for its answer up to HAND_OFF_WINDOW_MS. Returns
  // the outcome, or when the run was left to the worker (its answer then comes as a message)
  // the `performance.now()` at which it was handed off.
  #handOff(request: string): RunOutcome | number {
    const slots = this.#slots;
    writeUnits(this.#units, request);
    Atomics.store(slots, HAND_OFF_SLOTS.length, request.length);
    Atomics.store(slots, HAND_OFF_SLOTS.state, HAND_OFF_STATE.request);
    this.#ring();
    const sent = performance.now();
    const { state, length } = HAND_OFF_SLOTS;
    const waiting = HAND_OFF_STATE.request;
    // Watches briefly, then sleeps: watching for the whole window made a busy machine worse (a
    // woken worker often runs on this core, behind the watching; bench/README.md).
    const watchUntil = sent + HAND_OFF_WATCH_MS;
    while (Atomics.load(slots, state) === waiting && performance.now() < watchUntil) {
      // Watching the state word; the worker's store ends it.
    }
    for (;;) {
      const left = HAND_OFF_WINDOW_MS - (performance.now() - sent);
      if (left <= 0 || Atomics.wait(slots, state, waiting, left) !== "timed-out") break;
    }
    const abandoned =
      Atomics.compareExchange(slots, state, waiting, HAND_OFF_STATE.abandoned) === waiting;
    if (abandoned) return sent;
    const units = Atomics.load(slots, length);
    Atomics.store(slots, state, HAND_OFF_STATE.idle);
    // A negative length: the answer was too long for the buffer, and the worker posts it.
    return units < 0 ? sent : parseReply(readUnits(this.#units, units))[1] as RunOutcome;
  }

  // Starts a worker for the queued requests, after compiling in it every live script (those
  // an earlier worker compiled) that no queued request compiles.
  #launch(): void {
    const compiling = new Set(this.#queue.map((pending) => pending.compiles));
    const compiles: Pending[] = [];
    for (const [id, { source, limits, topLevel }] of this.#live) {
      if (compiling.has(id)) continue;
      const seq = this.#seq++;
      compiles.push({
        seq,
        compiles: id,
        request: [seq, "compile", id, source, limits, topLevel],
        allowanceMs: limits.timeoutMs + START_ALLOWANCE_MS,
        settle: () => {},
      });
    }
    this.#queue.unshift(...compiles);
    this.#start();
    for (const pending of this.#queue) this.#post(pending.request);
    this.#headStarted();
  }

  #headStarted(): void {
    this.#headSince = this.#ready && this.#queue.length > 0 ? performance.now() : undefined;
    this.#idleChecks = 0;
    this.#watch ??= setInterval(() => this.#check(), WATCH_MS);
  }

  #check(): void {
    const head = this.#queue[0];
    if (head === undefined) {
      if (++this.#idleChecks < IDLE_CHECKS || this.#watch === undefined) return;
      clearInterval(this.#watch);
      this.#watch = undefined;
      return;
    }
    const since = this.#headSince;
    if (since !== undefined && performance.now() - since > head.allowanceMs + PAC_GRACE_MS) {
      this.#restart("InternalError: interrupted");
    }
  }

  #start(): void {
    const handOff = new SharedArrayBuffer(HAND_OFF_SLOT_COUNT * 4 + HAND_OFF_UNITS * 2);
    this.#slots = new Int32Array(handOff, 0, HAND_OFF_SLOT_COUNT);
    this.#units = new Uint16Array(handOff, HAND_OFF_SLOT_COUNT * 4, HAND_OFF_UNITS);
    const worker = new Worker(new URL("./_pac_worker.ts", import.meta.url), {
      workerData: { handOff },
    });
    this.#worker = worker;
    this.#ready = false;
    worker.on("message", (reply: PacWorkerReply | "ready") => {
      if (worker !== this.#worker) return;
      if (reply === "ready") {
        this.#ready = true;
        this.#headStarted();
        return;
      }
      const [seq, answer] = typeof reply === "string" ? parseReply(reply) : reply;
      const head = this.#queue[0];
      if (head === undefined || head.seq !== seq) return;
      this.#queue.shift();
      this.#headStarted();
      head.settle(answer);
    });
    worker.on("error", (error) => {
      if (worker === this.#worker) this.#restart(`the PAC thread failed: ${String(error)}`);
    });
    worker.on("exit", () => {
      if (worker === this.#worker) this.#restart("the PAC thread exited");
    });
    worker.unref();
  }

  // The request the worker is on failed (ran past its deadline, or the thread died): a new
  // worker compiles the live scripts and takes the requests that were waiting behind it. A
  // thread that never became ready fails every request instead (no restart loop); the next
  // request starts a worker again.
  #restart(message: string): void {
    const started = this.#ready;
    const failed = this.#queue.shift();
    const waiting = this.#queue.splice(0);
    this.#stop();
    const fail = (pending: Pending) =>
      pending.settle(
        pending.compiles !== undefined
          ? {
            error: `Cannot compile PAC script: ${message}`,
            line: -1,
            reported: message,
            alerts: [],
          }
          : { error: message, fatal: true, alerts: [] },
      );
    if (failed !== undefined) fail(failed);
    if (!started) {
      for (const pending of waiting) fail(pending);
      return;
    }
    this.#queue.push(...waiting);
    // Starting a worker blocks this thread for up to a hundred milliseconds (Deno): the
    // failure is delivered first, and requests made meanwhile queue behind the compiles.
    this.#restarting = true;
    setTimeout(() => {
      this.#restarting = false;
      if (this.#queue.length > 0 || this.#live.size > 0) this.#launch();
    }, 0);
  }

  #stop(): void {
    this.#headSince = undefined;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = false;
    void worker?.terminate();
  }
}

// A reply in text form: a run's plain answer (`seq`, NUL, the answer), or a reply array as
// JSON (the hand-off buffer's form of the others).
function parseReply(text: string): readonly [number, RunOutcome | CompileReply] {
  if (text.startsWith("[")) {
    return JSON.parse(text) as readonly [number, RunOutcome | CompileReply];
  }
  const split = text.indexOf(SEPARATOR);
  return [Number(text.slice(0, split)), { result: text.slice(split + 1), alerts: [] }];
}
