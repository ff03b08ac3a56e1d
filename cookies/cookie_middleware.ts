/**
 * The pipeline stage that sends and stores cookies on every hop.
 *
 * @module
 */

import type { CookieInclusionListener, CookieJarLike } from "../core/cookie_jar_like.ts";
import type { Middleware, RequestContext } from "../core/middleware.ts";

type DefaultHeaders = RequestContext["defaultHeaders"];

// The defaults a context had before this stage added its Cookie, so that the next hop of the
// same request replaces the previous hop's Cookie instead of keeping it. Kept on the context
// under a symbol of this module: a WeakMap by context cost more than the rest of the stage in
// Bun, where every request asked it.
const BASE = Symbol("defaults before the Cookie");
type CookieContext = RequestContext & { [BASE]?: DefaultHeaders };

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
    if (header !== undefined || BASE in context) attach(context as CookieContext, header);
    return next(request, context).then((response) => {
      // One call: asking `has` first costs as much again in Bun.
      const lines = response.headers.getSetCookie();
      if (lines.length > 0) jar.storeSetCookies(request, lines, onInclusion);
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

function attach(context: CookieContext, header: string | undefined): void {
  let base: DefaultHeaders;
  if (BASE in context) base = context[BASE];
  else context[BASE] = base = context.defaultHeaders;
  if (header === undefined) {
    context.defaultHeaders = base;
    return;
  }
  const list = base === undefined ? [] : base.slice();
  list.push(["cookie", header]);
  context.defaultHeaders = list;
}
