/**
 * A byte stream that passes another's chunks on as they are read and turns its error into
 * another one: the shape behind "a body fails with the caller's abort reason" and "a handler's
 * body that fails midway is `net::ERR_FAILED`".
 *
 * @module
 */

/**
 * Wraps `source` so that a failed read errors the new stream with `mapError(error)` instead.
 * Reads pull one chunk at a time (no queue of its own), and cancelling the new stream cancels
 * `source` with the same reason; a cancel that fails (a source that has errored meanwhile) fails
 * with `mapError(error)` too, so a `pipeTo` aborted by the signal behind the error rejects with
 * what a read would have.
 *
 * @param source The stream to read.
 * @param mapError Gives the error to report for the one `source` failed with.
 * @returns The wrapping stream.
 *
 * @example
 * ```ts
 * import { mapStreamErrors } from "./map_stream_errors.ts";
 * const failing = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error("reset")) });
 * const mapped = mapStreamErrors(failing, (error) => new Error(`body: ${(error as Error).message}`));
 * await mapped.getReader().read().catch((error) => console.log(error.message)); // body: reset
 * ```
 */
export function mapStreamErrors(
  source: ReadableStream<Uint8Array>,
  mapError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(mapError(error));
      }
    },
    cancel: (reason) =>
      reader.cancel(reason).catch((error: unknown) => {
        throw mapError(error);
      }),
  }, { highWaterMark: 0 });
}
