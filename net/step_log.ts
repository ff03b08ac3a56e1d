/**
 * Wraps one step of a request in a begin/end pair of net log events, as Chromium's
 * `NetLogWithSource::BeginEvent` / `EndEventWithNetErrorCode` do, so each step adds one line.
 *
 * @module
 */

import type { NetLogWithSource } from "../core/net_log_sink.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { hostPort } from "./host_port.ts";

/**
 * The Chromium error number of a failure: a `SessionError`'s `errno`, else `ERR_FAILED` (-2).
 *
 * @param error What the step threw.
 * @returns A negative net error number.
 *
 * @example
 * ```ts
 * import { netErrorNumberOf } from "./step_log.ts";
 * console.log(netErrorNumberOf(new Error("x"))); // -2
 * ```
 */
export function netErrorNumberOf(error: unknown): number {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === "number" && errno < 0 ? errno : -2;
}

/**
 * Runs `run` between `type`'s begin and end events; the end carries `endParams(result)` or,
 * on failure, `{net_error}`. Without a capturing log it only runs `run`.
 *
 * @param netLog Where the events go, when a log captures.
 * @param type Chromium's event type, like `TCP_CONNECT`.
 * @param beginParams The begin event's parameters, built only while capturing.
 * @param run The step.
 * @param endParams The end event's parameters from the step's result.
 * @returns The step's result.
 *
 * @example
 * ```ts
 * import { loggedStep } from "./step_log.ts";
 * const types: string[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const sink = { capturing: true, newSource: () => source, add: (e: { type: string; phase: string }) => void types.push(e.phase) };
 * await loggedStep({ sink, source }, "TCP_CONNECT", () => ({}), () => Promise.resolve(1));
 * console.log(types); // [ "PHASE_BEGIN", "PHASE_END" ]
 * ```
 */
export function loggedStep<T>(
  netLog: NetLogWithSource | undefined,
  type: string,
  beginParams: () => Record<string, unknown> | undefined,
  run: () => Promise<T>,
  endParams?: (result: T) => Record<string, unknown> | undefined,
): Promise<T> {
  if (!netLog?.sink.capturing) return run();
  const { sink, source } = netLog;
  sink.add({ type, phase: "PHASE_BEGIN", source, params: beginParams() });
  return run().then((result) => {
    sink.add({ type, phase: "PHASE_END", source, params: endParams?.(result) });
    return result;
  }, (error: unknown) => {
    sink.add({ type, phase: "PHASE_END", source, params: { net_error: netErrorNumberOf(error) } });
    throw error;
  });
}

/**
 * A proxy list in PAC notation, as Chromium's `ProxyInfo::ToDebugString` writes it for
 * `PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST`'s `proxy_info`.
 *
 * @param proxies The resolved list.
 * @returns Like `PROXY 127.0.0.1:8080;DIRECT`.
 *
 * @example
 * ```ts
 * import { pacString } from "./step_log.ts";
 * console.log(pacString([{ scheme: "socks5", host: "p", port: 1080 }, { scheme: "direct" }]));
 * // SOCKS5 p:1080;DIRECT
 * ```
 */
export function pacString(proxies: readonly ProxyServer[]): string {
  return proxies.map((proxy) => {
    if (proxy.scheme === "direct") return "DIRECT";
    const keyword = proxy.scheme === "http"
      ? "PROXY"
      : proxy.scheme === "https"
      ? "HTTPS"
      : proxy.scheme.toUpperCase();
    return `${keyword} ${hostPort(proxy.host, proxy.port)}`;
  }).join(";");
}

/**
 * One route as Chromium's `ProxyChain::ToDebugString` writes it in a net log's `proxy_chain`:
 * `[direct://]`, or the proxy's URI in brackets (`ProxyServerToProxyUri`: an HTTP proxy's
 * `host:port` without its scheme, `socks5://host:port` for the others), never its credentials.
 *
 * @param proxy The route.
 * @returns Like `[127.0.0.1:8080]`.
 *
 * @example
 * ```ts
 * import { proxyChainString } from "./step_log.ts";
 * console.log(proxyChainString({ scheme: "socks5", host: "::1", port: 1080 }));
 * // [socks5://[::1]:1080]
 * ```
 */
export function proxyChainString(proxy: ProxyServer): string {
  if (proxy.scheme === "direct") return "[direct://]";
  const prefix = proxy.scheme === "http" ? "" : `${proxy.scheme}://`;
  return `[${prefix}${hostPort(proxy.host, proxy.port)}]`;
}
