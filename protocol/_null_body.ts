/**
 * Fetch's null body statuses: a response with one of them has no body, whatever a handler
 * gave (the `Response` constructor refuses one), as the network's responses reach fetch.
 *
 * @module
 */

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Tells whether a status is one of fetch's null body statuses (101, 103, 204, 205, 304).
 *
 * @param status The status code.
 * @returns Whether its response has no body.
 */
export function isNullBodyStatus(status: number): boolean {
  return NULL_BODY_STATUSES.has(status);
}

/**
 * The body a handler's answer goes with: `null` for a null body status, a stream given then
 * being cancelled so that its source is let go.
 *
 * @param body The body the handler gave.
 * @param status The answer's status.
 * @returns The body to send.
 */
export function bodyForStatus<T extends BodyInit | null>(body: T, status: number): T | null {
  if (body === null || !isNullBodyStatus(status)) return body;
  if (body instanceof ReadableStream) body.cancel().catch(() => {});
  return null;
}
