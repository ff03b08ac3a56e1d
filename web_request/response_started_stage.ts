/**
 * The stage of `webRequest.onResponseStarted`: the final response of a redirect chain.
 *
 * @module
 */

import type { Middleware } from "../core/middleware.ts";
import { tell } from "./_ask.ts";
import { baseDetails, responseFields } from "./details.ts";
import type { WebRequest } from "./web_request.ts";

/**
 * Makes the stage. Place it just outside `followRedirects()`, so it sees only the response the
 * caller gets (redirects go to `onBeforeRedirect` instead). A listener that throws fails the
 * request with `net::ERR_FAILED` and the body is cancelled.
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
 * webRequest.onResponseStarted((details) => console.log(details.statusCode)); // 200
 * const run = compose([responseStartedStage(webRequest)], () => Promise.resolve(new Response("x")));
 * await run(new Request("http://a.test/"), requestContext());
 * ```
 */
export function responseStartedStage(webRequest: WebRequest): Middleware {
  return (next) => (request, context) => {
    if (!webRequest.has("onResponseStarted")) return next(request, context);
    return next(request, context).then((response) => {
      const url = response.url || request.url;
      const listener = webRequest.listenerFor("onResponseStarted", url, context.resourceType);
      if (listener === undefined) return response;
      try {
        tell("onResponseStarted", listener, {
          ...baseDetails(url, request, context),
          ...responseFields(response),
        }, url);
      } catch (error) {
        response.body?.cancel().catch(() => {});
        throw error;
      }
      return response;
    });
  };
}
