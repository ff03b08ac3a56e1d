/**
 * The transfer rate a download reports (`getCurrentBytesPerSecond`), averaged over the last
 * few seconds like Chromium's `RateEstimator`.
 *
 * @module
 */

const BUCKET_MS = 250;
const BUCKETS = 12;

/**
 * Counts bytes in quarter-second buckets and reports the rate over the last three seconds
 * (or since the first byte, when that is more recent).
 *
 * @example
 * ```ts
 * import { RateEstimator } from "./rate_estimator.ts";
 * const rate = new RateEstimator();
 * rate.add(1000, 0);
 * rate.add(1000, 900);
 * console.log(rate.bytesPerSecond(999)); // 2000
 * ```
 */
export class RateEstimator {
  #buckets = new Float64Array(BUCKETS);
  #newest = -1;
  #first = -1;

  /**
   * Records bytes received.
   *
   * @param bytes How many.
   * @param now The time in milliseconds (`Date.now()`).
   */
  add(bytes: number, now: number = Date.now()): void {
    const bucket = this.#advance(now);
    this.#buckets[bucket % BUCKETS]! += bytes;
  }

  /**
   * The rate over the window ending now.
   *
   * @param now The time in milliseconds (`Date.now()`).
   * @returns Whole bytes per second; 0 before any byte.
   */
  bytesPerSecond(now: number = Date.now()): number {
    if (this.#first < 0) return 0;
    const bucket = this.#advance(now);
    const span = Math.min(BUCKETS, bucket - this.#first + 1);
    let total = 0;
    for (let i = 0; i < span; i++) total += this.#buckets[(bucket - i) % BUCKETS]!;
    return Math.round(total / (span * BUCKET_MS / 1000));
  }

  /** Forgets everything (a paused or restarted download starts a new window). */
  reset(): void {
    this.#buckets.fill(0);
    this.#newest = -1;
    this.#first = -1;
  }

  #advance(now: number): number {
    const bucket = Math.floor(now / BUCKET_MS);
    if (this.#first < 0) this.#first = bucket;
    if (this.#newest >= 0) {
      // Clear the buckets the clock moved past without bytes.
      for (let b = this.#newest + 1; b <= bucket && b <= this.#newest + BUCKETS; b++) {
        this.#buckets[b % BUCKETS] = 0;
      }
    }
    if (bucket > this.#newest) this.#newest = bucket;
    return this.#newest;
  }
}
