/**
 * Composes a session's request pipeline (DESIGN.md §3) from the subsystems' stages.
 *
 * @module
 */

import { authMiddleware, type AuthMiddlewareOptions } from "../auth/mod.ts";
import type { CookieJarLike } from "../core/cookie_jar_like.ts";
import { compose } from "../core/middleware.ts";
import type { NetLogSink } from "../core/net_log_sink.ts";
import { cookieMiddleware } from "../cookies/mod.ts";
import {
  contentDecoding,
  createFetchEntry,
  followRedirects,
  type NetService,
  observeOutcome,
  type PreconnectHint,
  preconnectHints,
  type RequestOutcomeObserver,
  type SessionFetch,
  type SessionIdentity,
} from "../net/mod.ts";

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
  /** Called for each `Link: rel=preconnect` hint a response carries. */
  onPreconnectHint: (hint: PreconnectHint) => void;
  /** The session's net log; each request gets a `URL_REQUEST` source while it captures. */
  netLog?: NetLogSink;
  /** Hears how every request ends (webRequest's onCompleted / onErrorOccurred). */
  outcome?: RequestOutcomeObserver;
}

/** The doors into one session's pipeline. */
export interface SessionPipeline {
  /** `ses.fetch`: requests of resource type `other`. */
  fetch: SessionFetch;
  /**
   * Another door into the same stages, for requests of another Electron resource type
   * (`download` for downloads), so webRequest can tell them apart. Request ids come from the
   * one counter the session's doors share.
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
  let lastId = 0;
  const nextId = () => ++lastId;
  const pipeline = compose([
    // Outermost, so that it sees every error, wherever it arose.
    ...(deps.outcome ? [observeOutcome(deps.outcome)] : []),
    // Decoding sits outside the (future) cache stage: the cache keeps encoded bodies.
    contentDecoding(),
    followRedirects(),
    // Per hop, in this order: webRequest.onBeforeRequest, protocol handlers, cookies,
    // onBeforeSendHeaders, HTTP cache (later issues), then auth, last before the transport, so
    // that its retries resend exactly what the stages before it made.
    preconnectHints(deps.onPreconnectHint),
    cookieMiddleware(deps.cookies),
    ...(deps.auth ? [authMiddleware(deps.auth)] : []),
  ], deps.net.transport);
  // The entry adds the identity headers to each request's context; every hop gets them.
  const door = (resourceType: string) =>
    createFetchEntry(pipeline, {
      resourceType,
      nextId,
      identity: deps.identity,
      netLog: deps.netLog,
    });
  return { fetch: door("other"), door };
}
