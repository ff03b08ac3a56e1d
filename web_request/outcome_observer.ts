/**
 * `webRequest.onCompleted` and `onErrorOccurred`, as an observer of how requests end.
 *
 * @module
 */

import type { RequestContext } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { tell } from "./_ask.ts";
import { headBefore } from "./_failed_head.ts";
import {
  type CompletedDetails,
  type ErrorDetails,
  errorDetails,
  responseDetails,
} from "./details.ts";
import type { WebRequest } from "./web_request.ts";

/** The shape `observeOutcome` (net/) takes. */
export interface OutcomeObserver {
  /** Whether a listener wants outcomes. */
  readonly active: boolean;
  /**
   * The request completed: its body arrived whole (told at once, as Chromium's URLLoader
   * completes once the body is in the data pipe) or a streamed one was read to its end.
   */
  onCompleted(request: Request, response: Response, context: RequestContext): void;
  /**
   * The request failed; `response` is the final response when its body is what failed.
   */
  onError(request: Request, error: unknown, context: RequestContext, response?: Response): void;
}

/**
 * Makes the observer. Listeners are told after the fact, so one that throws is only reported.
 * When `onCompleted` comes is net's `observeOutcome`'s rule, Chromium's: a body the network
 * already holds whole completes at once (services/network/url_loader.cc calls `OnComplete`
 * once the body is in the data pipe; Electron's shell/browser/net/proxying_url_loader_factory.cc
 * tells `onCompleted` from there), a streamed body when it has been read to its end.
 * The error string is the `SessionError`'s (`net::ERR_…`); a caller's abort is
 * `net::ERR_ABORTED`; anything else `net::ERR_FAILED`.
 *
 * @param webRequest The session's hooks.
 * @returns The observer.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { SessionError } from "../core/session_error.ts";
 * import { outcomeObserver } from "./outcome_observer.ts";
 * import { WebRequest } from "./web_request.ts";
 * const webRequest = new WebRequest();
 * webRequest.onErrorOccurred((details) => console.log(details.error)); // net::ERR_TIMED_OUT
 * const observer = outcomeObserver(webRequest);
 * observer.onError(new Request("http://a.test/"), new SessionError("ERR_TIMED_OUT"), requestContext());
 * ```
 */
export function outcomeObserver(webRequest: WebRequest): OutcomeObserver {
  return {
    get active() {
      return webRequest.has("onCompleted") || webRequest.has("onErrorOccurred");
    },
    onCompleted(request, response, context) {
      const url = response.url || (context.urlChain.at(-1) ?? request.url);
      const listener = webRequest.listenerFor("onCompleted", url, context.resourceType);
      if (listener === undefined) return;
      const details = responseDetails(request, response, context, url) as CompletedDetails;
      details.error = "net::OK";
      tell("onCompleted", listener, details);
    },
    onError(request, failure, context, failedBody) {
      // A body that failed, or a stage that failed the request after its head.
      const response = failedBody ?? headBefore(failure);
      const url = (response?.url || context.urlChain.at(-1)) ?? request.url;
      const listener = webRequest.listenerFor("onErrorOccurred", url, context.resourceType);
      if (listener === undefined) return;
      const error = errorString(failure);
      // After the head, Electron's details carry it (ToDictionary reads WebRequestInfo's
      // response fields), as onCompleted's do; the error comes last.
      const details: ErrorDetails = response === undefined
        ? errorDetails(url, request, context, error)
        : Object.assign(responseDetails(request, response, context, url), { error });
      tell("onErrorOccurred", listener, details);
    },
  };
}

function errorString(error: unknown): string {
  if (SessionError.is(error)) return error.message;
  if ((error as { name?: unknown } | null)?.name === "AbortError") return "net::ERR_ABORTED";
  return "net::ERR_FAILED";
}
