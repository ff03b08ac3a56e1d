/**
 * Chrome match patterns (`<all_urls>`, `*://*.example.com/path*`): Chromium's `URLPattern`, as
 * webRequest filters and extension content scripts read them.
 *
 * @module
 */

/**
 * The parts of a URL a pattern reads: a `URL` qualifies, and so does a plain record of them read
 * once (a `URL`'s getters are dear in Bun, and several filters ask about one URL).
 */
export type MatchableUrl = Pick<
  URL,
  "href" | "protocol" | "hostname" | "port" | "pathname" | "search"
>;

/** Tells whether a URL matches a parsed pattern. */
export type UrlMatcher = (url: MatchableUrl) => boolean;

// Schemes whose URLs have a host (url::IsStandard); `*` is treated as one.
const STANDARD_SCHEMES = new Set(["*", "http", "https", "ws", "wss", "ftp", "file"]);

// url::DefaultPortForScheme: only these schemes may name a port in a pattern.
const DEFAULT_PORTS: Record<string, string> = {
  http: "80",
  https: "443",
  ws: "80",
  wss: "443",
  ftp: "21",
};

/** Options of {@linkcode parseUrlPattern}. */
export interface UrlPatternOptions {
  /**
   * The schemes a pattern may name, lower case (Chromium's `URLPattern` valid-scheme mask); a
   * `*` scheme is always allowed. Without it, every scheme is (`URLPattern::SCHEME_ALL`).
   */
  validSchemes?: ReadonlySet<string>;
}

/**
 * Parses a Chrome match pattern, following Chromium's `URLPattern::Parse` and `MatchesURL`
 * (extensions/common/url_pattern.cc):
 * - `<all_urls>` matches any URL; a `*` scheme matches `http` and `https` only;
 * - the host is canonicalized as a URL's (`BÜCHER.test` is `xn--bcher-kva.test`); `*` matches
 *   any host and `*.example.com` the domain and its subdomains (never an IP address); a
 *   trailing dot on either side is ignored;
 * - a port may be named only for a scheme with a default one (`http`, `https`, `ws`, `wss`,
 *   `ftp`), not for `*`; without a port any port matches;
 * - the path (with `*` wildcards) is matched against the URL's path and query, and a path
 *   ending in `/*` also matches the path without it;
 * - `file:` patterns ignore their host (`file://localhost/x`, `file://x*` mean `file:///x…`);
 * - `scheme:PATH` (no `//`) matches URLs of a scheme without hosts (`data:*`, `app:*`) by all
 *   that follows the colon.
 *
 * With `validSchemes`, a scheme outside the set (compared as written, so `HTTP` is not `http`)
 * is Chromium's `Invalid scheme.`, and only the standard schemes take the `scheme://` form.
 * Without it (every scheme valid, as Electron's `webRequest` has it) the scheme is read in any
 * case, and custom schemes also take the `scheme://host/path` form, their URLs' host matched
 * like an http one's: Electron accepts that form only for schemes registered as standard
 * through `protocol.registerSchemesAsPrivileged`, which has no counterpart here.
 *
 * @param pattern The pattern.
 * @param options The valid schemes.
 * @returns The matcher.
 * @throws {SyntaxError} With Chromium's `URLPattern::GetParseResultString` as its message:
 * `Missing scheme separator.`, `Invalid scheme.`, `Wrong scheme type.`, `Host can not be
 * empty.`, `Invalid host wildcard.`, `Empty path.`, `Invalid port.`, `Invalid host.`
 *
 * @example
 * ```ts
 * import { parseUrlPattern } from "./url_pattern.ts";
 * const matches = parseUrlPattern("*://*.example.com/api/*");
 * console.log(matches(new URL("https://www.example.com/api/v1?q=1"))); // true
 * console.log(matches(new URL("https://example.org/api/v1"))); // false
 * try {
 *   parseUrlPattern("data:*", { validSchemes: new Set(["http", "https"]) });
 * } catch (error) {
 *   console.log(error); // SyntaxError: Invalid scheme.
 * }
 * ```
 */
export function parseUrlPattern(pattern: string, options: UrlPatternOptions = {}): UrlMatcher {
  const { validSchemes } = options;
  if (pattern === "<all_urls>") return () => true;
  let separator = pattern.indexOf("://");
  const hostForm = separator >= 0;
  if (!hostForm) separator = pattern.indexOf(":");
  if (separator < 0) throw fail("Missing scheme separator.");
  const written = pattern.slice(0, separator);
  // URLPattern::SetScheme comes before the separator's check.
  if (validSchemes !== undefined && written !== "*" && !validSchemes.has(written)) {
    throw fail("Invalid scheme.");
  }
  const scheme = written.toLowerCase();
  const protocol = `${scheme}:`;
  if (!hostForm) {
    if (STANDARD_SCHEMES.has(scheme)) throw fail("Wrong scheme type.");
    // URLPattern::Parse: nothing after the separator is an empty host, whatever the scheme.
    if (separator + 1 === pattern.length) throw fail("Host can not be empty.");
    const pathMatches = pathMatcher(pattern.slice(separator + 1));
    return (url) => url.protocol === protocol && pathMatches(opaquePath(url));
  }
  if (
    scheme !== "*" &&
    (validSchemes === undefined
      ? !/^[a-z][a-z0-9+.-]*$/.test(scheme)
      : !STANDARD_SCHEMES.has(scheme))
  ) {
    throw fail("Wrong scheme type.");
  }
  const rest = pattern.slice(separator + 3);
  if (rest === "") throw fail("Host can not be empty.");
  const slash = rest.indexOf("/");
  if (scheme === "file") {
    const pathMatches = pathMatcher(slash < 0 ? `/${rest}` : rest.slice(slash));
    return (url) =>
      url.protocol === "file:" && url.hostname === "" && pathMatches(url.pathname + url.search);
  }
  if (slash === 0) throw fail("Host can not be empty.");
  if (slash < 0) throw fail("Empty path.");
  const { host, port } = splitAuthority(scheme, rest.slice(0, slash));
  const hostMatches = hostMatcher(scheme, host);
  const pathMatches = pathMatcher(rest.slice(slash));
  const schemeMatches = scheme === "*"
    ? (given: string) => given === "http:" || given === "https:"
    : (given: string) => given === protocol;
  return (url) =>
    schemeMatches(url.protocol) && hostMatches(url.hostname) &&
    (port === "*" || port === effectivePort(url)) && pathMatches(url.pathname + url.search);
}

function splitAuthority(
  scheme: string,
  authority: string,
): { host: string; port: string } {
  // An IPv6 literal keeps its colons inside brackets; otherwise the first colon starts the
  // port, so `a:80:80` has the port `80:80` (Chromium's URLPattern::Parse).
  let colon: number;
  if (authority.startsWith("[")) {
    const end = authority.indexOf("]");
    if (end < 0) throw fail("Invalid host.");
    if (end === 1) throw fail("Host can not be empty.");
    colon = end + 1;
    if (colon < authority.length && authority[colon] !== ":") throw fail("Invalid host.");
  } else {
    colon = authority.indexOf(":");
  }
  if (colon < 0 || colon >= authority.length) return { host: authority, port: "*" };
  const port = authority.slice(colon + 1);
  if (port === "*") return { host: authority.slice(0, colon), port };
  if (DEFAULT_PORTS[scheme] === undefined || !/^\d+$/.test(port) || +port > 65535) {
    throw fail("Invalid port.");
  }
  return { host: authority.slice(0, colon), port: `${+port}` };
}

function hostMatcher(
  scheme: string,
  given: string,
): (hostname: string) => boolean {
  if (given === "") throw fail("Host can not be empty.");
  if (given === "*") return () => true;
  const subdomains = given.startsWith("*.");
  if (subdomains && given.length === 2) throw fail("Host can not be empty.");
  const bare = subdomains ? given.slice(2) : given;
  if (bare.includes("*")) throw fail("Invalid host wildcard.");
  const host = withoutTrailingDot(canonicalHost(scheme, bare));
  return (hostname) => {
    const test = withoutTrailingDot(hostname);
    if (test === host) return true;
    // URLPattern::MatchesHost: subdomains of an IP address are no subdomains.
    if (!subdomains || isIpAddress(test)) return false;
    return test.length > host.length + 1 && test.endsWith(host) &&
      test[test.length - host.length - 1] === ".";
  };
}

// net::CanonicalizeHost, through the URL parser: lower case, punycode, IPv4 in dotted decimal.
function canonicalHost(scheme: string, host: string) {
  // Characters that would end the host in a URL (and so be read as something else) or that no
  // host may hold; brackets only around an IPv6 literal.
  const ipv6 = host.startsWith("[") && host.endsWith("]");
  if (/[\0\t\n\r #/?@\\^|<>]/.test(host) || (!ipv6 && /[[\]:]/.test(host))) {
    throw fail("Invalid host.");
  }
  try {
    // A custom scheme's host is canonicalized as its URLs' are (opaque, case kept).
    const base = scheme === "*" || STANDARD_SCHEMES.has(scheme) ? "http" : scheme;
    const hostname = new URL(`${base}://${host}/`).hostname;
    if (hostname !== "") return hostname;
  } catch {
    // Not a host: reported below.
  }
  throw fail("Invalid host.");
}

// A parse failure, with URLPattern::GetParseResultString's words.
function fail(reason: string): SyntaxError {
  return new SyntaxError(reason);
}

function withoutTrailingDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

function isIpAddress(hostname: string): boolean {
  // The URL parser writes every IPv4 address in dotted decimal and IPv6 in brackets.
  return hostname.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

function effectivePort(url: MatchableUrl): string {
  return url.port === "" ? DEFAULT_PORTS[url.protocol.slice(0, -1)] ?? "" : url.port;
}

// What a URL of a scheme without hosts has after its colon, query included (GURL's
// PathForRequest for such URLs), fragment left out.
function opaquePath(url: MatchableUrl): string {
  const rest = url.href.slice(url.protocol.length);
  const hash = rest.indexOf("#");
  return hash < 0 ? rest : rest.slice(0, hash);
}

function pathMatcher(path: string): (text: string) => boolean {
  if (path === "/*") return () => true;
  const source = path.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`, "s");
  // URLPattern::MatchesPath: `/foo/*` also matches `/foo` (compared with the pattern's path as
  // Chromium escapes it for base::MatchPattern, so `?` or `\` in it never take this branch).
  const escaped = path.replaceAll("\\", "\\\\").replaceAll("?", "\\?");
  const bare = escaped.endsWith("/*") ? escaped.slice(0, -2) : undefined;
  return (text) => text === bare || regex.test(text);
}
