/**
 * The request pipeline of a session: stages, the HTTP/1.1 transport over `node:net` and
 * `node:tls`, connection pool, host resolver cache, TLS policy and certificate hook,
 * network emulation, and net errors.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { compose } from "../core/middleware.ts";
 * import { contentDecoding, createFetchEntry, followRedirects, NetService } from "./mod.ts";
 *
 * const server = createServer((_request, response) => response.end("hello"));
 * await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
 * const { port } = server.address() as { port: number };
 *
 * const net = new NetService();
 * let id = 0;
 * const fetchLike = createFetchEntry(
 *   compose([contentDecoding(), followRedirects()], net.transport),
 *   { nextId: () => ++id },
 * );
 * const response = await fetchLike(`http://127.0.0.1:${port}/`);
 * console.log(await response.text()); // hello
 * await net.closeAllConnections();
 * await new Promise((resolve) => server.close(resolve));
 * ```
 *
 * @module
 */

export { toElectronCertificate } from "./certificate.ts";
export { CertificateVerifier, type CertificateVerifierOptions } from "./certificate_verifier.ts";
export {
  type CaIssuersAnswer,
  type CaIssuersFetch,
  type CaIssuersFetchOptions,
  type CaIssuersSend,
  fetchCaIssuers,
} from "./ca_issuers_fetch.ts";
export {
  CHROMIUM_CONNECT_TIMEOUTS,
  type ConnectStepOptions,
  type ConnectTimeouts,
} from "./connect_step.ts";
export {
  ConnectionPool,
  type ConnectionPoolOptions,
  type ConnectRoute,
  type Lease,
  type PoolGroupTarget,
  type SocketFactory,
} from "./connection_pool.ts";
export { contentDecoding, type ContentDecodingOptions } from "./content_decoding.ts";
export {
  appendMissingHeaders,
  defaultHeaderSource,
  type HeaderList,
  type SessionIdentity,
} from "./default_headers.ts";
export {
  createFetchEntry,
  type FetchEntryOptions,
  type SessionFetch,
  type SessionFetchInit,
} from "./fetch_entry.ts";
export { withCallerAbort } from "./caller_abort.ts";
export {
  followRedirects,
  type FollowRedirectsOptions,
  type RedirectEvent,
} from "./follow_redirects.ts";
export { type HostCachePolicy, HostResolver, type ResolvedAddress } from "./host_resolver.ts";
export { createHttpTransport, type HttpTransportOptions } from "./http_transport.ts";
export { hstsStage } from "./hsts_stage.ts";
export {
  MAX_HSTS_AGE_SECONDS,
  parseStrictTransportSecurity,
  type StsDirectives,
} from "./strict_transport_security.ts";
export {
  TransportSecurityState,
  type TransportSecurityStateOptions,
} from "./transport_security_state.ts";
export { NetService, type NetServiceOptions } from "./net_service.ts";
export { NetworkEmulation } from "./network_emulation.ts";
export {
  connectRoute,
  type OriginConnectorDeps,
  poolKey,
  type TlsPolicy,
} from "./origin_connector.ts";
export { parsePreconnectLinks, type PreconnectHint, preconnectHints } from "./preconnect_hints.ts";
export { observeOutcome, type RequestOutcomeObserver } from "./request_outcome.ts";
export { policyKey, type ResolvedSSLConfig, resolveSSLConfig } from "./ssl_config.ts";
export { connectTls, type ConnectTlsOptions } from "./tls_connect.ts";
