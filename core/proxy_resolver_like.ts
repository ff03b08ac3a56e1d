/**
 * The seam between the transport and proxy resolution: the transport asks for an ordered
 * proxy list per URL and falls back along it.
 *
 * @module
 */

import type { NetLogWithSource } from "./net_log_sink.ts";

/** One entry of a resolved proxy list. */
export type ProxyServer =
  | { readonly scheme: "direct" }
  | {
    /** How to talk to the proxy. */
    readonly scheme: "http" | "https" | "socks4" | "socks5";
    /** The proxy's host name or IP literal (IPv6 without brackets). */
    readonly host: string;
    /** The proxy's port. */
    readonly port: number;
    /** User name from the proxy URI (`http://user:pass@host`), percent-decoded. */
    readonly username?: string;
    /** Password from the proxy URI, percent-decoded. */
    readonly password?: string;
  };

/** Anything that turns a URL into the proxies to try, in order. */
export interface ProxyResolverLike {
  /**
   * Returns the proxies to try for `url`, best first; `[{scheme: "direct"}]` for none. Like
   * Chromium's proxy resolution service it answers at once when it can (fixed rules) and
   * with a promise when it must wait (a PAC script, a system look-up).
   *
   * @param url The request URL.
   * @param signal Cancels the look-up.
   * @param netLog The request's net log, given while one captures: a PAC script's `alert()`
   * messages and errors go there as Chromium logs them (`PAC_JAVASCRIPT_ALERT`,
   * `PAC_JAVASCRIPT_ERROR`).
   */
  resolveProxies(
    url: URL,
    signal?: AbortSignal,
    netLog?: NetLogWithSource,
  ): readonly ProxyServer[] | Promise<readonly ProxyServer[]>;
  /**
   * Hears that a connection through `proxy` failed and a later entry of the list then worked,
   * so the resolver can try it last for a while (Chromium's proxy retry info, which
   * `ReportSuccess` fills; nothing is reported when every entry failed).
   *
   * @param proxy The proxy that failed.
   */
  reportFailure?(proxy: ProxyServer): void;
}

/**
 * The resolver used until a session has proxy settings: every URL goes direct.
 *
 * @example
 * ```ts
 * import { DIRECT_PROXY_RESOLVER } from "./proxy_resolver_like.ts";
 * console.log(DIRECT_PROXY_RESOLVER.resolveProxies(new URL("http://a.test/")));
 * ```
 */
export const DIRECT_PROXY_RESOLVER: ProxyResolverLike = {
  resolveProxies: () => DIRECT_ONLY,
};

const DIRECT_ONLY: readonly ProxyServer[] = Object.freeze([Object.freeze({ scheme: "direct" })]);

/**
 * The list a resolver answers when a look-up failed and it falls back to DIRECT, having logged
 * the failure on the request's net log itself: Chromium's DidFinishResolvingProxy logs the
 * failed resolution's error, then `UseDirect`s without logging a list, so a transport logs no
 * resolved list for this one. Told apart by identity.
 *
 * @example
 * ```ts
 * import { DIRECT_AFTER_FAILURE } from "./proxy_resolver_like.ts";
 * console.log(DIRECT_AFTER_FAILURE); // [ { scheme: "direct" } ]
 * ```
 */
export const DIRECT_AFTER_FAILURE: readonly ProxyServer[] = Object.freeze([
  Object.freeze({ scheme: "direct" as const }),
]);
