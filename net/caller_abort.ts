/**
 * The one rule for a caller's abort: whenever the caller's signal aborts — before the request
 * starts, while waiting for the response head, or while the body is read — `ses.fetch`
 * rejects, and the body stream errors, with `signal.reason`, as WHATWG fetch and Electron's
 * `net.fetch` do. Aborts that are not the caller's (`closeAllConnections`) keep
 * `net::ERR_ABORTED`.
 *
 * @module
 */

import { mapStreamErrors } from "../core/map_stream_errors.ts";
import { responseWithBody } from "../core/response_with_body.ts";

/**
 * Applies the caller-abort rule to a pipeline result.
 *
 * @param pending The pipeline's promise.
 * @param signal The caller's signal.
 * @returns A promise that rejects with `signal.reason` once the signal has aborted, and a
 *   response whose body errors with `signal.reason` when the abort comes during the read.
 *
 * @example
 * ```ts
 * import { withCallerAbort } from "./caller_abort.ts";
 * const controller = new AbortController();
 * const pending = withCallerAbort(
 *   new Promise<Response>((_, reject) =>
 *     controller.signal.addEventListener("abort", () => reject(new Error("socket closed")))
 *   ),
 *   controller.signal,
 * );
 * controller.abort();
 * await pending.catch((error) => console.log(error.name)); // AbortError
 * ```
 */
export function withCallerAbort(
  pending: Promise<Response>,
  signal: AbortSignal,
): Promise<Response> {
  return pending.then(
    (response) => response.body === null ? response : watchBody(response, signal),
    (error: unknown) => Promise.reject(signal.aborted ? signal.reason : error),
  );
}

function watchBody(response: Response, signal: AbortSignal): Response {
  const body = mapStreamErrors(
    response.body as ReadableStream<Uint8Array>,
    (error) => signal.aborted ? signal.reason : error,
  );
  return responseWithBody(response, body);
}
