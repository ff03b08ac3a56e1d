/**
 * The pipeline stage that reports how each request ended — completed, or failed with the
 * error — wherever the failure arose: in a hop, in the redirect logic (too many redirects),
 * or in the body after the head (decoding, a reset mid-body). It is the door for webRequest's
 * `onCompleted` and `onErrorOccurred`, which must see errors raised outside the per-hop
 * stages.
 *
 * @module
 */

import { type BodyEndListener, watchBodyEnd } from "../core/body_end.ts";
import type { Middleware, RequestContext } from "../core/middleware.ts";
import { SessionError } from "../core/session_error.ts";
import { responseWithBody } from "./response_with_body.ts";

/** Receives the end of each request. */
export interface RequestOutcomeObserver {
  /** Whether anyone listens now; while false the stage adds nothing to the request. */
  readonly active: boolean;
  /** The response's body was read to its end (or it had none). */
  onCompleted(request: Request, response: Response, context: RequestContext): void;
  /**
   * The request failed, before or after its head; a body cancelled by the reader counts as
   * `net::ERR_ABORTED`, as in Chromium.
   */
  onError(request: Request, error: unknown, context: RequestContext): void;
}

/**
 * Makes the stage. Place it outermost (outside redirects and decoding) so that every error
 * of the request reaches it. While active it sets `context.watchBodyEnd`, so that a body that
 * arrives whole can tell its end (core/body_end.ts) and is passed on as it is; any other body
 * is wrapped in a stream that watches it.
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
 * })], () => Promise.resolve(new Response("body")));
 * await (await run(new Request("http://a.test/"), requestContext())).text();
 * console.log(outcomes); // [ "completed http://a.test/" ]
 * ```
 */
export function observeOutcome(observer: RequestOutcomeObserver): Middleware {
  return (next) => (request, context) => {
    if (!observer.active) return next(request, context);
    context.watchBodyEnd = true;
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
  if (source === null) {
    observer.onCompleted(request, response, context);
    return response;
  }
  if (watchBodyEnd(source, new OutcomeOfBody(observer, request, response, context))) {
    return response;
  }
  // A body whose maker cannot tell its end (streamed, decoded, a stage's own) is watched
  // through a stream of our own.
  const reader = source.getReader();
  // No buffering (high-water mark 0): nothing is pulled before the reader asks, so `watched`
  // below exists by the first pull.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        observer.onError(request, error, context);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        controller.close();
        observer.onCompleted(request, watched, context);
      } else {
        controller.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      observer.onError(request, new SessionError("ERR_ABORTED", { cause: reason }), context);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const watched = responseWithBody(response, body);
  return watched;
}

// One object per watched body rather than two closures and their record.
class OutcomeOfBody implements BodyEndListener {
  readonly #observer: RequestOutcomeObserver;
  readonly #request: Request;
  readonly #response: Response;
  readonly #context: RequestContext;

  constructor(
    observer: RequestOutcomeObserver,
    request: Request,
    response: Response,
    context: RequestContext,
  ) {
    this.#observer = observer;
    this.#request = request;
    this.#response = response;
    this.#context = context;
  }

  onEnd(): void {
    this.#observer.onCompleted(this.#request, this.#response, this.#context);
  }

  onError(error: unknown, cancelled: boolean): void {
    const reason = cancelled ? new SessionError("ERR_ABORTED", { cause: error }) : error;
    this.#observer.onError(this.#request, reason, this.#context);
  }
}
