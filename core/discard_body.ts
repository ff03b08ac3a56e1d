/**
 * Reading off the body of a response that is being left behind (a redirect, an auth challenge),
 * so that its keep-alive connection can serve the retry.
 *
 * @module
 */

/** Read at most this much of a body being left; cancel beyond it (the socket is then closed). */
export const DISCARD_LIMIT = 64 * 1024;

/**
 * Reads and drops a response's body: up to {@linkcode DISCARD_LIMIT} bytes, so that the
 * connection can be reused, and cancels it beyond that. Errors of the body are swallowed: the
 * caller is moving on from this response.
 *
 * @param response The response being left.
 * @returns Resolves once the body is read or cancelled.
 *
 * @example
 * ```ts
 * import { discardBody } from "./discard_body.ts";
 * const response = new Response("moved");
 * await discardBody(response);
 * console.log(response.bodyUsed); // true
 * ```
 */
export async function discardBody(response: Response): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (let read = 0; read <= DISCARD_LIMIT;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.length;
    }
    await reader.cancel();
  } catch {
    // This body failing does not matter: the request goes on without it.
  }
}
