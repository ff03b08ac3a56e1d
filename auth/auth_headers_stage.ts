/**
 * The credentials' own stage, last before the transport: adds the `Authorization` and
 * `Proxy-Authorization` headers the auth stage chose for this send, and takes a URL's
 * userinfo off.
 *
 * @module
 */

import type { Middleware } from "../core/middleware.ts";
import { hasUserinfo, withoutUserinfo } from "../core/userinfo.ts";

/**
 * Builds the stage. It takes `user:pass@` off the request's URL, and adds what
 * `context.authHeaders` holds (set by {@linkcode authMiddleware} while it sends a hop with
 * credentials) to the request, unless the request already has that header: Chromium's HttpNetworkTransaction adds the auth controllers'
 * headers below the network delegate and the HTTP cache, then merges the request's extra
 * headers over them. Without credentials to add the request goes on as it is.
 *
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { authHeadersStage } from "./auth_headers_stage.ts";
 * const run = compose([authHeadersStage()], (request) =>
 *   Promise.resolve(new Response(request.headers.get("authorization"))));
 * const context = requestContext({ authHeaders: { authorization: "Basic dTpw" } });
 * console.log(await (await run(new Request("http://a.test/"), context)).text()); // Basic dTpw
 * ```
 */
export function authHeadersStage(): Middleware {
  return (next) => (request, context) => {
    const added = context.authHeaders;
    const userinfo = hasUserinfo(request.url);
    if (added === undefined && !userinfo) return next(request, context);
    // `user:pass@` stays in the URL every stage above sees, as Chromium's URLRequest keeps it,
    // but never goes to the wire (a forward proxy would get it in the request line).
    if (userinfo) request = new Request(withoutUserinfo(request.url), request);
    if (added === undefined) return next(request, context);
    const { authorization, proxyAuthorization } = added;
    const headers = new Headers(request.headers);
    if (authorization !== undefined && !headers.has("authorization")) {
      headers.set("authorization", authorization);
    }
    if (proxyAuthorization !== undefined && !headers.has("proxy-authorization")) {
      headers.set("proxy-authorization", proxyAuthorization);
    }
    return next(new Request(request, { headers }), context);
  };
}
