/**
 * Proxy URIs, `[scheme://][user:pass@]host[:port]`, read and written the way Chromium's
 * `ProxyUriToProxyServer` and `ProxyServerToProxyUri` (net/base/proxy_string_util.cc) do.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { canonicalHost } from "./_canonical_host.ts";

/** The proxy schemes, as `ProxyServer.scheme` names them. */
export type ProxyScheme = ProxyServer["scheme"];

/** A parse outcome: the value, or the reason it could not be read. */
export type Parsed<T> = { readonly value: T } | { readonly error: string };

const URI_SCHEMES: Readonly<Record<string, ProxyScheme>> = {
  http: "http",
  https: "https",
  socks4: "socks4",
  socks: "socks5",
  socks5: "socks5",
  direct: "direct",
};

const DEFAULT_PORTS: Readonly<Record<Exclude<ProxyScheme, "direct">, number>> = {
  http: 80,
  https: 443,
  socks4: 1080,
  socks5: 1080,
};

/**
 * Reads one proxy URI. The scheme is case-insensitive (`socks://` means SOCKS5, `direct://` is
 * DIRECT); without one `defaultScheme` applies. Ports default to 80 (http), 443 (https) and
 * 1080 (SOCKS). Hosts are canonicalised (lower case, IDNA, `0xA.020.3.4` → `10.16.3.4`,
 * compressed IPv6). Credentials before `@` are kept (percent-decoded) for proxy
 * authentication, which Chromium's rule syntax does not allow.
 *
 * @param text The URI, like `socks5://[::1]:1080` or `proxy.example:3128`.
 * @param defaultScheme The scheme when none is written; default `http`.
 * @returns The server, or the reason the URI is invalid (`host is empty`, ...).
 *
 * @example
 * ```ts
 * import { parseProxyUri } from "./proxy_uri.ts";
 * console.log(parseProxyUri("SOCKS://Foo.Example")); // { value: { scheme: "socks5", host: "foo.example", port: 1080 } }
 * console.log(parseProxyUri("http://:80")); // { error: "host is empty" }
 * ```
 */
export function parseProxyUri(
  text: string,
  defaultScheme: ProxyScheme = "http",
): Parsed<ProxyServer> {
  let rest = trimLws(text);
  let scheme = defaultScheme;
  const colon = rest.indexOf(":");
  if (colon >= 0 && rest.startsWith("//", colon + 1)) {
    const name = rest.slice(0, colon).toLowerCase();
    const known = URI_SCHEMES[name];
    if (known === undefined) return { error: `unknown proxy scheme "${rest.slice(0, colon)}"` };
    scheme = known;
    rest = rest.slice(colon + 3);
  }
  return serverFrom(scheme, rest);
}

/**
 * Builds a server from a scheme and `[user:pass@]host[:port]`, as Chromium's
 * `FromSchemeHostAndPort` does (DIRECT must have nothing after it).
 *
 * @param scheme The proxy scheme.
 * @param hostAndPort The rest of the URI.
 * @returns The server, or the reason it is invalid.
 */
export function serverFrom(scheme: ProxyScheme, hostAndPort: string): Parsed<ProxyServer> {
  const rest = trimLws(hostAndPort);
  if (scheme === "direct") {
    return rest === "" ? { value: DIRECT } : { error: "DIRECT takes no host" };
  }
  let authority = rest;
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    authority = rest.slice(at + 1);
    const separator = userinfo.indexOf(":");
    try {
      username = decodeURIComponent(separator < 0 ? userinfo : userinfo.slice(0, separator));
      password = separator < 0 ? undefined : decodeURIComponent(userinfo.slice(separator + 1));
    } catch {
      return { error: "credentials are not valid percent-encoding" };
    }
  }
  const split = splitHostPort(authority);
  if ("error" in split) return split;
  const host = canonicalHost(split.host);
  if ("error" in host) return host;
  const port = split.port ?? DEFAULT_PORTS[scheme];
  const server = { scheme, host: host.host, port };
  if (username === undefined) return { value: server };
  return {
    value: password === undefined ? { ...server, username } : { ...server, username, password },
  };
}

/**
 * Writes a server as a proxy URI that {@linkcode parseProxyUri} reads back to the same server:
 * `host:port` for HTTP, `socks5://host:port`, `direct://`, credentials percent-encoded.
 *
 * @param proxy The server.
 * @returns The URI.
 *
 * @example
 * ```ts
 * import { formatProxyUri } from "./proxy_uri.ts";
 * console.log(formatProxyUri({ scheme: "socks4", host: "::1", port: 1080 })); // socks4://[::1]:1080
 * ```
 */
export function formatProxyUri(proxy: ProxyServer): string {
  if (proxy.scheme === "direct") return "direct://";
  const prefix = proxy.scheme === "http" ? "" : `${proxy.scheme}://`;
  let userinfo = "";
  if (proxy.username !== undefined) {
    userinfo = encodeURIComponent(proxy.username) +
      (proxy.password === undefined ? "" : `:${encodeURIComponent(proxy.password)}`) + "@";
  }
  return `${prefix}${userinfo}${hostPort(proxy)}`;
}

/**
 * Writes a server as a PAC result element: `DIRECT`, `PROXY h:p`, `HTTPS h:p`, `SOCKS h:p`
 * (SOCKS4) or `SOCKS5 h:p` (Chromium's `ProxyServerToPacResultElement`).
 *
 * @param proxy The server.
 * @returns The element; credentials are never written.
 *
 * @example
 * ```ts
 * import { formatPacElement } from "./proxy_uri.ts";
 * console.log(formatPacElement({ scheme: "http", host: "a", port: 80 })); // PROXY a:80
 * ```
 */
export function formatPacElement(proxy: ProxyServer): string {
  switch (proxy.scheme) {
    case "direct":
      return "DIRECT";
    case "http":
      return `PROXY ${hostPort(proxy)}`;
    case "https":
      return `HTTPS ${hostPort(proxy)}`;
    case "socks4":
      return `SOCKS ${hostPort(proxy)}`;
    case "socks5":
      return `SOCKS5 ${hostPort(proxy)}`;
  }
}

/**
 * Writes a proxy list the way `ses.resolveProxy` answers: PAC elements joined by `;`.
 *
 * @param proxies The list.
 * @returns Like `PROXY a:80;DIRECT`.
 *
 * @example
 * ```ts
 * import { formatPacString } from "./proxy_uri.ts";
 * console.log(formatPacString([{ scheme: "socks5", host: "s", port: 1080 }, { scheme: "direct" }])); // SOCKS5 s:1080;DIRECT
 * ```
 */
export function formatPacString(proxies: readonly ProxyServer[]): string {
  return proxies.map(formatPacElement).join(";");
}

/** The DIRECT entry, shared. */
export const DIRECT: ProxyServer = Object.freeze({ scheme: "direct" });

function hostPort(proxy: { host: string; port: number }): string {
  return proxy.host.includes(":") ? `[${proxy.host}]:${proxy.port}` : `${proxy.host}:${proxy.port}`;
}

function splitHostPort(authority: string): { host: string; port?: number } | { error: string } {
  let host = authority;
  let portText: string | undefined;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return { error: `"${authority}" has no closing "]"` };
    host = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== "") {
      if (!after.startsWith(":")) return { error: `unexpected "${after}" after the host` };
      portText = after.slice(1);
    }
  } else {
    const colon = authority.indexOf(":");
    if (colon >= 0) {
      if (authority.indexOf(":", colon + 1) >= 0) {
        return { error: `"${authority}" needs brackets around an IPv6 address` };
      }
      host = authority.slice(0, colon);
      portText = authority.slice(colon + 1);
    }
  }
  if (host === "" || host === "[]") return { error: "host is empty" };
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  return port === undefined ? { error: `port "${portText}" is not a number from 0 to 65535` } : {
    host,
    port,
  };
}

/**
 * Reads a port as Chromium's `url::ParsePort` does: decimal digits only, at most 65535.
 *
 * @param text The digits.
 * @returns The port, or `undefined` when `text` is not one.
 */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/**
 * Trims HTTP linear white space (spaces and tabs), as `HttpUtil::TrimLWS`.
 *
 * @param text Any text.
 * @returns The text without leading and trailing spaces and tabs.
 */
export function trimLws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === " " || text[start] === "\t")) start++;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return text.slice(start, end);
}
