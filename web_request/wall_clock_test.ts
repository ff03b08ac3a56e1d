import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wallClock } from "./wall_clock.ts";

describe("wallClock", () => {
  it("follows the wall clock when the monotonic clock drifts from it, and never goes back", () => {
    let epoch = 1_700_000_000_000;
    let monotonic = 5;
    const now = wallClock(() => epoch, () => monotonic);
    assert.equal(now(), epoch);
    monotonic += 0.25;
    assert.equal(now(), epoch + 0.25);
    // A minute on, NTP has slewed the wall clock 80 ms ahead of the monotonic clock.
    monotonic += 60_000;
    epoch += 60_080;
    assert.equal(now(), epoch);
    // A suspended machine: the monotonic clock stood still for an hour.
    monotonic += 1_000;
    epoch += 3_600_000 + 1_000;
    assert.equal(now(), epoch);
    // Drift within the wall clock's whole milliseconds leaves the offset alone.
    monotonic += 1_000.5;
    epoch += 1_001;
    assert.equal(now(), epoch - 0.5);
    // The wall clock stepped back: the readings stand still rather than go back.
    const before = now();
    monotonic += 1_000;
    epoch -= 500;
    assert.equal(now(), before);
    // Once the wall clock has passed the last reading, the readings follow it again.
    monotonic += 600;
    epoch += 600;
    assert.equal(now(), epoch);
    assert.ok(now() > before);
  });
});
