/**
 * The pipeline stage that sends and stores cookies on every hop.
 *
 * @module
 */

import type { CookieInclusionListener, CookieJarLike } from "../core/cookie_jar_like.ts";
import type { Middleware, RequestContext } from "../core/middleware.ts";

// The defaults a context had before this stage added its Cookie, so each redirect hop
// replaces the previous hop's Cookie instead of keeping it.
const baseDefaults = new WeakMap<RequestContext, RequestContext["defaultHeaders"]>();

/**
 * Adds the jar's `Cookie` header to each request and stores every `Set-Cookie` line of each
 * response (redirects and error statuses too). Place it inside `followRedirects()` so it runs
 * per hop. The header travels in `context.defaultHeaders`, so a caller's own `Cookie` header
 * wins, as with every default header. `credentials: "omit"` sends and stores nothing.
 * A request for a host without cookies whose response sets none costs one `.then` and no
 * allocation.
 *
 * @param jar The session's jar.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { cookieMiddleware } from "./cookie_middleware.ts";
 * import { CookieJar } from "./cookie_jar.ts";
 * const jar = new CookieJar();
 * const run = compose([cookieMiddleware(jar)], () =>
 *   Promise.resolve(new Response("ok", { headers: { "set-cookie": "id=7" } })));
 * await run(new Request("http://a.test/"), requestContext());
 * console.log(jar.cookieHeader(new Request("http://a.test/"))); // id=7
 * ```
 */
export function cookieMiddleware(jar: CookieJarLike): Middleware {
  return (next) => (request, context) => {
    if (context.credentials === "omit") return next(request, context);
    const onInclusion = context.netLog?.sink.capturing ? logInclusion(context) : undefined;
    const header = jar.cookieHeader(request, onInclusion);
    if (header !== undefined || baseDefaults.has(context)) attach(context, header);
    return next(request, context).then((response) => {
      if (response.headers.has("set-cookie")) {
        jar.storeSetCookies(request, response.headers.getSetCookie(), onInclusion);
      }
      return response;
    });
  };
}

// Chromium's URLRequestHttpJob logs one COOKIE_INCLUSION_STATUS per cookie it sends or leaves
// out, and per Set-Cookie line it stores or refuses, with the status as
// CookieInclusionStatus::GetDebugString writes it (cookie_util.cc
// CookieInclusionStatusNetLogParams: name, domain and path only when not empty; the net log
// strips them unless its capture mode keeps sensitive data).
function logInclusion(context: RequestContext): CookieInclusionListener {
  const { sink, source } = context.netLog!;
  return ({ operation, exclusion, name, domain, path }) => {
    const params: Record<string, unknown> = {
      operation,
      status: `${exclusion ?? "INCLUDE"}, DO_NOT_WARN, NO_EXEMPTION`,
    };
    if (name !== "") params.name = name;
    if (domain !== "") params.domain = domain;
    if (path !== "") params.path = path;
    sink.add({ type: "COOKIE_INCLUSION_STATUS", phase: "PHASE_NONE", source, params });
  };
}

function attach(context: RequestContext, header: string | undefined): void {
  let base = baseDefaults.get(context);
  if (!baseDefaults.has(context)) {
    base = context.defaultHeaders;
    baseDefaults.set(context, base);
  }
  context.defaultHeaders = header === undefined ? base : [...(base ?? []), ["cookie", header]];
}
