/**
 * Views of a response body still arriving that make an unread body cost nothing: the view
 * tells its socket whether a read is waiting (so an unread body does not keep a finished
 * program running, while a pending read does), and cancels the body once the view itself is
 * garbage-collected (so the socket goes back instead of staying busy for good). The second is
 * the fetch standard's "garbage collection" rule (a fetch nobody can observe may be
 * terminated), which Chromium applies when a renderer collects an unread body and undici when a
 * `Response` is collected.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";

// Holds the inner reader (never the view), so the view alone decides when the cleanup runs.
const dropped = new FinalizationRegistry<ReadableStreamDefaultReader<Uint8Array>>((reader) => {
  reader.cancel(new SessionError("ERR_ABORTED")).catch(() => {});
});

/**
 * Returns a view of `body` that cancels `body` once the view itself is garbage-collected. The
 * view pulls only when read, so nothing the source does keeps it alive; a view still referenced
 * (a `Response` kept, or its `body` taken and kept) is never cancelled.
 *
 * @param body The stream to watch; it is locked to the view from now on.
 * @param reading Told `true` when a read of the view starts waiting for `body` and `false`
 *   when it has its answer (or failed).
 * @returns The view to hand out instead of `body`; reading or cancelling it reads or cancels
 *   `body`.
 *
 * @example
 * ```ts
 * import { cancelWhenCollected } from "./cancel_when_collected.ts";
 * const view = cancelWhenCollected(new Blob(["abc"]).stream());
 * console.log(await new Response(view).text()); // abc
 * ```
 */
export function cancelWhenCollected(
  body: ReadableStream<Uint8Array>,
  reading?: (waiting: boolean) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const view = new ReadableStream<Uint8Array>({
    async pull(controller) {
      reading?.(true);
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } finally {
        reading?.(false);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  dropped.register(view, reader);
  return view;
}
