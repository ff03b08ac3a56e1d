/**
 * Composes a session's request pipeline (DESIGN.md §3) from the subsystems' stages.
 *
 * @module
 */

import { compose, type Middleware } from "../core/middleware.ts";
import type { NetLogSink } from "../core/net_log_sink.ts";
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
  /** Called for each `Link: rel=preconnect` hint a response carries. */
  onPreconnectHint: (hint: PreconnectHint) => void;
  /** The session's net log; each request gets a `URL_REQUEST` source while it captures. */
  netLog?: NetLogSink;
  /** Hears how every request ends (webRequest's onCompleted / onErrorOccurred). */
  outcome?: RequestOutcomeObserver;
  /** The HTTP cache stage (cache/), per hop. */
  httpCache?: Middleware;
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
 * const { fetch, door } = buildSessionPipeline({
 *   net: new NetService(),
 *   identity: { userAgent: () => "demo/1", acceptLanguage: () => "en-US" },
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
    // Decoding sits outside the cache stage: the cache keeps encoded bodies.
    contentDecoding(),
    followRedirects(),
    // Per hop, in this order: webRequest.onBeforeRequest, protocol handlers, cookies,
    // onBeforeSendHeaders, HTTP cache, auth (later issues).
    ...(deps.httpCache ? [deps.httpCache] : []),
    preconnectHints(deps.onPreconnectHint),
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
