import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SessionError } from "../core/session_error.ts";
import { throttleStream } from "./throttle_stream.ts";
import { watchTimers } from "../tests/fixtures/timer_watch.ts";

interface Source {
  stream: ReadableStream<Uint8Array>;
  /** How many chunks the throttle has asked the source for. */
  pulls(): number;
  /** The reason the source was cancelled with, or `undefined` while it was not. */
  cancelled(): { reason: unknown } | undefined;
}

/** A pull-only source (no read-ahead) of `chunks`, recording pulls and cancellation. */
function sourceOf(chunks: readonly Uint8Array[]): Source {
  let index = 0;
  let pulls = 0;
  let cancelled: { reason: unknown } | undefined;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel(reason) {
      cancelled = { reason };
    },
  }, { highWaterMark: 0 });
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

function patterned(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) % 251);
}

function split(bytes: Uint8Array, chunkSize: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunkSize) {
    chunks.push(bytes.subarray(i, i + chunkSize));
  }
  return chunks;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

interface Transfer {
  chunks: Uint8Array[];
  /** Milliseconds from the first byte to the last. */
  firstToLast: number;
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Transfer> {
  const chunks: Uint8Array[] = [];
  let first = 0;
  let last = 0;
  for await (const chunk of stream) {
    last = performance.now();
    if (chunks.length === 0) first = last;
    chunks.push(chunk);
  }
  return { chunks, firstToLast: last - first };
}

/** Sends 200 kB at `rate` and checks the rate from first byte to last is within ±10%. */
async function assertRate(rate: number): Promise<void> {
  const body = patterned(200_000);
  const { chunks, firstToLast } = await drain(
    throttleStream(sourceOf(split(body, 16_384)).stream, rate),
  );
  assert.deepEqual(concat(chunks), body);
  const measured = body.byteLength / (firstToLast / 1000);
  assert.ok(
    measured >= rate * 0.9 && measured <= rate * 1.1,
    `measured ${Math.round(measured)} B/s over ${firstToLast.toFixed(1)} ms, want ${rate} ±10%`,
  );
  // Smooth, not in source-sized lumps: no chunk is more than one 10 ms tick's worth.
  const tick = rate / 100;
  assert.ok(chunks.every((chunk) => chunk.byteLength <= tick), "a chunk exceeded one tick");
}

describe("throttleStream", () => {
  it("returns the source itself for no limit (0 or Infinity)", () => {
    const { stream } = sourceOf([]);
    assert.equal(throttleStream(stream, 0), stream);
    assert.equal(throttleStream(stream, Infinity), stream);
  });

  it("throws RangeError for a negative or NaN rate", () => {
    const { stream } = sourceOf([]);
    assert.throws(() => throttleStream(stream, -1), RangeError);
    assert.throws(() => throttleStream(stream, NaN), RangeError);
  });

  it("holds 400 kB/s within ±10% over 200 kB", async () => {
    await assertRate(400_000);
  });

  it("holds 1 MB/s within ±10% over 200 kB", async () => {
    await assertRate(1_000_000);
  });

  it("releases no more than one tick's worth at first, however late reading starts", async () => {
    const throttled = throttleStream(sourceOf([patterned(50_000)]).stream, 100_000);
    // Credit must not pile up between creating the stream and reading it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reader = throttled.getReader();
    const started = performance.now();
    let received = 0;
    while (received < 3000) {
      const { value } = await reader.read();
      assert.ok(value !== undefined);
      received += value.byteLength;
    }
    // 1000 bytes at once, then 1000 every 10 ms: 3000 bytes take about 20 ms.
    assert.ok(performance.now() - started >= 15, "the first bytes came as a burst");
    await reader.cancel();
  });

  it("passes every byte through unchanged, whatever the chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 5000, size: "max" }), { maxLength: 4 }),
        async (chunks) => {
          const { chunks: out } = await drain(throttleStream(sourceOf(chunks).stream, 200_000));
          assert.deepEqual(concat(out), concat(chunks));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("reads the source no faster than it emits", async () => {
    const source = sourceOf([patterned(100_000), patterned(100_000)]);
    const reader = throttleStream(source.stream, 100_000).getReader();
    for (let i = 0; i < 5; i++) {
      const { value } = await reader.read();
      assert.equal(value?.byteLength, 1000);
    }
    assert.equal(source.pulls(), 1);
    await reader.cancel();
  });

  it("leaves no timer behind at the end", async () => {
    const timers = watchTimers();
    try {
      await drain(throttleStream(sourceOf(split(patterned(5000), 700)).stream, 100_000));
      assert.equal(timers.live(), 0);
    } finally {
      timers.restore();
    }
  });

  it("cancels the source, mid-wait, and leaves no timer behind", async () => {
    const timers = watchTimers();
    try {
      const source = sourceOf([patterned(100_000)]);
      const reader = throttleStream(source.stream, 10_000).getReader();
      await reader.read();
      // The second slice is due in 10 ms: cancel while the throttle sleeps.
      const pending = reader.read();
      await timers.settled();
      assert.equal(timers.live(), 1);
      await reader.cancel("enough");
      assert.equal(timers.live(), 0);
      assert.deepEqual(await pending, { done: true, value: undefined });
      assert.deepEqual(source.cancelled(), { reason: "enough" });
    } finally {
      timers.restore();
    }
  });

  it("errors with ERR_ABORTED, cancels the source and clears its timer on abort", async () => {
    const timers = watchTimers();
    try {
      const source = sourceOf([patterned(100_000)]);
      const controller = new AbortController();
      const reader = throttleStream(source.stream, 10_000, { signal: controller.signal })
        .getReader();
      await reader.read();
      const outcome = assert.rejects(reader.read(), (error) => {
        assert.ok(SessionError.is(error));
        assert.equal(error.code, "ERR_ABORTED");
        assert.equal((error.cause as Error).message, "user stop");
        return true;
      });
      await timers.settled();
      assert.equal(timers.live(), 1);
      controller.abort(new Error("user stop"));
      assert.equal(timers.live(), 0);
      await outcome;
      assert.ok(source.cancelled() !== undefined);
    } finally {
      timers.restore();
    }
  });

  it("errors at once for an already aborted signal", async () => {
    const source = sourceOf([patterned(10)]);
    const throttled = throttleStream(source.stream, 10_000, { signal: AbortSignal.abort() });
    await assert.rejects(throttled.getReader().read(), { code: "ERR_ABORTED" });
    assert.ok(source.cancelled() !== undefined);
  });

  it("passes a source error on", async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("reset"));
      },
    });
    await assert.rejects(drain(throttleStream(failing, 10_000)), { message: "reset" });
  });
});
