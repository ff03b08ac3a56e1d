/**
 * Chrome match patterns (`<all_urls>`, `*://*.example.com/path*`), as webRequest filters use
 * them.
 *
 * @module
 */

/**
 * The parts of a URL a pattern reads: a `URL` qualifies, and so does a plain record of them read
 * once (a `URL`'s getters are dear in Bun, and several filters ask about one URL).
 */
export type MatchableUrl = Pick<URL, "protocol" | "hostname" | "port" | "pathname" | "search">;

/** Tells whether a URL matches a parsed pattern. */
export type UrlMatcher = (url: MatchableUrl) => boolean;

/**
 * Parses a Chrome match pattern, following Chromium's `extensions/common/url_pattern.cc` with
 * every scheme valid (Electron's `URLPattern::SCHEME_ALL`): `<all_urls>` matches any URL; a
 * `*` scheme matches `http`, `https`, `ws` and `wss`; a host `*` matches any host and
 * `*.example.com` the domain and its subdomains; without a port any port matches; the path
 * (with `*` wildcards) is matched against the URL's path and query.
 *
 * @param pattern The pattern.
 * @returns The matcher.
 * @throws {TypeError} `Invalid url pattern PATTERN: REASON`, REASON being Chromium's
 * (`Empty path.`, `Missing scheme separator.`, `Empty host.`, `Invalid host wildcard.`,
 * `Invalid port.`, `Invalid scheme.`), as Electron's `webRequest` throws it.
 *
 * @example
 * ```ts
 * import { parseMatchPattern } from "./match_pattern.ts";
 * const matches = parseMatchPattern("*://*.example.com/api/*");
 * console.log(matches(new URL("https://www.example.com/api/v1?q=1"))); // true
 * console.log(matches(new URL("https://example.org/api/v1"))); // false
 * ```
 */
export function parseMatchPattern(pattern: string): UrlMatcher {
  if (pattern === "<all_urls>") return () => true;
  const fail = (reason: string) => new TypeError(`Invalid url pattern ${pattern}: ${reason}`);
  const separator = pattern.indexOf(":");
  if (separator <= 0) throw fail("Missing scheme separator.");
  const scheme = pattern.slice(0, separator).toLowerCase();
  if (scheme !== "*" && !/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw fail("Invalid scheme.");
  const rest = pattern.slice(separator + 1);
  if (!rest.startsWith("//")) throw fail("Missing scheme separator.");
  const afterSlashes = rest.slice(2);
  const pathStart = afterSlashes.indexOf("/");
  if (pathStart < 0) throw fail("Empty path.");
  const authority = afterSlashes.slice(0, pathStart);
  const path = afterSlashes.slice(pathStart);
  const { host, port } = splitAuthority(authority, fail);
  if (host === "" && scheme !== "file") throw fail("Empty host.");
  const hostMatches = hostMatcher(host, fail);
  const pathMatches = globMatcher(path);
  return (url) =>
    schemeMatches(scheme, url.protocol.slice(0, -1)) && hostMatches(url.hostname) &&
    (port === "*" || port === effectivePort(url)) && pathMatches(url.pathname + url.search);
}

function splitAuthority(
  authority: string,
  fail: (reason: string) => TypeError,
): { host: string; port: string } {
  // An IPv6 literal keeps its colons inside brackets; otherwise the first colon starts the
  // port, so `a:80:80` has the port `80:80` (Chromium's URLPattern::Parse).
  const colon = authority.startsWith("[")
    ? authority.indexOf(":", authority.indexOf("]"))
    : authority.indexOf(":");
  if (colon < 0) return { host: authority.toLowerCase(), port: "*" };
  const port = authority.slice(colon + 1);
  if (port !== "*" && !(/^\d{1,5}$/.test(port) && +port < 65536)) throw fail("Invalid port.");
  return { host: authority.slice(0, colon).toLowerCase(), port: port === "*" ? "*" : `${+port}` };
}

function hostMatcher(
  host: string,
  fail: (reason: string) => TypeError,
): (hostname: string) => boolean {
  if (host === "*") return () => true;
  if (host.startsWith("*.")) {
    const domain = host.slice(2);
    if (domain === "") throw fail("Empty host.");
    if (domain.includes("*")) throw fail("Invalid host wildcard.");
    return (hostname) => hostname === domain || hostname.endsWith(`.${domain}`);
  }
  if (host.includes("*")) throw fail("Invalid host wildcard.");
  return (hostname) => hostname === host;
}

function schemeMatches(pattern: string, scheme: string): boolean {
  if (pattern !== "*") return pattern === scheme;
  return scheme === "http" || scheme === "https" || scheme === "ws" || scheme === "wss";
}

const DEFAULT_PORTS: Record<string, string> = {
  "http:": "80",
  "https:": "443",
  "ws:": "80",
  "wss:": "443",
};

function effectivePort(url: MatchableUrl): string {
  return url.port === "" ? DEFAULT_PORTS[url.protocol] ?? "" : url.port;
}

function globMatcher(glob: string): (text: string) => boolean {
  if (glob === "/*") return () => true;
  const source = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`, "s");
  return (text) => regex.test(text);
}
