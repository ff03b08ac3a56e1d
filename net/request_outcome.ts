/**
 * The pipeline stage that reports how each request ended — completed, or failed with the
 * error — wherever the failure arose: in a hop, in the redirect logic (too many redirects),
 * or in the body after the head (decoding, a reset mid-body). It is the door for webRequest's
 * `onCompleted` and `onErrorOccurred`, which must see errors raised outside the per-hop
 * stages, and for the net log's `REQUEST_ALIVE` end.
 *
 * When a request completes follows Chromium. `network::URLLoader` (services/network/url_loader.cc)
 * calls `OnComplete` once the network has written the whole body into the data pipe, not when
 * the consumer has read it; Electron's `ProxyingURLLoaderFactory::InProgressRequest::OnComplete`
 * (shell/browser/net/proxying_url_loader_factory.cc) then tells `onCompleted`, and the
 * `URLRequest` is destroyed (`REQUEST_ALIVE` ends). A body the transport already holds whole is
 * the analogue of a body that fit in the pipe, so it completes at once; a body that streams in
 * after its head completes when it has been read to its end.
 *
 * @module
 */

import type { Middleware, RequestContext } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { wholeBodyChunks } from "../core/whole_body.ts";
import { responseWithBody } from "../core/response_with_body.ts";

/** Receives the end of each request. */
export interface RequestOutcomeObserver {
  /** Whether anyone listens now; while false the stage adds nothing to the request. */
  readonly active: boolean;
  /**
   * The request completed: at once when the final response has no body or one the network
   * already delivered whole (core/whole_body.ts), as Chromium's URLLoader completes once the
   * body is in the data pipe; else when its body has been read to its end.
   */
  onCompleted(request: Request, response: Response, context: RequestContext): void;
  /**
   * The request failed, before or after its head; a streamed body cancelled by the reader
   * before its end counts as `net::ERR_ABORTED`, as in Chromium. `response` is the final
   * response when its body is what failed (its head had arrived), else `undefined`.
   */
  onError(
    request: Request,
    error: unknown,
    context: RequestContext,
    response?: Response,
  ): void;
  /**
   * A piece of the final response's body was read (the bytes the consumer gets, after
   * decoding): each chunk of a body that arrived whole, just before `onCompleted`, else each
   * chunk as the reader takes it. Optional; the net log's `URL_REQUEST_JOB_FILTERED_BYTES_READ`.
   */
  onBytesRead?(request: Request, chunk: Uint8Array, context: RequestContext): void;
}

/**
 * Makes the stage. Place it outermost (outside redirects and decoding) so that every error
 * of the request reaches it. A final response with no body, or with one that arrived whole
 * and is unread (`wholeBodyChunks`; a stage that replaces the stream, such as decoding, drops
 * that mark), completes at once and is passed on as it is: cancelling that body afterwards
 * reports nothing, since the request is over. Any other body is wrapped in a stream that
 * reports completion when it has been read to its end, its error, or `net::ERR_ABORTED` when
 * the reader cancels it.
 *
 * @param observer Who hears of each outcome.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { observeOutcome } from "./request_outcome.ts";
 * const outcomes: string[] = [];
 * const run = compose([observeOutcome({
 *   active: true,
 *   onCompleted: (request) => outcomes.push(`completed ${request.url}`),
 *   onError: (_request, error) => outcomes.push(`failed ${error}`),
 * })], () => Promise.resolve(new Response("streamed by its maker")));
 * const response = await run(new Request("http://a.test/"), requestContext());
 * console.log(outcomes); // [] — this body is not known to be whole: it completes when read
 * await response.text();
 * console.log(outcomes); // [ "completed http://a.test/" ]
 * ```
 */
export function observeOutcome(observer: RequestOutcomeObserver): Middleware {
  return (next) => (request, context) => {
    if (!observer.active) return next(request, context);
    return next(request, context).then(
      (response) => watch(observer, request, response, context),
      (error: unknown) => {
        observer.onError(request, error, context);
        throw error;
      },
    );
  };
}

function watch(
  observer: RequestOutcomeObserver,
  request: Request,
  response: Response,
  context: RequestContext,
): Response {
  const source = response.body;
  // No body, or one the network has delivered whole: the request is over (see @module).
  const whole = source === null ? [] : wholeBodyChunks(source);
  if (source === null || whole !== undefined) {
    if (observer.onBytesRead) {
      for (const chunk of whole!) observer.onBytesRead(request, chunk, context);
    }
    observer.onCompleted(request, response, context);
    return response;
  }
  // A body still arriving (streamed, decoded, a handler's or the cache's) is watched through
  // a stream of our own.
  const reader = source.getReader();
  // No buffering (high-water mark 0): nothing is pulled before the reader asks, so `watched`
  // below exists by the first pull.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        observer.onError(request, error, context, response);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        controller.close();
        observer.onCompleted(request, watched, context);
      } else {
        observer.onBytesRead?.(request, chunk.value, context);
        controller.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      const aborted = new SessionError("ERR_ABORTED", { cause: reason });
      observer.onError(request, aborted, context, response);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const watched = responseWithBody(response, body);
  return watched;
}
