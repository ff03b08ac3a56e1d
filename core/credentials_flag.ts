/**
 * Whether a request sends and accepts credentials (cookies, HTTP auth) on its current hop, as
 * Chromium's CorsURLLoader decides it (CalculateCredentialsFlag).
 *
 * @module
 */

import type { RequestContext } from "./middleware.ts";

/**
 * `include` sends credentials; `omit` never does; `same-origin` (the fetch default) does
 * without an initiator (Electron's net.fetch without an `Origin` makes it include) and, with
 * one, only while every URL of the request is of the initiator's origin: a `ses.fetch` request
 * is no-cors, so a URL of another origin, or a redirect through one, taints the response opaque
 * and same-origin becomes omit. An opaque initiator (`"null"`) is same-origin with nothing.
 *
 * @param context The hop's `credentials`, `initiator` and URL chain so far.
 * @returns Whether cookies and authentication go with this hop.
 *
 * @example
 * ```ts
 * import { sendsCredentials } from "./credentials_flag.ts";
 * const urlChain = ["https://a.test/x"];
 * console.log(sendsCredentials({ credentials: "same-origin", urlChain })); // true
 * console.log(sendsCredentials({ credentials: "same-origin", urlChain, initiator: "https://b.test" })); // false
 * ```
 */
export function sendsCredentials(
  context: Pick<RequestContext, "credentials" | "initiator" | "urlChain">,
): boolean {
  const { credentials, initiator } = context;
  if (credentials === "omit") return false;
  if (credentials === "include" || initiator === undefined) return true;
  if (initiator === "null") return false;
  for (const url of context.urlChain) {
    if (new URL(url).origin !== initiator) return false;
  }
  return true;
}
