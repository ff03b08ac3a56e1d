/**
 * The pipeline stage that follows HTTP redirects by the fetch standard's rules and
 * Chromium's limits.
 *
 * @module
 */

import type { FetchLike, Middleware, RequestContext } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { setResponseUrlChain } from "../core/url_chain.ts";
import { isFollowedRedirect, isInternalRedirect, redirectLocation } from "../core/redirect.ts";
import { setResponseUrl } from "../core/response_url.ts";
import { withoutUserinfo } from "../core/userinfo.ts";
import { discardBody } from "../core/discard_body.ts";
import { defaultsForHop } from "./default_headers.ts";

/** Chromium's limit (`kMaxRedirects`). */
const MAX_REDIRECTS = 20;

/** Headers that describe a body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
];

/** A redirect about to be followed, as webRequest's `onBeforeRedirect` reports it. */
export interface RedirectEvent {
  /** The request that got the redirect. */
  readonly request: Request;
  /** The 3xx response (its body is already drained); `responseInfo()` has its raw facts. */
  readonly response: Response;
  /** The URL the redirect leads to. */
  readonly redirectUrl: URL;
}

/** Hooks for {@linkcode followRedirects}. */
export interface FollowRedirectsOptions {
  /**
   * Called for each redirect just before the next hop is requested (webRequest's
   * `onBeforeRedirect`). It may throw to fail the request with that error.
   */
  onRedirect?: (redirect: RedirectEvent, context: RequestContext) => void;
  /**
   * Whether a redirect may lead to this URL's scheme; default `http:` and `https:` only.
   * Protocol handlers and `file:` widen it. A refused scheme fails with
   * `net::ERR_UNSAFE_REDIRECT`, as Chromium's `URLRequestJob::IsSafeRedirect`.
   */
  isSchemeAllowed?: (url: URL) => boolean;
}

/**
 * Follows redirects according to `request.redirect`: `follow` (at most 20, then
 * `net::ERR_TOO_MANY_REDIRECTS`), `manual` (the 3xx response is returned) or `error` (a
 * TypeError, as in the runtime's fetch). Every stage inside this one runs once per hop, and
 * each hop starts with the context's `defaultHeaders` as the request entered, so a stage that
 * merged them into its request (and emptied them) on one hop gets them again on the next. The
 * next hop's headers are the hop's request's, or the context's `answeredHeaders` when a stage
 * replaced them, less what a redirect drops (net's RedirectUtil::UpdateHttpRequest and the
 * fetch standard): the body headers and `Origin` when the method becomes GET, `Authorization`
 * on a cross-origin hop, where an `Origin` becomes `null`.
 *
 * @param options Hooks for webRequest and protocol handlers.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { followRedirects } from "./follow_redirects.ts";
 * const run = compose([followRedirects()], (request) =>
 *   Promise.resolve(
 *     request.url.endsWith("/old")
 *       ? new Response(null, { status: 301, headers: { location: "/new" } })
 *       : new Response("new"),
 *   ));
 * const context = requestContext();
 * const response = await run(new Request("http://a.test/old"), context);
 * console.log(response.url, await response.text()); // http://a.test/new new
 * ```
 */
export function followRedirects(options: FollowRedirectsOptions = {}): Middleware {
  const { onRedirect, isSchemeAllowed = isHttpScheme } = options;
  return (next) => (request, context) => {
    const defaults = context.defaultHeaders;
    return next(request, context).then((response) => {
      // Without a hop a label set by an inner step stands; relabelling costs the hot path.
      if (!isFollowedRedirect(request, response)) {
        if (response.url === "") setResponseUrl(response, shownUrl(request.url), false);
        return response;
      }
      return follow(next, request, context, response, { defaults, onRedirect, isSchemeAllowed });
    });
  };
}

interface HopRules {
  defaults: RequestContext["defaultHeaders"];
  onRedirect: FollowRedirectsOptions["onRedirect"];
  isSchemeAllowed: (url: URL) => boolean;
}

function isHttpScheme(url: URL): boolean {
  return url.protocol === "http:" || url.protocol === "https:";
}

// The hops after a first redirect response, off the hot path.
async function follow(
  next: FetchLike,
  request: Request,
  context: RequestContext,
  redirect: Response,
  rules: HopRules,
): Promise<Response> {
  let current = request;
  let response = redirect;
  for (let hops = 0; isFollowedRedirect(request, response); hops++) {
    await discardBody(response);
    if (request.redirect === "error" && !isInternalRedirect(response)) {
      throw new TypeError(`Redirect from "${current.url}" refused: redirect mode is "error"`);
    }
    if (hops >= MAX_REDIRECTS) {
      throw new SessionError("ERR_TOO_MANY_REDIRECTS", { url: current.url });
    }
    const target = redirectTarget(current, redirectLocation(response), rules);
    rules.onRedirect?.({ request: current, response, redirectUrl: target }, context);
    current = nextHop(current, response, target, context);
    if (context.answeredHeaders !== undefined) context.answeredHeaders = undefined;
    context.defaultHeaders = rules.defaults && defaultsForHop(rules.defaults, current.url);
    response = await next(current, context);
  }
  setResponseUrl(response, shownUrl(current.url), true);
  setResponseUrlChain(response, context.urlChain.map(shownUrl));
  return response;
}

/**
 * The URL as `response.url` shows it. A relative redirect from `http://user:pass@host/` keeps
 * the user info (URL resolution does, and the auth stage uses it on the next hop, as
 * Chromium's), but it is never shown.
 */
function shownUrl(href: string): string {
  return withoutUserinfo(href);
}

function redirectTarget(current: Request, location: string, rules: HopRules): URL {
  let target: URL;
  try {
    target = new URL(location, current.url);
  } catch (error) {
    throw new SessionError("ERR_INVALID_REDIRECT", { cause: error, url: current.url });
  }
  if (!rules.isSchemeAllowed(target)) {
    throw new SessionError("ERR_UNSAFE_REDIRECT", { url: target.href });
  }
  return target;
}

function nextHop(
  current: Request,
  response: Response,
  target: URL,
  context: RequestContext,
): Request {
  const status = response.status;
  // A webRequest answer on this hop changed the request's own headers: the next hop starts
  // from them, spelled as answered (see RequestContext.answeredHeaders).
  const answered = context.answeredHeaders;
  const headers = new Headers(answered ?? current.headers);
  if (answered !== undefined) context.headersInit = answered;
  let method = current.method;
  // 303 turns anything but HEAD into GET; 301/302 turn POST into GET (what browsers do).
  if (
    (status === 303 && method !== "HEAD") ||
    ((status === 301 || status === 302) && method === "POST")
  ) {
    method = "GET";
    context.body = null;
    for (const name of BODY_HEADERS) headers.delete(name);
    // Origin goes with anything but GET and HEAD, so a method change drops it
    // (RedirectUtil::UpdateHttpRequest).
    headers.delete("origin");
  } else if (context.body instanceof ReadableStream && !isInternalRedirect(response)) {
    // A streamed upload has been consumed by the first hop and cannot be sent again (an
    // internal redirect, made before anything was sent, has read none of it).
    throw new SessionError("ERR_UPLOAD_STREAM_REWIND_NOT_SUPPORTED", { url: target.href });
  }
  // A URL of a non-special scheme (a custom protocol's app://h/a) has an opaque origin, which
  // is same-origin with nothing, not even the same URL (url::IsSameOriginWith).
  const from = new URL(current.url).origin;
  if (from === "null" || target.origin !== from) {
    headers.delete("authorization");
    // A cross-origin hop must not carry the first origin's Origin, or a POST could be bounced
    // back to it as if that origin sent it (RedirectUtil::UpdateHttpRequest, the fetch
    // standard's HTTP-redirect fetch).
    if (headers.has("origin")) headers.set("origin", "null");
  }
  context.urlChain.push(target.href);
  return new Request(target, {
    method,
    headers,
    signal: current.signal,
    redirect: current.redirect,
  });
}
