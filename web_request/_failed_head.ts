/**
 * The response head a request failed after, for `onErrorOccurred`. Electron's
 * ProxyingURLLoaderFactory records a head in the request's `WebRequestInfo` before it asks
 * `onHeadersReceived`, so an error after it (a cancel there, a listener that throws, an abort
 * while a listener has not answered) is reported with that head's `ip`, `fromCache`,
 * `statusLine`, `statusCode` and `responseHeaders`. The stage that fails a request after its
 * head marks the error with the response here; the outcome observer reads it.
 *
 * @module
 */

const heads = new WeakMap<object, Response>();

/**
 * Marks an error as having come after `response`'s head (the first mark stands: the hop that
 * failed first).
 *
 * @param error The error the request fails with.
 * @param response The response whose head had arrived.
 * @returns `error`, to be thrown.
 */
export function afterHead(error: unknown, response: Response): unknown {
  if (typeof error === "object" && error !== null && !heads.has(error)) {
    heads.set(error, response);
  }
  return error;
}

/**
 * The response whose head a failure came after.
 *
 * @param error The failure.
 * @returns The response, or `undefined` when the request failed before any head.
 */
export function headBefore(error: unknown): Response | undefined {
  return typeof error === "object" && error !== null ? heads.get(error) : undefined;
}
