/**
 * The per-hop stage of `webRequest.onBeforeRequest`: cancel, redirect or go on.
 *
 * @module
 */

import type { Middleware, RequestContext } from "../core/middleware.ts";
import { synthesizeRedirectResponse } from "../core/redirect.ts";
import { SessionError } from "../core/session_error.ts";
import { unlessAborted } from "../core/unless_aborted.ts";
import { answerFailure, ask } from "./_ask.ts";
import { cancelUpload } from "./_cancel_upload.ts";
import { baseDetails, type BeforeRequestResponse } from "./details.ts";
import type { WebRequest } from "./web_request.ts";

/**
 * Makes the stage. Place it inside `followRedirects()`, first of the per-hop stages, so every
 * hop is asked. `{cancel: true}` fails the request with `net::ERR_BLOCKED_BY_CLIENT` (a
 * streamed upload is cancelled); `{redirectURL}` answers with Chromium's internal redirect
 * (`HTTP/1.1 307 Internal Redirect`, `Non-Authoritative-Reason: WebRequest API`), which
 * `followRedirects` follows and `onBeforeRedirect` sees. Without a matching listener the
 * request goes on at once.
 *
 * @param webRequest The session's hooks.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { beforeRequestStage } from "./before_request_stage.ts";
 * import { WebRequest } from "./web_request.ts";
 * const webRequest = new WebRequest();
 * webRequest.onBeforeRequest((_details, callback) => callback({ redirectURL: "http://b.test/" }));
 * const run = compose([beforeRequestStage(webRequest)], () => Promise.resolve(new Response("x")));
 * const response = await run(new Request("http://a.test/"), requestContext());
 * console.log(response.status, response.headers.get("location")); // 307 http://b.test/
 * ```
 */
export function beforeRequestStage(webRequest: WebRequest): Middleware {
  return (next) => (request, context) => {
    if (webRequest.empty) return next(request, context);
    const listener = webRequest.listenerFor("onBeforeRequest", request.url, context.resourceType);
    if (listener === undefined) return next(request, context);
    try {
      const details = baseDetails(request.url, request, context);
      const answer = ask("onBeforeRequest", listener, details, request.url);
      if (answer instanceof Promise) {
        return unlessAborted(answer, context.signal, request.url).then(
          (late) => decide(late, request, context, next),
          (error: unknown) => {
            cancelUpload(context, error);
            throw error;
          },
        );
      }
      return decide(answer, request, context, next);
    } catch (error) {
      cancelUpload(context, error);
      return Promise.reject(error);
    }
  };
}

function decide(
  answer: BeforeRequestResponse | undefined,
  request: Request,
  context: RequestContext,
  next: (request: Request, context: RequestContext) => Promise<Response>,
): Promise<Response> {
  let cancel: unknown;
  let redirectURL: unknown;
  try {
    cancel = answer?.cancel;
    redirectURL = answer?.redirectURL;
  } catch (error) {
    // An answer whose getter or Proxy trap throws: as a listener that throws.
    const failure = answerFailure("onBeforeRequest", error, request.url);
    cancelUpload(context, failure);
    return Promise.reject(failure);
  }
  // Electron reads `cancel` with gin's bool conversion (V8 BooleanValue): any truthy value cancels.
  if (cancel) {
    const error = new SessionError("ERR_BLOCKED_BY_CLIENT", { url: request.url });
    if (context.netLog?.sink.capturing) {
      // As Chromium's network delegate step ends when an extension cancels the request.
      const { sink, source } = context.netLog;
      const type = "NETWORK_DELEGATE_BEFORE_URL_REQUEST";
      sink.add({ type, phase: "PHASE_BEGIN", source });
      sink.add({ type, phase: "PHASE_END", source, params: { net_error: error.errno } });
    }
    cancelUpload(context, error);
    return Promise.reject(error);
  }
  // Electron reads redirectURL as a GURL, never relative to the request: a string without a
  // colon has no scheme, so its spec is empty and the request goes on (url_parse.cc
  // ExtractScheme); one with a scheme that is no URL fails.
  if (
    typeof redirectURL === "string" && redirectURL.includes(":") && redirectURL !== request.url
  ) {
    let target: URL;
    try {
      target = new URL(redirectURL);
    } catch (cause) {
      return Promise.reject(new SessionError("ERR_INVALID_REDIRECT", { cause, url: request.url }));
    }
    return Promise.resolve(synthesizeRedirectResponse(target.href, "WebRequest API"));
  }
  return next(request, context);
}
