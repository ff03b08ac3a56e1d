/**
 * Composes a session's request pipeline (DESIGN.md §3) from the subsystems' stages.
 *
 * @module
 */

import { authHeadersStage, authMiddleware, type AuthMiddlewareOptions } from "../auth/mod.ts";
import type { CookieJarLike } from "../core/cookie_jar_like.ts";
import { compose, type Middleware } from "../core/middleware.ts";
import type { NetLogSink } from "../core/net_log_sink.ts";
import { cookieMiddleware, registrableDomain } from "../cookies/mod.ts";
import {
  contentDecoding,
  createFetchEntry,
  followRedirects,
  hstsStage,
  type NetService,
  observeOutcome,
  type PreconnectHint,
  preconnectHints,
  type RequestOutcomeObserver,
  type SessionFetch,
  type SessionIdentity,
  type TransportSecurityState,
} from "../net/mod.ts";
import { type DnrEngine, dnrStages } from "../extensions/mod.ts";
import { type Protocol, protocolStage } from "../protocol/mod.ts";
import { requestAliveEnd, requestAliveStage, urlRequestJobStage } from "../netlog/mod.ts";
import {
  beforeRedirectHook,
  beforeRequestStage,
  headersStage,
  outcomeObserver,
  responseStartedStage,
  type WebRequest,
} from "../web_request/mod.ts";

/** What the pipeline needs from its session. */
export interface SessionPipelineDeps {
  /** The session's network state and transport. */
  net: NetService;
  /** User agent and languages, read per request. */
  identity: SessionIdentity;
  /** The session's cookie jar. */
  cookies: CookieJarLike;
  /** The session's auth cache, `'login'` event and NTLM allowlist; without it no auth stage. */
  auth?: AuthMiddlewareOptions;
  /** Called for each `Link: rel=preconnect` hint of the response a fetch resolves with. */
  onPreconnectHint: (hint: PreconnectHint) => void;
  /** The session's net log; each request gets a `URL_REQUEST` source while it captures. */
  netLog?: NetLogSink;
  /** The extensions' declarativeNetRequest rules. */
  dnr?: DnrEngine;
  /** Hears how every request ends (besides webRequest's onCompleted / onErrorOccurred). */
  outcome?: RequestOutcomeObserver;
  /** The HTTP cache stage (cache/), per hop. */
  httpCache?: Middleware;
  /** Told the URL of a response whose body failed to decode (the HTTP cache drops it). */
  onDecodingFailed?: (url: string) => void;
  /** The session's webRequest hooks. */
  webRequest?: WebRequest;
  /** The session's protocol handlers (custom schemes, interceptors, `file:`). */
  protocol?: Protocol;
  /** The session's HSTS hosts; without it no request is upgraded. */
  transportSecurity?: TransportSecurityState;
}

// Request ids (webRequest's details.id) come from one counter for the whole process, as
// Electron's ProxyingURLLoaderFactory takes them from the one ElectronBrowserClient::next_id_:
// a listener shared by two sessions never sees one id twice.
let lastId = 0;
function nextId(): number {
  return ++lastId;
}

/** The doors into one session's pipeline. */
export interface SessionPipeline {
  /** `ses.fetch`: requests of resource type `xhr`, as Electron shows `net.fetch`'s. */
  fetch: SessionFetch;
  /**
   * Another door into the same stages, for requests of another Electron resource type
   * (`download` for downloads), so webRequest can tell them apart. Request ids come from the
   * one counter of the process.
   */
  door(resourceType: string): SessionFetch;
}

/**
 * Builds the session's pipeline. Stages run outermost first; everything inside
 * `followRedirects` runs once per hop. Later subsystems slot in where their comments say.
 *
 * @param deps The session's parts.
 * @returns The session's doors into it.
 *
 * @example
 * ```ts
 * import { NetService } from "../net/mod.ts";
 * import { buildSessionPipeline } from "./session_pipeline.ts";
 * import { AuthCache } from "../auth/mod.ts";
 * const { fetch, door } = buildSessionPipeline({
 *   net: new NetService(),
 *   auth: {
 *     cache: new AuthCache(),
 *     login: () => Promise.resolve(undefined),
 *     ntlmAllowed: () => false,
 *     hasLoginListener: () => false,
 *   },
 *   identity: { userAgent: () => "demo/1", acceptLanguage: () => "en-US" },
 *   cookies: { cookieHeader: () => undefined, storeSetCookies: () => {} },
 *   onPreconnectHint: () => {},
 * });
 * const download = door("download");
 * console.log(typeof fetch, typeof download); // function function
 * ```
 */
export function buildSessionPipeline(deps: SessionPipelineDeps): SessionPipeline {
  const dnr = deps.dnr ? dnrStages(deps.dnr) : undefined;
  const { webRequest, protocol } = deps;
  const pipeline = compose([
    // The net log's REQUEST_ALIVE spans the whole request, body included, so it goes outside
    // everything.
    requestAliveStage(),
    ...(deps.netLog ? [observeOutcome(requestAliveEnd(deps.netLog))] : []),
    // Outermost, so that it sees every error, wherever it arose.
    ...(deps.outcome ? [observeOutcome(deps.outcome)] : []),
    // webRequest: onCompleted / onErrorOccurred, outside everything too.
    ...(webRequest ? [observeOutcome(outcomeObserver(webRequest))] : []),
    // Decoding sits outside the cache stage: the cache keeps encoded bodies.
    contentDecoding({ onFailed: deps.onDecodingFailed }),
    // The hints of the response the fetch resolves with, as Blink reads a Link header on the
    // response that commits: a redirect that is followed gives none.
    preconnectHints(deps.onPreconnectHint),
    followRedirects({
      onRedirect: webRequest ? beforeRedirectHook(webRequest) : undefined,
      isSchemeAllowed: (url) => isRedirectScheme(url, protocol, deps.dnr),
    }),
    // One URL_REQUEST_START_JOB per hop, and URL_REQUEST_REDIRECTED between hops.
    urlRequestJobStage({ registrableDomain }),
    // Per hop, in this order: DNR block/redirect, webRequest.onBeforeRequest, onResponseStarted
    // (of the hop's final response), the HSTS upgrade, auth (each round goes through everything below), cookies,
    // DNR modifyHeaders, onBeforeSendHeaders / onSendHeaders / onHeadersReceived, protocol
    // handlers, HTTP cache, the credentials' headers, then the transport.
    ...(dnr ? [dnr.beforeRequest] : []),
    ...(webRequest ? [beforeRequestStage(webRequest)] : []),
    ...(webRequest ? [responseStartedStage(webRequest)] : []),
    // After onBeforeRequest, where Chromium's URLRequestHttpJob::Factory upgrades an HSTS host:
    // its 307 skips cookies, header events, the cache and the network; it learns from every
    // TLS response below, as onHeadersReceived left its headers.
    ...(deps.transportSecurity ? [hstsStage(deps.transportSecurity)] : []),
    // Above cookies and webRequest's header events, as Chromium's URLRequestHttpJob restarts a
    // transaction with credentials: each round reads the jar again (with the challenge's
    // cookies) and is told to onBeforeSendHeaders again; onHeadersReceived sees the 401/407.
    ...(deps.auth ? [authMiddleware(deps.auth)] : []),
    cookieMiddleware(deps.cookies),
    // After cookies, as Chromium applies header rules to the headers about to be sent.
    ...(dnr ? [dnr.modifyHeaders] : []),
    // Inside cookies: the listener sees the Cookie header, and the headers onHeadersReceived
    // sets are the ones stored (Chromium runs OnHeadersReceived before saving cookies).
    ...(webRequest ? [headersStage(webRequest)] : []),
    // Handlers answer in place of the network, so their responses pass webRequest like network
    // ones (but they get no Cookie from the jar, and the cookie stage stores none of their
    // Set-Cookie lines; the net log's transaction events are the transport's: a handler's
    // answer has only its request's URL_REQUEST source). The HTTP cache goes after them: a
    // handler's answer is never cached (Chromium's interceptors sit above the cache).
    ...(protocol ? [protocolStage(protocol)] : []),
    // Keyed on the headers about to be sent, so after every stage that sets them.
    ...(deps.httpCache ? [deps.httpCache] : []),
    // Last before the transport, as Chromium's HttpNetworkTransaction adds them: no stage above
    // sees the credentials (the cache keys and webRequest's headers are the caller's).
    ...(deps.auth ? [authHeadersStage()] : []),
  ], deps.net.transport);
  // The entry adds the identity headers to each request's context; every hop gets them.
  const door = (resourceType: string) =>
    createFetchEntry(pipeline, {
      resourceType,
      nextId,
      identity: deps.identity,
      netLog: deps.netLog,
    });
  return { fetch: door("xhr"), door };
}

/**
 * Redirects may lead to http(s), to schemes the session's handlers serve, and to a loaded
 * extension's files (a DNR extensionPath redirect, served by its stage).
 */
function isRedirectScheme(
  url: URL,
  protocol: Protocol | undefined,
  dnr: DnrEngine | undefined,
): boolean {
  if (url.protocol === "http:" || url.protocol === "https:") return true;
  if (url.protocol === "chrome-extension:" && dnr?.extensionPath(url.host) !== undefined) {
    return true;
  }
  return protocol?.handlerFor(url.protocol.slice(0, -1)) !== undefined;
}
