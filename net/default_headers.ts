/**
 * The identity headers every request of a session carries.
 *
 * @module
 */

import { isLocalHostname } from "./local_hostname.ts";

/** The session values read on every request (they may change at any time). */
export interface SessionIdentity {
  /** The User-Agent to send. */
  userAgent(): string;
  /** The Accept-Language value to send; `""` sends none. */
  acceptLanguage(): string;
}

/** A header list: names and values in order. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

// What the transport can decode, so what Chromium's HttpRequestHeaders::SetAcceptEncodingIfMissing
// advertises: br and zstd only where a proxy cannot see (and mangle) the bytes, over TLS or to
// this machine.
const ACCEPT_ENCODING = "gzip, deflate, br, zstd";
const ACCEPT_ENCODING_CLEARTEXT = "gzip, deflate";

/**
 * The `Accept-Encoding` a request to `url` carries by default, as Chromium's
 * `HttpRequestHeaders::SetAcceptEncodingIfMissing` chooses it: `gzip, deflate, br, zstd` for
 * `https:` and `wss:` URLs and for localhost (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`,
 * as `net::IsLocalhost`), `gzip, deflate` for other cleartext URLs.
 *
 * @param url The request URL, serialized (as `Request.url` gives it).
 * @returns The header value.
 *
 * @example
 * ```ts
 * import { acceptEncodingFor } from "./default_headers.ts";
 * console.log(acceptEncodingFor("https://example.com/")); // gzip, deflate, br, zstd
 * console.log(acceptEncodingFor("http://example.com/")); // gzip, deflate
 * ```
 */
export function acceptEncodingFor(url: string): string {
  return url.startsWith("https:") || url.startsWith("wss:") || isLocalhost(hostOf(url))
    ? ACCEPT_ENCODING
    : ACCEPT_ENCODING_CLEARTEXT;
}

// The host of a serialized URL, without parsing it again: this runs on every request.
function hostOf(url: string): string {
  const start = url.indexOf("//");
  if (start === -1) return "";
  let end = url.indexOf("/", start + 2);
  if (end === -1) end = url.length;
  const authority = url.slice(url.lastIndexOf("@", end) + 1 || start + 2, end);
  if (authority.startsWith("[")) return authority.slice(0, authority.indexOf("]") + 1);
  const colon = authority.indexOf(":");
  return colon === -1 ? authority : authority.slice(0, colon);
}

// net::IsLocalhost (net/base/url_util.cc): the localhost names and the loopback addresses.
function isLocalhost(hostname: string): boolean {
  return isLocalHostname(hostname) || hostname === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Makes a function returning the session's default headers for a URL — `User-Agent`,
 * `Accept-Language` (none when empty), `Accept-Encoding` (by {@linkcode acceptEncodingFor}) and
 * `Accept` — read from the identity on every call. The lists are rebuilt only when the identity
 * changed.
 *
 * @param identity The session's user agent and languages.
 * @returns A function giving the current list for a URL (do not modify it).
 *
 * @example
 * ```ts
 * import { defaultHeaderSource } from "./default_headers.ts";
 * const defaults = defaultHeaderSource({ userAgent: () => "demo/1", acceptLanguage: () => "" });
 * console.log(defaults("https://a.test/").map(([name]) => name).join()); // user-agent,accept-encoding,accept
 * ```
 */
export function defaultHeaderSource(identity: SessionIdentity): (url: string) => HeaderList {
  let userAgent: string | undefined;
  let languages: string | undefined;
  let full: HeaderList = [];
  let cleartext: HeaderList = [];
  const make = (encoding: string): HeaderList => {
    const headers: Array<readonly [string, string]> = [["user-agent", userAgent!]];
    if (languages !== "") headers.push(["accept-language", languages!]);
    headers.push(["accept-encoding", encoding], ["accept", "*/*"]);
    return Object.freeze(headers);
  };
  return (url) => {
    const currentAgent = identity.userAgent();
    const currentLanguages = identity.acceptLanguage();
    if (currentAgent !== userAgent || currentLanguages !== languages) {
      userAgent = currentAgent;
      languages = currentLanguages;
      full = make(ACCEPT_ENCODING);
      cleartext = make(ACCEPT_ENCODING_CLEARTEXT);
    }
    return acceptEncodingFor(url) === ACCEPT_ENCODING ? full : cleartext;
  };
}

/**
 * The default headers for a redirect's next hop: `list` with its default `Accept-Encoding`
 * chosen again for `url` (a redirect from `https:` to a cleartext host drops br and zstd, as
 * Chromium chooses per request). A list whose encoding is already right, or not ours, comes back
 * as it is.
 *
 * @param list The default headers the request entered with.
 * @param url The next hop's URL, serialized.
 * @returns The list for that hop (do not modify it).
 *
 * @example
 * ```ts
 * import { defaultsForHop } from "./default_headers.ts";
 * const list = [["accept-encoding", "gzip, deflate, br, zstd"]] as const;
 * console.log(defaultsForHop(list, "http://example.com/")[0]); // [ "accept-encoding", "gzip, deflate" ]
 * ```
 */
export function defaultsForHop(list: HeaderList, url: string): HeaderList {
  const encoding = acceptEncodingFor(url);
  const index = list.findIndex(([name, value]) =>
    name === "accept-encoding" && value !== encoding &&
    (value === ACCEPT_ENCODING || value === ACCEPT_ENCODING_CLEARTEXT)
  );
  if (index === -1) return list;
  return Object.freeze(
    list.map((header, i): readonly [string, string] =>
      i === index ? ["accept-encoding", encoding] : header
    ),
  );
}

/**
 * Appends each default whose name the list lacks, as Chromium's network stack adds its
 * defaults unless the caller set them. A request with a `Range` gets `Accept-Encoding:
 * identity` instead of the codings, as Chromium's `HttpRequestHeaders::SetAcceptEncodingIfMissing`
 * gives it: a range of an encoded body would be a piece of a stream no decoder can start in the
 * middle of.
 *
 * @param list The request's header lines, lower-case names; changed in place.
 * @param defaults The defaults, lower-case names.
 *
 * @example
 * ```ts
 * import { appendMissingHeaders } from "./default_headers.ts";
 * const list: Array<[string, string]> = [["host", "a.test"], ["accept", "text/html"]];
 * appendMissingHeaders(list, [["user-agent", "demo/1"], ["accept", "text/plain"]]);
 * console.log(list.map(([name, value]) => `${name}: ${value}`).join("; "));
 * // host: a.test; accept: text/html; user-agent: demo/1
 * const ranged: Array<[string, string]> = [["range", "bytes=10-"]];
 * appendMissingHeaders(ranged, [["accept-encoding", "gzip, deflate, br, zstd"]]);
 * console.log(ranged[1]); // [ "accept-encoding", "identity" ]
 * ```
 */
export function appendMissingHeaders(list: Array<[string, string]>, defaults: HeaderList): void {
  // Index loops: this runs on every request, and JSC's iterators cost more than the work.
  const given = list.length;
  for (let d = 0; d < defaults.length; d++) {
    const header = defaults[d]!;
    const name = header[0];
    let present = false;
    for (let i = 0; i < given && !present; i++) present = list[i]![0] === name;
    if (present) continue;
    list.push([name, name === "accept-encoding" && hasRange(list, given) ? "identity" : header[1]]);
  }
}

function hasRange(list: ReadonlyArray<readonly [string, string]>, given: number): boolean {
  for (let i = 0; i < given; i++) if (list[i]![0] === "range") return true;
  return false;
}
