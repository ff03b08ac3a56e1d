/**
 * The identity headers every request of a session carries.
 *
 * @module
 */

/** The session values read on every request (they may change at any time). */
export interface SessionIdentity {
  /** The User-Agent to send. */
  userAgent(): string;
  /** The Accept-Language value to send; `""` sends none. */
  acceptLanguage(): string;
}

/** What the transport can decode, so what we advertise. */
const ACCEPT_ENCODING = "gzip, deflate, br";

/**
 * Adds `User-Agent`, `Accept-Language`, `Accept-Encoding` and `Accept` unless the caller
 * set them, as Chromium's network stack does. Applied once per request, before redirects:
 * the hops inherit them, as in Chromium.
 *
 * @param headers The request's own headers, changed in place.
 * @param identity The session's user agent and languages.
 *
 * @example
 * ```ts
 * import { applyDefaultHeaders } from "./default_headers.ts";
 * const headers = new Headers({ accept: "text/html" });
 * applyDefaultHeaders(headers, { userAgent: () => "demo/1", acceptLanguage: () => "en-US" });
 * console.log(headers.get("user-agent"), headers.get("accept")); // demo/1 text/html
 * ```
 */
export function applyDefaultHeaders(headers: Headers, identity: SessionIdentity): void {
  setIfMissing(headers, "user-agent", identity.userAgent());
  setIfMissing(headers, "accept-language", identity.acceptLanguage());
  setIfMissing(headers, "accept-encoding", ACCEPT_ENCODING);
  setIfMissing(headers, "accept", "*/*");
}

function setIfMissing(headers: Headers, name: string, value: string): void {
  if (value !== "" && !headers.has(name)) headers.set(name, value);
}
