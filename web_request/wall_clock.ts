/**
 * The wall clock webRequest's `timestamp`s read, with a fraction of a millisecond.
 *
 * @module
 */

// How often the monotonic clock's epoch offset is checked against the wall clock, in ms of the
// monotonic clock, and how far apart they may drift before the offset follows (the wall clock's
// whole milliseconds would otherwise jitter each check).
const CHECK_EVERY_MS = 1000;
const MAX_DRIFT_MS = 2;

/**
 * Makes a clock of milliseconds since the epoch with a fraction, as Electron's
 * `base::Time::Now().ToDoubleT() * 1000`: the monotonic clock (sub-millisecond) plus an epoch
 * offset that follows the wall clock. `performance.timeOrigin + performance.now()` alone drifts
 * from the wall clock as a process runs (NTP slews it; a suspended machine stops the monotonic
 * clock), by tens of milliseconds within minutes and by any amount after a suspend. Readings never
 * go back, so events stay in their order when the offset moves back.
 *
 * @param epochNow The wall clock in whole ms since the epoch (`Date.now`).
 * @param monotonicNow The monotonic clock in fractional ms (`performance.now`).
 * @returns A function reading the clock: ms since 1970-01-01 UTC, fractional, never less than the
 * reading before.
 *
 * @example
 * ```ts
 * import { wallClock } from "./wall_clock.ts";
 * const now = wallClock();
 * console.log(Math.abs(now() - Date.now()) < 1000); // true
 * ```
 */
export function wallClock(
  epochNow: () => number = Date.now,
  monotonicNow: () => number = () => performance.now(),
): () => number {
  let checkedAt = monotonicNow();
  let offset = epochNow() - checkedAt;
  let last = -Infinity;
  return () => {
    const now = monotonicNow();
    if (now - checkedAt >= CHECK_EVERY_MS) {
      checkedAt = now;
      const fresh = epochNow() - now;
      if (Math.abs(fresh - offset) > MAX_DRIFT_MS) offset = fresh;
    }
    const time = offset + now;
    if (time > last) last = time;
    return last;
  };
}
