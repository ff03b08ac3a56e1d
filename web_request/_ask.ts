/**
 * Calling listeners: answers that come at once stay synchronous (no promise turn), late ones
 * become a promise; failures become `net::ERR_FAILED` and are reported.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";

/** A value now, or later. */
export type Maybe<T> = T | Promise<T>;

/**
 * Calls a listener that answers through a callback.
 *
 * @returns The answer when the callback ran before the listener returned, else a promise of
 * it; throws (or rejects) `net::ERR_FAILED` when the listener throws or its promise rejects.
 */
export function ask<D, A>(
  event: string,
  listener: (details: D, callback: (answer?: A) => void) => unknown,
  details: D,
  url: string,
): Maybe<A | undefined> {
  let answered = false;
  let answer: A | undefined;
  let resolve: ((answer: A | undefined) => void) | undefined;
  const callback = (value?: A) => {
    if (answered) return;
    answered = true;
    answer = value;
    resolve?.(value);
  };
  let returned: unknown;
  try {
    returned = listener(details, callback);
  } catch (error) {
    throw listenerFailure(event, error, url);
  }
  if (answered) {
    // An async listener may fail after answering: the request has gone on; report it.
    if (returned instanceof Promise) returned.catch((error: unknown) => report(event, error));
    return answer;
  }
  return new Promise((resolveAnswer, reject) => {
    resolve = resolveAnswer;
    if (returned instanceof Promise) {
      returned.catch((error: unknown) => reject(listenerFailure(event, error, url)));
    }
  });
}

/**
 * Tells a listener that takes no answer (`onSendHeaders`, `onResponseStarted`,
 * `onBeforeRedirect`, `onCompleted`, `onErrorOccurred`): a failure, thrown or rejected, is
 * reported and the request goes on, as Electron calls such a listener without waiting for it
 * and an exception in it is the main process's uncaught exception, not the request's.
 */
export function tell<D>(event: string, listener: (details: D) => unknown, details: D): void {
  try {
    const returned = listener(details);
    if (returned instanceof Promise) returned.catch((error) => report(event, error));
  } catch (error) {
    report(event, error);
  }
}

/**
 * What a failure while reading a listener's answer becomes: the request's own net errors (a
 * cancel) pass; anything else, such as an answer whose getter or Proxy trap throws, fails the
 * request with `net::ERR_FAILED` and is reported, as a listener that throws.
 */
export function answerFailure(event: string, error: unknown, url: string): unknown {
  return SessionError.is(error) ? error : listenerFailure(event, error, url);
}

function listenerFailure(event: string, error: unknown, url: string): SessionError {
  report(event, error);
  return new SessionError("ERR_FAILED", { cause: error, url });
}

function report(event: string, error: unknown): void {
  console.error(`webRequest.${event} listener failed:`, error);
}
