/**
 * The pipeline stage that adds the session's identity headers to every request.
 *
 * @module
 */

import type { Middleware } from "../core/middleware.ts";

/** The session values the stage reads on every request (they may change at any time). */
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
 * set them, as Chromium's network stack does.
 *
 * @param identity The session's user agent and languages.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose } from "../core/middleware.ts";
 * import { defaultHeaders } from "./default_headers.ts";
 * const stage = defaultHeaders({ userAgent: () => "demo/1", acceptLanguage: () => "en-US" });
 * const run = compose([stage], (request) =>
 *   Promise.resolve(new Response(request.headers.get("user-agent"))));
 * const context = { id: 1, startTime: 0, resourceType: "other", urlChain: [], body: null };
 * console.log(await (await run(new Request("http://a.test/"), context)).text()); // demo/1
 * ```
 */
export function defaultHeaders(identity: SessionIdentity): Middleware {
  return (next) => (request, context) => {
    const headers = new Headers(request.headers);
    setIfMissing(headers, "user-agent", identity.userAgent());
    setIfMissing(headers, "accept-language", identity.acceptLanguage());
    setIfMissing(headers, "accept-encoding", ACCEPT_ENCODING);
    setIfMissing(headers, "accept", "*/*");
    return next(new Request(request, { headers }), context);
  };
}

function setIfMissing(headers: Headers, name: string, value: string): void {
  if (value !== "" && !headers.has(name)) headers.set(name, value);
}
