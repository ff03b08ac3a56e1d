/**
 * A request that stops before it is sent must not leave its streamed upload hanging: the
 * caller's stream is cancelled with the failure, as Chromium drops the upload pipe.
 *
 * @module
 */

import type { RequestContext } from "../core/middleware.ts";

/** Cancels the context's upload when it is a stream, and forgets it. */
export function cancelUpload(context: RequestContext, reason: unknown): void {
  const body = context.body;
  if (body instanceof ReadableStream) {
    context.body = null;
    body.cancel(reason).catch(() => {});
  }
}
