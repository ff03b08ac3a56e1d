/**
 * Bodies that tell how they end. A stage that must know when a response body has been read to
 * its end (webRequest's `onCompleted`) asks the body's maker first, and wraps the body in a
 * watching stream of its own only when the maker cannot tell: the wrap costs a stream, a
 * `Response` and a promise per chunk on every request.
 *
 * @module
 */

import { markWholeBody } from "./whole_body.ts";

/** Hears how a body ends. */
export interface BodyEndListener {
  /** The reader asked for more after the last chunk: the body has been read to its end. */
  onEnd(): void;
  /**
   * The body ended without being read to its end.
   *
   * @param error The body's error, or the reader's reason when `cancelled`.
   * @param cancelled True when the reader cancelled the body.
   */
  onError(error: unknown, cancelled: boolean): void;
}

// On the stream, not on the Response: a stage that rebuilds the Response around the same stream
// keeps it watchable, and one that replaces the stream (decoding, the cache's recorder) drops
// it. A property of the stream rather than a WeakMap entry: V8's collector pays for every
// WeakMap entry at each scavenge, and there is one body per request.
const WATCH = Symbol("body end");

type Watchable = ReadableStream<Uint8Array> & { [WATCH]?: WatchableSource };

/**
 * Adds a listener to a body that can tell how it ends.
 *
 * @param body A response body.
 * @param listener Told once, when the body ends (at once when it has ended already).
 * @returns Whether the body will tell; `false` when its maker cannot, and the caller must
 *   watch the body itself.
 *
 * @example
 * ```ts
 * import { watchableBody, watchBodyEnd } from "./body_end.ts";
 * const body = watchableBody([new TextEncoder().encode("hi")]);
 * watchBodyEnd(body, { onEnd: () => console.log("read to its end"), onError: () => {} });
 * console.log(await new Response(body).text()); // logs "read to its end", then hi
 * console.log(watchBodyEnd(new Blob(["x"]).stream(), { onEnd() {}, onError() {} })); // false
 * ```
 */
export function watchBodyEnd(
  body: ReadableStream<Uint8Array>,
  listener: BodyEndListener,
): boolean {
  const source = (body as Watchable)[WATCH];
  if (source === undefined) return false;
  source.watch(listener);
  return true;
}

/**
 * Makes a body whose bytes are all at hand (a response that arrived whole with its head) and
 * that tells {@linkcode watchBodyEnd}'s listeners how it ends (and, through `markWholeBody`,
 * what its bytes are). With no high-water mark, the
 * stream is asked for more only when a reader waits with nothing queued: that is the end. The
 * close therefore costs a pull more than a stream closed at once, so the transport makes such
 * bodies only for requests whose end someone watches.
 *
 * @param chunks The body's bytes, in order; empty chunks are skipped.
 * @returns The body.
 *
 * @example
 * ```ts
 * import { watchableBody, watchBodyEnd } from "./body_end.ts";
 * const body = watchableBody([new Uint8Array([1, 2])]);
 * watchBodyEnd(body, {
 *   onEnd: () => {},
 *   onError: (reason, cancelled) => console.log(cancelled, reason), // true stop
 * });
 * await body.cancel("stop");
 * ```
 */
export function watchableBody(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  const source = new WatchableSource(chunks);
  const body: Watchable = new ReadableStream<Uint8Array>(source, NO_BUFFERING);
  markWholeBody(body, chunks);
  body[WATCH] = source;
  return body;
}

// One strategy object for every body: in Deno a fresh `{ highWaterMark: 0 }` per stream measured
// 0.2-0.3 µs a body dearer than this shared one (2026-11-30).
const NO_BUFFERING: QueuingStrategy<Uint8Array> = { highWaterMark: 0 };

// One object per body instead of a closure per method and per listener list: the transport
// makes one for every request whose end is watched.
class WatchableSource implements UnderlyingDefaultSource<Uint8Array> {
  #chunks: readonly Uint8Array[] | undefined;
  // Nearly always one listener (the outcome stage); a list only when there are more.
  #listener: BodyEndListener | BodyEndListener[] | undefined;
  // Set once the body has ended: whether it was read to its end, else the cancel's reason.
  #ended: { reason: unknown } | true | undefined;

  constructor(chunks: readonly Uint8Array[]) {
    this.#chunks = chunks;
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const chunks = this.#chunks!;
    this.#chunks = undefined;
    for (let i = 0; i < chunks.length; i++) {
      if (chunks[i]!.length > 0) controller.enqueue(chunks[i]!);
    }
  }

  pull(controller: ReadableStreamDefaultController<Uint8Array>): void {
    controller.close();
    this.#end(true);
  }

  cancel(reason: unknown): void {
    this.#end({ reason });
  }

  watch(listener: BodyEndListener): void {
    const ended = this.#ended;
    if (ended !== undefined) tell(listener, ended);
    else if (this.#listener === undefined) this.#listener = listener;
    else if (Array.isArray(this.#listener)) this.#listener.push(listener);
    else this.#listener = [this.#listener, listener];
  }

  #end(how: { reason: unknown } | true): void {
    this.#ended = how;
    const listener = this.#listener;
    this.#listener = undefined;
    if (listener === undefined) return;
    if (!Array.isArray(listener)) return tell(listener, how);
    for (const each of listener) tell(each, how);
  }
}

function tell(listener: BodyEndListener, how: { reason: unknown } | true): void {
  if (how === true) listener.onEnd();
  else listener.onError(how.reason, true);
}
