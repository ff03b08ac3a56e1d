/**
 * The session's network state for a net log's `polledData`, as Chromium's `net::GetNetInfo`
 * (net/log/net_log_util.cc) gathers it when Electron's exporter stops a log
 * (services/network/net_log_exporter.cc).
 *
 * @module
 */

/** The parts of a session that have something to say. */
export interface NetInfoParts {
  /** `proxySettings` and `badProxies`. */
  proxy: { netLogValues(): Record<string, unknown> };
  /** `hostResolverInfo` and `socketPoolInfo`. */
  net: { hostResolverInfo(): Record<string, unknown>; socketPoolInfo(): unknown[] };
  /** `httpCacheInfo.stats`. */
  cache: { stats(): Record<string, string> };
}

/**
 * Gathers the sections of Chromium's `GetNetInfo` that this network stack has: the proxy
 * settings and bad proxies, the host resolver's cache, the socket pool, the HTTP cache's
 * statistics, and the HTTP/2, Alt-Svc and Reporting sections stating that none of those are in
 * use (no HTTP/2 sessions, no Alt-Svc mappings, Reporting off). Left out, as this stack has no
 * such part: QUIC.
 *
 * @param parts The session's proxy resolver, network service and HTTP cache.
 * @returns The `polledData` object.
 *
 * @example
 * ```ts
 * import { netInfo } from "./net_info.ts";
 * const info = netInfo({
 *   proxy: { netLogValues: () => ({ proxySettings: { original: {}, effective: {} }, badProxies: [] }) },
 *   net: { hostResolverInfo: () => ({}), socketPoolInfo: () => [] },
 *   cache: { stats: () => ({}) },
 * });
 * console.log(Object.keys(info).join(","));
 * // proxySettings,badProxies,hostResolverInfo,socketPoolInfo,spdySessionInfo,spdyStatus,altSvcMappings,httpCacheInfo,reportingInfo
 * ```
 */
export function netInfo(parts: NetInfoParts): Record<string, unknown> {
  return {
    ...parts.proxy.netLogValues(),
    hostResolverInfo: parts.net.hostResolverInfo(),
    socketPoolInfo: parts.net.socketPoolInfo(),
    spdySessionInfo: [],
    spdyStatus: { enable_http2: false },
    altSvcMappings: [],
    httpCacheInfo: { stats: parts.cache.stats() },
    reportingInfo: { reportingEnabled: false },
  };
}
