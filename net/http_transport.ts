/**
 * The innermost pipeline step: sends a request over a pooled HTTP/1.1 connection (TCP, then
 * TLS for https) and turns the reply into a `Response` whose body streams from the socket.
 *
 * @module
 */

import { certStatusErrors } from "./_cert_status.ts";
import { isPortAllowed } from "./port_allowed.ts";
import type { ConnectionPin, FetchLike, RequestContext } from "../core/middleware.ts";
import type { NetErrorCode } from "../core/net_errors.ts";
import type { NetLogWithSource } from "../core/net_log_sink.ts";
import {
  DIRECT_AFTER_FAILURE,
  type ProxyResolverLike,
  type ProxyServer,
} from "../core/proxy_resolver_like.ts";
import { type TunnelAuthRefusal, tunnelAuthRefusal } from "../core/proxy_handshake.ts";
import { type ResponseInfo, setResponseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import type { ConnectStepOptions } from "./connect_step.ts";
import type { ConnectionPool, Lease, PoolGroupTarget } from "./connection_pool.ts";
import { cancelWhenCollected } from "./cancel_when_collected.ts";
import { appendMissingHeaders } from "./default_headers.ts";
import { callerSpellings, requestHeaderName, spellingIn } from "../core/header_spelling.ts";
import { abortSignalOf } from "./fetch_entry.ts";
import { exchange, type Http1Response, MERGE_BODY_LIMIT } from "./http1_client.ts";
import type { NetworkEmulation } from "./network_emulation.ts";
import { originConnector, type OriginConnectorDeps, poolKey } from "./origin_connector.ts";
import { proxyFallover } from "./proxy_fallback.ts";
import { setResponseUrl } from "../core/response_url.ts";
import { loggedStep, netErrorNumberOf, pacString, proxyChainString } from "./step_log.ts";
import {
  logRequestHeaders,
  NetworkTransactionLog,
  socketBytesLogger,
  uploadReadsLogged,
} from "./transaction_log.ts";

/** What the transport needs from its session. */
export interface HttpTransportOptions {
  /** The session's connection pool. */
  pool: ConnectionPool;
  /** Resolver, TLS policy, proxy handshake and timeouts, read per request (they may change). */
  connectorDeps: () => OriginConnectorDeps;
  /** The session's network conditions. */
  emulation: NetworkEmulation;
  /** Where requests go: direct or through proxies. */
  proxies: ProxyResolverLike;
  /**
   * The `Proxy-Authorization` to send before a forward proxy asks (credentials the auth cache
   * holds for it), as Chromium's preemptive proxy auth; `undefined` for none. It gets the
   * request's method, its path and query (Digest's `uri`) and its URL chain (the request, by
   * which the auth stage learns what was sent).
   */
  proxyAuthorization?: (
    proxy: ProxyServer,
    request: {
      readonly method: string;
      readonly uri: string;
      readonly urlChain: readonly string[];
    },
  ) => string | undefined;
}

/** Errors on a reused keep-alive socket that mean the server closed it before our request. */
const STALE_SOCKET_ERRORS = new Set([
  "ERR_CONNECTION_RESET",
  "ERR_CONNECTION_CLOSED",
  "ERR_EMPTY_RESPONSE",
  "ERR_SOCKET_NOT_CONNECTED",
]);

/** Statuses whose responses never have a body (the `Response` constructor insists). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Builds the transport step for a session.
 *
 * @param options The session's pool, resolver, TLS policy, emulation and proxies.
 * @returns The terminal step of the pipeline.
 *
 * @example Sending one request to a loopback server
 * ```ts
 * import { createServer } from "node:http";
 * import { requestContext } from "../core/middleware.ts";
 * import { DIRECT_PROXY_RESOLVER } from "../core/proxy_resolver_like.ts";
 * import { CertificateVerifier } from "./certificate_verifier.ts";
 * import { ConnectionPool } from "./connection_pool.ts";
 * import { createHttpTransport } from "./http_transport.ts";
 * import { NetworkEmulation } from "./network_emulation.ts";
 * import { policyKey, resolveSSLConfig } from "./ssl_config.ts";
 *
 * const server = createServer((_, response) => response.end("hello"));
 * await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
 * const pool = new ConnectionPool();
 * const ssl = resolveSSLConfig({});
 * const transport = createHttpTransport({
 *   pool,
 *   connectorDeps: () => ({
 *     resolve: (host) => Promise.resolve([{ address: host, family: 4 }]),
 *     tls: { key: policyKey(ssl), ssl, verifier: new CertificateVerifier() },
 *   }),
 *   emulation: new NetworkEmulation(),
 *   proxies: DIRECT_PROXY_RESOLVER,
 * });
 * const { port } = server.address() as { port: number };
 * const response = await transport(new Request(`http://127.0.0.1:${port}/`), requestContext());
 * console.log(await response.text()); // hello
 * pool.closeAll();
 * await new Promise((resolve) => server.close(resolve));
 * ```
 */
export function createHttpTransport(options: HttpTransportOptions): FetchLike {
  const connectors = new ConnectorCache();
  // Not async: a request with nothing to wait for before its connection (no emulated
  // latency, proxies known at once) saves two promise turns, which Bun charges dearly.
  return (request, context) => {
    try {
      const url = new URL(request.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new SessionError("ERR_UNKNOWN_URL_SCHEME", { url: request.url });
      }
      // Each hop, as Chromium's URLRequestHttpJob refuses a restricted port (a default port,
      // which URL leaves out, never is one).
      if (url.port !== "" && !isPortAllowed(Number(url.port))) {
        throw new SessionError("ERR_UNSAFE_PORT", { url: request.url });
      }
      // A signal nothing can abort needs no listeners in the pool and the codec.
      const signal = abortSignalOf(request);
      if (options.emulation.active) {
        const netLog = context.netLog?.sink.capturing ? context.netLog : undefined;
        return (netLog
          ? emulationLogged(options.emulation, netLog, signal)
          : options.emulation.beforeRequest(signal)).then(() =>
            route(options, connectors, url, request, context, signal)
          );
      }
      return route(options, connectors, url, request, context, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

// Chromium's DevTools throttling logs nothing of its own; @ses names its waits so a log shows
// where emulated latency went: THROTTLING_REQUEST around the latency wait (with the
// conditions), THROTTLING_DISCONNECTED_REQUEST for a request failed as offline.
function emulationLogged(
  emulation: NetworkEmulation,
  netLog: NetLogWithSource,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { offline, latency, downloadThroughput, uploadThroughput } = emulation.conditions;
  if (offline) {
    netLog.sink.add({
      type: "THROTTLING_DISCONNECTED_REQUEST",
      phase: "PHASE_NONE",
      source: netLog.source,
      params: { net_error: -106 },
    });
    return emulation.beforeRequest(signal);
  }
  return loggedStep(netLog, "THROTTLING_REQUEST", () => ({
    latency_ms: latency,
    download_throughput: downloadThroughput,
    upload_throughput: uploadThroughput,
  }), () => emulation.beforeRequest(signal));
}

function route(
  options: HttpTransportOptions,
  connectors: ConnectorCache,
  url: URL,
  request: Request,
  context: RequestContext,
  signal: AbortSignal | undefined,
): Promise<Response> {
  // An answer to the hop's challenge restarts the transaction that met it, which resolves no
  // proxy for the request again (a new stream's resolution is its job controller's, in Chromium).
  if (context.netLog?.sink.capturing && context.authHeaders?.restart !== true) {
    return routeLogged(options, connectors, url, request, context, signal);
  }
  const proxies = options.proxies.resolveProxies(url, signal);
  if (Array.isArray(proxies)) {
    return send(options, connectors, proxies, url, request, context, signal);
  }
  return Promise.resolve(proxies).then((list) =>
    send(options, connectors, list, url, request, context, signal)
  );
}

// The logged route: proxy resolution as PROXY_RESOLUTION_SERVICE with its resolved list
// (Chromium's configured_proxy_resolution_service.cc). Like the unlogged route, a list known at
// once (no PAC script to run) goes on in the same turn: a promise turn per request costs more
// than the events.
function routeLogged(
  options: HttpTransportOptions,
  connectors: ConnectorCache,
  url: URL,
  request: Request,
  context: RequestContext,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const { sink, source } = context.netLog!;
  const type = "PROXY_RESOLUTION_SERVICE";
  sink.add({ type, phase: "PHASE_BEGIN", source });
  const failed = (error: unknown): never => {
    sink.add({ type, phase: "PHASE_END", source, params: { net_error: netErrorNumberOf(error) } });
    throw error;
  };
  const resolved = (proxies: readonly ProxyServer[]) => {
    // A fallback after a failed look-up: the resolver logged the failure in the list's place.
    if (proxies !== DIRECT_AFTER_FAILURE) {
      sink.add({
        type: "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST",
        phase: "PHASE_NONE",
        source,
        // Chromium 156's NetLogFinishedResolvingProxyParams (older Chromium said pac_string).
        params: { proxy_info: pacString(proxies) },
      });
    }
    sink.add({ type, phase: "PHASE_END", source });
    return send(options, connectors, proxies, url, request, context, signal);
  };
  let proxies: ReturnType<ProxyResolverLike["resolveProxies"]>;
  try {
    proxies = options.proxies.resolveProxies(url, signal, context.netLog);
  } catch (error) {
    // The transport's caller turns the throw into a rejection.
    return failed(error);
  }
  if (Array.isArray(proxies)) return resolved(proxies);
  return Promise.resolve(proxies).then(resolved, failed);
}

/**
 * Connectors by pool key, so the hot path builds no closures; a change of dependencies (a new
 * TLS policy) starts afresh.
 */
class ConnectorCache {
  #deps: OriginConnectorDeps | undefined;
  #byKey = new Map<string, PoolGroupTarget>();
  // The last direct connector: requests to one origin in a row skip building a key.
  #last: { protocol: string; host: string; connector: PoolGroupTarget } | undefined;

  get(url: URL, proxy: ProxyServer, deps: OriginConnectorDeps): PoolGroupTarget {
    if (deps !== this.#deps) {
      this.#deps = deps;
      this.#byKey.clear();
      this.#last = undefined;
    }
    const { protocol, host } = url;
    const direct = proxy.scheme === "direct";
    const last = this.#last;
    if (direct && last && last.host === host && last.protocol === protocol) return last.connector;
    const key = poolKey(url, proxy, deps.tls);
    let connector = this.#byKey.get(key);
    if (!connector) {
      // Bounded: a crawler visiting many hosts must not grow this forever.
      if (this.#byKey.size >= 1024) this.#byKey.clear();
      connector = originConnector(url, proxy, deps);
      this.#byKey.set(key, connector);
    }
    if (direct) this.#last = { protocol, host, connector };
    return connector;
  }
}

function acquireConnection(
  options: HttpTransportOptions,
  connectors: ConnectorCache,
  url: URL,
  proxies: readonly ProxyServer[],
  step: ConnectStepOptions,
): Promise<Lease> {
  const deps = options.connectorDeps();
  // Going direct there is nothing to fall back to: hand over the pool's promise as it is.
  if (proxies.length === 1 && proxies[0]!.scheme === "direct") {
    return options.pool.acquire(connectors.get(url, proxies[0]!, deps), step);
  }
  return acquireThroughProxies(options, connectors, deps, url, proxies, step);
}

/**
 * Tries the proxy list in order, moving on only where Chromium's `CanFalloverToNextProxy`
 * allows (the route failed, not the origin); when every entry failed, the last failure stands,
 * as in Chromium's `ReconsiderProxyAfterError`. The proxies that failed are reported (to be
 * tried last) only once a later entry worked, as Chromium's `ReportSuccess` marks them: when
 * every entry fails, the network is as likely at fault as the proxies, and none is marked.
 */
async function acquireThroughProxies(
  options: HttpTransportOptions,
  connectors: ConnectorCache,
  deps: OriginConnectorDeps,
  url: URL,
  proxies: readonly ProxyServer[],
  step: ConnectStepOptions,
): Promise<Lease> {
  let lastError: unknown;
  let failed: ProxyServer[] | undefined;
  for (const proxy of proxies) {
    let lease: Lease;
    try {
      lease = await options.pool.acquire(connectors.get(url, proxy, deps), step);
    } catch (error) {
      const { fallover, error: final } = proxyFallover(error);
      if (!fallover || step.signal?.aborted) throw final;
      if (proxy.scheme !== "direct") (failed ??= []).push(proxy);
      lastError = final;
      continue;
    }
    if (failed !== undefined) { for (const bad of failed) options.proxies.reportFailure?.(bad); }
    return lease;
  }
  // Only an empty list (rules whose entries were all invalid) gets here without a failure of its
  // own: no proxy and no DIRECT to choose from, as HttpStreamFactory::JobController says.
  throw lastError ?? new SessionError("ERR_NO_SUPPORTED_PROXIES", { url: url.href });
}

async function send(
  options: HttpTransportOptions,
  connectors: ConnectorCache,
  proxies: readonly ProxyServer[],
  url: URL,
  request: Request,
  context: RequestContext,
  abortable: AbortSignal | undefined,
): Promise<Response> {
  const headers = requestHeaders(url, request.headers);
  if (context.defaultHeaders) appendMissingHeaders(headers, context.defaultHeaders);
  spellNames(headers, context.headersInit);
  const originForm = `${url.pathname}${url.search || emptyQuery(url)}`;
  const netLog = context.netLog?.sink.capturing ? context.netLog : undefined;
  // The context carries `signal`, `netLog` and `urlChain` under the names connect steps read, so it
  // serves as their options as it is, unless a stage swapped the request (and its signal).
  const step: ConnectStepOptions = abortable === context.signal
    ? context
    : { signal: abortable, netLog: context.netLog, urlChain: context.urlChain };
  const pin = context.connectionPin;
  // An answer to the hop's challenge goes out on the connection that met it when that was kept
  // alive, as HttpNetworkTransaction renews its stream (RenewStreamForAuth): no stream request,
  // no pool. (The pool hands back its most recent idle socket: the challenge's, drained.)
  let renewing = netLog !== undefined && context.authHeaders?.restart === true;
  for (;;) {
    const held = pin === undefined ? undefined : takePinned(pin);
    const renewed = held !== undefined ||
      (renewing && proxies.length > 0 &&
        options.pool.idleCount(connectors.get(url, proxies[0]!, options.connectorDeps()).key) > 0);
    // A resend after an error asks for a new stream (HTTP_TRANSACTION_RESTART_AFTER_ERROR).
    renewing = false;
    let lease: Lease;
    try {
      lease = held ??
        await (netLog && !renewed
          ? loggedStep(
            netLog,
            "HTTP_STREAM_REQUEST",
            () => undefined,
            () => acquireConnection(options, connectors, url, proxies, step),
            (lease) => streamParams(lease),
          )
          : acquireConnection(options, connectors, url, proxies, step));
    } catch (error) {
      const refusal = tunnelAuthRefusal(error);
      if (refusal !== undefined) return refusedTunnelResponse(refusal, url);
      throw withRequestUrl(error, url);
    }
    if (netLog && lease.reused && !renewed) {
      netLog.sink.add({
        type: "SOCKET_POOL_REUSED_AN_EXISTING_SOCKET",
        phase: "PHASE_NONE",
        source: netLog.source,
        // TransportClientSocketPool::HandOutSocket's idle time.
        params: { idle_ms: lease.idleMs },
      });
    }
    // A plain HTTP proxy takes the absolute URL (RFC 9112 section 3.2.2), without the fragment.
    const target = lease.route === "forward"
      ? `${url.protocol}//${url.host}${originForm}`
      : originForm;
    const proxied = lease.route === "forward"
      ? withProxyAuthorization(
        options,
        lease,
        { method: request.method, uri: originForm, urlChain: context.urlChain },
        withProxyConnection(headers),
      )
      : headers;
    const uploaded = uploadBody(options, context.body, abortable);
    // Bytes the emulation throttles as a stream keep their Content-Length, as unthrottled ones
    // have it from the codec: the throttle changes the pace, never the framing.
    const sent: [string, string][] = uploaded !== context.body && context.body instanceof Uint8Array
      ? [...proxied, ["Content-Length", String(context.body.length)]]
      : proxied;
    const body = netLog && uploaded instanceof ReadableStream
      ? uploadReadsLogged(netLog, uploaded)
      : uploaded;
    const release = pin === undefined ? lease.release : releaseToPin(pin, lease, context);
    // Until the response has been read off the socket, an unread body leaves the socket out of
    // what keeps the program running; `onDone` puts it back before the pool sees it again.
    let exchangeDone = false;
    let unreffed = false;
    const reading = (waiting: boolean) => {
      if (exchangeDone) return;
      unreffed = !waiting;
      if (waiting) lease.socket.ref?.();
      else lease.socket.unref?.();
    };
    // Made only while a log captures: nothing of it on the unlogged path.
    const transaction = netLog ? new NetworkTransactionLog(netLog, body) : undefined;
    try {
      const bodyEvents = netLog &&
        logRequestHeaders(
          netLog.sink,
          netLog.source,
          `${request.method} ${target} HTTP/1.1`,
          sent,
          body,
          MERGE_BODY_LIMIT,
        );
      const reply = await exchange(lease.socket, {
        method: request.method,
        target,
        headers: sent,
        body,
        signal: abortable,
        onDone: (reusable) => {
          exchangeDone = true;
          if (unreffed) lease.socket.ref?.();
          release(reusable);
        },
        onBytes: netLog
          ? socketBytesLogger(
            netLog,
            (lease.socket as { encrypted?: unknown }).encrypted === true,
            bodyEvents,
          )
          : undefined,
        onSent: transaction?.sent,
        // From a WHATWG Headers, the URL's host and our own defaults: all valid already.
        headersChecked: true,
      });
      transaction?.received(reply);
      return toResponse(options, reply, url, lease, abortable, exchangeDone ? undefined : reading);
    } catch (error) {
      if (pin !== undefined && pinned.get(pin) === lease) takePinned(pin);
      lease.release(false);
      // A keep-alive socket the server had already closed: resend on a fresh one, as
      // Chromium does, unless the upload was a stream that cannot be replayed.
      const retry = lease.reused && SessionError.is(error) && STALE_SOCKET_ERRORS.has(error.code) &&
        !(context.body instanceof ReadableStream) && !abortable?.aborted;
      transaction?.failed(error, retry);
      if (!retry) throw withRequestUrl(error, url);
    }
  }
}

/**
 * A connection's failure names the request it failed: the connect steps know only the origin,
 * and one connect attempt's error may reach several waiting requests, so each gets its own copy
 * (stack and cause kept) rather than one object whose `url` the first would set for all.
 */
function withRequestUrl(error: unknown, url: URL): unknown {
  if (!SessionError.is(error) || error.url !== undefined) return error;
  const named = new SessionError(error.code, {
    url: url.href,
    ...("cause" in error ? { cause: error.cause } : {}),
  });
  named.stack = error.stack;
  return named;
}

// What the stream request ended with: the route and the peer (HttpStreamRequest's
// `proxy_chain`, the bound socket's address).
function streamParams(lease: Lease): Record<string, unknown> {
  return {
    proxy_chain: proxyChainString(lease.proxy),
    reused_socket: lease.reused,
    remote_address: lease.socket.remoteAddress ?? "",
  };
}

/** Connections held for pins between two sends; a pin holds at most one. */
const pinned = new WeakMap<ConnectionPin, Lease>();

function takePinned(pin: ConnectionPin): Lease | undefined {
  const lease = pinned.get(pin);
  if (lease !== undefined) {
    pinned.delete(pin);
    pin.release = undefined;
  }
  return lease;
}

/**
 * The end of an exchange sent under a pin: a reusable connection stays on loan for the pin
 * while the context still holds it; otherwise (the stage is done, or the server closed) it goes
 * back to the pool as usual.
 */
function releaseToPin(
  pin: ConnectionPin,
  lease: Lease,
  context: RequestContext,
): (reusable: boolean) => void {
  return (reusable) => {
    if (!reusable || context.connectionPin !== pin) return lease.release(reusable);
    pinned.set(pin, lease);
    pin.release = () => {
      if (takePinned(pin) === lease) lease.release(true);
    };
  };
}

// A request to a forward proxy says Proxy-Connection: keep-alive right after Host, "for compat
// with HTTP/1.0 servers and proxies", as Chromium's HttpNetworkTransaction::BuildRequestHeaders
// does (and Chromium 156 sends, captured with --proxy-server); a caller's own value stays.
function withProxyConnection(headers: [string, string][]): [string, string][] {
  if (headers.some(([name]) => name.toLowerCase() === "proxy-connection")) return headers;
  return [headers[0]!, ["Proxy-Connection", "keep-alive"], ...headers.slice(1)];
}

// The cache's credentials for a forward proxy, unless the request has its own: names are
// compared without case, since a caller's spelling is kept on the wire (Chromium merges the
// request's extra headers over the auth controller's, so one Proxy-Authorization goes).
function withProxyAuthorization(
  options: HttpTransportOptions,
  lease: Lease,
  request: { method: string; uri: string; urlChain: readonly string[] },
  headers: [string, string][],
): [string, string][] {
  if (
    options.proxyAuthorization === undefined ||
    headers.some(([name]) => name.toLowerCase() === "proxy-authorization")
  ) return headers;
  const value = options.proxyAuthorization(lease.proxy, request);
  if (value === undefined) return headers;
  return [...headers, ["Proxy-Authorization", value]];
}

// A URL whose query is present but empty (`/p?`) keeps its `?` on the wire, as Chromium's GURL
// does; `URL.search` gives "" for it as for no query at all.
function emptyQuery(url: URL): string {
  const { href } = url;
  const hash = href.indexOf("#");
  return (hash === -1 ? href : href.slice(0, hash)).endsWith("?") ? "?" : "";
}

function uploadBody(
  options: HttpTransportOptions,
  body: RequestContext["body"],
  signal: AbortSignal | undefined,
): Uint8Array | ReadableStream<Uint8Array> | null {
  if (body === null || !options.emulation.active) return body;
  const stream = body instanceof ReadableStream ? body : new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body);
      controller.close();
    },
  });
  return options.emulation.throttleUpload(stream, signal);
}

// Host first, from the URL, then the request's headers merged over it, as Chromium's
// HttpNetworkTransaction::BuildRequestHeaders sets Host and merges the extra headers: a Host
// in the request's headers (the entry drops the caller's, so a webRequest answer's) replaces
// the URL's in its place.
function requestHeaders(url: URL, headers: Headers): [string, string][] {
  const host: [string, string] = ["host", url.host];
  const list: [string, string][] = [host];
  headers.forEach((value, name) => {
    // The codec frames the body itself.
    if (name === "host") host[1] = value;
    else if (name !== "content-length" && name !== "transfer-encoding") list.push([name, value]);
  });
  return list;
}

// Names go on the wire as Chromium sends them (net::HttpRequestHeaders): as the caller spelled
// them in a plain-object or pairs `init.headers`, otherwise in their conventional spelling
// (`Host`, `User-Agent`, `Cookie`); fetch's Headers gave them lower-case. Servers must read
// names case-insensitively (RFC 9110 section 5.1), but some look at the case, as people do.
function spellNames(headers: [string, string][], given: HeadersInit | undefined): void {
  const spellings = given === undefined ? undefined : callerSpellings(given);
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    header[0] = (spellings && spellingIn(spellings, header[0])) ?? requestHeaderName(header[0]);
  }
}

// A Headers filled by append is several times cheaper in Bun than one built from a list.
function headerObject(list: ReadonlyArray<readonly [string, string]>): Headers {
  const headers = new Headers();
  for (let i = 0; i < list.length; i++) headers.append(list[i]![0], list[i]![1]);
  return headers;
}

function toResponse(
  options: HttpTransportOptions,
  reply: Http1Response,
  url: URL,
  lease: Lease,
  signal: AbortSignal | undefined,
  reading: ((waiting: boolean) => void) | undefined,
): Response {
  if (reply.status < 200 || reply.status > 599) {
    reply.body?.cancel().catch(() => {});
    throw new SessionError("ERR_INVALID_HTTP_RESPONSE", { url: url.href });
  }
  let body = reply.body;
  if (body && NULL_BODY_STATUSES.has(reply.status)) {
    body.cancel().catch(() => {});
    body = null;
  }
  if (options.emulation.active) {
    // Chromium's throttled transaction checks the conditions when its head arrives too.
    if (options.emulation.offline) {
      body?.cancel().catch(() => {});
      throw new SessionError("ERR_INTERNET_DISCONNECTED", { url: url.href });
    }
    if (body) body = options.emulation.throttleDownload(body, signal);
  }
  // A body still arriving holds its socket: unread, it must neither keep a finished program
  // running nor, once dropped, keep the socket busy for good. One that has all arrived holds
  // nothing and needs no watching.
  if (body && reading) {
    reading(false);
    body = cancelWhenCollected(body, reading);
  }
  let response: Response;
  try {
    response = new Response(body, {
      status: reply.status,
      statusText: responseStatusText(reply.statusText),
      headers: headerObject(reply.headers),
    });
  } catch (error) {
    body?.cancel().catch(() => {});
    throw new SessionError("ERR_INVALID_HTTP_RESPONSE", { cause: error, url: url.href });
  }
  setResponseUrl(response, url.href, false);
  setResponseInfo(response, new TransportResponseInfo(reply, lease));
  return response;
}

// Chromium keeps a reason phrase as the server sent it; Deno's Response refuses one with a
// control character (the fetch standard's reason-phrase), Bun's takes it. So that a response
// is not lost over its reason phrase, the characters the standard forbids are left out of
// `statusText` in both runtimes (webRequest's statusLine and the net log keep them).
// deno-lint-ignore no-control-regex
const NOT_REASON_PHRASE = /[\x00-\x08\x0a-\x1f\x7f]/;

function responseStatusText(text: string): string {
  if (!NOT_REASON_PHRASE.test(text)) return text;
  return [...text].filter((char) => !NOT_REASON_PHRASE.test(char)).join("");
}

/**
 * A CONNECT's 407 that nobody answered, as Chromium shows it once the login is cancelled: the
 * proxy's head, and a body whose first read fails with `net::ERR_TUNNEL_CONNECTION_FAILED`
 * (HttpNetworkTransaction::Read never hands out the proxy's bytes, crbug.com/8473). A head no
 * `Headers` can hold fails the request with that error at once.
 */
function refusedTunnelResponse(refusal: TunnelAuthRefusal, url: URL): Response {
  const failure = new SessionError("ERR_TUNNEL_CONNECTION_FAILED", { url: url.href });
  // Pulled on the first read only, so a response nobody reads fails nothing.
  const body = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.error(failure),
  }, { highWaterMark: 0 });
  let response: Response;
  try {
    response = new Response(body, {
      status: refusal.status,
      statusText: responseStatusText(refusal.statusText),
      headers: headerObject(refusal.rawHeaders),
    });
  } catch (error) {
    throw new SessionError("ERR_TUNNEL_CONNECTION_FAILED", { cause: error, url: url.href });
  }
  setResponseUrl(response, url.href, false);
  const reason = refusal.statusText === "" ? "" : ` ${refusal.statusText}`;
  setResponseInfo(response, {
    httpVersion: refusal.httpVersion,
    statusLine: `HTTP/${refusal.httpVersion} ${refusal.status}${reason}`,
    rawHeaders: refusal.rawHeaders,
    remoteAddress: refusal.remoteAddress,
    remotePort: refusal.remotePort,
    proxy: refusal.proxy,
    connectionReused: false,
    fromCache: false,
  });
  return response;
}

/**
 * The transport's `ResponseInfo`: the status line is built only when read, since most
 * responses are never asked for it.
 */
class TransportResponseInfo implements ResponseInfo {
  readonly httpVersion: "1.0" | "1.1";
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly proxy: ProxyServer;
  readonly connectionReused: boolean;
  readonly fromCache = false;
  readonly certStatusError?: NetErrorCode;
  readonly #status: number;
  readonly #statusText: string;

  constructor(reply: Http1Response, lease: Lease) {
    this.httpVersion = reply.httpVersion;
    this.rawHeaders = reply.headers;
    this.remoteAddress = lease.socket.remoteAddress ?? "";
    this.remotePort = lease.socket.remotePort ?? 0;
    this.connectionReused = lease.reused;
    this.proxy = lease.proxy;
    const certStatusError = certStatusErrors.get(lease.socket);
    if (certStatusError !== undefined) this.certStatusError = certStatusError;
    this.#status = reply.status;
    this.#statusText = reply.statusText;
  }

  // Built once when asked: webRequest reads it for up to three events of one response.
  #statusLine: string | undefined;

  get statusLine(): string {
    if (this.#statusLine === undefined) {
      const reason = this.#statusText === "" ? "" : ` ${this.#statusText}`;
      this.#statusLine = `HTTP/${this.httpVersion} ${this.#status}${reason}`;
    }
    return this.#statusLine;
  }
}
