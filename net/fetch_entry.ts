/**
 * The front door of the pipeline: turns `fetch(input, init)` arguments into a bodiless
 * `Request` (the head) plus the upload, assigns the request id and runs the pipeline.
 *
 * @module
 */

import { objectSlot } from "../core/object_slot.ts";
import type { FetchLike, RequestContext } from "../core/middleware.ts";
import { registerBlob, unregisterBlob } from "../core/blob_registry.ts";
import type { NetLogSink } from "../core/net_log_sink.ts";
import { REQUEST_CACHE_MODES } from "../core/request_cache_modes.ts";
import { withCallerAbort } from "./caller_abort.ts";
import { defaultHeaderSource, type SessionIdentity } from "./default_headers.ts";

/**
 * `ses.fetch`'s options: WHATWG `RequestInit` plus Electron's `net.fetch` extension
 * (`init?: RequestInit & { bypassCustomProtocolHandlers?: boolean }` in `electron.d.ts`).
 */
export interface SessionFetchInit extends RequestInit {
  /** Skip the session's protocol handlers (`protocol.handle` and kin); default false. */
  bypassCustomProtocolHandlers?: boolean;
}

/** The signature of `ses.fetch`, the runtime's `fetch` without its extras. */
export type SessionFetch = (
  input: RequestInfo | URL,
  init?: SessionFetchInit,
) => Promise<Response>;

// Requests made without a caller's signal: nobody holds their controller, so they never
// abort and the transport need not listen (a listener per request costs microseconds in Bun),
// nor even make the signal, which Bun builds on first access. A slot, not a WeakSet, so finished
// requests are young garbage (core/object_slot.ts).
const inertRequests = objectSlot<Request, true>("inert request");

/**
 * The signal that can abort a pipeline request, or `undefined` when `ses.fetch` made the
 * request without a caller's signal, so that nothing can ever abort it.
 *
 * @param request A pipeline request.
 * @returns `request.signal`, or `undefined` when it can never abort.
 *
 * @example
 * ```ts
 * import { abortSignalOf, createFetchEntry } from "./fetch_entry.ts";
 * const fetchLike = createFetchEntry(
 *   (request) => Promise.resolve(new Response(String(abortSignalOf(request) === undefined))),
 *   { nextId: () => 1 },
 * );
 * console.log(await (await fetchLike("http://a.test/")).text()); // true
 * const controller = new AbortController();
 * const response = await fetchLike("http://a.test/", { signal: controller.signal });
 * console.log(await response.text()); // false
 * ```
 */
export function abortSignalOf(request: Request): AbortSignal | undefined {
  return inertRequests.get(request) ? undefined : request.signal;
}

/** Options for {@linkcode createFetchEntry}. */
export interface FetchEntryOptions {
  /** Electron's resource type for these requests; default `other`. */
  resourceType?: string;
  /** Makes request ids; the session shares one counter across its doors. */
  nextId: () => number;
  /** The session's User-Agent and languages, added unless the caller set them. */
  identity?: SessionIdentity;
  /**
   * The session's net log: while it captures, each request gets one `URL_REQUEST` source,
   * carried in the context across all its hops.
   */
  netLog?: NetLogSink;
}

/**
 * Wraps a pipeline in the WHATWG `fetch` signature. The session's identity headers go in the
 * context (`defaultHeaders`) for the transport to add where the caller set none.
 *
 * When the caller's signal aborts, at any moment, the promise rejects and the body errors with
 * `signal.reason` (see `caller_abort.ts`); a stream upload not yet sent is cancelled with it.
 *
 * A byte body (string, `Uint8Array`, `Blob`, `FormData`, `URLSearchParams`) is read once so
 * it can be resent after a 307/308 redirect or on a stale keep-alive socket, with the
 * Content-Type the fetch standard gives it unless the headers name one (`text/plain;charset=UTF-8`
 * for a string, the form types, a Blob's own type, none for bytes); a `ReadableStream` body (or
 * a `Request` input with a body) streams once, with backpressure, typed by the input's headers.
 * In Bun those leave out a string body's `text/plain;charset=UTF-8` (Bun's `Request.headers`
 * omits it, and nothing Bun shows tells a string body from bytes without reading it), so such
 * a request goes untyped there: give the body in `init` or set the Content-Type. Bun's
 * `Request` keeps no `credentials` either (it always says `include`): a `Request` input's
 * `credentials: "omit"` is honoured in Deno only, `init.credentials` in both. A `Host` header
 * of the caller's is dropped: the URL names the host, as in Chromium (whose network service
 * refuses a consumer's Host); a webRequest `onBeforeSendHeaders` answer may set one.
 *
 * @param pipeline The composed stages and transport.
 * @param options Resource type and id source.
 * @returns A function with `fetch`'s signature.
 *
 * @example
 * ```ts
 * import { createFetchEntry } from "./fetch_entry.ts";
 * let id = 0;
 * const fetchLike = createFetchEntry(
 *   (request, context) => Promise.resolve(new Response(`${request.method} ${context.id}`)),
 *   { nextId: () => ++id },
 * );
 * console.log(await (await fetchLike("http://a.test/")).text()); // GET 1
 * ```
 */
export function createFetchEntry(pipeline: FetchLike, options: FetchEntryOptions): SessionFetch {
  const { resourceType = "other", nextId, identity, netLog } = options;
  const defaults = identity ? defaultHeaderSource(identity) : undefined;
  const enter = (
    input: RequestInfo | URL,
    init: SessionFetchInit | undefined,
    head: Request,
    body: RequestContext["body"],
    uploadBlobUUID?: string,
  ) => {
    if (!(input instanceof Request) && (init?.signal ?? null) === null) {
      inertRequests.set(head, true);
    }
    const from = input instanceof Request ? input : undefined;
    const context: RequestContext = {
      id: nextId(),
      startTime: Date.now(),
      resourceType,
      urlChain: [head.url],
      body,
      uploadBlobUUID,
      defaultHeaders: defaults?.(head.url),
      // Kept, not read: webRequest spells its `requestHeaders` from it when it has a listener.
      headersInit: init?.headers,
      // Read from init first: Deno's Request drops `cache` and Bun's has no `credentials`.
      cache: init?.cache ?? from?.cache ?? "default",
      credentials: init?.credentials ?? from?.credentials ?? "same-origin",
      // Only a caller's headers can hold an Origin: a request without any is not asked.
      initiator: init?.headers !== undefined || from !== undefined ? initiatorOf(head) : undefined,
      bypassCustomProtocolHandlers: bypassOf(init),
      priority: init?.priority ?? "auto",
      signal: abortSignalOf(head),
      netLog: netLog?.capturing
        ? { sink: netLog, source: netLog.newSource("URL_REQUEST") }
        : undefined,
    };
    if (context.signal?.aborted) {
      // The fetch standard's "abort the fetch() call": a stream body is cancelled too, so
      // the caller's source is released.
      if (body instanceof ReadableStream) body.cancel(context.signal.reason).catch(() => {});
      return Promise.reject(context.signal.reason);
    }
    const pending = pipeline(head, context);
    return context.signal === undefined ? pending : withCallerAbort(pending, context.signal);
  };
  // Not async: a request without a body goes in without a promise turn of its own.
  return (input, init) => {
    try {
      // fetch converts a non-Request input to a string (WebIDL USVString); Bun's Request
      // throws a plain Error for a number, null or undefined instead of the invalid URL's
      // TypeError.
      if (typeof input !== "object" || input === null) input = String(input);
      // WebIDL's dictionary conversion, as Deno's Request makes it: Bun's ignores a number or
      // a string given as init and sends a GET.
      if (init != null && typeof init !== "object" && typeof init !== "function") {
        throw new TypeError(
          "Failed to construct 'Request': Argument 2 can not be converted to a dictionary",
        );
      }
      if (init?.method !== undefined) {
        // WebIDL's ByteString conversion, as fetch makes it: a method given as a number, null or
        // an object with toString is checked and compared as the text the Request will carry.
        const method = String(init.method);
        if (method !== init.method) init = { ...init, method };
        checkMethod(method);
      }
      if (init?.cache !== undefined) checkEnum(init.cache, CACHE_MODES, "RequestCache");
      if (init?.credentials !== undefined) {
        checkEnum(init.credentials, CREDENTIALS_MODES, "RequestCredentials");
      }
      if (init?.priority !== undefined) checkEnum(init.priority, PRIORITIES, "RequestPriority");
      if ((init?.body ?? null) !== null) checkBodyAllowed(init?.method, input);
      else if (input instanceof Request) checkUsable(input);
      const withDuplex = init?.body instanceof ReadableStream && !("duplex" in init)
        ? { ...init, duplex: "half" }
        : init;
      // Asked before the copy below takes the body over from a Request input.
      const streamed = init?.body instanceof ReadableStream ||
        (input instanceof Request && input.body !== null && init?.body === undefined);
      const full = newRequest(input, withDuplex);
      if (init?.method !== undefined) checkMethodKept(init.method, full.method);
      // A caller's Host is none of the request's headers: Chromium takes Host from the URL (its
      // network service refuses a consumer's), so neither a listener nor the wire sees this
      // one. Below the entry a Host comes from a stage alone (a webRequest answer), and goes.
      if ((init?.headers !== undefined || input instanceof Request) && full.headers.has("host")) {
        full.headers.delete("host");
      }
      if (
        (init?.cache ?? (input instanceof Request ? input.cache : "default")) === "only-if-cached"
      ) {
        checkCacheMode(full);
      }
      if (full.body === null) return enter(input, init, full, null);
      if (streamed) return enter(input, init, withoutBody(full, full.headers), full.body);
      return readWholeBody(full, init!.body!).then(({ headers, body }) => {
        if (!(init?.body instanceof Blob)) {
          return enter(input, init, withoutBody(full, headers), body);
        }
        // A Blob body is a blob upload in Chromium: listeners see its UUID and may read it with
        // ses.getBlobData until the request has its answer.
        const uuid = registerBlob(body);
        return enter(input, init, withoutBody(full, headers), body, uuid).finally(() =>
          unregisterBlob(uuid)
        );
      });
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

// `new Request`, with the TypeError of an invalid URL, header name or header value in Deno's
// words: Bun's says "Failed to construct 'Request': ..." (a plain Error for ""), and words
// header errors its own way. Worked out only once the constructor has thrown.
function newRequest(input: RequestInfo | URL, init: RequestInit | undefined): Request {
  try {
    return new Request(input, init);
  } catch (error) {
    throw requestError(input, init) ?? error;
  }
}

function requestError(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): TypeError | undefined {
  if (!(input instanceof Request) && !URL.canParse(String(input))) {
    return new TypeError(`Invalid URL: '${String(input)}'`);
  }
  const headers = init?.headers;
  if (headers === undefined || headers instanceof Headers) return undefined;
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [name, value] = [String(pair[0]), String(pair[1])];
    if (!TOKEN.test(name)) return new TypeError(`Invalid header name: "${name}"`);
    // The fetch standard trims HTTP whitespace from the ends first.
    if (/[\0\r\n]/.test(value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ""))) {
      return new TypeError(`Invalid header value: "${value}"`);
    }
  }
  return undefined;
}

// RFC 9110 §5.6.2's token: what fetch's Request accepts as a method.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_METHOD = /^(?:connect|trace|track)$/i;

// The fetch standard's method checks (Request constructor, steps 25.1-25.2), with Chromium's
// and undici's words: Deno's Request makes them, Bun's turns an invalid method into GET and
// sends CONNECT and TRACE.
function checkMethod(method: string): void {
  if (!TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  if (FORBIDDEN_METHOD.test(method)) {
    throw new TypeError(`'${method}' HTTP method is unsupported.`);
  }
}

// Bun's Request keeps only the methods of its own table and turns any other token into GET
// (oven-sh/bun#6021): a custom method meant to change something would then read instead, so
// the request is refused. A change of case alone goes through (Bun upper-cases "propfind",
// which the fetch standard would keep as given).
function checkMethodKept(given: string, kept: string): void {
  if (kept !== given && kept.toUpperCase() !== given.toUpperCase()) {
    throw new TypeError(
      `'${given}' is a method this runtime's Request cannot carry: it would be sent as GET ` +
        "(oven-sh/bun#6021)",
    );
  }
}

// Request constructor step 34 (Bun's Request sends a GET or HEAD with the body).
function checkBodyAllowed(method: string | undefined, input: RequestInfo | URL): void {
  const effective = (method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  if (effective === "GET" || effective === "HEAD") {
    throw new TypeError("Request with GET/HEAD method cannot have body.");
  }
}

// Request constructor step 44 ("if input is unusable, throw a TypeError"), with Deno's words:
// Bun's Request copies a read body as an empty one and sends that.
function checkUsable(input: Request): void {
  if (input.bodyUsed || input.body?.locked === true) {
    throw new TypeError("Input request's body is unusable");
  }
}

const CACHE_MODES = new Set<unknown>(REQUEST_CACHE_MODES);
const CREDENTIALS_MODES = new Set<unknown>(["omit", "same-origin", "include"]);
const PRIORITIES = new Set<unknown>(["high", "low", "auto"]);

// The Request constructor's enum checks (RequestCache, RequestCredentials, RequestPriority), with
// Deno's (and Chromium's WebIDL) words: Bun's Request takes a null cache as "default", words the
// other cache modes its own way, and keeps no credentials or priority, so it checks neither.
function checkEnum(value: unknown, values: Set<unknown>, type: string): void {
  if (!values.has(value)) {
    throw new TypeError(
      `Failed to construct 'Request': The provided value '${
        String(value)
      }' is not a valid enum value of type ${type}`,
    );
  }
}

// Request constructor step 31, with Deno's words: Bun's Request lets only-if-cached pass in any
// mode. Asked only for that mode: a Request getter costs in Bun.
function checkCacheMode(request: Request): void {
  if (request.mode !== "same-origin") {
    throw new TypeError(
      'Request cache mode "only-if-cached" can only be used with same-origin mode',
    );
  }
}

// The head must not carry the body: stages rebuild Requests freely, and the upload travels
// in the context instead.
function withoutBody(full: Request, headers: Headers): Request {
  return new Request(full.url, {
    method: full.method,
    headers,
    signal: full.signal,
    redirect: full.redirect,
  });
}

// The Content-Type the fetch standard's "extract a body" gives a byte body. FormData's has the
// boundary the runtime chose, and both runtimes put it in the headers; a BufferSource has none.
function impliedType(body: BodyInit): string | undefined {
  if (typeof body === "string") return "text/plain;charset=UTF-8";
  if (body instanceof URLSearchParams) return "application/x-www-form-urlencoded;charset=UTF-8";
  if (body instanceof Blob && body.type !== "") return body.type;
  return undefined;
}

async function readWholeBody(
  full: Request,
  given: BodyInit,
): Promise<{ headers: Headers; body: Uint8Array }> {
  let headers = full.headers;
  // Bun leaves a string's text/plain;charset=UTF-8 off `Request.headers`, and its Blob of any
  // body says text/plain, bytes too: the type comes from what the caller gave.
  const type = headers.has("content-type") ? undefined : impliedType(given);
  if (type !== undefined) {
    headers = new Headers(headers);
    headers.set("content-type", type);
  }
  return { headers, body: new Uint8Array(await full.arrayBuffer()) };
}

/** Electron's `net.fetch` extension of `RequestInit`, read strictly as its boolean. */
function bypassOf(init: SessionFetchInit | undefined): boolean {
  return init?.bypassCustomProtocolHandlers === true;
}

// Electron's net.fetch passes the caller's Origin header as the request's initiator
// (url::Origin::Create: a value that is no URL is an opaque origin); an empty one is none.
function initiatorOf(head: Request): string | undefined {
  const origin = head.headers.get("origin");
  if (origin === null || origin === "") return undefined;
  try {
    return new URL(origin).origin;
  } catch {
    return "null";
  }
}
