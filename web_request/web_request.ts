/**
 * Electron's `WebRequest` (`ses.webRequest`): one listener per event, each with an optional
 * filter.
 *
 * @module
 */

import type {
  BeforeRequestResponse,
  BeforeSendResponse,
  CompletedDetails,
  ErrorDetails,
  HeadersReceivedResponse,
  RedirectDetails,
  RequestDetails,
  ResponseDetails,
  SendHeadersDetails,
} from "./details.ts";
import {
  MATCH_ALL,
  parseRequestFilter,
  type RequestFilter,
  type WebRequestFilter,
} from "./request_filter.ts";

/** `onBeforeRequest` listener: answer with `callback({cancel, redirectURL})`, now or later. */
export type BeforeRequestListener = (
  details: RequestDetails,
  callback: (response?: BeforeRequestResponse) => void,
) => void | Promise<void>;

/** `onBeforeSendHeaders` listener: answer with `callback({cancel, requestHeaders})`. */
export type BeforeSendHeadersListener = (
  details: SendHeadersDetails,
  callback: (response?: BeforeSendResponse) => void,
) => void | Promise<void>;

/** `onHeadersReceived` listener: answer with `callback({cancel, responseHeaders, statusLine})`. */
export type HeadersReceivedListener = (
  details: ResponseDetails,
  callback: (response?: HeadersReceivedResponse) => void,
) => void | Promise<void>;

/** A listener that is only told (no callback). */
export type NotifyListener<D> = (details: D) => void;

/** Each event's listener type. */
export interface WebRequestListeners {
  /** Before the request is made. */
  onBeforeRequest: BeforeRequestListener;
  /** Before the headers are sent; may replace them. */
  onBeforeSendHeaders: BeforeSendHeadersListener;
  /** The headers are being sent. */
  onSendHeaders: NotifyListener<SendHeadersDetails>;
  /** A response head arrived; may replace it. */
  onHeadersReceived: HeadersReceivedListener;
  /** The final response's body starts. */
  onResponseStarted: NotifyListener<ResponseDetails>;
  /** A redirect is about to be followed. */
  onBeforeRedirect: NotifyListener<RedirectDetails>;
  /** The request completed: its body arrived whole, or a streamed one was read to its end. */
  onCompleted: NotifyListener<CompletedDetails>;
  /** The request failed. */
  onErrorOccurred: NotifyListener<ErrorDetails>;
}

/** A webRequest event name. */
export type WebRequestEvent = keyof WebRequestListeners;

interface Registration {
  filter: RequestFilter;
  listener: (...args: never[]) => unknown;
}

/**
 * A session's request hooks. Each `onX(filter?, listener)` sets the one listener of that
 * event (setting again replaces it; `null` removes it), as Electron's `WebRequest` does.
 * Listeners with a callback may answer late; one that throws or whose promise rejects before
 * it answered fails the request with `net::ERR_FAILED` (Electron would leave it waiting for
 * an answer that never comes). A listener without a callback (`onSendHeaders`,
 * `onResponseStarted`, `onBeforeRedirect`, `onCompleted`, `onErrorOccurred`) cannot change the
 * request: when it throws the request goes on, as Electron calls it without waiting and its
 * exception is the main process's. Every failure is reported on `console.error`.
 *
 * @example
 * ```ts
 * import { session } from "@ses/session";
 * const ses = session.fromPartition("web-request-example");
 * ses.webRequest.onBeforeRequest({ urls: ["*://ads.test/*"] }, (_details, callback) =>
 *   callback({ cancel: true }));
 * // Cancelled before any connection is opened: no server needed.
 * await ses.fetch("https://ads.test/banner.js").catch((error) => console.log(error.message));
 * // net::ERR_BLOCKED_BY_CLIENT
 * ```
 */
export class WebRequest {
  #registrations: Partial<Record<WebRequestEvent, Registration>> = {};
  #count = 0;

  /**
   * Sets the listener called before each request is made.
   *
   * @param filterOrListener A filter `{urls, excludeUrls, types}`, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onBeforeRequest(
    filterOrListener: WebRequestFilter | BeforeRequestListener | null,
    listener?: BeforeRequestListener | null,
  ): void {
    this.#set("onBeforeRequest", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener called before the request headers are sent; it may replace them all.
   * `details.requestHeaders` spells names as Electron does (`User-Agent`, `Accept`, `Cookie`;
   * a caller's own as spelled in a plain-object or pairs `init.headers`, else capitalised like
   * `X-Custom`, since fetch's `Headers` keeps no case); the answer's
   * `requestHeaders` is the whole list, its names matched case-insensitively (Chromium's
   * `HttpRequestHeaders::SetHeader`), so Electron's
   * `details.requestHeaders['User-Agent'] = 'MyAgent'` replaces the User-Agent and
   * `delete details.requestHeaders['Origin']` removes the Origin.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onBeforeSendHeaders(
    filterOrListener: WebRequestFilter | BeforeSendHeadersListener | null,
    listener?: BeforeSendHeadersListener | null,
  ): void {
    this.#set("onBeforeSendHeaders", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener told the headers a request is about to send.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onSendHeaders(
    filterOrListener: WebRequestFilter | WebRequestListeners["onSendHeaders"] | null,
    listener?: WebRequestListeners["onSendHeaders"] | null,
  ): void {
    this.#set("onSendHeaders", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener called with each response head (every hop); it may replace the head.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onHeadersReceived(
    filterOrListener: WebRequestFilter | HeadersReceivedListener | null,
    listener?: HeadersReceivedListener | null,
  ): void {
    this.#set("onHeadersReceived", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener told when the final response's body starts.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onResponseStarted(
    filterOrListener: WebRequestFilter | WebRequestListeners["onResponseStarted"] | null,
    listener?: WebRequestListeners["onResponseStarted"] | null,
  ): void {
    this.#set("onResponseStarted", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener told of each redirect about to be followed.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onBeforeRedirect(
    filterOrListener: WebRequestFilter | WebRequestListeners["onBeforeRedirect"] | null,
    listener?: WebRequestListeners["onBeforeRedirect"] | null,
  ): void {
    this.#set("onBeforeRedirect", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener told when a request completes, with Chromium's timing: at once when the
   * response has no body or the network already delivered it whole (as `network::URLLoader`,
   * services/network/url_loader.cc, completes once the body is in the data pipe, and Electron's
   * `ProxyingURLLoaderFactory::InProgressRequest::OnComplete`,
   * shell/browser/net/proxying_url_loader_factory.cc, tells this listener); a body that streams
   * in after its head completes when it has been read to its end, and one cancelled before
   * then is an `onErrorOccurred` with `net::ERR_ABORTED`.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onCompleted(
    filterOrListener: WebRequestFilter | WebRequestListeners["onCompleted"] | null,
    listener?: WebRequestListeners["onCompleted"] | null,
  ): void {
    this.#set("onCompleted", filterOrListener, listener, arguments.length);
  }

  /**
   * Sets the listener told when a request fails.
   *
   * @param filterOrListener A filter, or the listener.
   * @param listener The listener when a filter comes first; `null` removes.
   * @throws {TypeError} Electron's messages for a bad filter or listener.
   */
  onErrorOccurred(
    filterOrListener: WebRequestFilter | WebRequestListeners["onErrorOccurred"] | null,
    listener?: WebRequestListeners["onErrorOccurred"] | null,
  ): void {
    this.#set("onErrorOccurred", filterOrListener, listener, arguments.length);
  }

  /** @internal Whether any listener is set (the stages' fast path). */
  get empty(): boolean {
    return this.#count === 0;
  }

  /**
   * @internal The listener of an event that matches a request, for the pipeline's stages.
   *
   * @param event The event.
   * @param url The request's URL.
   * @param resourceType Its resource type.
   * @returns The listener, or `undefined` when none is set or its filter does not match.
   */
  listenerFor<E extends WebRequestEvent>(
    event: E,
    url: string,
    resourceType: string,
  ): WebRequestListeners[E] | undefined {
    const registration = this.#registrations[event];
    if (registration === undefined) return undefined;
    const { filter } = registration;
    if (filter !== MATCH_ALL && !filter.matches(url, resourceType)) return undefined;
    return registration.listener as WebRequestListeners[E];
  }

  /** @internal Whether an event has a listener, whatever its filter. */
  has(event: WebRequestEvent): boolean {
    return this.#registrations[event] !== undefined;
  }

  #set(event: WebRequestEvent, first: unknown, second: unknown, given: number): void {
    let filter = MATCH_ALL;
    let listener = first;
    // As Electron: an object that is not a function is the filter (null is not an object here).
    if (typeof first === "object" && first !== null) {
      filter = parseRequestFilter(first);
      listener = given >= 2 ? second : undefined;
    }
    if (listener !== null && typeof listener !== "function") {
      throw new TypeError("Must pass null or a Function");
    }
    const had = this.#registrations[event] !== undefined;
    if (listener === null) {
      delete this.#registrations[event];
      if (had) this.#count--;
      return;
    }
    this.#registrations[event] = {
      filter,
      listener: listener as Registration["listener"],
    };
    if (!had) this.#count++;
  }
}
