/**
 * Ends a wait on something the caller does not control (a webRequest listener's answer, a
 * protocol handler's response) when the request's signal aborts.
 *
 * @module
 */

import { SessionError } from "./session_error.ts";

/**
 * Settles as `pending` does, or rejects with `net::ERR_ABORTED` (the signal's reason as its
 * `cause`) as soon as `signal` aborts, as Chromium cancels a URL request whose listener or
 * handler has not answered yet. A value that arrives after the abort goes to `dropLate`, so
 * that its resources (a response body) can be released.
 *
 * @param pending The answer being waited for.
 * @param signal The request's abort signal; `undefined` when nothing can abort it.
 * @param url The request URL, for the error.
 * @param dropLate Receives a value that came after the abort.
 * @returns The answer, unless the signal aborted first.
 *
 * @example
 * ```ts
 * import { unlessAborted } from "./unless_aborted.ts";
 * const controller = new AbortController();
 * const never = new Promise<string>(() => {});
 * const waiting = unlessAborted(never, controller.signal, "http://a.test/");
 * controller.abort();
 * await waiting.catch((error) => console.log(error.message)); // net::ERR_ABORTED
 * ```
 */
export function unlessAborted<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  url: string,
  dropLate?: (value: T) => void,
): Promise<T> {
  if (signal === undefined) return pending;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const abort = () => {
      if (settled) return;
      settled = true;
      reject(new SessionError("ERR_ABORTED", { cause: signal.reason, url }));
    };
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    pending.then((value) => {
      signal.removeEventListener("abort", abort);
      if (!settled) {
        settled = true;
        resolve(value);
      } else dropLate?.(value);
    }, (error: unknown) => {
      signal.removeEventListener("abort", abort);
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}
