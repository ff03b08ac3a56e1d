/**
 * The details objects webRequest listeners receive, with Electron's field names
 * (`docs/api/web-request.md`), and the answers their callbacks take.
 *
 * @module
 */

import type { RequestContext } from "../core/middleware.ts";
import type { UploadData } from "../core/electron_types.ts";
import { headerLines } from "../core/header_lines.ts";
import { responseInfo } from "../core/response_info.ts";
import { headerObject, setHeader } from "./_header_object.ts";
import { hopOf } from "./_hop.ts";
import { shownValue } from "../core/header_text.ts";
import { shownLines } from "./_utf8_value.ts";
import {
  callerSpellings,
  requestHeaderName,
  spellingIn,
  type Spellings,
} from "../core/header_spelling.ts";
import { wallClock } from "./wall_clock.ts";

export type { UploadData };

/** The fields every event's details carry. */
export interface RequestDetails {
  /** The request id, shared by every event of one request (redirects included). */
  id: number;
  /** The URL of the current hop. */
  url: string;
  /** The method. */
  method: string;
  /**
   * The id of the web contents that made the request. Never set: a session's own requests
   * (`ses.fetch`, downloads) come from no web contents, and Electron leaves it out for those
   * too; declared so that Electron programs that filter on it type-check.
   */
  webContentsId?: number;
  /** Electron's resource type: `xhr` for `ses.fetch`, `download` for downloads. */
  resourceType: string;
  /** The `Referer` header sent, or `""`. */
  referrer: string;
  /** When the event happened, in milliseconds since the epoch. */
  timestamp: number;
  /** The upload, when the request has a byte body. */
  uploadData?: UploadData[];
}

/** `onBeforeSendHeaders` and `onSendHeaders` details. */
export interface SendHeadersDetails extends RequestDetails {
  /**
   * The headers about to be sent, names spelled as Electron shows them (Chromium's
   * `net::HttpRequestHeaders`): each `-`-separated word capitalised (`User-Agent`, `Accept`,
   * `Cookie`), except `DNT`, `Sec-WebSocket-*` and the lower-case client hints `sec-ch-*`; the
   * caller's own headers as it spelled them in `init.headers` given as a plain object or an
   * array of pairs (`{"x-custom": "1"}` shows `x-custom`). fetch's `Headers` keeps no case, so
   * names from a `Headers` or `Request` are spelled as Chromium's (`X-Custom`). After an answer
   * with `requestHeaders`, `onSendHeaders` shows the answer's spelling. Names in an answer match
   * case-insensitively.
   */
  requestHeaders: Record<string, string>;
}

/** Details of events that have a response head. */
export interface ResponseDetails extends RequestDetails {
  /** The status line, like `HTTP/1.1 200 OK`. */
  statusLine: string;
  /** The status code. */
  statusCode: number;
  /** The response headers, names as received, each value list in order. */
  responseHeaders: Record<string, string[]>;
  /** Whether the response came from the HTTP cache. */
  fromCache: boolean;
  /** The IP address the response came from, when it came over the network. */
  ip?: string;
}

/** `onBeforeRedirect` details. */
export interface RedirectDetails extends ResponseDetails {
  /** Where the redirect leads. */
  redirectURL: string;
}

/** `onCompleted` details. */
export interface CompletedDetails extends ResponseDetails {
  /** Always `net::OK`. */
  error: string;
}

/**
 * `onErrorOccurred` details. When the request failed after a response head arrived (its body
 * failed, `onHeadersReceived` cancelled, a listener after it threw), they also carry that head —
 * `ip`, `statusLine`, `statusCode`, `responseHeaders` — as Electron's do.
 */
export interface ErrorDetails extends RequestDetails {
  /** Whether the failed response came from the cache. */
  fromCache: boolean;
  /** The IP address the failed response came from, when its head had arrived. */
  ip?: string;
  /** The failed response's status line, when its head had arrived. */
  statusLine?: string;
  /** The failed response's status code, when its head had arrived. */
  statusCode?: number;
  /** The failed response's headers, when its head had arrived. */
  responseHeaders?: Record<string, string[]>;
  /** The Chromium error, like `net::ERR_BLOCKED_BY_CLIENT`. */
  error: string;
}

/** The answer to `onBeforeRequest`. */
export interface BeforeRequestResponse {
  /**
   * Fail the request with `net::ERR_BLOCKED_BY_CLIENT`. Read as Electron reads it, by
   * truthiness: `1` or `"yes"` cancels too.
   */
  cancel?: boolean;
  /**
   * Redirect the request (an internal 307) to this absolute URL instead. Read as Electron's
   * GURL, never relative to the request: a string without a scheme (`/new`) redirects nowhere,
   * and one with a scheme that is no URL fails with `net::ERR_INVALID_REDIRECT`.
   */
  redirectURL?: string;
}

/** The answer to `onBeforeSendHeaders`. */
export interface BeforeSendResponse {
  /**
   * Fail the request with `net::ERR_BLOCKED_BY_CLIENT`. Read as Electron reads it, by
   * truthiness: `1` or `"yes"` cancels too.
   */
  cancel?: boolean;
  /**
   * Send these headers instead of all the request's headers. Only string values are sent, as
   * Electron reads the answer into a `base::Value` dictionary and sets its string entries: a key
   * whose value is an array, a number, an object, a boolean or `null` is skipped (use one string,
   * `"a, b"`, for several values), and an array in place of the object sends no headers at all.
   * Names match case-insensitively; of keys differing only in case, the one that sorts last (by
   * code unit, as Electron's dictionary) gives the value. Names that are not tokens and values
   * with CR, LF or NUL are dropped.
   */
  requestHeaders?: Record<string, string | string[]>;
}

/** The answer to `onHeadersReceived`. */
export interface HeadersReceivedResponse {
  /**
   * Fail the request with `net::ERR_BLOCKED_BY_CLIENT`. Read as Electron reads it, by
   * truthiness: `1` or `"yes"` cancels too.
   */
  cancel?: boolean;
  /**
   * Replace the response's headers with these: a line per value, or per item of an array. A
   * value that is not a string is sent as JavaScript's `String(value)` (`5` as `"5"`), as
   * Electron converts each with ToString; names that are not tokens and values with CR, LF or
   * NUL are dropped.
   */
  responseHeaders?: Record<string, string | string[]>;
  /**
   * With `responseHeaders`: replace the status line too, read as leniently as Chromium's
   * `HttpResponseHeaders::ParseStatusLine` (`http/1.1  404  Gone` is `HTTP/1.1 404 Gone`; no
   * code is 200; a code below 200 or above 599 fails with `net::ERR_INVALID_HTTP_RESPONSE`).
   */
  statusLine?: string;
}

// Electron's own names for these shapes (its `electron.d.ts`), so a ported program's
// `Electron.OnBeforeSendHeadersListenerDetails` becomes an import of the same name.

/** Electron's name for the `onBeforeRequest` details: {@linkcode RequestDetails}. */
export type OnBeforeRequestListenerDetails = RequestDetails;
/** Electron's name for the `onBeforeSendHeaders` details: {@linkcode SendHeadersDetails}. */
export type OnBeforeSendHeadersListenerDetails = SendHeadersDetails;
/** Electron's name for the `onSendHeaders` details: {@linkcode SendHeadersDetails}. */
export type OnSendHeadersListenerDetails = SendHeadersDetails;
/** Electron's name for the `onHeadersReceived` details: {@linkcode ResponseDetails}. */
export type OnHeadersReceivedListenerDetails = ResponseDetails;
/** Electron's name for the `onResponseStarted` details: {@linkcode ResponseDetails}. */
export type OnResponseStartedListenerDetails = ResponseDetails;
/** Electron's name for the `onBeforeRedirect` details: {@linkcode RedirectDetails}. */
export type OnBeforeRedirectListenerDetails = RedirectDetails;
/** Electron's name for the `onCompleted` details: {@linkcode CompletedDetails}. */
export type OnCompletedListenerDetails = CompletedDetails;
/** Electron's name for the `onErrorOccurred` details: {@linkcode ErrorDetails}. */
export type OnErrorOccurredListenerDetails = ErrorDetails;
/** Electron's name for the `onBeforeRequest` answer: {@linkcode BeforeRequestResponse}. */
export type CallbackResponse = BeforeRequestResponse;

/**
 * Now, as a details object's `timestamp`: milliseconds since the epoch with the fraction kept,
 * as Electron's `base::Time::Now().ToDoubleT() * 1000` (shell/browser/api/electron_api_web_request.cc)
 * gives it, so two events of one request are ordered below the millisecond.
 *
 * @returns Milliseconds since 1970-01-01 UTC, fractional.
 *
 * @example
 * ```ts
 * import { eventTime } from "./details.ts";
 * console.log(Math.abs(eventTime() - Date.now()) < 1000); // true
 * ```
 */
export function eventTime(): number {
  return clock();
}

// Not `performance.timeOrigin + performance.now()`: that drifts from the wall clock as the
// process runs (wall_clock.ts says how).
const clock = wallClock();

/**
 * Builds the fields every event shares.
 *
 * @param url The hop's URL.
 * @param request The hop's request.
 * @param context The request's context.
 * @param timestamp When the event happened (ms since the epoch); default now.
 * @returns A fresh details object.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { baseDetails } from "./details.ts";
 * const details = baseDetails("http://a.test/", new Request("http://a.test/"), requestContext({ id: 3 }));
 * console.log(details.id, details.method, details.referrer); // 3 GET ""
 * ```
 */
export function baseDetails(
  url: string,
  request: Request,
  context: RequestContext,
  timestamp: number = eventTime(),
): RequestDetails {
  const { method, referrer, uploadData } = hopOf(url, request, context);
  const { id, resourceType } = context;
  return uploadData === undefined
    ? { id, url, method, timestamp, resourceType, referrer }
    : { id, url, method, timestamp, resourceType, referrer, uploadData };
}

/**
 * Builds `onErrorOccurred` details: the fields every event shares, `fromCache` (false: a
 * response read from the cache does not fail) and the error.
 *
 * @param url The failed hop's URL.
 * @param request The request.
 * @param context The request's context.
 * @param error The Chromium error string, like `net::ERR_FAILED`.
 * @returns A fresh details object.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { errorDetails } from "./details.ts";
 * const details = errorDetails("http://a.test/", new Request("http://a.test/"), requestContext(), "net::ERR_FAILED");
 * console.log(details.fromCache, details.error); // false net::ERR_FAILED
 * ```
 */
export function errorDetails(
  url: string,
  request: Request,
  context: RequestContext,
  error: string,
): ErrorDetails {
  const { method, referrer, uploadData } = hopOf(url, request, context);
  const { id, resourceType } = context;
  const timestamp = eventTime();
  const fromCache = false;
  // Where Electron's binding puts fromCache (after resourceType), then the request's fields.
  return uploadData === undefined
    ? { id, url, method, timestamp, resourceType, fromCache, referrer, error }
    : { id, url, method, timestamp, resourceType, fromCache, referrer, uploadData, error };
}

/**
 * Builds `onBeforeSendHeaders` and `onSendHeaders` details: the fields every event shares and
 * the headers to be sent.
 *
 * @param request The hop's request (its URL is the details' `url`).
 * @param context The request's context.
 * @param requestHeaders The headers shown; the details hold this very object.
 * @param timestamp When the event happened (ms since the epoch).
 * @returns A fresh details object.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { eventTime, sendHeadersDetails } from "./details.ts";
 * const request = new Request("http://a.test/");
 * const details = sendHeadersDetails(request, requestContext(), { "x-a": "1" }, eventTime());
 * console.log(details.url, details.requestHeaders); // http://a.test/ { "x-a": "1" }
 * ```
 */
export function sendHeadersDetails(
  request: Request,
  context: RequestContext,
  requestHeaders: Record<string, string>,
  timestamp: number,
): SendHeadersDetails {
  const url = request.url;
  const { method, referrer, uploadData } = hopOf(url, request, context);
  const { id, resourceType } = context;
  return uploadData === undefined
    ? { id, url, method, timestamp, resourceType, referrer, requestHeaders }
    : { id, url, method, timestamp, resourceType, referrer, uploadData, requestHeaders };
}

/**
 * Builds the details of an event that has a response head: the request's fields plus the
 * status line, status code, headers (from the response's recorded raw lines, or for a
 * response made by a stage from the `Response` itself), `fromCache` and `ip`.
 *
 * @param request The hop's request (its URL is the details' `url`).
 * @param response The response.
 * @param context The request's context.
 * @param url The URL to report; default the request's.
 * @param timestamp When the event happened (ms since the epoch); default now.
 * @returns A fresh details object.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { responseDetails } from "./details.ts";
 * const details = responseDetails(
 *   new Request("http://a.test/"),
 *   new Response("x", { headers: { "x-a": "1" } }),
 *   requestContext(),
 * );
 * // The string body's own Content-Type is a header of the response too:
 * console.log(details.statusLine, details.responseHeaders); // HTTP/1.1 200 OK { "content-type": [ "text/plain;charset=UTF-8" ], "x-a": [ "1" ] }
 * ```
 */
export function responseDetails(
  request: Request,
  response: Response,
  context: RequestContext,
  url: string = request.url,
  timestamp: number = eventTime(),
): ResponseDetails {
  const { method, referrer, uploadData } = hopOf(url, request, context);
  const { id, resourceType } = context;
  const info = responseInfo(response);
  const statusLine = info?.statusLine ?? statusLineOf(response);
  const statusCode = response.status;
  const responseHeaders = info ? headerObject(shownLines(info.rawHeaders)) : headersOf(response);
  const fromCache = info?.fromCache ?? false;
  const ip = info?.remoteAddress;
  // Made in one literal rather than field by field (V8 then skips a hidden class per field), in
  // the order Electron's binding sets them: the request's, ip when known, the head's, then
  // referrer and uploadData.
  if (ip === undefined || ip === "") {
    return uploadData === undefined
      ? {
        id,
        url,
        method,
        timestamp,
        resourceType,
        fromCache,
        statusLine,
        statusCode,
        responseHeaders,
        referrer,
      }
      : {
        id,
        url,
        method,
        timestamp,
        resourceType,
        fromCache,
        statusLine,
        statusCode,
        responseHeaders,
        referrer,
        uploadData,
      };
  }
  return uploadData === undefined
    ? {
      id,
      url,
      method,
      timestamp,
      resourceType,
      ip,
      fromCache,
      statusLine,
      statusCode,
      responseHeaders,
      referrer,
    }
    : {
      id,
      url,
      method,
      timestamp,
      resourceType,
      ip,
      fromCache,
      statusLine,
      statusCode,
      responseHeaders,
      referrer,
      uploadData,
    };
}

// A response made by a stage has no raw lines: its `Headers` are read instead.
function headersOf(response: Response): Record<string, string[]> {
  return headerObject(shownLines(headerLines(response.headers)));
}

function statusLineOf(response: Response): string {
  const reason = response.statusText || (response.status === 200 ? "OK" : "");
  return `HTTP/1.1 ${response.status}${reason === "" ? "" : ` ${reason}`}`;
}

/**
 * The headers a hop will send, as `onBeforeSendHeaders` shows them: the request's own plus
 * the defaults (User-Agent, Accept-Language, Accept-Encoding, Accept, Cookie) it lacks. Names
 * are spelled as the caller spelled them in `init.headers` given as a plain object or pairs
 * (`context.headersInit`), or as given by `spellings`; others as Chromium shows them
 * (`requestHeaderName`: `User-Agent`, `X-Custom`, `sec-ch-ua`).
 *
 * @param request The hop's request.
 * @param context Its context, whose `defaultHeaders` are merged in.
 * @param spellings Spellings to use instead of the caller's (a listener's answer).
 * @returns A fresh object.
 *
 * @example
 * ```ts
 * import { requestContext } from "../core/middleware.ts";
 * import { requestHeaderObject } from "./details.ts";
 * const context = requestContext({ defaultHeaders: [["user-agent", "demo/1"]] });
 * const headers = requestHeaderObject(new Request("http://a.test/", { headers: { "x-a": "1" } }), context);
 * console.log(headers); // { "X-A": "1", "User-Agent": "demo/1" }
 * ```
 */
export function requestHeaderObject(
  request: Request,
  context: RequestContext,
  spellings: readonly unknown[] | undefined = callerSpellings(context.headersInit),
): Record<string, string> {
  let headers: Record<string, string> | undefined;
  request.headers.forEach((value, name) => {
    const given = spellings === undefined ? undefined : spellingIn(spellings, name);
    setHeader(headers ??= {}, given ?? requestHeaderName(name), shownValue(value));
  });
  const defaults = context.defaultHeaders;
  if (defaults === undefined || defaults.length === 0) return headers ?? {};
  if (defaults !== defaultsMet) {
    // Spelled once per list of defaults (lists are replaced, never changed in place), not per
    // request.
    defaultsSpelled = defaults.map((
      [name, value],
    ) => [name, requestHeaderName(name), shownValue(value)]);
    defaultsObject = withDefaults({}, defaultsSpelled, undefined);
    defaultsMet = defaults;
  }
  // Most requests carry no header of their own: a copy of the defaults' object, made in one
  // step, costs less than adding their names one by one.
  return headers === undefined
    ? { ...defaultsObject }
    : withDefaults(headers, defaultsSpelled, spellings);
}

// A default: its name as the transport has it (lower-case), as shown, and its value.
type SpelledDefault = readonly [name: string, shown: string, value: string];

// The last list of defaults met, spelled, and its object.
let defaultsMet: RequestContext["defaultHeaders"];
let defaultsSpelled: readonly SpelledDefault[] = [];
let defaultsObject: Record<string, string> = {};

function withDefaults(
  headers: Record<string, string>,
  defaults: readonly SpelledDefault[],
  spellings: Spellings | undefined,
): Record<string, string> {
  for (let i = 0; i < defaults.length; i++) {
    const [name, shown, value] = defaults[i]!;
    // The request's own header of that name shows under the spelling the loop above gave it.
    const given = spellings === undefined ? undefined : spellingIn(spellings, name);
    if (!Object.hasOwn(headers, given ?? shown)) setHeader(headers, shown, value);
  }
  return headers;
}
