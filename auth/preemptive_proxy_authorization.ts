/**
 * What a forward proxy gets before it asks: the credentials the auth cache holds for it, Basic,
 * or Digest on the cached nonce with the next count, as Chromium's
 * `HttpAuthController::SelectPreemptiveAuth` sends for a proxy (whose protection space has no
 * path). NTLM needs a fresh challenge, so it waits for the 407.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import type { AuthCache } from "./auth_cache.ts";
import { basicAuthorization } from "./basic.ts";
import { digestAuthorization } from "./digest.ts";
import { proxyTargetKey } from "./proxy_target.ts";

/** The request a forward proxy's credentials are computed for. */
export interface ProxiedRequest {
  /** The request method. */
  readonly method: string;
  /** The path and query: Digest's `uri` for a forward proxy, as Chromium's signs it. */
  readonly uri: string;
}

/**
 * Makes the function the transport asks before sending a request to a forward proxy.
 *
 * @param cache The session's auth cache.
 * @returns `(proxy, request) => "Basic …" | "Digest …" | undefined`.
 *
 * @example
 * ```ts
 * import { AuthCache } from "./auth_cache.ts";
 * import { preemptiveProxyAuthorization } from "./preemptive_proxy_authorization.ts";
 * const cache = new AuthCache();
 * const authorization = preemptiveProxyAuthorization(cache);
 * const proxy = { scheme: "http", host: "proxy.test", port: 3128 } as const;
 * console.log(authorization(proxy, { method: "GET", uri: "/" })); // undefined
 * cache.add("proxy http://proxy.test:3128", "r", "basic", { username: "u", password: "p" });
 * console.log(authorization(proxy, { method: "GET", uri: "/" })); // Basic dTpw
 * ```
 */
export function preemptiveProxyAuthorization(
  cache: AuthCache,
): (proxy: ProxyServer, request: ProxiedRequest) => string | undefined {
  return (proxy, request) => {
    if (proxy.scheme === "direct" || cache.size === 0) return undefined;
    const entry = cache.lookupPreemptiveProxy(proxyTargetKey(proxy));
    if (entry === undefined) return undefined;
    const { username, password } = entry.credentials;
    if (entry.scheme === "basic") return basicAuthorization(username, password);
    // auth-int would sign a body the transport does not hand over here: that one waits.
    if (entry.digest === undefined || entry.digest.qop === "auth-int") return undefined;
    return digestAuthorization(entry.digest, username, password, {
      method: request.method,
      uri: request.uri,
      nonceCount: ++entry.nonceCount,
    });
  };
}
