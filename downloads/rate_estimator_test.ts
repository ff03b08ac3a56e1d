import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateEstimator } from "./rate_estimator.ts";

describe("RateEstimator", () => {
  it("averages over the last three seconds and forgets older bytes", () => {
    const rate = new RateEstimator();
    assert.equal(rate.bytesPerSecond(0), 0);
    rate.add(3000, 0);
    rate.add(3000, 2900);
    assert.equal(rate.bytesPerSecond(2999), 2000);
    assert.equal(rate.bytesPerSecond(10_000), 0);
    rate.reset();
    assert.equal(rate.bytesPerSecond(10_000), 0);
  });
});
