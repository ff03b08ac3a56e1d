/**
 * The pipeline stages that log a request's life, as Chromium's net/url_request/url_request.cc
 * does: `REQUEST_ALIVE` around the whole request, its body included, and
 * `URL_REQUEST_START_JOB` around each hop, with `URL_REQUEST_REDIRECTED` between hops. They
 * pass straight through while no log runs.
 *
 * @module
 */

import type { FetchLike, Middleware, RequestContext } from "../core/middleware.ts";
import type { NetLogSink, NetLogWithSource } from "../core/net_log_sink.ts";
import { responseInfo } from "../core/response_info.ts";
import { LOAD_FLAGS } from "./net_log_constants.ts";

/**
 * The Chromium error number of a failure: a `SessionError`'s `errno`, `ERR_ABORTED` (-3) for
 * an abort, `ERR_FAILED` (-2) otherwise.
 *
 * @param error What the pipeline threw.
 * @returns A negative net error number.
 *
 * @example
 * ```ts
 * import { netErrorOf } from "./request_log_stages.ts";
 * console.log(netErrorOf(new DOMException("stop", "AbortError"))); // -3
 * ```
 */
export function netErrorOf(error: unknown): number {
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (typeof errno === "number" && errno < 0) return errno;
  return (error as { name?: unknown } | null)?.name === "AbortError" ? -3 : -2;
}

// Chromium's RequestPriorityToString of a request's net priority. Electron's net.fetch passes
// no priority to its URLLoader (the WHATWG `priority` hint is not forwarded), so every request
// keeps network::ResourceRequest's default, IDLE.
const REQUEST_PRIORITY = "IDLE";

function loadFlags(context: RequestContext): number {
  switch (context.cache) {
    case "no-store":
      return LOAD_FLAGS.DISABLE_CACHE!;
    case "reload":
      return LOAD_FLAGS.BYPASS_CACHE!;
    case "no-cache":
      return LOAD_FLAGS.VALIDATE_CACHE!;
    case "force-cache":
      return LOAD_FLAGS.SKIP_CACHE_VALIDATION!;
    case "only-if-cached":
      return LOAD_FLAGS.ONLY_FROM_CACHE!;
    default:
      return LOAD_FLAGS.NORMAL!;
  }
}

/**
 * Logs `REQUEST_ALIVE` begin when a request enters. Place it outermost; its end comes from
 * {@linkcode requestAliveEnd}, when the request completes or fails.
 *
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { requestAliveStage } from "./request_log_stages.ts";
 * import { requestContext } from "../core/middleware.ts";
 * const types: string[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = { capturing: true, newSource: () => source, add: (e: { type: string }) => void types.push(e.type) };
 * const fetchLike = requestAliveStage()(() => Promise.resolve(new Response("ok")));
 * await fetchLike(new Request("http://a.test/"), requestContext({ netLog: { sink, source } }));
 * console.log(types); // [ "REQUEST_ALIVE" ]
 * ```
 */
export function requestAliveStage(): Middleware {
  return (next: FetchLike): FetchLike => (request, context) => {
    const netLog = context.netLog;
    if (netLog !== undefined) {
      netLog.sink.add({
        type: "REQUEST_ALIVE",
        phase: "PHASE_BEGIN",
        source: netLog.source,
        // Chromium's NetLogURLRequestConstructorParams: the viewer names the request by this
        // first event's url.
        params: { url: request.url, priority: REQUEST_PRIORITY, traffic_annotation: 0 },
      });
    }
    return next(request, context);
  };
}

/** What {@linkcode requestAliveEnd} hears: the shape of net/'s request outcome observer. */
export interface RequestAliveObserver {
  /** True while the log captures, so that requests are watched only then. */
  readonly active: boolean;
  /** The request completed: no body, a body that arrived whole, or a streamed one read. */
  onCompleted(request: Request, response: Response, context: RequestContext): void;
  /**
   * The request failed, before or after its head (a streamed body cancelled before its end is
   * `ERR_ABORTED`).
   */
  onError(request: Request, error: unknown, context: RequestContext): void;
  /** A piece of the body was read (decoded bytes), before the request completed. */
  onBytesRead(request: Request, chunk: Uint8Array, context: RequestContext): void;
}

/**
 * Ends `REQUEST_ALIVE` when the request is over, as Chromium's URLRequest does when it is
 * destroyed, or with `{net_error}` when it failed, the body included, and logs each read of
 * the body as `URL_REQUEST_JOB_FILTERED_BYTES_READ` (`{byte_count, bytes}`: the bytes kept only
 * in `everything` mode). As in Chromium, where
 * `network::URLLoader` (services/network/url_loader.cc) completes and drops its URLRequest once
 * the whole body is in the data pipe, a body the network already holds whole ends the request
 * at once; a body that streams in after its head ends it when it has been read to its end
 * (cancelled before then: `ERR_ABORTED`). The session hands it to the outcome stage placed
 * just inside {@linkcode requestAliveStage}.
 *
 * @param sink The session's net log.
 * @returns The observer.
 *
 * @example
 * ```ts
 * import { requestAliveEnd } from "./request_log_stages.ts";
 * import { requestContext } from "../core/middleware.ts";
 * const phases: string[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = { capturing: true, newSource: () => source, add: (e: { phase: string }) => void phases.push(e.phase) };
 * const observer = requestAliveEnd(sink);
 * const context = requestContext({ netLog: { sink, source } });
 * observer.onCompleted(new Request("http://a.test/"), new Response("ok"), context);
 * console.log(observer.active, phases); // true [ "PHASE_END" ]
 * ```
 */
export function requestAliveEnd(sink: NetLogSink): RequestAliveObserver {
  return {
    get active() {
      return sink.capturing;
    },
    onCompleted(_request, _response, context) {
      const netLog = context.netLog;
      if (netLog === undefined) return;
      // The read that found the body's end, as Chromium's last read logs one.
      const read = bodyReads.get(netLog);
      if (read !== undefined) {
        bodyReads.delete(netLog);
        logRead(netLog, read);
      }
      netLog.sink.add({ type: "REQUEST_ALIVE", phase: "PHASE_END", source: netLog.source });
    },
    onBytesRead(_request, chunk, context) {
      const netLog = context.netLog;
      if (netLog === undefined) return;
      const read = bodyReads.get(netLog);
      if (read !== undefined) logRead(netLog, read);
      // Chromium's URLRequest logs each read of the filtered (decoded) body with
      // AddByteTransferEvent: the count always, the bytes when the mode keeps socket bytes.
      netLog.sink.add({
        type: "URL_REQUEST_JOB_FILTERED_BYTES_READ",
        phase: "PHASE_NONE",
        source: netLog.source,
        params: { byte_count: chunk.byteLength, bytes: chunk },
      });
    },
    onError(_request, error, context) {
      const netLog = context.netLog;
      if (netLog === undefined) return;
      const netError = netErrorOf(error);
      const read = bodyReads.get(netLog);
      if (read !== undefined) {
        bodyReads.delete(netLog);
        // The read that failed ends with the error; a body the caller cancelled has no read
        // under way (URLRequest::Cancel ends the request alone).
        if (netError !== ERR_ABORTED) logRead(netLog, read, netError);
      }
      netLog.sink.add({
        type: "REQUEST_ALIVE",
        phase: "PHASE_END",
        source: netLog.source,
        params: { net_error: netError },
      });
    },
  };
}

// What each read of a request's body reads, by the request's final answer: the HTTP cache's
// entry (HttpCache::Transaction's DoCacheReadData logs an HTTP_CACHE_READ_DATA pair) or the
// network (HttpNetworkTransaction's STATE_READ_BODY, an HTTP_TRANSACTION_READ_BODY pair). An
// answer made without either, and a HEAD, reads nothing logged. Held until the request ends.
const bodyReads = new WeakMap<NetLogWithSource, string>();

function logRead(netLog: NetLogWithSource, type: string, netError?: number): void {
  const { sink, source } = netLog;
  sink.add({ type, phase: "PHASE_BEGIN", source });
  sink.add({
    type,
    phase: "PHASE_END",
    source,
    params: netError === undefined ? undefined : { net_error: netError },
  });
}

const ERR_ABORTED = -3;

// A response object's head as header lines: the status line first, as HttpResponseHeaders
// logs them.
function madeUpHead(response: Response): string[] {
  const lines = [
    `HTTP/1.1 ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`,
  ];
  response.headers.forEach((value, name) => void lines.push(`${name}: ${value}`));
  return lines;
}

/** Options of {@linkcode urlRequestJobStage}. */
export interface UrlRequestJobStageOptions {
  /**
   * The registrable domain (eTLD+1) of a host, `undefined` for none (an IP, a single label, a
   * public suffix): a site is its scheme and this, as Chromium's SchemefulSite. Without it a
   * site is the URL's scheme and host.
   */
  registrableDomain?: (host: string) => string | undefined;
}

// Chromium's SchemefulSite of a URL, serialized: an http(s) or ws(s) URL's scheme and
// registrable domain (its host when it has none); another URL's origin.
function siteOf(href: string, registrableDomain: UrlRequestJobStageOptions["registrableDomain"]) {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return "null";
  }
  if (!/^(https?|wss?):$/.test(url.protocol)) return url.origin;
  const host = url.hostname;
  const domain = host.startsWith("[") ? undefined : registrableDomain?.(host);
  return `${url.protocol}//${domain ?? host}`;
}

/**
 * Logs each hop as `URL_REQUEST_START_JOB` with Chromium 156's NetLogURLRequestStartParams
 * (`{url, method, load_flags, network_isolation_key, request_type, site_for_cookies,
 * initiator, upload_id}`: the request's priority is `REQUEST_ALIVE`'s), each read
 * of the final answer's body as an `HTTP_CACHE_READ_DATA` pair (from the cache) or an
 * `HTTP_TRANSACTION_READ_BODY` pair (from the network), with {@linkcode requestAliveEnd}, an
 * answer made without the network (a protocol handler,
 * `file:`, a webRequest redirect) as `URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED` (`{headers}`),
 * and a redirect the pipeline will follow as
 * `URL_REQUEST_REDIRECTED` (`{location}`). Place it just inside `followRedirects`.
 *
 * @param options How a URL's site is found.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { urlRequestJobStage } from "./request_log_stages.ts";
 * import { requestContext } from "../core/middleware.ts";
 * const types: string[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = { capturing: true, newSource: () => source, add: (e: { type: string }) => void types.push(e.type) };
 * const redirect = new Response(null, { status: 302, headers: { location: "/b" } });
 * const fetchLike = urlRequestJobStage()(() => Promise.resolve(redirect));
 * await fetchLike(new Request("http://a.test/a"), requestContext({ netLog: { sink, source } }));
 * console.log(types);
 * // [
 * //   "URL_REQUEST_START_JOB",
 * //   "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED",
 * //   "URL_REQUEST_REDIRECTED",
 * //   "URL_REQUEST_START_JOB"
 * // ]
 * ```
 */
export function urlRequestJobStage(options: UrlRequestJobStageOptions = {}): Middleware {
  const { registrableDomain } = options;
  return (next: FetchLike): FetchLike => (request, context) => {
    const netLog = context.netLog;
    if (netLog === undefined) return next(request, context);
    // A hop's body is read only once it is the final answer (set below).
    bodyReads.delete(netLog);
    const { sink, source } = netLog;
    // Electron's net.fetch goes through the browser's URLLoaderFactory, which gives each
    // request an IsolationInfo of type "other" for its URL's site (a redirect keeps it); its
    // site for cookies is its URL's (SimpleURLLoaderWrapper::Create), and its initiator the
    // origin of an Origin header.
    const site = siteOf(context.urlChain[0] ?? request.url, registrableDomain);
    const body = context.body;
    const upload = body instanceof ReadableStream || (body !== null && body.length > 0);
    sink.add({
      type: "URL_REQUEST_START_JOB",
      phase: "PHASE_BEGIN",
      source,
      params: {
        url: request.url,
        method: request.method,
        load_flags: loadFlags(context),
        network_isolation_key: `${site} ${site}`,
        request_type: "other",
        site_for_cookies: `SiteForCookies: {site=${site}; schemefully_same=true}`,
        initiator: context.initiator ?? "not an origin",
        // The ResourceRequestBody's identifier, which net.fetch leaves at 0.
        ...(upload ? { upload_id: "0" } : {}),
      },
    });
    return next(request, context).then((response) => {
      const info = responseInfo(response);
      if (info === undefined || (info.remotePort === 0 && !info.fromCache)) {
        // An answer made without the network or the cache (a protocol handler, a file: URL, a
        // webRequest redirect: no peer): its head as Chromium logs the headers a
        // URLRequestRedirectJob makes up, so the log and a HAR of it show its status.
        sink.add({
          type: "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED",
          phase: "PHASE_NONE",
          source,
          params: {
            headers: info === undefined ? madeUpHead(response) : [
              info.statusLine,
              ...info.rawHeaders.map(([name, value]) => `${name}: ${value}`),
            ],
          },
        });
      }
      // The cache logged reading the entry's head; the body's reads are logged as they come.
      if (info === undefined || request.method === "HEAD") bodyReads.delete(netLog);
      else if (info.fromCache) bodyReads.set(netLog, "HTTP_CACHE_READ_DATA");
      else if (info.remotePort !== 0) bodyReads.set(netLog, "HTTP_TRANSACTION_READ_BODY");
      else bodyReads.delete(netLog);
      const location = response.headers.get("location");
      if (
        location !== null && response.status >= 300 && response.status < 400 &&
        request.redirect === "follow"
      ) {
        sink.add({
          type: "URL_REQUEST_REDIRECTED",
          phase: "PHASE_NONE",
          source,
          params: { location: new URL(location, request.url).href },
        });
      }
      // The job ends after its head and its redirect, as Chromium's URLRequest::Redirect
      // logs URL_REQUEST_REDIRECTED before PrepareToRestart ends URL_REQUEST_START_JOB.
      sink.add({ type: "URL_REQUEST_START_JOB", phase: "PHASE_END", source });
      return response;
    }, (error: unknown) => {
      sink.add({
        type: "URL_REQUEST_START_JOB",
        phase: "PHASE_END",
        source,
        params: { net_error: netErrorOf(error) },
      });
      throw error;
    });
  };
}
