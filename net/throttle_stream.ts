/**
 * A byte stream passed through at a fixed maximum rate, for network emulation's download and
 * upload throughput.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";

/** Options for {@linkcode throttleStream}. */
export interface ThrottleStreamOptions {
  /** Aborting errors the stream with `net::ERR_ABORTED` and cancels the source. */
  signal?: AbortSignal;
}

// Bytes are released in slices of one tick's worth, so the output is smooth at the scale of
// 10 ms rather than arriving in source-sized lumps.
const TICK_MS = 10;
// Credit a stream may bank while it waits. A timer that fires late, or a consumer that paused
// briefly, is made up for by releasing the missed slices back to back; anything beyond this
// is forfeited, so a reader that comes back after a long pause gets no large burst.
const MAX_CREDIT_MS = 50;

/**
 * Passes a byte stream through at no more than `bytesPerSecond`.
 *
 * A token bucket paid for by the clock (not by counting timer ticks, so timer lateness does
 * not slow the stream down): chunks are cut into slices of at most 10 ms worth of bytes, the
 * first slice goes at once and each later one when the bytes before it have been paid for.
 * Reading is pull-based: the source is read only when the previous chunk has been passed on,
 * so backpressure reaches it. Cancelling the result cancels the source; no timer outlives the
 * stream. Given as a function, the rate is read again for each slice, so a change reaches a
 * body already flowing (as Chromium's throttling interceptor re-paces its transactions); a
 * rate of `0` or `Infinity` then passes the bytes on at once.
 *
 * @param source The bytes to pass through.
 * @param bytesPerSecond The maximum rate in bytes per second, or a function giving it; `0` or
 * `Infinity` means no limit.
 * @param options The abort signal.
 * @returns `source` itself when a fixed rate sets no limit, otherwise the throttled stream.
 * @throws {RangeError} When a fixed `bytesPerSecond` is negative or not a number.
 *
 * @example Send 4 kB at 40 kB/s (about 0.1 s)
 * ```ts
 * import { throttleStream } from "./throttle_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const body = new Response(new Uint8Array(4000)).body!;
 * const started = performance.now();
 * const bytes = await new Response(throttleStream(body, 40_000)).bytes();
 * assert.equal(bytes.byteLength, 4000);
 * assert.ok(performance.now() - started >= 80);
 * ```
 */
export function throttleStream(
  source: ReadableStream<Uint8Array>,
  bytesPerSecond: number | (() => number),
  options: ThrottleStreamOptions = {},
): ReadableStream<Uint8Array> {
  if (typeof bytesPerSecond !== "function") {
    if (
      typeof bytesPerSecond !== "number" || Number.isNaN(bytesPerSecond) || bytesPerSecond < 0
    ) {
      throw new RangeError(
        `Cannot throttle stream: rate "${String(bytesPerSecond)}" is not a non-negative number`,
      );
    }
    if (bytesPerSecond === 0 || bytesPerSecond === Infinity) return source;
  }
  const rate = typeof bytesPerSecond === "function" ? bytesPerSecond : () => bytesPerSecond;
  const { signal } = options;

  const reader = source.getReader();
  let pending: Uint8Array = new Uint8Array(0);
  // The clock time up to which the bytes released so far have been paid for; set at the first
  // read to one tick in the past, so the first slice goes at once however late reading starts.
  let paidUntil: number | undefined;
  let finished = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let detachSignal = (): void => {};

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  }

  function finish(): void {
    finished = true;
    clearTimeout(timer);
    wake?.();
    detachSignal();
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (signal === undefined) return;
      const onAbort = (): void => {
        if (finished) return;
        finish();
        const error = new SessionError("ERR_ABORTED", { cause: signal.reason });
        controller.error(error);
        reader.cancel(error).catch(() => {});
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      detachSignal = () => signal.removeEventListener("abort", onAbort);
    },
    async pull(controller) {
      try {
        while (pending.byteLength === 0) {
          const { done, value } = await reader.read();
          if (finished) return;
          if (done) {
            finish();
            controller.close();
            return;
          }
          pending = value;
        }
        const bytesPerSecondNow = rate();
        if (!(bytesPerSecondNow > 0) || bytesPerSecondNow === Infinity) {
          // No limit now: what is held goes at once, and the next limit starts afresh.
          paidUntil = undefined;
          controller.enqueue(pending);
          pending = new Uint8Array(0);
          return;
        }
        const bytesPerMs = bytesPerSecondNow / 1000;
        const size = Math.min(pending.byteLength, Math.max(1, Math.floor(bytesPerMs * TICK_MS)));
        const now = performance.now();
        paidUntil = Math.max(paidUntil ?? now - TICK_MS, now - MAX_CREDIT_MS);
        const due = paidUntil + size / bytesPerMs;
        if (due > now) await sleep(due - now);
        if (finished) return;
        paidUntil = due;
        controller.enqueue(pending.subarray(0, size));
        pending = pending.subarray(size);
      } catch (error) {
        finish();
        throw error;
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
