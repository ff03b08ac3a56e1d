/**
 * The auth stage of `ses.fetch`, per hop, above the cookie stage and webRequest's header
 * events: sends cached credentials before being asked (Basic, Digest), answers a server's 401
 * and a forward proxy's 407 with the strongest scheme offered, and returns the 401/407 as it
 * is when nobody has credentials. The headers themselves are added by `authHeadersStage`, last
 * before the transport.
 *
 * @module
 */

import type { ConnectionPin, FetchLike, Middleware, RequestContext } from "../core/middleware.ts";
import { sendsCredentials } from "../core/credentials_flag.ts";
import { rawHeaderValues } from "../core/raw_header_values.ts";
import { responseInfo } from "../core/response_info.ts";
import type { AuthCache, Credentials } from "./auth_cache.ts";
import {
  type AuthAnswer,
  AuthController,
  type AuthPolicy,
  type AuthTarget,
  type ChallengedRequest,
  type ChallengeHeaders,
  requestLogins,
} from "./auth_controller.ts";
import { takePreemptiveProxySend } from "./preemptive_proxy_authorization.ts";
import { proxyCredentials, proxyTarget, proxyTargetKey } from "./proxy_target.ts";
import { discardBody } from "../core/discard_body.ts";
import { hasUserinfo } from "../core/userinfo.ts";
import { AuthNetLog, proxyAuthNetLog } from "./auth_net_log.ts";

/** Options for {@linkcode authMiddleware}. */
export interface AuthMiddlewareOptions extends AuthPolicy {
  /** The session's auth cache. */
  readonly cache: AuthCache;
  /** Whether anyone listens to the `'login'` event (without one, and with nothing cached, a
   * request has nothing to answer a challenge with and takes the fast path). */
  readonly hasLoginListener: () => boolean;
  /** Whether some proxy of the session carries credentials in its URI (a 407 may be answered). */
  readonly proxyCredentials?: () => boolean;
}

/** Rounds of one request before the last 401/407 is returned as it is (no endless loops). */
export const MAX_AUTH_ROUNDS = 8;

/**
 * Builds the auth stage. Each round sends the hop on through the stages below it, as
 * Chromium's URLRequestHttpJob restarts a transaction with credentials: the cookie stage reads
 * the jar again (with what the challenge set), webRequest's `onBeforeSendHeaders` and
 * `onSendHeaders` are told again and `onHeadersReceived` sees the 401/407 (electron
 * `ProxyingURLLoaderFactory` hears them through the network service's header client). The
 * credentials go in `context.authHeaders`, for `authHeadersStage` to add below the
 * cache, so no stage between sees them. Credentials in the URL (`http://user:pass@host/`,
 * percent-decoded) stay in the URL the stages below see (webRequest's events show the URL as
 * requested, as Chromium's), are taken off by `authHeadersStage` (they never reach the wire or
 * `response.url`) and are used once, first,
 * when the server asks; nothing cached is sent before that challenge. Requests with
 * `credentials: "omit"` send and answer nothing for the server (a forward proxy's 407 is
 * answered still, as Chromium's privacy mode leaves proxy auth alone). A
 * challenge whose request had a streamed body is returned as it is, since the body cannot be
 * sent again, and so is one a protocol handler answered (`ResponseInfo.fromHandler`): only
 * the network's challenges are answered.
 *
 * @param options The session's cache, login event, NTLM allowlist and fast-path hints.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { AuthCache } from "./auth_cache.ts";
 * import { authHeadersStage } from "./auth_headers_stage.ts";
 * import { authMiddleware } from "./auth_middleware.ts";
 * const run = compose([authMiddleware({
 *   cache: new AuthCache(),
 *   login: () => Promise.resolve(undefined),
 *   ntlmAllowed: () => false,
 *   hasLoginListener: () => false,
 * }), authHeadersStage()], (request) =>
 *   Promise.resolve(
 *     request.headers.get("authorization") === "Basic dTpw"
 *       ? new Response("in")
 *       : new Response(null, { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } }),
 *   ));
 * const response = await run(new Request("http://u:p@a.test/"), requestContext());
 * console.log(response.status, await response.text()); // 200 in
 * ```
 */
export function authMiddleware(options: AuthMiddlewareOptions): Middleware {
  return (next) => (request, context) => {
    const withUserinfo = hasUserinfo(request.url);
    if (
      !withUserinfo && options.cache.size === 0 && !options.hasLoginListener() &&
      !options.proxyCredentials?.()
    ) {
      return next(request, context);
    }
    // `credentials: "omit"` sends and answers nothing for the server, but a forward proxy's 407
    // is answered still, as Chromium's privacy mode suppresses server auth alone; so does
    // `same-origin` once the request is of another origin than its initiator (the Origin).
    const omit = !sendsCredentials(context);
    if (!withUserinfo && (options.cache.size === 0 || omit)) {
      // Nothing cached to send before being asked: the request goes as it is, and only a
      // challenge takes the slow path (a 'login' listener alone must not cost every request).
      return next(request, context).then((response) =>
        ((response.status === 401 && !omit) || response.status === 407) &&
          !fromHandler(response)
          ? authenticate(next, request, context, options, response)
          : response
      );
    }
    return authenticate(next, request, context, options);
  };
}

/**
 * The slow path. `first` is the response to the request as it was, when it was sent before
 * knowing it would be challenged (nothing cached could have been sent with it).
 */
async function authenticate(
  next: FetchLike,
  request: Request,
  context: RequestContext,
  options: AuthMiddlewareOptions,
  first?: Response,
): Promise<Response> {
  const url = new URL(request.url);
  let explicit: Credentials | undefined;
  if (url.username !== "" || url.password !== "") {
    explicit = { username: percentDecode(url.username), password: percentDecode(url.password) };
    url.username = "";
    url.password = "";
    // The request goes on as given, so that webRequest's events and a handler see the URL as
    // requested, as Chromium's URLRequest keeps it; authHeadersStage takes the userinfo off
    // before the transport, and response.url never has it.
    context.urlChain[context.urlChain.length - 1] = url.href;
  }
  const omit = !sendsCredentials(context);
  const challenged: ChallengedRequest = {
    url: url.href,
    method: request.method,
    uri: `${url.pathname}${url.search}`,
    path: url.pathname,
    signal: context.signal,
    // A streamed body is never answered (it cannot be resent), so bytes or none are all here.
    body: context.body instanceof Uint8Array ? context.body : undefined,
    // The URL chain is the request's across hops, and reaches its tunnels' handshakes too.
    logins: requestLogins(context.urlChain),
  };
  // A caller's own Authorization wins over ours on every send (Chromium merges the request's
  // extra headers last), so answering a 401 could only loop: such a 401 is the caller's.
  const callerAuthorizes = request.headers.has("authorization");
  const callerProxyAuthorizes = request.headers.has("proxy-authorization");
  const netLog = context.netLog?.sink.capturing ? context.netLog : undefined;
  const serverLog = netLog && new AuthNetLog(netLog, "server", request.url, url.origin);
  const server = new AuthController(serverTarget(url), options, explicit, serverLog);
  let proxy: AuthController | undefined;
  let proxyLog: AuthNetLog | undefined;
  let proxyKey = "";
  const answerFor = (response: Response): Promise<AuthAnswer | undefined> | undefined => {
    if (response.status === 401) {
      if (callerAuthorizes || omit) return undefined;
      return server.respond(
        challengeValues(response, "www-authenticate"),
        challenged,
        headerLines(response),
      );
    }
    // Only a proxy that forwarded the request may ask this way; a 407 from a server that is no
    // proxy of ours is returned as it is, and no proxy is ever sent what it did not ask. Through
    // a tunnel (https, SOCKS) a 407 comes from the origin: no proxy asked.
    const via = responseInfo(response)?.proxy;
    if (
      via === undefined || (via.scheme !== "http" && via.scheme !== "https") ||
      url.protocol !== "http:" || callerProxyAuthorizes
    ) return undefined;
    const key = proxyTargetKey(via);
    if (proxy === undefined || key !== proxyKey) {
      proxyLog?.end();
      proxyLog = netLog && proxyAuthNetLog(netLog, key);
      proxy = new AuthController(proxyTarget(via, key), options, proxyCredentials(via), proxyLog);
      proxyKey = key;
    }
    // Without an answer of ours, the transport may have sent the cache's credentials for this
    // proxy: they are what the 407 rejects.
    const cached = proxyAuthorization === undefined
      ? takePreemptiveProxySend(context.urlChain, key)
      : undefined;
    if (cached !== undefined) proxy.sentBefore(cached);
    return proxy.respond(
      challengeValues(response, "proxy-authenticate"),
      challenged,
      headerLines(response),
    );
  };
  // With `first`, the request went without cached credentials: an entry cached since then
  // must not count as sent and rejected. A URL with credentials waits for the challenge, which
  // they answer, rather than going as the cache's identity (Chromium's SelectPreemptiveAuth).
  let authorization = callerAuthorizes || omit || first !== undefined || explicit !== undefined
    ? undefined
    : server.preemptive(challenged);
  let proxyAuthorization: string | undefined;
  let pin: ConnectionPin | undefined;
  try {
    for (let round = 0;; round++) {
      let response: Response;
      if (round === 0 && first !== undefined) {
        response = first;
      } else {
        // Added by authHeadersStage, last before the transport: every stage between sees the
        // request as the caller made it, and sends it again for each round (cookies read anew,
        // webRequest's onBeforeSendHeaders asked again, as URLRequestHttpJob restarts).
        context.authHeaders = authorization === undefined && proxyAuthorization === undefined
          ? undefined
          : { authorization, proxyAuthorization, restart: round > 0 };
        response = await next(request, context);
      }
      const { status } = response;
      if (
        (status !== 401 && status !== 407) || round >= MAX_AUTH_ROUNDS ||
        context.body instanceof ReadableStream || fromHandler(response)
      ) return response;
      let answer: AuthAnswer | undefined;
      try {
        answer = await answerFor(response);
      } catch (error) {
        // An abort while 'login' waits, or credentials no header can carry: the challenge's
        // connection must not stay on loan behind an unread body.
        response.body?.cancel().catch(() => {});
        throw error;
      }
      if (answer === undefined) return response;
      // The challenge's cookies were stored by the cookie stage below as it passed; the answer
      // goes through that stage again, with them.
      if (netLog !== undefined && response.body !== null) {
        // Read off so the answer can go out on the same connection, as Chromium's
        // HttpNetworkTransaction drains it (STATE_DRAIN_BODY_FOR_AUTH_RESTART).
        const { sink, source } = netLog;
        const type = "HTTP_TRANSACTION_DRAIN_BODY_FOR_AUTH_RESTART";
        sink.add({ type, phase: "PHASE_BEGIN", source });
        await discardBody(response);
        sink.add({ type, phase: "PHASE_END", source });
      } else await discardBody(response);
      // The answer's token is made after the drain, as the restart's STATE_GENERATE_*_AUTH_TOKEN.
      (status === 401 ? serverLog : proxyLog)?.generateToken();
      if (status === 401) authorization = answer.value;
      else proxyAuthorization = answer.value;
      if (answer.pinConnection && pin === undefined) context.connectionPin = pin = {};
    }
  } finally {
    // The next hop (a redirect, perhaps to another origin) starts with no credentials.
    context.authHeaders = undefined;
    serverLog?.end();
    proxyLog?.end();
    if (pin !== undefined) {
      context.connectionPin = undefined;
      pin.release?.();
    }
  }
}

// A protocol handler's 401/407 is its caller's: Chromium's auth controllers sit in
// HttpNetworkTransaction, which a handler's loader (Electron's ElectronURLLoaderFactory) never
// reaches, so no 'login' is asked and the handler is not called again.
function fromHandler(response: Response): boolean {
  return responseInfo(response)?.fromHandler === true;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A lone `%` is kept as typed, as Chromium's unescaping leaves invalid sequences alone.
    return text;
  }
}

function serverTarget(url: URL): AuthTarget {
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { key: url.origin, isProxy: false, host: hostOf(url.hostname), port };
}

function hostOf(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

function headerLines(response: Response): ChallengeHeaders {
  return responseInfo(response)?.rawHeaders ?? [...response.headers];
}

function challengeValues(response: Response, name: string): readonly string[] {
  const raw = responseInfo(response)?.rawHeaders;
  if (raw === undefined) {
    const joined = response.headers.get(name);
    return joined === null ? [] : [joined];
  }
  return rawHeaderValues(raw, name);
}
