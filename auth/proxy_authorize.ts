/**
 * Authentication for CONNECT tunnels: the handshake (proxy subsystem) asks on each 407; the
 * answer comes from one `AuthController` per handshake, so NTLM's two legs and a rejected
 * cached identity are told apart, exactly as for a forward proxy's 407 in the auth stage.
 *
 * @module
 */

import type { ProxyAuthorize, ProxyHandshake, ProxyTarget } from "../core/proxy_handshake.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { rawHeaderValues } from "../core/raw_header_values.ts";
import { AuthController, type AuthPolicy, requestLogins } from "./auth_controller.ts";
import { type AuthNetLog, proxyAuthNetLog } from "./auth_net_log.ts";
import {
  proxyCredentials,
  type ProxyEndpoint,
  proxyTarget,
  proxyTargetKey,
} from "./proxy_target.ts";

/**
 * Makes the `ProxyAuthorize` of one tunnel handshake: call it for every 407 of that handshake.
 *
 * @param policy The session's cache, login event and NTLM allowlist.
 * @param target Where the tunnel leads (the Digest `uri`).
 * @param url The request the tunnel is for (the `'login'` event's url); default the origin
 * `https://host:port/`.
 * @param signal The handshake's: an abort stops waiting for the `'login'` answer, and a late
 * answer is dropped.
 * @param netLog The handshake's net log: the controller logs on a source of its own bound to
 * it (see {@linkcode AuthNetLog}); the caller ends it with `end()` when the handshake is over.
 * @returns The authorizer; it resolves `undefined` to give up.
 *
 * @example
 * ```ts
 * import { AuthCache } from "./auth_cache.ts";
 * import { createProxyAuthorize } from "./proxy_authorize.ts";
 * const authorize = createProxyAuthorize({
 *   cache: new AuthCache(),
 *   login: () => Promise.resolve({ username: "u", password: "p" }),
 *   ntlmAllowed: () => false,
 * }, { host: "a.test", port: 443 });
 * const value = await authorize([["Proxy-Authenticate", 'Basic realm="squid"']],
 *   { scheme: "http", host: "127.0.0.1", port: 3128 });
 * console.log(value); // Basic dTpw
 * ```
 */
export function createProxyAuthorize(
  policy: AuthPolicy,
  target: ProxyTarget,
  url?: string,
  signal?: AbortSignal,
  netLog?: AuthNetLog,
): ProxyAuthorize {
  return tunnelAuth(policy, target, { url, signal, netLog }).authorize;
}

/**
 * The two sides of one handshake's controller: what the first CONNECT carries, and the answer
 * to each 407 (which tells whether that was rejected).
 */
function tunnelAuth(
  policy: AuthPolicy,
  target: ProxyTarget,
  { url, signal, netLog, urlChain }: {
    url?: string;
    signal?: AbortSignal;
    netLog?: AuthNetLog;
    urlChain?: readonly string[];
  },
): {
  authorize: ProxyAuthorize;
  preemptiveAuthorization: (proxy: ProxyServer) => string | undefined;
} {
  let controller: AuthController | undefined;
  const authority = target.host.includes(":")
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
  const request = {
    url: url ?? `https://${authority}/`,
    method: "CONNECT",
    uri: authority,
    signal,
    logins: urlChain && requestLogins(urlChain),
  };
  const controllerFor = (proxy: ProxyEndpoint) =>
    controller ??= new AuthController(proxyTarget(proxy), policy, proxyCredentials(proxy), netLog);
  return {
    authorize: async (lines, proxy) => {
      if (proxy.scheme === "direct") return undefined;
      const values = rawHeaderValues(lines, "proxy-authenticate");
      const answer = await controllerFor(proxy).respond(values, request, lines);
      if (answer !== undefined) netLog?.generateToken();
      return answer?.value;
    },
    preemptiveAuthorization: (proxy) =>
      proxy.scheme === "direct" ||
        (policy.cache.size === 0 && proxyCredentials(proxy) === undefined)
        ? undefined
        : controllerFor(proxy).preemptive(request),
  };
}

/**
 * Wraps a tunnel handshake so that each run answers its 407s with an authorizer of its own,
 * which also gives the first CONNECT the credentials the cache holds for the proxy; a run for
 * no request (no `url`: a preconnect) answers from the proxy URI and the cache only.
 *
 * @param handshake The proxy subsystem's handshake (HTTP CONNECT).
 * @param policy The session's cache, login event and NTLM allowlist.
 * @returns The handshake to give the transport.
 *
 * @example
 * ```ts
 * import type { ProxyHandshake } from "../core/proxy_handshake.ts";
 * import { AuthCache } from "./auth_cache.ts";
 * import { withProxyAuth } from "./proxy_authorize.ts";
 * const plain: ProxyHandshake = () => Promise.resolve();
 * const handshake = withProxyAuth(plain, {
 *   cache: new AuthCache(),
 *   login: () => Promise.resolve(undefined),
 *   ntlmAllowed: () => false,
 * });
 * console.log(typeof handshake); // function
 * ```
 */
export function withProxyAuth(handshake: ProxyHandshake, policy: AuthPolicy): ProxyHandshake {
  return (socket, proxy, target, options) => {
    const netLog = options.netLog?.sink.capturing && proxy.scheme !== "direct"
      ? proxyAuthNetLog(options.netLog, proxyTargetKey(proxy))
      : undefined;
    // A handshake for no request (a preconnect) uses cached credentials only, as Chromium's
    // preconnects have nobody to ask; the cache's go with the first CONNECT.
    const { url, signal, urlChain } = options;
    const { authorize, preemptiveAuthorization } = tunnelAuth(
      url === undefined ? { ...policy, login: () => Promise.resolve(undefined) } : policy,
      target,
      { url, signal, netLog, urlChain },
    );
    const { untimed } = options;
    const done = handshake(socket, proxy, target, {
      ...options,
      // The handshake's timeout stops while 'login' waits for a person.
      authorize: untimed === undefined
        ? authorize
        : (challenges, server) => untimed(authorize(challenges, server)),
      preemptiveAuthorization,
    });
    return netLog === undefined ? done : done.finally(() => netLog.end());
  };
}
