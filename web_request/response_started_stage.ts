/**
 * The per-hop stage of `webRequest.onResponseStarted`.
 *
 * @module
 */

import type { Middleware, RequestContext } from "../core/middleware.ts";
import { isFollowedRedirect } from "../core/redirect.ts";
import { tell } from "./_ask.ts";
import { hopRequest } from "./_hop.ts";
import { type ResponseDetails, responseDetails } from "./details.ts";
import type { NotifyListener, WebRequest } from "./web_request.ts";

/**
 * Makes the stage. Place it inside `followRedirects()`, above the auth stage: it tells
 * `onResponseStarted` of a hop's final response, not of a 401 or 407 that auth answers (which
 * `onHeadersReceived` saw), nor of a redirect that `followRedirects` will follow (the rule is
 * `followRedirects`'), as Chromium's URLLoader reports a response started only once the job
 * stops restarting for credentials and is not redirected. The URL shown is the hop's, as the
 * header events show it (without credentials the auth stage took off). A listener that throws
 * is reported on `console.error`; the response goes on.
 *
 * @param webRequest The session's hooks.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { responseStartedStage } from "./response_started_stage.ts";
 * import { WebRequest } from "./web_request.ts";
 * const webRequest = new WebRequest();
 * webRequest.onResponseStarted((details) => console.log(details.statusLine)); // HTTP/1.1 200 OK
 * const run = compose([responseStartedStage(webRequest)], () => Promise.resolve(new Response("x")));
 * await run(new Request("http://a.test/"), requestContext());
 * ```
 */
export function responseStartedStage(webRequest: WebRequest): Middleware {
  return (next) => (request, context) => {
    if (webRequest.empty) return next(request, context);
    const started = webRequest.listenerFor("onResponseStarted", request.url, context.resourceType);
    if (started === undefined) return next(request, context);
    return next(request, context).then((response) =>
      tellStarted(started, request, response, context)
    );
  };
}

function tellStarted(
  started: NotifyListener<ResponseDetails>,
  request: Request,
  response: Response,
  context: RequestContext,
): Response {
  if (isFollowedRedirect(request, response)) return response;
  // The URL as requested, as the header events showed it (a URL's userinfo included, as
  // Chromium's URLRequest keeps it).
  const url = request.url;
  // The request as the header events last showed it (an onBeforeSendHeaders answer's Referer).
  const sent = hopRequest(context, url) ?? request;
  tell("onResponseStarted", started, responseDetails(sent, response, context, url));
  return response;
}
