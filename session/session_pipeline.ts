/**
 * Composes a session's request pipeline (DESIGN.md §3) from the subsystems' stages.
 *
 * @module
 */

import type { CookieJarLike } from "../core/cookie_jar_like.ts";
import { compose } from "../core/middleware.ts";
import { cookieMiddleware } from "../cookies/mod.ts";
import {
  contentDecoding,
  createFetchEntry,
  followRedirects,
  type NetService,
  type PreconnectHint,
  preconnectHints,
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
  /** Called for each `Link: rel=preconnect` hint a response carries. */
  onPreconnectHint: (hint: PreconnectHint) => void;
}

/**
 * Builds `ses.fetch`. Stages run outermost first; everything inside `followRedirects` runs
 * once per hop. Later subsystems slot in where their comments say.
 *
 * @param deps The session's parts.
 * @returns The session's fetch.
 *
 * @example
 * ```ts ignore
 * import { NetService } from "../net/mod.ts";
 * import { buildSessionFetch } from "./session_pipeline.ts";
 * const fetch = buildSessionFetch({
 *   net: new NetService(),
 *   identity: { userAgent: () => "demo/1", acceptLanguage: () => "en-US" },
 *   cookies: { cookieHeader: () => undefined, storeSetCookies: () => {} },
 *   onPreconnectHint: () => {},
 * });
 * ```
 */
export function buildSessionFetch(deps: SessionPipelineDeps): SessionFetch {
  let lastId = 0;
  const pipeline = compose([
    // Decoding sits outside the (future) cache stage: the cache keeps encoded bodies.
    contentDecoding(),
    followRedirects(),
    // Per hop, in this order: webRequest.onBeforeRequest, protocol handlers, cookies,
    // onBeforeSendHeaders, HTTP cache, auth (later issues).
    preconnectHints(deps.onPreconnectHint),
    cookieMiddleware(deps.cookies),
  ], deps.net.transport);
  // The entry adds User-Agent and Accept-Language once; redirect hops inherit them.
  return createFetchEntry(pipeline, { nextId: () => ++lastId, identity: deps.identity });
}
