/**
 * One session's network state — connection pool, host resolver cache, TLS policy and
 * certificate hook, network emulation — and the Electron methods that act on it.
 *
 * @module
 */

import type {
  CertificateVerifyProc,
  NetworkEmulationOptions,
  PreconnectOptions,
} from "../core/electron_types.ts";
import { type FetchLike, requestContext } from "../core/middleware.ts";
import type { ProxyAuthorize, ProxyHandshake } from "../core/proxy_handshake.ts";
import {
  DIRECT_PROXY_RESOLVER,
  type ProxyResolverLike,
  type ProxyServer,
} from "../core/proxy_resolver_like.ts";
import type { TcpConnect } from "../core/stream_socket.ts";
import { fetchCaIssuers } from "./ca_issuers_fetch.ts";
import { CertificateVerifier } from "./certificate_verifier.ts";
import { CHROMIUM_CONNECT_TIMEOUTS, type ConnectTimeouts } from "./connect_step.ts";
import { ConnectionPool } from "./connection_pool.ts";
import type { HostLookup } from "../core/host_lookup.ts";
import { type HostCachePolicy, HostResolver, type ResolvedAddress } from "./host_resolver.ts";
import { createHttpTransport, type HttpTransportOptions } from "./http_transport.ts";
import { NetworkEmulation } from "./network_emulation.ts";
import { originConnector, type OriginConnectorDeps, type TlsPolicy } from "./origin_connector.ts";
import { isPortAllowed } from "./port_allowed.ts";
import { policyKey, resolveSSLConfig } from "./ssl_config.ts";

/** Options for {@linkcode NetService}. */
export interface NetServiceOptions {
  /** Where requests go; direct until the session has proxy settings. */
  proxies?: ProxyResolverLike;
  /** Extra trusted root certificates (PEM) on top of the system's. */
  ca?: string[];
  /** Opens plain TCP connections (the runtime's native sockets); default `node:net`. */
  connectTcp?: TcpConnect;
  /** Looks host names up; default the system resolver (`node:dns` `lookup`). */
  lookupHost?: HostLookup;
  /**
   * Runs CONNECT and SOCKS handshakes over the connection net/ opens to a proxy (the proxy
   * subsystem's); without it requests that need a tunnel fail with
   * `net::ERR_PROXY_CONNECTION_FAILED` and move on to the next proxy of the list.
   */
  proxyHandshake?: ProxyHandshake;
  /** Answers a proxy's `407` during a handshake (the auth subsystem's). */
  proxyAuthorize?: ProxyAuthorize;
  /**
   * The `Proxy-Authorization` to send to a forward proxy before it asks (the auth subsystem's
   * cached credentials for it, given the request's method and path); `undefined` for none.
   */
  proxyAuthorization?: HttpTransportOptions["proxyAuthorization"];
  /**
   * Connect-job timeouts in milliseconds; default Chromium's (TCP 240 000, TLS handshake
   * 30 000, proxy handshake 30 000). Tests shorten them.
   */
  connectTimeouts?: Partial<ConnectTimeouts>;
}

/**
 * The network side of one session. Sessions never share one, so one session's pool,
 * certificate hook or emulation never affects another's.
 *
 * @example
 * ```ts
 * import { NetService } from "./net_service.ts";
 * const net = new NetService();
 * net.enableNetworkEmulation({ offline: true });
 * net.disableNetworkEmulation();
 * await net.closeAllConnections();
 * ```
 */
export class NetService {
  #pool = new ConnectionPool();
  #resolver: HostResolver;
  #emulation = new NetworkEmulation();
  // Its caIssuers fetches take this session's route (proxies included), as Chromium's
  // CertNetFetcher goes through the network context: credential-less, below the pipeline's
  // hooks and cache, over connections that fetch no intermediates of their own.
  #verifier = new CertificateVerifier({
    fetchCaIssuers: (url, signal) =>
      fetchCaIssuers(url, {
        signal,
        send: (target, sendSignal) =>
          this.#caIssuersTransport(
            new Request(target, { signal: sendSignal }),
            requestContext({ credentials: "omit", signal: sendSignal }),
          ),
      }),
  });
  #tls: TlsPolicy;
  #base: Omit<OriginConnectorDeps, "resolve" | "tls">;
  #deps: OriginConnectorDeps;
  #transport: FetchLike;
  // The caIssuers fetches' transport: the session's pool and route, with connections whose
  // short chains are judged as they come (LOAD_DISABLE_CERT_NETWORK_FETCHES), so a fetch through
  // an HTTPS proxy whose own chain is short fails at once instead of waiting on itself.
  #caIssuersTransport: FetchLike;
  #proxies: ProxyResolverLike;

  /**
   * Creates the network state of a new session.
   *
   * @param options Proxy resolver and handshake, extra trust, TCP connector and connect
   * timeouts.
   */
  constructor(options: NetServiceOptions = {}) {
    const {
      proxies = DIRECT_PROXY_RESOLVER,
      ca,
      connectTcp,
      proxyHandshake,
      proxyAuthorize,
      proxyAuthorization,
      connectTimeouts,
      lookupHost,
    } = options;
    this.#resolver = new HostResolver(lookupHost && { lookup: lookupHost });
    this.#base = {
      connectTcp,
      handshake: proxyHandshake,
      authorize: proxyAuthorize,
      timeouts: { ...CHROMIUM_CONNECT_TIMEOUTS, ...connectTimeouts },
    };
    const ssl = resolveSSLConfig({});
    this.#tls = { key: policyKey(ssl), ssl, verifier: this.#verifier, ca };
    this.#deps = this.#makeDeps();
    this.#proxies = proxies;
    const transportOptions = {
      pool: this.#pool,
      emulation: this.#emulation,
      proxies,
      proxyAuthorization,
    };
    this.#transport = createHttpTransport({
      ...transportOptions,
      connectorDeps: () => this.#deps,
    });
    this.#caIssuersTransport = createHttpTransport({
      ...transportOptions,
      connectorDeps: () => {
        const { tls } = this.#deps;
        return {
          ...this.#deps,
          tls: { ...tls, key: `${tls.key} no-cert-fetches`, fetchIntermediates: false },
        };
      },
    });
  }

  /** The pipeline's terminal step: sends over this session's connections. */
  get transport(): FetchLike {
    return this.#transport;
  }

  /** Sockets open now (idle, busy or connecting). */
  get openSockets(): number {
    return this.#pool.size;
  }

  /**
   * Applies Electron's `setSSLConfig` to connections opened from now on.
   *
   * @param config `{minVersion, maxVersion, disabledCipherSuites}`.
   */
  setSSLConfig(config: unknown): void {
    const ssl = resolveSSLConfig(config);
    this.#tls = { ...this.#tls, key: policyKey(ssl), ssl };
    this.#deps = this.#makeDeps();
  }

  /**
   * Installs or removes the certificate verify proc (Electron's `setCertificateVerifyProc`).
   *
   * @param proc `(request, callback) => void`, or `null` for the default verifier alone.
   */
  setCertificateVerifyProc(proc: CertificateVerifyProc | null): void {
    this.#verifier.setProc(proc);
    // Connections verified under the old proc must not carry on under the new one.
    this.#pool.closeIdle();
  }

  /**
   * Opens idle connections to an origin ahead of time (Electron's `preconnect`), along the
   * route a request would take: to the first proxy of its list, or direct.
   *
   * @param options `{url, numSockets}`; numSockets 1 to 6, default 1 (also for a value that is
   * not an integer, as Electron reads it).
   * @returns Resolves with how many sockets were opened (none to a restricted port, such as
   * 25 or 6000, which a request may not use); failures are not errors, as in Chromium, since
   * nothing waits on a preconnect.
   */
  preconnect(options: PreconnectOptions): Promise<number> {
    const { url, numSockets } = validatePreconnect(options);
    // Chromium's stream job refuses a restricted port before it resolves a proxy or connects
    // (HttpStreamFactory::Job::DoStart), so a preconnect opens nothing a request could not use.
    if (url.port !== "" && !isPortAllowed(Number(url.port))) return Promise.resolve(0);
    return this.#preconnectAlongRoute(url, numSockets);
  }

  // Chromium's PreconnectSockets resolves the proxy first and opens the sockets the request
  // would use: to the proxy (or through its tunnel), never straight to a proxied origin.
  async #preconnectAlongRoute(url: URL, numSockets: number): Promise<number> {
    let proxies: readonly ProxyServer[];
    try {
      proxies = await this.#proxies.resolveProxies(url);
    } catch {
      // A failed mandatory PAC script: the request would fail too, so nothing is opened.
      return 0;
    }
    // No route at all (net::ERR_NO_SUPPORTED_PROXIES for a request): nothing to open either.
    if (proxies.length === 0) return 0;
    const connector = originConnector(url, proxies[0]!, this.#deps);
    return await this.#pool.preconnect(connector, numSockets);
  }

  /**
   * Closes every pooled connection and fails in-flight requests with `net::ERR_ABORTED`: those
   * exchanging, those still connecting (TCP, TLS, proxy tunnel) and those queued for a socket.
   *
   * @returns Resolves when done.
   */
  closeAllConnections(): Promise<void> {
    this.#pool.closeAll();
    return Promise.resolve();
  }

  /**
   * Closes the idle pooled connections; busy ones finish their exchange.
   *
   * @returns Resolves when done.
   */
  closeIdleConnections(): Promise<void> {
    this.#pool.closeIdle();
    return Promise.resolve();
  }

  /**
   * Closes the idle pooled connections and retires the busy ones: they finish their exchange
   * and close instead of serving another request (`ConnectionPool.retire`), as Chromium's
   * `CloseAllConnections` leaves a socket in use to end with its request.
   *
   * @returns Resolves when done.
   */
  retireConnections(): Promise<void> {
    this.#pool.retire();
    return Promise.resolve();
  }

  /**
   * The socket pools for a net log's `polledData.socketPoolInfo` (Chromium's
   * `HttpNetworkSession::SocketPoolInfoToValue`): one pool, every route's sockets in it.
   *
   * @returns A list with the pool's {@linkcode ConnectionPool.infoValue}.
   */
  socketPoolInfo(): Record<string, string | number>[] {
    return [this.#pool.infoValue()];
  }

  /**
   * The host resolver for a net log's `polledData.hostResolverInfo` (Chromium's `GetNetInfo`
   * writes it for a resolver with a cache, and this one has one).
   *
   * @returns `{cache}`, the cache as {@linkcode HostResolver.infoValue} gives it.
   */
  hostResolverInfo(): { cache: ReturnType<HostResolver["infoValue"]> } {
    return { cache: this.#resolver.infoValue() };
  }

  /**
   * Resolves a hostname through this service's host resolver and its cache, the one requests
   * use (Electron's `ses.resolveHost`).
   *
   * @param host A hostname or IP literal.
   * @param policy Which cache entries may answer, and whether the system may be asked.
   * @returns The addresses, never empty.
   * @throws {SessionError} (rejects) `net::ERR_NAME_NOT_RESOLVED`, or `net::ERR_DNS_CACHE_MISS`
   * for a `localOnly` miss.
   */
  resolveHost(host: string, policy: HostCachePolicy = {}): Promise<ResolvedAddress[]> {
    return this.#resolver.resolve(host, policy);
  }

  /**
   * Empties the host resolver cache.
   *
   * @returns Resolves when done.
   */
  clearHostResolverCache(): Promise<void> {
    this.#resolver.clear();
    return Promise.resolve();
  }

  /**
   * Emulates network conditions for requests that start from now on.
   *
   * @param options `{offline, latency, downloadThroughput, uploadThroughput}`.
   */
  enableNetworkEmulation(options: NetworkEmulationOptions): void {
    this.#emulation.enable(options);
  }

  /** Stops emulating network conditions. */
  disableNetworkEmulation(): void {
    this.#emulation.disable();
  }

  /** Made again only when the TLS policy changes, so the transport can cache connectors. */
  #makeDeps(): OriginConnectorDeps {
    return {
      ...this.#base,
      resolve: (host, options) => this.#resolver.resolve(host, options),
      tls: this.#tls,
    };
  }
}

function validatePreconnect(options: unknown): { url: URL; numSockets: number } {
  const record = typeof options === "object" && options !== null
    ? options as Record<string, unknown>
    : {};
  const url = typeof record.url === "string" && URL.canParse(record.url)
    ? new URL(record.url)
    : undefined;
  if (!url) throw new TypeError("Must pass non-empty valid url to session.preconnect.");
  // Electron reads numSockets as an int32 (gin's Converter<int>): anything else, 1.5 or "3"
  // included, counts as absent, so 1; an int32 outside 1..6 throws.
  const given = record.numSockets;
  const numSockets = typeof given === "number" && (given | 0) === given ? given : 1;
  if (numSockets < 1 || numSockets > 6) {
    throw new TypeError("numSocketsToPreconnect is outside range [1,6]");
  }
  // Electron takes any valid URL, and Chromium opens sockets for HTTP(S) only: a URL of another
  // scheme would do nothing, so it is refused by name.
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `Cannot preconnect to ${url.href}: only http: and https: URLs open connections`,
    );
  }
  return { url, numSockets };
}
