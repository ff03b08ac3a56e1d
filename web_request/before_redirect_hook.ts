/**
 * The hook `followRedirects` calls for each redirect: `webRequest.onBeforeRedirect`.
 *
 * @module
 */

import type { RequestContext } from "../core/middleware.ts";
import { tell } from "./_ask.ts";
import { type RedirectDetails, responseDetails } from "./details.ts";
import type { WebRequest } from "./web_request.ts";

/** A redirect about to be followed (the shape `followRedirects`' `onRedirect` receives). */
export interface RedirectInfo {
  /** The hop's request. */
  readonly request: Request;
  /** Its 3xx response. */
  readonly response: Response;
  /** Where the redirect leads. */
  readonly redirectUrl: URL;
}

/**
 * Makes the redirect hook: tells the matching `onBeforeRedirect` listener, with the redirect
 * response's status line, headers, `ip` and `redirectURL`.
 *
 * @param webRequest The session's hooks.
 * @returns The hook; a listener that throws is reported, and the redirect is followed.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { beforeRedirectHook } from "./before_redirect_hook.ts";
 * import { WebRequest } from "./web_request.ts";
 * const webRequest = new WebRequest();
 * webRequest.onBeforeRedirect((details) => console.log(details.statusCode, details.redirectURL));
 * const hook = beforeRedirectHook(webRequest);
 * hook({
 *   request: new Request("http://a.test/old"),
 *   response: new Response(null, { status: 301, headers: { location: "/new" } }),
 *   redirectUrl: new URL("http://a.test/new"),
 * }, requestContext()); // 301 http://a.test/new
 * ```
 */
export function beforeRedirectHook(
  webRequest: WebRequest,
): (redirect: RedirectInfo, context: RequestContext) => void {
  return ({ request, response, redirectUrl }, context) => {
    if (webRequest.empty) return;
    const listener = webRequest.listenerFor("onBeforeRedirect", request.url, context.resourceType);
    if (listener === undefined) return;
    const details = responseDetails(request, response, context) as RedirectDetails;
    details.redirectURL = redirectUrl.href;
    tell("onBeforeRedirect", listener, details);
  };
}
