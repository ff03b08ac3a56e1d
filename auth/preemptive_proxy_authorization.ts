/**
 * What a forward proxy gets before it asks: Basic credentials the auth cache holds for it, as
 * Chromium's `HttpAuthController::SelectPreemptiveAuth` sends for a proxy (whose protection
 * space has no path). Digest and NTLM need a fresh challenge, so they wait for the 407.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import type { AuthCache } from "./auth_cache.ts";
import { basicAuthorization } from "./basic.ts";
import { proxyTargetKey } from "./proxy_target.ts";

/**
 * Makes the function the transport asks before sending a request to a forward proxy.
 *
 * @param cache The session's auth cache.
 * @returns `(proxy) => "Basic …" | undefined`.
 *
 * @example
 * ```ts
 * import { AuthCache } from "./auth_cache.ts";
 * import { preemptiveProxyAuthorization } from "./preemptive_proxy_authorization.ts";
 * const authorization = preemptiveProxyAuthorization(new AuthCache());
 * console.log(authorization({ scheme: "http", host: "proxy.test", port: 3128 })); // undefined
 * ```
 */
export function preemptiveProxyAuthorization(
  cache: AuthCache,
): (proxy: ProxyServer) => string | undefined {
  return (proxy) => {
    if (proxy.scheme === "direct" || cache.size === 0) return undefined;
    const entry = cache.lookupBasic(proxyTargetKey(proxy));
    return entry && basicAuthorization(entry.credentials.username, entry.credentials.password);
  };
}
