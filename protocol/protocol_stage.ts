/**
 * The per-hop stage that answers requests from the session's protocol handlers and `file:`
 * URLs, in place of the network.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { mapStreamErrors } from "../core/map_stream_errors.ts";
import type { Middleware, RequestContext } from "../core/middleware.ts";
import { responseWithBody } from "../core/response_with_body.ts";
import { SessionError } from "../core/session_error.ts";
import { unlessAborted } from "../core/unless_aborted.ts";
import { fileResponse, handlerResponse } from "./file_response.ts";
import { givenLines } from "./_given_lines.ts";
import { reasonPhrase } from "./_reason_phrase.ts";
import type { Protocol, SchemeHandler } from "./protocol.ts";

/**
 * Makes the stage. A scheme with a handler (an interceptor first) is answered by it, unless the
 * request asked for `bypassCustomProtocolHandlers`; a `file:` URL without one is read from
 * disk; everything else goes on to the network, which fails an unknown scheme with
 * `net::ERR_UNKNOWN_URL_SCHEME`. A handler sees the session's default headers (User-Agent,
 * Accept-Language, …) merged into its request, but not the jar's Cookie, as in Electron. A
 * handler that throws or rejects fails the request with `net::ERR_FAILED` (reported on
 * `console.error`); a `SessionError` it throws stands.
 * With no handler registered and no `file:` URL, the request goes on at once.
 *
 * @param protocol The session's handlers.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { Protocol } from "./protocol.ts";
 * import { protocolStage } from "./protocol_stage.ts";
 * const protocol = new Protocol({ fetch, independentFetch: fetch });
 * protocol.handle("app", () => new Response("from the handler"));
 * const run = compose([protocolStage(protocol)], () => Promise.reject(new Error("network")));
 * const response = await run(new Request("app://bundle/index.html"), requestContext());
 * console.log(await response.text()); // from the handler
 * ```
 */
export function protocolStage(protocol: Protocol): Middleware {
  return (next) => (request, context) => {
    const url = request.url;
    if (protocol.empty && !url.startsWith("file:")) return next(request, context);
    const scheme = url.slice(0, url.indexOf(":"));
    const handler = context.bypassCustomProtocolHandlers ? undefined : protocol.handlerFor(scheme);
    if (handler !== undefined) return answer(handler, request, context);
    if (scheme === "file") {
      return readFile(url, request.headers.get("range")).then((file) =>
        request.method === "HEAD" ? withoutBody(file) : endingOnAbort(file, context, url)
      );
    }
    return next(request, context);
  };
}

/**
 * The head of a response made in this process, its body let go: a HEAD request's answer, which
 * fetch gives a null body (its HTTP-network fetch does so for the network's).
 */
function withoutBody(response: Response): Response {
  response.body?.cancel().catch(() => {});
  return responseWithBody(response, null);
}

/**
 * A file's response whose body also ends when the caller aborts while it is read (see
 * `abortableBody`).
 */
function endingOnAbort(response: Response, context: RequestContext, url: string): Response {
  const signal = context.signal;
  if (signal === undefined || response.body === null) return response;
  return responseWithBody(response, abortableBody(response.body, signal, url));
}

/**
 * A body made in this process (a handler's, a file's) that ends when the caller aborts while it
 * is read, as the network's does when its socket is closed: it errors with `net::ERR_ABORTED`
 * (the caller sees `signal.reason`, net's caller-abort rule) and its source is cancelled, so a
 * handler's endless stream stops being pulled.
 */
function abortableBody(
  source: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  url: string,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  let ended = false;
  const finish = () => {
    ended = true;
    signal.removeEventListener("abort", abort);
  };
  const abort = () => {
    if (ended) return;
    finish();
    stream?.error(new SessionError("ERR_ABORTED", { cause: signal.reason, url }));
    reader.cancel(signal.reason).catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller;
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
    },
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (!ended) controller.error(error);
        finish();
        return;
      }
      // An abort while the read was pending has errored the stream already.
      if (ended) return;
      if (chunk.done) {
        finish();
        controller.close();
      } else controller.enqueue(chunk.value);
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

async function answer(
  handler: SchemeHandler,
  request: Request,
  context: RequestContext,
): Promise<Response> {
  try {
    // The caller may give up on a handler that has not answered; a late answer's body is
    // released.
    const response = await unlessAborted(
      handler(withDefaults(request, context), context),
      context.signal,
      request.url,
      (late) => void late.body?.cancel().catch(() => {}),
    );
    // A fresh Response: the handler's may carry another request's URL (a proxied fetch). A
    // body the handler read or locked already fails here, as a handler's mistake.
    // A HEAD request's answer has no body, as fetch gives the network's; the handler's is let
    // go.
    if (request.method === "HEAD") response.body?.cancel().catch(() => {});
    const body = request.method === "HEAD"
      ? null
      : response.body && failingAsNetError(response.body, request.url);
    const signal = context.signal;
    return handlerResponse(
      new Response(body && signal ? abortableBody(body, signal, request.url) : body, {
        status: response.status,
        // Electron's ToResponseHead gives the answer Chromium's reason phrase (handle()'s own
        // was dropped by modernHandler); an http answer's is the network's.
        statusText: response.statusText || reasonPhrase(response.status),
        headers: response.headers,
      }),
      givenLines(response),
    );
  } catch (error) {
    if (SessionError.is(error)) throw error;
    console.error(`protocol handler for ${request.url} failed:`, error);
    throw new SessionError("ERR_FAILED", { cause: error, url: request.url });
  }
}

/**
 * The handler's body, with a failure midway turned into `net::ERR_FAILED` and reported, as a
 * handler that throws before answering is: the caller sees one kind of error either way.
 */
function failingAsNetError(
  source: ReadableStream<Uint8Array>,
  url: string,
): ReadableStream<Uint8Array> {
  return mapStreamErrors(source, (error) => {
    if (SessionError.is(error)) return error;
    console.error(`protocol handler for ${url} failed:`, error);
    return new SessionError("ERR_FAILED", { cause: error, url });
  });
}

// The session's default headers merged into the handler's request, the jar's Cookie left out:
// Electron's handlers get the request as its caller made it, before the network service adds
// cookies (URLRequestHttpJob). A fetch the handler makes with that request reads the jar itself
// for each of its hops; given the Cookie as its caller's own header, it would send it to every
// hop, another site's too.
function withDefaults(request: Request, context: RequestContext): Request {
  const defaults = context.defaultHeaders;
  if (defaults === undefined || defaults.length === 0) return request;
  const headers = new Headers(request.headers);
  for (const [name, value] of defaults) {
    if (name !== "cookie" && !headers.has(name)) headers.set(name, value);
  }
  return new Request(request.url, {
    method: request.method,
    headers,
    redirect: request.redirect,
    signal: request.signal,
  });
}

function readFile(url: string, range: string | null): Promise<Response> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (cause) {
    return Promise.reject(new SessionError("ERR_INVALID_URL", { cause, url }));
  }
  // net::FileURLToFilePath also refuses an encoded NUL, which no file name holds
  // (crbug.com/1400251); FileURLLoaderFactory answers such a URL with ERR_INVALID_URL.
  if (path.includes("\0")) return Promise.reject(new SessionError("ERR_INVALID_URL", { url }));
  return fileResponse(path, { url, range });
}
