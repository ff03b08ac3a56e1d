/**
 * What every step of opening a connection receives (host resolution, TCP connect, TLS, the
 * proxy handshake, the pool's acquire), and the timer that bounds a step as Chromium's connect
 * jobs do.
 *
 * @module
 */

import type { NetLogWithSource } from "../core/net_log_sink.ts";
import { SessionError } from "../core/session_error.ts";

/** The options object every connect step takes, so the net log can add events without new signatures. */
export interface ConnectStepOptions {
  /** Gives up: the step rejects with `net::ERR_ABORTED`. */
  readonly signal?: AbortSignal;
  /** The request's (later: the connect job's) net log source, while a net log is capturing. */
  readonly netLog?: NetLogWithSource;
  /**
   * The URLs of the request the connection is opened for, its current one last (the request
   * context's own field); none for a preconnect.
   */
  readonly urlChain?: readonly string[];
}

/**
 * Chromium's connect-job timeouts, in milliseconds. Each bounds one step; a step that runs over
 * fails with `net::ERR_TIMED_OUT` (Chromium's `ConnectJob::OnTimeout`).
 */
export interface ConnectTimeouts {
  /** Host resolution plus TCP connect over every address (transport_connect_job.cc: 4 min). */
  readonly tcpMs: number;
  /** The TLS handshake including certificate verification (ssl_connect_job.cc: 30 s). */
  readonly tlsHandshakeMs: number;
  /** The CONNECT or SOCKS handshake (http_proxy_connect_job.cc, socks_connect_job.cc: 30 s). */
  readonly proxyHandshakeMs: number;
}

/**
 * The timeouts Chromium uses on desktop platforms.
 *
 * @example
 * ```ts
 * import { CHROMIUM_CONNECT_TIMEOUTS } from "./connect_step.ts";
 * console.log(CHROMIUM_CONNECT_TIMEOUTS.tcpMs); // 240000
 * ```
 */
export const CHROMIUM_CONNECT_TIMEOUTS: ConnectTimeouts = Object.freeze({
  tcpMs: 240_000,
  tlsHandshakeMs: 30_000,
  proxyHandshakeMs: 30_000,
});

/** The timer of a running connect step. */
export interface ConnectStepTimer {
  /** Stops the timer while the step waits on someone else (a proxy credentials prompt). */
  stop(): void;
  /** Starts the timer again from the full timeout. */
  restart(): void;
}

/**
 * Runs one connect step under a timer and the caller's signal. The step gets a signal of its
 * own, aborted when the timer fires or the caller gives up, so it can stop its work; a value it
 * still produces after that (a late socket) goes to `dispose`. Like Chromium's
 * `HttpProxyConnectJob`, a step may stop the timer while it waits for credentials.
 *
 * @param step The step; it must reject soon after its signal aborts.
 * @param timeoutMs How long the step may take, in milliseconds.
 * @param signal The caller's signal.
 * @param dispose Releases a value that arrives after the step was given up.
 * @returns What the step resolves with.
 * @throws {SessionError} `ERR_TIMED_OUT` when the timer fires first, `ERR_ABORTED` when the
 * caller's signal aborts first, or the step's own failure.
 *
 * @example
 * ```ts
 * import { boundConnectStep } from "./connect_step.ts";
 * const never = (signal: AbortSignal) =>
 *   new Promise<number>((_, reject) => signal.addEventListener("abort", reject));
 * const error = await boundConnectStep(never, 10, undefined, () => {}).catch((e) => e);
 * console.log(error.message); // net::ERR_TIMED_OUT
 * ```
 */
export function boundConnectStep<T>(
  step: (signal: AbortSignal, timer: ConnectStepTimer) => Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  dispose: (value: T) => void,
): Promise<T> {
  if (signal?.aborted) {
    return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
  }
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const giveUp = (error: SessionError): void => {
      if (!settle()) return;
      reject(error);
      controller.abort(error);
    };
    const start = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => giveUp(new SessionError("ERR_TIMED_OUT")), timeoutMs);
    };
    const stepTimer: ConnectStepTimer = {
      stop: () => clearTimeout(timer),
      restart: () => settled || start(),
    };
    start();
    const onAbort = (): void => giveUp(new SessionError("ERR_ABORTED", { cause: signal?.reason }));
    signal?.addEventListener("abort", onAbort, { once: true });
    let running: Promise<T>;
    try {
      running = step(controller.signal, stepTimer);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => settle() ? resolve(value) : dispose(value),
      (error: unknown) => {
        if (settle()) reject(error);
      },
    );
  });
}
