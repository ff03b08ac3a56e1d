/**
 * What a forward proxy gets before it asks: the credentials the auth cache holds for it, Basic,
 * or Digest on the cached nonce with the next count, as Chromium's
 * `HttpAuthController::SelectPreemptiveAuth` sends for a proxy (whose protection space has no
 * path). NTLM needs a fresh challenge, so it waits for the 407.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import type { AuthCache, AuthCacheEntry } from "./auth_cache.ts";
import { basicAuthorization } from "./basic.ts";
import { digestAuthorization } from "./digest.ts";
import { proxyTargetKey } from "./proxy_target.ts";

/** The request a forward proxy's credentials are computed for. */
export interface ProxiedRequest {
  /** The request method. */
  readonly method: string;
  /** The path and query: Digest's `uri` for a forward proxy, as Chromium's signs it. */
  readonly uri: string;
  /**
   * The request's URL chain (one object for all its hops): what was sent is remembered by it,
   * for {@linkcode takePreemptiveProxySend}.
   */
  readonly urlChain?: readonly string[];
}

/** What the last send of a request carried to a forward proxy, by the request's URL chain. */
const SENT = new WeakMap<object, { key: string; entry: AuthCacheEntry }>();

/**
 * The cached identity the request's last send carried to the proxy `key` before being asked,
 * forgotten as it is read: the auth stage's controller takes it as its own answer, so a 407
 * rejects it (drops it from the cache) instead of the cache offering it a second time.
 *
 * @param urlChain The request's URL chain.
 * @param key The proxy's auth cache key (`proxyTargetKey`).
 * @returns The entry sent, or `undefined` when the last send carried none to that proxy.
 *
 * @example
 * ```ts
 * import { takePreemptiveProxySend } from "./preemptive_proxy_authorization.ts";
 * console.log(takePreemptiveProxySend(["http://a.test/"], "proxy http://p.test:3128")); // undefined
 * ```
 */
export function takePreemptiveProxySend(
  urlChain: readonly string[],
  key: string,
): AuthCacheEntry | undefined {
  const sent = SENT.get(urlChain);
  SENT.delete(urlChain);
  return sent?.key === key ? sent.entry : undefined;
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
  const authorization = (proxy: ProxyServer, request: ProxiedRequest) => {
    if (proxy.scheme === "direct" || cache.size === 0) return undefined;
    const key = proxyTargetKey(proxy);
    const entry = cache.lookupPreemptiveProxy(key);
    if (entry === undefined) return undefined;
    const { username, password } = entry.credentials;
    let value: string | undefined;
    if (entry.scheme === "basic") value = basicAuthorization(username, password);
    else if (entry.digest !== undefined && entry.digest.qop !== "auth-int") {
      // auth-int would sign a body the transport does not hand over here: that one waits.
      value = digestAuthorization(entry.digest, username, password, {
        method: request.method,
        uri: request.uri,
        nonceCount: ++entry.nonceCount,
      });
    }
    if (value !== undefined && request.urlChain !== undefined) {
      SENT.set(request.urlChain, { key, entry });
    }
    return value;
  };
  return (proxy, request) => {
    const value = authorization(proxy, request);
    if (value === undefined && request.urlChain !== undefined) SENT.delete(request.urlChain);
    return value;
  };
}
