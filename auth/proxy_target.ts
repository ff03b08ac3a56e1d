/**
 * A proxy as an authentication target: its cache key, its `AuthTarget` and the credentials of
 * its URI.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import type { Credentials } from "./auth_cache.ts";
import type { AuthTarget } from "./auth_controller.ts";

/** A proxy that is a real server (not `direct`). */
export type ProxyEndpoint = Exclude<ProxyServer, { scheme: "direct" }>;

/**
 * The auth cache key of a proxy, apart from every origin's.
 *
 * @param proxy The proxy.
 * @returns `proxy <scheme>://<host>:<port>`.
 *
 * @example
 * ```ts
 * import { proxyTargetKey } from "./proxy_target.ts";
 * console.log(proxyTargetKey({ scheme: "http", host: "::1", port: 3128 })); // proxy http://[::1]:3128
 * ```
 */
export function proxyTargetKey(proxy: ProxyEndpoint): string {
  const host = proxy.host.includes(":") ? `[${proxy.host}]` : proxy.host;
  return `proxy ${proxy.scheme}://${host}:${proxy.port}`;
}

/**
 * The auth target of a proxy.
 *
 * @param proxy The proxy.
 * @param key Its cache key; computed when not given.
 * @returns The target (`isProxy: true`).
 *
 * @example
 * ```ts
 * import { proxyTarget } from "./proxy_target.ts";
 * console.log(proxyTarget({ scheme: "http", host: "p.test", port: 3128 }).isProxy); // true
 * ```
 */
export function proxyTarget(
  proxy: ProxyEndpoint,
  key: string = proxyTargetKey(proxy),
): AuthTarget {
  return { key, isProxy: true, host: proxy.host, port: proxy.port };
}

/**
 * The credentials of a proxy URI (`http://user:pass@proxy:3128`), when the proxy subsystem
 * put them on the `ProxyServer` (its optional `username` and `password`).
 *
 * @param proxy The proxy.
 * @returns The credentials, or `undefined` when the URI had none.
 *
 * @example
 * ```ts
 * import { proxyCredentials } from "./proxy_target.ts";
 * console.log(proxyCredentials({ scheme: "direct" })); // undefined
 * ```
 */
export function proxyCredentials(proxy: ProxyServer): Credentials | undefined {
  const { username, password } = proxy as { username?: unknown; password?: unknown };
  if (typeof username !== "string" || username === "") return undefined;
  return { username, password: typeof password === "string" ? password : "" };
}
