/**
 * The parts of a request URL the cookie rules need, read from the normalised `Request.url`
 * string without building a `URL` (the cookie stage runs on every request).
 *
 * @module
 */

/** What cookie matching needs to know about a URL (shared between calls: do not change it). */
export interface UrlParts {
  /** `http:`, `https:`, `ws:` or `wss:`. */
  readonly scheme: string;
  /** The host, lower case; IPv6 literals keep their brackets. */
  readonly host: string;
  /** The path, without query or fragment; at least `/`. */
  readonly path: string;
  /**
   * Whether the URL may read and write Secure cookies: a secure scheme, or a loopback host
   * (Chromium's CookieAccessScheme::kTrustworthy).
   */
  readonly secure: boolean;
  /** The port: the URL's own, or its scheme's default (Chromium's `GURL::EffectiveIntPort`). */
  readonly port: number;
}

/**
 * Splits a normalised http(s) or ws(s) URL.
 *
 * @param url A URL as `Request.url` or `URL.href` spells it.
 * @returns Its parts, or `undefined` for a scheme that cannot have cookies. The object may be
 * handed out again for the same URL: read it, do not change it.
 */
export function urlParts(url: string): UrlParts | undefined {
  // A request's Cookie header and its Set-Cookie lines ask about the same URL in a row.
  if (url === lastUrl) return lastParts;
  lastParts = split(url);
  lastUrl = url;
  return lastParts;
}

let lastUrl = "";
let lastParts: UrlParts | undefined;

function split(url: string): UrlParts | undefined {
  const colon = url.indexOf("://");
  if (colon < 2 || colon > 5) return undefined;
  const scheme = url.slice(0, colon + 1);
  if (scheme !== "http:" && scheme !== "https:" && scheme !== "ws:" && scheme !== "wss:") {
    return undefined;
  }
  let start = colon + 3;
  let end = start;
  while (end < url.length && url[end] !== "/" && url[end] !== "?" && url[end] !== "#") end++;
  const at = url.lastIndexOf("@", end);
  if (at >= start) start = at + 1;
  let hostEnd = end;
  if (url[start] === "[") hostEnd = url.indexOf("]", start) + 1;
  else {
    const port = url.indexOf(":", start);
    if (port !== -1 && port < end) hostEnd = port;
  }
  // A normalised URL spells a port only when it is not the scheme's default.
  const tls = scheme === "https:" || scheme === "wss:";
  const port = url[hostEnd] === ":" && hostEnd + 1 < end
    ? Number(url.slice(hostEnd + 1, end))
    : tls
    ? 443
    : 80;
  const host = url.slice(start, hostEnd);
  let pathEnd = end;
  while (pathEnd < url.length && url[pathEnd] !== "?" && url[pathEnd] !== "#") pathEnd++;
  const path = pathEnd > end && url[end] === "/" ? url.slice(end, pathEnd) : "/";
  const secure = tls || isLoopback(host);
  return { scheme, host, path, secure, port };
}

/**
 * Tells whether a host is a loopback name or address.
 *
 * @param host A lower-case host; IPv6 in brackets.
 * @returns Whether it is `localhost`, a `.localhost` name, 127.0.0.0/8 or `[::1]`.
 */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Tells whether a host is an IP literal.
 *
 * @param host A lower-case host; IPv6 in brackets.
 * @returns Whether it is an IPv4 or bracketed IPv6 address.
 */
export function isIpAddress(host: string): boolean {
  return host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * RFC 6265 §5.1.4's default-path of a request path.
 *
 * @param path The request path.
 * @returns The directory of the path, or `/`.
 */
export function defaultPath(path: string): string {
  if (!path.startsWith("/")) return "/";
  const last = path.lastIndexOf("/");
  return last === 0 ? "/" : path.slice(0, last);
}

/**
 * RFC 6265 §5.1.4 path-match.
 *
 * @param requestPath The request's path.
 * @param cookiePath The cookie's path.
 * @returns Whether the cookie applies to the path.
 */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) &&
    (cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/");
}
