/**
 * The per-hop stage of the header events: `onBeforeSendHeaders`, `onSendHeaders` and
 * `onHeadersReceived`.
 *
 * @module
 */

import type { FetchLike, Middleware, RequestContext } from "../core/middleware.ts";
import { type ResponseInfo, responseInfo, setResponseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { unlessAborted } from "../core/unless_aborted.ts";
import { objectSlot } from "../core/object_slot.ts";
import { answerFailure, ask, tell } from "./_ask.ts";
import { sentValue } from "../core/header_text.ts";
import { cancelUpload } from "./_cancel_upload.ts";
import { afterHead } from "./_failed_head.ts";
import { answerSpellings } from "./_header_name.ts";
import { parseStatusLine } from "./_status_line.ts";
import {
  type BeforeSendResponse,
  eventTime,
  type HeadersReceivedResponse,
  requestHeaderObject,
  responseDetails,
  type SendHeadersDetails,
  sendHeadersDetails,
} from "./details.ts";
import type { HeadersReceivedListener, NotifyListener, WebRequest } from "./web_request.ts";

/** Statuses whose responses never have a body (the `Response` constructor insists). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Makes the stage. Place it inside `followRedirects()` after the cookie stage, so that
 * `onBeforeSendHeaders` sees the `Cookie` header, and so that headers `onHeadersReceived`
 * changes are what the cookie stage stores (Chromium runs `OnHeadersReceived` before it saves
 * cookies). The headers shown are the request's plus the session's defaults
 * (`context.defaultHeaders`), names spelled as Electron shows them (`User-Agent`; a caller's
 * own as it spelled them where that can be told, see `requestHeaderObject`); an answer with
 * `requestHeaders` replaces them all (names match case-insensitively, so `User-Agent` replaces
 * `user-agent`; names that are not tokens and values with CR, LF or NUL are dropped) and
 * empties the defaults. `responseHeaders` (with an optional `statusLine`) replaces the
 * response head. Place it below the auth stage too: a hop auth answers is sent again through
 * it, so each round is told to `onBeforeSendHeaders` and `onSendHeaders`, and
 * `onHeadersReceived` sees the 401 or 407 (Chromium's URLRequestHttpJob tells the network
 * delegate of each transaction's start and headers); a round after a `requestHeaders` answer
 * starts from the answer's headers, with the jar's `Cookie` read again, as the job keeps its
 * extra headers across RestartTransactionWithAuth. `onResponseStarted` is
 * `responseStartedStage`'s, above auth, for the hop's final response only.
 *
 * @param webRequest The session's hooks.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { headersStage } from "./headers_stage.ts";
 * import { WebRequest } from "./web_request.ts";
 * const webRequest = new WebRequest();
 * webRequest.onBeforeSendHeaders((details, callback) =>
 *   callback({ requestHeaders: { ...details.requestHeaders, "x-hooked": "1" } }));
 * const run = compose([headersStage(webRequest)], (request) =>
 *   Promise.resolve(new Response(request.headers.get("x-hooked"))));
 * const response = await run(new Request("http://a.test/"), requestContext());
 * console.log(await response.text()); // 1
 * ```
 */
export function headersStage(webRequest: WebRequest): Middleware {
  return (next) => (request, context) => {
    if (webRequest.empty) return next(request, context);
    const carried = answered.get(context);
    if (carried !== undefined && carried.hop === context.urlChain.length) {
      request = restarted(request, context, carried);
    }
    const { url } = request;
    const type = context.resourceType;
    const before = webRequest.listenerFor("onBeforeSendHeaders", url, type);
    const sent = webRequest.listenerFor("onSendHeaders", url, type);
    const received = webRequest.listenerFor("onHeadersReceived", url, type);
    if (before === undefined && sent === undefined && received === undefined) {
      return next(request, context);
    }
    const hooks: Hooks = { sent, received };
    try {
      // One reading for onBeforeSendHeaders and an onSendHeaders that follows at once.
      const time = eventTime();
      if (before === undefined) return sendHeaders(next, request, request, context, hooks, time);
      // The headers as shown before any answer; onSendHeaders gets them again when
      // onBeforeSendHeaders left the request as it was (its listener had a copy to change).
      const shown = requestHeaderObject(request, context);
      const details = sendHeadersDetails(
        request,
        context,
        sent === undefined ? shown : { ...shown },
        time,
      );
      const answer = ask("onBeforeSendHeaders", before, details, url);
      if (!(answer instanceof Promise)) {
        const ready = applyAnswer(answer, request, context);
        return sendHeaders(next, request, ready, context, hooks, time, shown, answer);
      }
      // An answer that came later is followed by onSendHeaders at its own time.
      return unlessAborted(answer, context.signal, url).then((late) => {
        try {
          const ready = applyAnswer(late, request, context);
          return sendHeaders(next, request, ready, context, hooks, eventTime(), shown, late);
        } catch (error) {
          cancelUpload(context, error);
          throw error;
        }
      }, (error: unknown) => {
        cancelUpload(context, error);
        throw error;
      });
    } catch (error) {
      cancelUpload(context, error);
      return Promise.reject(error);
    }
  };
}

/** The headers an answer replaced a hop's with, and the hop (its place in the URL chain). */
interface Answered {
  hop: number;
  headers: Headers;
}

/**
 * The last `requestHeaders` answer of a request, for its hop. The auth stage above sends a hop
 * again for each round; like URLRequestHttpJob, which keeps the extra headers the network
 * delegate answered with across RestartTransactionWithAuth, the next round starts from them
 * (its listener is shown them, and they go if it answers nothing). A redirect's next hop starts
 * from `context.answeredHeaders` instead (see `ownHeaders`). A slot on the context, not a
 * module WeakMap (core/object_slot.ts says why).
 */
const answered = objectSlot<RequestContext, Answered>("webRequest answered headers");

// The round after an answer: the answer's headers, but for the Cookie, which
// RestartTransactionWithAuth strips so that the jar is read again (the cookie stage has put the
// jar's Cookie, with what the challenge set, in the defaults).
function restarted(request: Request, context: RequestContext, carried: Answered): Request {
  const headers = new Headers(carried.headers);
  headers.delete("cookie");
  return new Request(request.url, {
    method: request.method,
    headers,
    redirect: request.redirect,
    ...(context.signal === undefined ? {} : { signal: request.signal }),
  });
}

/** The listeners of a hop's events after onBeforeSendHeaders. */
interface Hooks {
  sent: NotifyListener<SendHeadersDetails> | undefined;
  received: HeadersReceivedListener | undefined;
}

// onSendHeaders, then the request goes on; `shown` is what onBeforeSendHeaders was shown of
// `request`, still right when its answer left the request as it was; an answer that replaced
// the headers gives their names' spelling.
function sendHeaders(
  next: FetchLike,
  request: Request,
  ready: Request,
  context: RequestContext,
  hooks: Hooks,
  time: number,
  shown?: Record<string, string>,
  answer?: BeforeSendResponse,
): Promise<Response> {
  const { sent } = hooks;
  if (sent !== undefined) {
    const headers = ready === request
      ? shown ?? requestHeaderObject(ready, context)
      : requestHeaderObject(ready, context, answerSpellings(answer!.requestHeaders!));
    tell("onSendHeaders", sent, sendHeadersDetails(ready, context, headers, time));
  }
  return send(next, ready, context, hooks.received);
}

function send(
  next: FetchLike,
  request: Request,
  context: RequestContext,
  received: HeadersReceivedListener | undefined,
): Promise<Response> {
  const responded = next(request, context);
  if (received === undefined) return responded;
  return responded.then((response) => {
    let answer;
    try {
      answer = ask(
        "onHeadersReceived",
        received,
        responseDetails(request, response, context, request.url),
        request.url,
      );
    } catch (error) {
      response.body?.cancel().catch(() => {});
      throw afterHead(error, response);
    }
    if (!(answer instanceof Promise)) return applyHead(answer, request, response);
    return unlessAborted(answer, context.signal, request.url).then(
      (late) => applyHead(late, request, response),
      (error: unknown) => {
        response.body?.cancel().catch(() => {});
        throw afterHead(error, response);
      },
    );
  });
}

function applyAnswer(
  answer: BeforeSendResponse | undefined,
  request: Request,
  context: RequestContext,
): Request {
  try {
    return replaceRequestHeaders(answer, request, context);
  } catch (error) {
    throw answerFailure("onBeforeSendHeaders", error, request.url);
  }
}

function replaceRequestHeaders(
  answer: BeforeSendResponse | undefined,
  request: Request,
  context: RequestContext,
): Request {
  // Electron reads `cancel` with gin's bool conversion (V8 BooleanValue): any truthy value cancels.
  if (answer?.cancel) {
    throw new SessionError("ERR_BLOCKED_BY_CLIENT", { url: request.url });
  }
  const replacement = answer?.requestHeaders;
  if (typeof replacement !== "object" || replacement === null) return request;
  const headers = new Headers();
  // Electron reads the answer into a base::Value::Dict (net_converter.cc,
  // Converter<net::HttpRequestHeaders>::FromV8), whose keys are sorted (byte order), and calls
  // HttpRequestHeaders::SetHeader for each string value only: names match case-insensitively
  // and, of keys differing only in case, the one sorting last gives the value (`user-agent` over
  // `User-Agent`), whatever the object's key order. Arrays, numbers, objects are skipped, and an
  // array as the whole answer is no dictionary: the request goes with no headers.
  const names = answerSpellings(replacement);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const line = replacement[name] as string;
    if (/[\r\n\0]/.test(line)) continue;
    try {
      headers.set(name, sentValue(line));
    } catch {
      // Not a header name: dropped, as Chromium drops lines it cannot send.
    }
  }
  // The defaults were shown and answered for: the listener's list is the whole list now, sent
  // with the answer's spelling of its names.
  const defaults = context.defaultHeaders;
  context.defaultHeaders = [];
  context.headersInit = names.map((name) => [name, replacement[name] as string]);
  context.answeredHeaders = ownHeaders(headers, names, defaults);
  answered.set(context, { hop: context.urlChain.length, headers });
  return new Request(request.url, {
    method: request.method,
    headers,
    redirect: request.redirect,
    // A request without a caller's signal keeps none: the transport then adds no listener.
    ...(context.signal === undefined ? {} : { signal: request.signal }),
  });
}

/**
 * What of an answer a redirect's next hop starts from (`RequestContext.answeredHeaders`): in
 * Electron the listener edits the request's own headers (InProgressRequest's `request_.headers`,
 * which FollowRedirect keeps), while the defaults and the jar's `Cookie` are added below it for
 * each hop. So the answer's headers go on, spelled as answered, but for `Cookie` (read from the
 * jar for the next URL, as `restarted` does for an auth round) and a default passed on unchanged
 * (the next hop gets its own, like `Accept-Encoding` chosen for the next URL).
 */
function ownHeaders(
  headers: Headers,
  names: readonly string[],
  defaults: RequestContext["defaultHeaders"],
): Array<[string, string]> {
  const own: Array<[string, string]> = [];
  for (const [lower, value] of headers) {
    if (lower === "cookie") continue;
    if (defaults?.some(([key, given]) => key === lower && given === value)) continue;
    // HttpRequestHeaders::SetHeader keeps the first spelling of a name it sets again.
    own.push([names.find((name) => name.toLowerCase() === lower) ?? lower, value]);
  }
  return own;
}

function applyHead(
  answer: HeadersReceivedResponse | undefined,
  request: Request,
  response: Response,
): Response {
  try {
    return replaceHead(answer, request, response);
  } catch (error) {
    response.body?.cancel().catch(() => {});
    throw afterHead(answerFailure("onHeadersReceived", error, request.url), response);
  }
}

function replaceHead(
  answer: HeadersReceivedResponse | undefined,
  request: Request,
  response: Response,
): Response {
  // Electron reads `cancel` with gin's bool conversion (V8 BooleanValue): any truthy value cancels.
  if (answer?.cancel) {
    response.body?.cancel().catch(() => {});
    throw new SessionError("ERR_BLOCKED_BY_CLIENT", { url: request.url });
  }
  const replacement = answer?.responseHeaders;
  if (typeof replacement !== "object" || replacement === null) return response;
  const info = responseInfo(response);
  // Electron's ReadFromResponse: a string statusLine replaces the line, read leniently as
  // Chromium's ParseStatusLine reads any text; otherwise the response's line stays.
  const given = typeof answer?.statusLine === "string"
    ? parseStatusLine(answer.statusLine)
    : undefined;
  const status = given?.status ?? response.status;
  const statusText = given?.statusText ?? response.statusText;
  if (status < 200 || status > 599) {
    response.body?.cancel().catch(() => {});
    throw new SessionError("ERR_INVALID_HTTP_RESPONSE", { url: request.url });
  }
  const headers = new Headers();
  const rawHeaders: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(replacement)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      // Electron's Converter<net::HttpResponseHeaders*> takes each value (each item of an
      // array) through JavaScript's ToString: 5 is "5", null "null", ["b", "c"] "b,c".
      // A value with no string form (a symbol, a throwing toString) is dropped.
      if (typeof item === "symbol") continue;
      let line: string;
      try {
        line = typeof item === "string" ? item : String(item);
      } catch {
        continue;
      }
      if (/[\r\n\0]/.test(line)) continue;
      line = sentValue(line);
      try {
        headers.append(name, line);
        rawHeaders.push([name, line]);
      } catch {
        // Not a header name: dropped.
      }
    }
  }
  let body = response.body;
  if (body !== null && NULL_BODY_STATUSES.has(status)) {
    body.cancel().catch(() => {});
    body = null;
  }
  const replaced = new Response(body, { status, statusText, headers });
  const facts: ResponseInfo = {
    httpVersion: given?.httpVersion ?? info?.httpVersion ?? "1.1",
    statusLine: given?.statusLine ?? info?.statusLine ??
      `HTTP/1.1 ${status}${statusText === "" ? "" : ` ${statusText}`}`,
    rawHeaders,
    remoteAddress: info?.remoteAddress ?? "",
    remotePort: info?.remotePort ?? 0,
    proxy: info?.proxy ?? { scheme: "direct" },
    connectionReused: info?.connectionReused ?? false,
    fromCache: info?.fromCache ?? false,
    // A handler's answer stays one (auth above must leave its 401 alone).
    ...(info?.fromHandler ? { fromHandler: true } : {}),
    ...(info?.certStatusError ? { certStatusError: info.certStatusError } : {}),
  };
  setResponseInfo(replaced, facts);
  return replaced;
}
