/**
 * A session's emulated network conditions, set by Electron's `ses.enableNetworkEmulation()`
 * and cleared by `ses.disableNetworkEmulation()`.
 *
 * @module
 */

import type { NetworkEmulationOptions } from "../core/electron_types.ts";
import { SessionError } from "../core/session_error.ts";
import { throttleStream } from "./throttle_stream.ts";
import { methodArgumentError } from "../core/conversion_error.ts";

const NO_EMULATION: Readonly<Required<NetworkEmulationOptions>> = Object.freeze({
  offline: false,
  latency: 0,
  downloadThroughput: 0,
  uploadThroughput: 0,
});

/**
 * The network conditions of one session, applied by the request pipeline.
 *
 * Each stage reads the conditions when it runs: {@linkcode NetworkEmulation.beforeRequest} when
 * the request starts, {@linkcode NetworkEmulation.throttleUpload} when its body is sent and
 * {@linkcode NetworkEmulation.throttleDownload} when the response body starts. So a request that
 * starts after `enable()` or `disable()` sees the change throughout.
 *
 * Latency is added once per request, before it is sent, as Chromium's DevTools throttling does,
 * rather than to every chunk; the throughput limits pace the bytes after that.
 *
 * @example Emulate a GPRS connection, then go offline
 * ```ts
 * import { NetworkEmulation } from "./network_emulation.ts";
 * import assert from "node:assert/strict";
 *
 * const emulation = new NetworkEmulation();
 * emulation.enable({ latency: 500, downloadThroughput: 6400, uploadThroughput: 6400 });
 * assert.ok(emulation.active);
 * emulation.enable({ offline: true });
 * await assert.rejects(emulation.beforeRequest(), { code: "ERR_INTERNET_DISCONNECTED" });
 * emulation.disable();
 * assert.equal(emulation.active, false);
 * ```
 */
export class NetworkEmulation {
  #conditions: Readonly<Required<NetworkEmulationOptions>> = NO_EMULATION;
  // The latency waits and response bodies in progress, told of every change of conditions:
  // Chromium's ThrottlingNetworkInterceptor::UpdateConditions settles its pending records at
  // once, failing them with ERR_INTERNET_DISCONNECTED when the network goes offline.
  #watchers = new Set<() => void>();

  /**
   * Replaces the conditions, as `ses.enableNetworkEmulation(options)` does; omitted options
   * take their defaults.
   *
   * @param options A {@linkcode NetworkEmulationOptions} object.
   * @throws {TypeError} When `options` is not an object, `offline` is not a boolean, or a
   * number option is not a non-negative finite number.
   *
   * @example Limit the download rate only
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   * import assert from "node:assert/strict";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({ downloadThroughput: 100_000 });
   * assert.ok(emulation.active);
   * assert.throws(() => emulation.enable({ latency: -1 }), TypeError);
   * ```
   */
  enable(options: unknown): void {
    if (typeof options !== "object" || options === null) {
      // Electron's argument conversion error, for the same mistake.
      throw methodArgumentError(0, options);
    }
    const record = options as Record<string, unknown>;
    const { offline = false } = record;
    if (typeof offline !== "boolean") {
      throw new TypeError("Invalid value for offline - must be a boolean");
    }
    this.#conditions = Object.freeze({
      offline,
      latency: rateOption(record, "latency"),
      downloadThroughput: rateOption(record, "downloadThroughput"),
      uploadThroughput: rateOption(record, "uploadThroughput"),
    });
    this.#changed();
  }

  /**
   * Removes every condition, as `ses.disableNetworkEmulation()` does.
   *
   * @example Back to the real network
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   * import assert from "node:assert/strict";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({ offline: true });
   * emulation.disable();
   * assert.equal(emulation.offline, false);
   * ```
   */
  disable(): void {
    this.#conditions = NO_EMULATION;
    this.#changed();
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }

  /**
   * Whether requests fail with `net::ERR_INTERNET_DISCONNECTED`.
   *
   * @returns The `offline` condition.
   *
   * @example
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({ offline: true });
   * console.log(emulation.offline); // true
   * ```
   */
  get offline(): boolean {
    return this.#conditions.offline;
  }

  /**
   * The conditions in effect, every field filled (0 where no limit is set), for the net log.
   *
   * @returns The frozen conditions.
   *
   * @example
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({ latency: 40 });
   * console.log(emulation.conditions.latency, emulation.conditions.downloadThroughput); // 40 0
   * ```
   */
  get conditions(): Readonly<Required<NetworkEmulationOptions>> {
    return this.#conditions;
  }

  /**
   * Whether any condition is in effect, so the pipeline can skip this stage otherwise.
   *
   * @returns `true` when offline or when any latency or throughput limit is set.
   *
   * @example
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({});
   * console.log(emulation.active); // false
   * ```
   */
  get active(): boolean {
    const { offline, latency, downloadThroughput, uploadThroughput } = this.#conditions;
    return offline || latency > 0 || downloadThroughput > 0 || uploadThroughput > 0;
  }

  /**
   * Applies the conditions at the start of a request: fails it when offline, otherwise waits
   * for the latency. A change of conditions during the wait applies to it: going offline fails
   * it, a lower latency (or `disable()`) shortens it, as in Chromium's throttling.
   *
   * @param signal Aborting it ends the wait with `net::ERR_ABORTED`.
   * @returns A promise that resolves when the request may go on.
   * @throws {SessionError} `ERR_INTERNET_DISCONNECTED` when offline (or when the network goes
   * offline during the wait), `ERR_ABORTED` when `signal` aborts.
   *
   * @example Add 20 ms to a request
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({ latency: 20 });
   * await emulation.beforeRequest();
   * ```
   */
  beforeRequest(signal?: AbortSignal): Promise<void> {
    const { offline, latency } = this.#conditions;
    if (signal?.aborted) {
      return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
    }
    if (offline) return Promise.reject(new SessionError("ERR_INTERNET_DISCONNECTED"));
    if (latency === 0) return Promise.resolve();
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#watchers.delete(onChange);
      };
      const onAbort = (): void => {
        settle();
        reject(new SessionError("ERR_ABORTED", { cause: signal?.reason }));
      };
      const onChange = (): void => {
        if (this.#conditions.offline) {
          settle();
          reject(new SessionError("ERR_INTERNET_DISCONNECTED"));
          return;
        }
        // The wait is measured from the request's start with the latency now in force, so a
        // lower one (or none) lets the request go on at once.
        clearTimeout(timer);
        timer = setTimeout(
          done,
          Math.max(0, started + this.#conditions.latency - performance.now()),
        );
      };
      const done = (): void => {
        settle();
        resolve();
      };
      let timer = setTimeout(done, latency);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#watchers.add(onChange);
    });
  }

  /**
   * Limits a response body to the download throughput.
   *
   * @param body The response body.
   * Going offline while it is read errors it with `net::ERR_INTERNET_DISCONNECTED`.
   *
   * @param signal Aborting it errors the body with `net::ERR_ABORTED`.
   * @returns `body` itself when no condition is in effect, otherwise the emulated body.
   *
   * @example
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   * import assert from "node:assert/strict";
   *
   * const emulation = new NetworkEmulation();
   * const body = new Response("hello").body!;
   * assert.equal(emulation.throttleDownload(body), body);
   * ```
   */
  throttleDownload(
    body: ReadableStream<Uint8Array>,
    signal?: AbortSignal,
  ): ReadableStream<Uint8Array> {
    if (!this.active) return body;
    // The rate is read for each slice: a change of conditions re-paces a body already flowing.
    return this.#failWhenOffline(
      throttleStream(body, () => this.#conditions.downloadThroughput, { signal }),
    );
  }

  // Passes `body` through until the conditions go offline, then errors it and cancels `body`.
  #failWhenOffline(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let unwatch = (): void => {};
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        const onChange = (): void => {
          if (!this.#conditions.offline) return;
          unwatch();
          const error = new SessionError("ERR_INTERNET_DISCONNECTED");
          controller.error(error);
          reader.cancel(error).catch(() => {});
        };
        this.#watchers.add(onChange);
        unwatch = () => this.#watchers.delete(onChange);
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            unwatch();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          unwatch();
          throw error;
        }
      },
      cancel(reason) {
        unwatch();
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
  }

  /**
   * Limits a request body to the upload throughput.
   *
   * @param body The request body.
   * @param signal Aborting it errors the body with `net::ERR_ABORTED`.
   * @returns `body` itself when no condition is in effect, otherwise the body throttled to the
   * upload throughput as it stands at each slice (a change of conditions reaches a body being
   * sent).
   *
   * @example
   * ```ts
   * import { NetworkEmulation } from "./network_emulation.ts";
   * import assert from "node:assert/strict";
   *
   * const emulation = new NetworkEmulation();
   * emulation.enable({ uploadThroughput: 1_000_000 });
   * const body = new Response("hello").body!;
   * assert.equal(await new Response(emulation.throttleUpload(body)).text(), "hello");
   * ```
   */
  throttleUpload(
    body: ReadableStream<Uint8Array>,
    signal?: AbortSignal,
  ): ReadableStream<Uint8Array> {
    if (!this.active) return body;
    return throttleStream(body, () => this.#conditions.uploadThroughput, { signal });
  }
}

function rateOption(options: Record<string, unknown>, name: string): number {
  const value = options[name] ?? 0;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`Invalid value for ${name} - must be a non-negative finite number`);
  }
  return value;
}
