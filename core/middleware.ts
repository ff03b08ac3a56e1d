import type { NetLogWithSource } from "./net_log_sink.ts";

/**
 * The shape of a pipeline stage: every step of `ses.fetch` is a function from the next
 * step to a new step, composed in `session/`.
 *
 * @module
 */

/** What a request carries through the pipeline besides the `Request` itself. */
export interface RequestContext {
  /** A session-unique request id (Electron's `details.id`). */
  readonly id: number;
  /** When the request entered the pipeline, in milliseconds since the epoch. */
  readonly startTime: number;
  /** Electron's resource type: `xhr` for `ses.fetch`, `download` for downloads. */
  readonly resourceType: string;
  /** Every URL the request has visited, the current one last (redirects append). */
  readonly urlChain: string[];
  /**
   * The upload. The `Request` describes the head; the body travels here so that a byte body
   * can be sent again after a 307/308 redirect, while a stream is sent once, with
   * backpressure. A 303 redirect sets it to `null`.
   */
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  /**
   * Set when the caller's body was a `Blob` (or `File`): the UUID under which its bytes sit in
   * the blob registry while the request runs, shown as `blobUUID` in the `uploadData` that
   * webRequest listeners and protocol handlers see, and readable with `ses.getBlobData`.
   */
  readonly uploadBlobUUID?: string;
  /**
   * Headers the transport adds when the request has none of that name: the session's
   * User-Agent, Accept-Language, Accept-Encoding and Accept, as Chromium's HTTP job adds them.
   * They stay out of `Request.headers`, whose changes cost dearly in Bun; a stage that shows
   * or edits the headers to be sent (webRequest) merges them into its request and sets this
   * to `[]`. They belong to each hop: `followRedirects` restores the entry's list before every
   * hop, so such a stage sees them again on the next one.
   */
  defaultHeaders?: ReadonlyArray<readonly [string, string]>;
  /**
   * The caller's `init.headers` as given (a plain object, an array of pairs, a `Headers`), or
   * `undefined`: `Headers` keeps no case, so this is where the caller's spelling of its header
   * names survives, for the transport to put on the wire and for a stage that shows names
   * (webRequest's `requestHeaders`). A stage that replaces the headers (a webRequest
   * `requestHeaders` answer) puts the spelling of its own list here.
   */
  headersInit?: HeadersInit;
  /**
   * Set by a stage that replaced a hop's request headers (a webRequest `requestHeaders`
   * answer): the headers that are the request's own from then on, names spelled as that stage
   * spelled them, without the defaults it passed on unchanged and without `Cookie` (both are
   * made again for each hop). `followRedirects` builds the next hop from them instead of from
   * the hop's request as it entered, and makes them that hop's `headersInit`, as Electron's
   * ProxyingURLLoaderFactory keeps a listener's changes in the request it sends again on a
   * redirect. `followRedirects` clears the field before each hop.
   */
  answeredHeaders?: Array<[string, string]>;
  /** The caller's `init.cache` (WHATWG `RequestCache`), read by the HTTP cache stage. */
  readonly cache: RequestCache;
  /**
   * The caller's `init.credentials`: `omit` sends and stores no cookies and no credentials;
   * `include` sends them; `same-origin` (the WHATWG default) is `include` without an
   * {@linkcode RequestContext.initiator}, as Electron's net.fetch makes it, and otherwise
   * sends cookies only while every URL of the request is of the initiator's origin.
   */
  readonly credentials: RequestCredentials;
  /**
   * The origin of the caller's `Origin` header (`"null"` for one that is no URL), or
   * `undefined` without one: Electron's net.fetch makes it the request's initiator, by which
   * Chromium's CORS layer judges `same-origin` credentials on every hop.
   */
  readonly initiator?: string;
  /** Electron's `bypassCustomProtocolHandlers`: skip the session's protocol handlers. */
  readonly bypassCustomProtocolHandlers: boolean;
  /** The caller's `init.priority` (WHATWG fetch priority hint). */
  readonly priority: RequestPriority;
  /** The caller's signal, or `undefined` when the caller gave none (nothing can abort). */
  readonly signal: AbortSignal | undefined;
  /** The request's `URL_REQUEST` source while a net log is capturing, across all its hops. */
  readonly netLog?: NetLogWithSource;
  /**
   * Set by a stage whose next sends must go on the connection this one uses (NTLM's handshake
   * is bound to its connection). While the field holds the pin, the transport keeps the
   * connection of each exchange that ends reusable for the pin instead of pooling it, and sends
   * the next request of this context on it. The stage clears the field and calls
   * `pin.release?.()` when done, which hands a connection still held back to the pool.
   */
  connectionPin?: ConnectionPin;
  /**
   * Set by the cookie stage for each hop. A stage below it that consumes a response instead of
   * passing it on (the HTTP cache turning a 304 into its stored response, or revalidating in
   * the background) calls it with the request it sent, that response and this context: the
   * response's `Set-Cookie` lines are stored and the `Cookie` default header is made anew, as
   * Chromium's URLRequestHttpJob saves the cookies of a 304's updated headers. (Auth sits above
   * the cookie stage: its challenges pass through it, and each round is sent through it again.)
   */
  onInterimResponse?: (request: Request, response: Response, context: RequestContext) => void;
  /**
   * Set by the auth stage while it sends a hop with credentials: the `Authorization` and
   * `Proxy-Authorization` values the stage last before the transport adds, so that the stages
   * between (cookies, webRequest's header events, protocol handlers, the HTTP cache) see the
   * request as the caller made it, as Chromium's HttpNetworkTransaction adds them below the
   * network delegate and the cache. A header the request already has wins (Chromium merges the
   * request's extra headers last). The auth stage clears the field when its hop ends.
   */
  authHeaders?: AuthHeaders;
}

/** The credentials of one send (see `RequestContext.authHeaders`). */
export interface AuthHeaders {
  /** The `Authorization` value, like `Basic dTpw`. */
  readonly authorization?: string;
  /** The `Proxy-Authorization` value, for a forward proxy's 407. */
  readonly proxyAuthorization?: string;
  /**
   * True when the send answers the hop's challenge: Chromium restarts the hop's transaction
   * (`RestartWithAuth`), which keeps its cache entry and, on a kept-alive connection, its
   * stream, so the stages below log no second opening of either.
   */
  readonly restart?: boolean;
}

/** A stage's hold on the connection of its previous send (see `RequestContext.connectionPin`). */
export interface ConnectionPin {
  /** Set by the transport while it holds a connection for the pin: gives it back to the pool. */
  release?: () => void;
}

/** The WHATWG fetch priority hint (`RequestInit.priority`). */
export type RequestPriority = "high" | "low" | "auto";

/**
 * Makes a context with the defaults `ses.fetch` uses, for stages run outside a session
 * (tests, examples, tools).
 *
 * @param fields The fields to set; the rest take ses.fetch's defaults.
 * @returns A context.
 *
 * @example
 * ```ts
 * import { requestContext } from "./middleware.ts";
 * const context = requestContext({ id: 7, credentials: "omit" });
 * console.log(context.id, context.cache, context.credentials); // 7 default omit
 * ```
 */
export function requestContext(fields: Partial<RequestContext> = {}): RequestContext {
  return {
    id: 1,
    startTime: Date.now(),
    resourceType: "xhr",
    urlChain: [],
    body: null,
    cache: "default",
    credentials: "same-origin",
    bypassCustomProtocolHandlers: false,
    priority: "auto",
    signal: undefined,
    ...fields,
  };
}

/** One step of the pipeline: takes a request, resolves its response. */
export type FetchLike = (request: Request, context: RequestContext) => Promise<Response>;

/** A pipeline stage: wraps the next step. */
export type Middleware = (next: FetchLike) => FetchLike;

/**
 * Composes stages so that the first one sees the request first.
 *
 * @param stages The stages, outermost first.
 * @param terminal The innermost step (the transport).
 * @returns One step that runs them all.
 *
 * @example Adding a header in front of a terminal step
 * ```ts
 * import { compose, type Middleware, requestContext } from "./middleware.ts";
 * const addHeader: Middleware = (next) => (request, context) => {
 *   const headers = new Headers(request.headers);
 *   headers.set("x-demo", "1");
 *   return next(new Request(request, { headers }), context);
 * };
 * const fetchLike = compose([addHeader], (request) =>
 *   Promise.resolve(new Response(request.headers.get("x-demo"))));
 * const context = requestContext();
 * console.log(await (await fetchLike(new Request("http://a.test/"), context)).text()); // 1
 * ```
 */
export function compose(stages: readonly Middleware[], terminal: FetchLike): FetchLike {
  return stages.reduceRight<FetchLike>((next, stage) => stage(next), terminal);
}
