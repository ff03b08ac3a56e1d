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
  /** Milliseconds from the first read to the last byte. */
  elapsed: number;
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Transfer> {
  const chunks: Uint8Array[] = [];
  const started = performance.now();
  let last = started;
  for await (const chunk of stream) {
    last = performance.now();
    chunks.push(chunk);
  }
  return { chunks, elapsed: last - started };
}

/**
 * Sends 200 kB at `rate`: never faster than the rate (measured from the first read, so a
 * late first byte cannot make the rest look fast; 10% covers the first slice, sent at once),
 * and at least half the rate (the clock pays for late timers, but a loaded machine can still
 * starve the reader).
 */
async function assertRate(rate: number): Promise<void> {
  const body = patterned(200_000);
  const { chunks, elapsed } = await drain(
    throttleStream(sourceOf(split(body, 16_384)).stream, rate),
  );
  assert.deepEqual(concat(chunks), body);
  const measured = body.byteLength / (elapsed / 1000);
  assert.ok(
    measured <= rate * 1.1,
    `measured ${Math.round(measured)} B/s over ${elapsed.toFixed(1)} ms, above ${rate} B/s`,
  );
  assert.ok(
    measured >= rate * 0.5,
    `measured ${Math.round(measured)} B/s over ${elapsed.toFixed(1)} ms, under half ${rate} B/s`,
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

  it("holds 400 kB/s over 200 kB: never above, at least half", async () => {
    await assertRate(400_000);
  });

  it("holds 1 MB/s over 200 kB: never above, at least half", async () => {
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
      // At 10 B/s each 1-byte slice costs 100 ms, more than the 50 ms of credit a late reader
      // can build up, so the throttle sleeps before the second slice however loaded the
      // machine is: cancel while it sleeps.
      const reader = throttleStream(source.stream, 10).getReader();
      await reader.read();
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
      // 100 ms per slice at 10 B/s: the throttle sleeps before the second one (as above).
      const reader = throttleStream(source.stream, 10, { signal: controller.signal }).getReader();
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
