import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionError } from "../core/session_error.ts";
import { NetworkEmulation } from "./network_emulation.ts";
import { watchTimers } from "../tests/fixtures/timer_watch.ts";

function bodyOf(length: number): ReadableStream<Uint8Array> {
  return new Response(new Uint8Array(length)).body!;
}

async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<number[]> {
  const sizes: number[] = [];
  for await (const chunk of stream) sizes.push(chunk.byteLength);
  return sizes;
}

async function timeToRead(stream: ReadableStream<Uint8Array>): Promise<number> {
  const started = performance.now();
  await new Response(stream).arrayBuffer();
  return performance.now() - started;
}

describe("NetworkEmulation", () => {
  it("starts inactive and online", () => {
    const emulation = new NetworkEmulation();
    assert.equal(emulation.active, false);
    assert.equal(emulation.offline, false);
  });

  it("rejects options that are not an object with Electron's conversion error", () => {
    const emulation = new NetworkEmulation();
    assert.throws(() => emulation.enable(42), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from ",
    });
    assert.throws(() => emulation.enable(null), TypeError);
    assert.throws(() => emulation.enable(undefined), TypeError);
  });

  it("names the option that has a bad value", () => {
    const emulation = new NetworkEmulation();
    const cases: [Record<string, unknown>, string][] = [
      [{ offline: "yes" }, "offline"],
      [{ latency: -1 }, "latency"],
      [{ latency: "200" }, "latency"],
      [{ downloadThroughput: Infinity }, "downloadThroughput"],
      [{ uploadThroughput: NaN }, "uploadThroughput"],
    ];
    for (const [options, name] of cases) {
      assert.throws(
        () => emulation.enable(options),
        (error) =>
          error instanceof TypeError && error.message.includes(`Invalid value for ${name}`),
        JSON.stringify(options),
      );
    }
    assert.equal(emulation.active, false, "a rejected call changes nothing");
  });

  it("takes defaults for omitted options: an empty object emulates nothing", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ offline: true });
    emulation.enable({});
    assert.equal(emulation.active, false);
    await emulation.beforeRequest();
  });

  it("fails requests with ERR_INTERNET_DISCONNECTED (-106) when offline", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ offline: true });
    assert.equal(emulation.offline, true);
    assert.equal(emulation.active, true);
    await assert.rejects(emulation.beforeRequest(), (error) => {
      assert.ok(SessionError.is(error));
      assert.equal(error.code, "ERR_INTERNET_DISCONNECTED");
      assert.equal(error.errno, -106);
      assert.equal(error.message, "net::ERR_INTERNET_DISCONNECTED");
      return true;
    });
  });

  it("delays a request by the latency", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ latency: 200 });
    const started = performance.now();
    await emulation.beforeRequest();
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it("ends the latency wait with ERR_ABORTED and clears its timer when the signal aborts", async () => {
    const timers = watchTimers();
    try {
      const emulation = new NetworkEmulation();
      emulation.enable({ latency: 10_000 });
      const controller = new AbortController();
      const outcome = assert.rejects(emulation.beforeRequest(controller.signal), (error) => {
        assert.ok(SessionError.is(error));
        assert.equal(error.code, "ERR_ABORTED");
        assert.equal((error.cause as Error).message, "user stop");
        return true;
      });
      assert.equal(timers.live(), 1);
      controller.abort(new Error("user stop"));
      assert.equal(timers.live(), 0);
      await outcome;
    } finally {
      timers.restore();
    }
  });

  it("rejects at once for an already aborted signal", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ latency: 10_000 });
    await assert.rejects(emulation.beforeRequest(AbortSignal.abort()), { code: "ERR_ABORTED" });
  });

  it("limits the download and upload rates, each on its own", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ downloadThroughput: 100_000 });
    // No upload limit: the body's chunks go through as they are, not cut into 10 ms slices.
    const uploadChunks = await chunksOf(emulation.throttleUpload(bodyOf(20_000)));
    assert.deepEqual(uploadChunks, await chunksOf(bodyOf(20_000)), "no upload limit: not sliced");
    // 20 kB at 100 kB/s: about 0.19 s after the first 10 ms slice.
    const downloadMs = await timeToRead(emulation.throttleDownload(bodyOf(20_000)));
    assert.ok(downloadMs >= 150 && downloadMs < 2000, `download took ${downloadMs} ms`);

    emulation.enable({ uploadThroughput: 100_000 });
    const downloaded = await new Response(emulation.throttleDownload(bodyOf(20_000))).bytes();
    assert.equal(downloaded.byteLength, 20_000, "no download limit: passed through");
    const uploadMs = await timeToRead(emulation.throttleUpload(bodyOf(20_000)));
    assert.ok(uploadMs >= 150 && uploadMs < 2000, `upload took ${uploadMs} ms`);
  });

  it("re-paces a body already flowing when the throughput changes, as Chromium's interceptor", async () => {
    const emulation = new NetworkEmulation();
    // 100 kB at 10 kB/s would take 10 s.
    emulation.enable({ downloadThroughput: 10_000 });
    const reading = timeToRead(emulation.throttleDownload(bodyOf(100_000)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    emulation.enable({ downloadThroughput: 0, latency: 1 });
    const ms = await reading;
    assert.ok(ms < 5000, `the rest came at the new rate: ${ms} ms`);
    // And a limit set while a body flows unlimited slows it down.
    emulation.enable({ latency: 1 });
    const slowed = timeToRead(emulation.throttleDownload(bodyOf(40_000)));
    emulation.enable({ latency: 1, downloadThroughput: 100_000 });
    assert.ok((await slowed) >= 200, "40 kB at 100 kB/s takes about 0.4 s");
  });

  it("errors a throttled body with ERR_ABORTED when its signal aborts", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ downloadThroughput: 10_000 });
    const controller = new AbortController();
    const body = emulation.throttleDownload(bodyOf(100_000), controller.signal);
    const reading = timeToRead(body);
    controller.abort();
    await assert.rejects(reading, { code: "ERR_ABORTED" });
  });

  it("fails a latency wait in progress with ERR_INTERNET_DISCONNECTED when going offline", async () => {
    const timers = watchTimers();
    try {
      const emulation = new NetworkEmulation();
      emulation.enable({ latency: 10_000 });
      const waiting = emulation.beforeRequest();
      emulation.enable({ offline: true });
      await assert.rejects(waiting, { code: "ERR_INTERNET_DISCONNECTED", errno: -106 });
      assert.equal(timers.live(), 0);
    } finally {
      timers.restore();
    }
  });

  it("ends a latency wait in progress at once on disable or a lower latency", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({ latency: 10_000 });
    const started = performance.now();
    const first = emulation.beforeRequest();
    emulation.disable();
    await first;
    emulation.enable({ latency: 10_000 });
    const second = emulation.beforeRequest();
    emulation.enable({ latency: 100 });
    await second;
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 90 && elapsed < 5000, `took ${elapsed} ms`);
  });

  it("errors a response body in progress with ERR_INTERNET_DISCONNECTED when going offline", async () => {
    for (const conditions of [{ latency: 10 }, { downloadThroughput: 10_000 }]) {
      const emulation = new NetworkEmulation();
      emulation.enable(conditions);
      let cancelled: unknown;
      const source = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new Uint8Array(1000)),
        cancel: (reason) => {
          cancelled = reason;
        },
      });
      const reader = emulation.throttleDownload(source).getReader();
      assert.ok(((await reader.read()).value?.byteLength ?? 0) > 0);
      emulation.enable({ offline: true });
      await assert.rejects(reader.read(), { code: "ERR_INTERNET_DISCONNECTED" });
      assert.equal((cancelled as SessionError).code, "ERR_INTERNET_DISCONNECTED");
    }
  });

  it("restores the real network on disable", async () => {
    const emulation = new NetworkEmulation();
    emulation.enable({
      offline: true,
      latency: 10_000,
      downloadThroughput: 1,
      uploadThroughput: 1,
    });
    emulation.disable();
    assert.equal(emulation.active, false);
    assert.equal(emulation.offline, false);
    await emulation.beforeRequest();
    const body = bodyOf(10);
    assert.equal(emulation.throttleDownload(body), body);
    assert.equal(emulation.throttleUpload(body), body);
  });

  it("keeps the conditions of separate instances (sessions) apart", async () => {
    const offline = new NetworkEmulation();
    const online = new NetworkEmulation();
    offline.enable({ offline: true });
    await assert.rejects(offline.beforeRequest(), { code: "ERR_INTERNET_DISCONNECTED" });
    await online.beforeRequest();
  });
});
