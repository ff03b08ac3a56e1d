/**
 * What makes a response a redirect that fetch follows: one rule for the redirect stage, the
 * stages that must tell a followed hop from a final response, and downloads.
 *
 * @module
 */

import { rawHeaderValues } from "./raw_header_values.ts";
import { objectSlot } from "./object_slot.ts";
import { responseInfo, setResponseInfo } from "./response_info.ts";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Whether a status is one of the fetch standard's redirect statuses.
 *
 * @param status The HTTP status code.
 * @returns `true` for 301, 302, 303, 307 and 308.
 *
 * @example
 * ```ts
 * import { isRedirectStatus } from "./redirect.ts";
 * console.log(isRedirectStatus(308), isRedirectStatus(300)); // true false
 * ```
 */
export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * A redirect's target as Chromium's `HttpResponseHeaders::IsRedirect` reads it: the first
 * non-empty `Location` value, `""` when there is none (an empty Location is no redirect). Equal
 * repeated lines reach `Headers` joined with ", ", so the received lines decide when they are
 * exactly what the headers hold.
 *
 * @param response The response.
 * @returns The Location value, unresolved, or `""`.
 *
 * @example
 * ```ts
 * import { redirectLocation } from "./redirect.ts";
 * console.log(redirectLocation(new Response(null, { status: 302, headers: { location: "/b" } }))); // /b
 * ```
 */
export function redirectLocation(response: Response): string {
  const value = response.headers.get("location") ?? "";
  const lines = responseInfo(response)?.rawHeaders;
  if (lines === undefined || !value.includes(",")) return value;
  const values = rawHeaderValues(lines, "location");
  if (values.length < 2 || values.join(", ") !== value) return value;
  return values.find((each) => each !== "") ?? "";
}

/**
 * Whether the redirect stage follows `response` to `request`: a redirect status with a
 * Location, and a request whose redirect mode is not `manual` (`error` counts: the stage
 * refuses it), or an internal redirect (followed in every mode).
 *
 * @param request The request the response answers.
 * @param response The response.
 * @returns Whether it is a hop the stage takes (or refuses), not a final response.
 *
 * @example
 * ```ts
 * import { isFollowedRedirect } from "./redirect.ts";
 * const moved = new Response(null, { status: 301, headers: { location: "/b" } });
 * console.log(isFollowedRedirect(new Request("http://a.test/"), moved)); // true
 * ```
 */
export function isFollowedRedirect(request: Request, response: Response): boolean {
  return isRedirectStatus(response.status) &&
    (request.redirect !== "manual" || isInternalRedirect(response)) &&
    redirectLocation(response) !== "";
}

// A slot, not a WeakMap: see object_slot.ts.
const internal = objectSlot<Response, true>("internal redirect");

/**
 * Marks a redirect the network stack made itself (Chromium's `URLRequestRedirectJob`: the
 * HSTS upgrade's `307 Internal Redirect`): followed whatever the request's redirect mode, as
 * no server asked for it.
 *
 * @param response The synthetic redirect.
 * @returns The same response.
 *
 * @example
 * ```ts
 * import { isFollowedRedirect, markInternalRedirect } from "./redirect.ts";
 * const upgrade = markInternalRedirect(
 *   new Response(null, { status: 307, headers: { location: "https://a.test/" } }),
 * );
 * console.log(isFollowedRedirect(new Request("http://a.test/", { redirect: "manual" }), upgrade)); // true
 * ```
 */
export function markInternalRedirect(response: Response): Response {
  internal.set(response, true);
  return response;
}

/**
 * Whether the network stack made this redirect itself (see {@linkcode markInternalRedirect}).
 *
 * @param response A response.
 * @returns `true` for an internal redirect.
 *
 * @example
 * ```ts
 * import { isInternalRedirect } from "./redirect.ts";
 * console.log(isInternalRedirect(new Response(null, { status: 307 }))); // false
 * ```
 */
export function isInternalRedirect(response: Response): boolean {
  return internal.get(response) === true;
}

/**
 * The `307 Internal Redirect` the network stack answers with in place of a server, as Chromium's
 * `RedirectUtil::SynthesizeRedirectResponse` builds it for a webRequest redirect and an HSTS
 * upgrade: `Location`, `Cross-Origin-Resource-Policy: Cross-Origin` and
 * `Non-Authoritative-Reason` naming who made it, with a response record of no peer.
 *
 * @param location The absolute URL to go to.
 * @param reason Chromium's reason: `WebRequest API`, `HSTS`.
 * @returns The response, no body.
 *
 * @example
 * ```ts
 * import { synthesizeRedirectResponse } from "./redirect.ts";
 * const response = synthesizeRedirectResponse("https://a.test/", "HSTS");
 * console.log(response.status, response.statusText, response.headers.get("non-authoritative-reason"));
 * // 307 Internal Redirect HSTS
 * ```
 */
export function synthesizeRedirectResponse(location: string, reason: string): Response {
  const rawHeaders: Array<[string, string]> = [
    ["Location", location],
    ["Cross-Origin-Resource-Policy", "Cross-Origin"],
    ["Non-Authoritative-Reason", reason],
  ];
  const response = new Response(null, {
    status: 307,
    statusText: "Internal Redirect",
    headers: rawHeaders,
  });
  setResponseInfo(response, {
    httpVersion: "1.1",
    statusLine: "HTTP/1.1 307 Internal Redirect",
    rawHeaders,
    remoteAddress: "",
    remotePort: 0,
    proxy: { scheme: "direct" },
    connectionReused: false,
    fromCache: false,
  });
  return response;
}
