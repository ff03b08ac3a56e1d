/**
 * Electron's `Protocol` (`ses.protocol`): custom schemes and interception of http, https and
 * file, per session.
 *
 * @module
 */

import { sentReferrer } from "./_referrer.ts";
import { methodArgumentError } from "../core/conversion_error.ts";
import { SessionError } from "../core/session_error.ts";
import type { RequestContext } from "../core/middleware.ts";
import { type LegacyHandler, legacyHandler, type LegacyKind } from "./_legacy_handler.ts";
import type {
  ProtocolRequest,
  ProtocolResponse,
  ProtocolResponseUploadData,
  ProtocolSession,
} from "./protocol_types.ts";

/** A `protocol.handle` handler: a WHATWG `Request` in, a `Response` (or its promise) out. */
export type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/**
 * How the pipeline runs a scheme's handler: the hop's request (session default headers
 * merged in) and its context (for the upload).
 */
export type SchemeHandler = (request: Request, context: RequestContext) => Promise<Response>;

/** What a `Protocol` needs from its session. */
export interface ProtocolDeps {
  /**
   * The session's fetch, for `registerHttpProtocol` and `interceptHttpProtocol` answers; it
   * is called with `bypassCustomProtocolHandlers: true`.
   */
  fetch: ProtocolDepsFetch;
  /**
   * A fetch through a new in-memory session of its own, for http answers with
   * `session: null`; called like `fetch`.
   */
  independentFetch: ProtocolDepsFetch;
}

/** How a `Protocol` fetches an http answer's URL. */
export type ProtocolDepsFetch = (
  input: string,
  init: RequestInit & { bypassCustomProtocolHandlers: boolean },
) => Promise<Response>;

/** The schemes `handle` intercepts instead of registering (Electron's `isBuiltInScheme`). */
const BUILT_IN = new Set(["http", "https", "file"]);

/**
 * A session's protocol handlers. A scheme registered here is served by this session only:
 * another partition does not know it. Registration methods return Electron's booleans
 * (`false` when the scheme already has a handler of that kind); `handle` and `unhandle` throw
 * instead. A handler that throws, rejects or answers with something other than a `Response`
 * (or with one whose body it read already) fails the request with `net::ERR_FAILED` and is
 * reported on `console.error`; so does a body of its answer that errors midway. `Response.error()`
 * fails it with `net::ERR_FAILED` unreported, as a failure the handler meant. Callback-style
 * handlers answer as Electron's URL loader factory reads them: `callback()` with nothing, or a
 * non-object to a buffer, http or stream handler, is `net::ERR_NOT_IMPLEMENTED`; `{error}` is
 * that net error; a 301/302/303/307/308 with a `Location` header is followed, whatever the kind.
 * An answer gets Chromium's reason phrase, in its `statusText` and status line
 * (`HTTP/1.1 404 Not Found`), as Electron's `ToResponseHead` writes it, whatever `statusText`
 * a `handle()` handler's `Response` had (an http answer keeps the network's). A string, buffer or
 * file answer gets `Access-Control-Allow-Origin: *` after the handler's headers, as Electron
 * adds it to those (not to stream, http or `handle()` answers).
 *
 * Every method throws a TypeError, synchronously, for a scheme that is not a string or a
 * handler that is not a function, in the words of Chromium's gin that binds Electron's
 * Protocol: `Error processing argument at index N, conversion failure from <value>` (`undefined`,
 * `null`, a string's own text, nothing for other values), or `Insufficient number of
 * arguments.` for a registration method called without them.
 *
 * Electron's `protocol.registerSchemesAsPrivileged` (secure context, CORS, service workers,
 * fetch API for a renderer's scheme) concerns renderers only; there are none here, so it is
 * not offered (neither on this object nor elsewhere), rather than accepted and ignored.
 *
 * @example
 * ```ts
 * import { session } from "@ses/session";
 * const ses = session.fromPartition("protocol-example");
 * ses.protocol.handle("app", (request) => {
 *   return new Response(`you asked for ${new URL(request.url).pathname}`);
 * });
 * const response = await ses.fetch("app://bundle/index.html");
 * console.log(await response.text()); // you asked for /index.html
 * // Another session does not know the scheme.
 * console.log(session.fromPartition("other").protocol.isProtocolHandled("app")); // false
 * ```
 */
export class Protocol {
  #registered = new Map<string, SchemeHandler>();
  #intercepted = new Map<string, SchemeHandler>();
  #deps: ProtocolDeps;

  /**
   * Makes a session's protocol object (the session does; callers use `ses.protocol`).
   *
   * @param deps The session's fetch.
   */
  constructor(deps: ProtocolDeps) {
    this.#deps = deps;
  }

  /**
   * Serves `scheme` with `handler`: http, https and file are intercepted, other schemes
   * registered.
   *
   * @param scheme The scheme, without `:`.
   * @param handler Gets a `Request` (its `referrer` the `Referer` sent, or `""`; an opaque
   * `Origin: null` left out, as Electron's handle() does), returns a
   * `Response` or a promise of one.
   * @throws {Error} `Failed to register protocol: SCHEME` when the scheme is already handled.
   */
  handle(scheme: string, handler: ProtocolHandler): void {
    // Electron's handle() is JavaScript that always passes two arguments on to the binding.
    checkScheme(scheme, 2);
    checkHandler(handler, 2);
    const handlers = BUILT_IN.has(scheme) ? this.#intercepted : this.#registered;
    if (handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    handlers.set(scheme, modernHandler(handler));
  }

  /**
   * Removes the handler `handle` set.
   *
   * @param scheme The scheme.
   * @throws {Error} `Failed to unhandle protocol: SCHEME` when it had none.
   */
  unhandle(scheme: string): void {
    checkScheme(scheme, 1);
    const handlers = BUILT_IN.has(scheme) ? this.#intercepted : this.#registered;
    if (!handlers.delete(scheme)) throw new Error(`Failed to unhandle protocol: ${scheme}`);
  }

  /**
   * Tells whether `handle` (or a register/intercept method) serves the scheme.
   *
   * @param scheme The scheme.
   * @returns Whether it is handled.
   */
  isProtocolHandled(scheme: string): boolean {
    checkScheme(scheme, 1);
    return BUILT_IN.has(scheme) ? this.#intercepted.has(scheme) : this.#registered.has(scheme);
  }

  /**
   * Registers a scheme answered with a string (`callback(string | {data, mimeType, charset,
   * statusCode, headers} | {error})`); the `content-type` header is `mimeType` when given, and
   * absent otherwise, as in Electron.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when the scheme is already registered.
   */
  registerStringProtocol(
    scheme: string,
    handler: LegacyHandler<string | ProtocolResponse>,
  ): boolean {
    return this.#register(this.#registered, scheme, "string", handler, arguments.length);
  }

  /**
   * Registers a scheme answered with bytes (`callback(Buffer | {data, mimeType, …})`).
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when the scheme is already registered.
   */
  registerBufferProtocol(
    scheme: string,
    handler: LegacyHandler<Uint8Array | ProtocolResponse>,
  ): boolean {
    return this.#register(this.#registered, scheme, "buffer", handler, arguments.length);
  }

  /**
   * Registers a scheme answered with a file (`callback(path | {path, statusCode, headers})`).
   * The path is meant to be absolute: as in Electron, which makes it a `file:///` URL, a relative
   * one is read from the root (never the working directory) and `..` is resolved lexically.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when the scheme is already registered.
   */
  registerFileProtocol(scheme: string, handler: LegacyHandler<string | ProtocolResponse>): boolean {
    return this.#register(this.#registered, scheme, "file", handler, arguments.length);
  }

  /**
   * Registers a scheme answered by another request (`callback({url, method, referrer,
   * uploadData, session})`), made without protocol handlers through this session, the
   * `session` the answer names, or a new in-memory one for `session: null`; `uploadData` is
   * sent only with a method other than GET or HEAD, as Electron reads it.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when the scheme is already registered.
   */
  registerHttpProtocol(scheme: string, handler: LegacyHandler<ProtocolResponse>): boolean {
    return this.#register(this.#registered, scheme, "http", handler, arguments.length);
  }

  /**
   * Registers a scheme answered with a stream (`callback(stream | {statusCode, headers,
   * data})`, the stream a Node.js `Readable` or a web `ReadableStream`), read with
   * backpressure. `data: null` is an empty body; an answer with neither a stream nor a data
   * key (a Buffer, a bare `{statusCode}`) fails with `net::ERR_FAILED`, as in Electron.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when the scheme is already registered.
   */
  registerStreamProtocol(scheme: string, handler: LegacyHandler<unknown>): boolean {
    return this.#register(this.#registered, scheme, "stream", handler, arguments.length);
  }

  /**
   * Removes a registered scheme.
   *
   * @param scheme The scheme.
   * @returns `false` when it was not registered.
   */
  unregisterProtocol(scheme: string): boolean {
    checkScheme(scheme, arguments.length);
    return this.#registered.delete(scheme);
  }

  /**
   * Tells whether a scheme is registered.
   *
   * @param scheme The scheme.
   * @returns Whether it is.
   */
  isProtocolRegistered(scheme: string): boolean {
    checkScheme(scheme, arguments.length);
    return this.#registered.has(scheme);
  }

  /**
   * Intercepts a scheme (http, https, file or a registered one) with a string answer.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when it is already intercepted.
   */
  interceptStringProtocol(
    scheme: string,
    handler: LegacyHandler<string | ProtocolResponse>,
  ): boolean {
    return this.#register(this.#intercepted, scheme, "string", handler, arguments.length);
  }

  /**
   * Intercepts a scheme with a bytes answer.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when it is already intercepted.
   */
  interceptBufferProtocol(
    scheme: string,
    handler: LegacyHandler<Uint8Array | ProtocolResponse>,
  ): boolean {
    return this.#register(this.#intercepted, scheme, "buffer", handler, arguments.length);
  }

  /**
   * Intercepts a scheme with a file answer.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when it is already intercepted.
   */
  interceptFileProtocol(
    scheme: string,
    handler: LegacyHandler<string | ProtocolResponse>,
  ): boolean {
    return this.#register(this.#intercepted, scheme, "file", handler, arguments.length);
  }

  /**
   * Intercepts a scheme with another request's answer.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when it is already intercepted.
   */
  interceptHttpProtocol(scheme: string, handler: LegacyHandler<ProtocolResponse>): boolean {
    return this.#register(this.#intercepted, scheme, "http", handler, arguments.length);
  }

  /**
   * Intercepts a scheme with a stream answer.
   *
   * @param scheme The scheme.
   * @param handler `(request, callback)`.
   * @returns `false` when it is already intercepted.
   */
  interceptStreamProtocol(scheme: string, handler: LegacyHandler<unknown>): boolean {
    return this.#register(this.#intercepted, scheme, "stream", handler, arguments.length);
  }

  /**
   * Removes an interceptor.
   *
   * @param scheme The scheme.
   * @returns `false` when it was not intercepted.
   */
  uninterceptProtocol(scheme: string): boolean {
    checkScheme(scheme, arguments.length);
    return this.#intercepted.delete(scheme);
  }

  /**
   * Tells whether a scheme is intercepted.
   *
   * @param scheme The scheme.
   * @returns Whether it is.
   */
  isProtocolIntercepted(scheme: string): boolean {
    checkScheme(scheme, arguments.length);
    return this.#intercepted.has(scheme);
  }

  /** @internal Whether no scheme has a handler (the stage's fast path). */
  get empty(): boolean {
    return this.#registered.size === 0 && this.#intercepted.size === 0;
  }

  /**
   * @internal The handler serving a scheme: an interceptor first, then (for schemes other than
   * http, https and file) a registered handler.
   *
   * @param scheme The URL's scheme, without `:`.
   * @returns The handler, or `undefined`.
   */
  handlerFor(scheme: string): SchemeHandler | undefined {
    return this.#intercepted.get(scheme) ??
      (BUILT_IN.has(scheme) ? undefined : this.#registered.get(scheme));
  }

  #register<A>(
    handlers: Map<string, SchemeHandler>,
    scheme: string,
    kind: LegacyKind,
    handler: LegacyHandler<A>,
    count: number,
  ): boolean {
    checkScheme(scheme, count);
    checkHandler(handler, count);
    if (handlers.has(scheme)) return false;
    handlers.set(scheme, legacyHandler(kind, handler as LegacyHandler<unknown>, this.#deps));
    return true;
  }
}

// Electron binds Protocol's methods with Chromium's gin, which words the conversion error.
function checkScheme(scheme: unknown, count: number): void {
  if (typeof scheme !== "string") throw methodArgumentError(0, scheme, count);
}

function checkHandler(handler: unknown, count: number): void {
  if (typeof handler !== "function") throw methodArgumentError(1, handler, count);
}

function modernHandler(handler: ProtocolHandler): SchemeHandler {
  return async (request, context) => {
    const body = context.body;
    // Electron's handle() makes the Request with the referrer sent (`""` for none).
    const referrer = sentReferrer(request);
    // Electron's handle() deletes an opaque `Origin: null` (what a hop between two URLs of a
    // custom scheme sends) from the Request it makes.
    let headers = request.headers;
    if (headers.get("origin") === "null") {
      headers = new Headers(headers);
      headers.delete("origin");
    }
    const full = body === null
      ? new Request(request, { referrer, headers })
      : new Request(request.url, {
        method: request.method,
        headers,
        body,
        redirect: request.redirect,
        signal: request.signal,
        referrer,
        duplex: "half",
      } as RequestInit);
    // Bun's Request keeps no referrer (it reads ""): the handler still gets the one sent.
    if (full.referrer !== referrer) Object.defineProperty(full, "referrer", { value: referrer });
    if (body instanceof ReadableStream) context.body = null;
    const response: unknown = await handler(full);
    if (!(response instanceof Response)) {
      throw new TypeError(`The handler did not answer with a Response: ${String(response)}`);
    }
    // Electron's handle() answers `{error: ERR_FAILED}` for a network error the handler chose to
    // give (Response.error()): a failure it meant, not a bug to report.
    if (response.type === "error") {
      throw new SessionError("ERR_FAILED", { url: request.url });
    }
    // Electron's handle() passes the status on to ToResponseHead, which writes Chromium's reason
    // phrase (GetHttpReasonPhrase) and never reads the statusText it is also given: a phrase the
    // handler chose, or the one of a network answer it returns, is not the caller's.
    if (response.statusText === "") return response;
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}

export type { ProtocolRequest, ProtocolResponse, ProtocolResponseUploadData, ProtocolSession };
