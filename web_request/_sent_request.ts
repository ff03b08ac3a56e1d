/**
 * The request a hop was last sent as, from the header events' stage (after an
 * `onBeforeSendHeaders` answer, the new one) to `onResponseStarted`'s stage above it, which
 * sees only the request as it came in.
 *
 * @module
 */

import type { RequestContext } from "../core/middleware.ts";

const SENT = Symbol("webRequest sent request");

type SentContext = RequestContext & { [SENT]?: Request };

/** Notes the request a hop goes on as. */
export function noteSentRequest(context: RequestContext, request: Request): void {
  (context as SentContext)[SENT] = request;
}

/** The request the hop at `url` was last sent as, if the header events' stage saw it. */
export function sentRequest(context: RequestContext, url: string): Request | undefined {
  const sent = (context as SentContext)[SENT];
  return sent?.url === url ? sent : undefined;
}
