/**
 * The seam between a session's pipeline and its cookie jar: the cookie stage asks the jar for
 * the `Cookie` header of each hop and hands it each response's `Set-Cookie` lines.
 *
 * @module
 */

/** What the jar reads from a request: a `Request` qualifies. */
export interface CookieRequest {
  /** The request URL (normalised, as `Request.url`). */
  readonly url: string;
  /** The HTTP method. */
  readonly method: string;
  /** Read for `Origin` and `Referer`, which make a request cross-site. */
  readonly headers: Headers;
  /**
   * The URL whose site the request's cookies are judged against (Chromium's site for
   * cookies): the first hop's URL, which a redirect does not change. Absent means the request
   * URL itself, as on a first hop. A hop of another site (schemeful: `http:` and `https:` are
   * two sites) is cross-site whatever its headers say.
   */
  readonly siteForCookies?: string;
  /**
   * The origin that started the request (Electron's initiator: the caller's `Origin`), which
   * a redirect does not change though the hop's `Origin` header may have become `null`. Absent:
   * the `Origin` header is read, else the `Referer`.
   */
  readonly initiator?: string;
}

/**
 * Chromium's cookie exclusion reasons (net/cookies/cookie_inclusion_status.h) that a jar
 * reports for a cookie it did not send or store.
 */
export type CookieExclusionReason =
  | "EXCLUDE_SECURE_ONLY"
  | "EXCLUDE_DOMAIN_MISMATCH"
  | "EXCLUDE_NOT_ON_PATH"
  | "EXCLUDE_SAMESITE_STRICT"
  | "EXCLUDE_SAMESITE_LAX"
  | "EXCLUDE_SAMESITE_UNSPECIFIED_TREATED_AS_LAX"
  | "EXCLUDE_SAMESITE_NONE_INSECURE"
  | "EXCLUDE_NONCOOKIEABLE_SCHEME"
  | "EXCLUDE_OVERWRITE_SECURE"
  | "EXCLUDE_INVALID_DOMAIN"
  | "EXCLUDE_INVALID_PREFIX"
  | "EXCLUDE_INVALID_PARTITIONED"
  | "EXCLUDE_NAME_VALUE_PAIR_EXCEEDS_MAX_SIZE"
  | "EXCLUDE_DISALLOWED_CHARACTER"
  | "EXCLUDE_NO_COOKIE_CONTENT";

/** One cookie decision of a jar: sent or stored, or left out and why. */
export interface CookieInclusion {
  /** `send` for a request's `Cookie` header, `store` for a `Set-Cookie` line. */
  operation: "send" | "store";
  /** Why the cookie was left out; absent when it was sent or stored. */
  exclusion?: CookieExclusionReason;
  /** The cookie's name (`""` when a line could not be parsed). */
  name: string;
  /** Its domain, `.`-prefixed for a domain cookie (`""` when unknown). */
  domain: string;
  /** Its path (`""` when unknown). */
  path: string;
}

/**
 * Hears each cookie decision; the pipeline passes one only while a net log captures, so a
 * jar does no extra work otherwise.
 */
export type CookieInclusionListener = (inclusion: CookieInclusion) => void;

/**
 * A cookie jar as the pipeline sees it. Both methods are synchronous, so a request for a
 * host without cookies costs no promise turn.
 *
 * @example
 * ```ts
 * import type { CookieJarLike } from "./cookie_jar_like.ts";
 * const lines: string[] = [];
 * const jar: CookieJarLike = {
 *   cookieHeader: () => lines.length ? lines.map((line) => line.split(";")[0]).join("; ") : undefined,
 *   storeSetCookies: (_request, set) => void lines.push(...set),
 * };
 * jar.storeSetCookies(new Request("http://a.test/"), ["a=1; Path=/"]);
 * console.log(jar.cookieHeader(new Request("http://a.test/"))); // a=1
 * ```
 */
export interface CookieJarLike {
  /**
   * The `Cookie` header to send with a request.
   *
   * @param request The request of this hop.
   * @param onInclusion Hears each cookie of the URL's domains that is sent, or left out with
   * its reason (a jar may report only the first reason of several).
   * @returns The header value, or `undefined` when no cookie applies.
   */
  cookieHeader(request: CookieRequest, onInclusion?: CookieInclusionListener): string | undefined;
  /**
   * Stores the `Set-Cookie` lines of a response; lines the jar refuses are dropped silently,
   * as a browser drops them. Never throws for any line.
   *
   * @param request The request the response answers.
   * @param lines The `Set-Cookie` header values, in order.
   * @param onInclusion Hears each line's outcome: stored, or refused with its reason.
   * @param serverTime The response's `Date`, in milliseconds since the epoch, when it has one:
   * `Expires` dates are read on the server's clock and moved by its skew from the local one.
   */
  storeSetCookies(
    request: CookieRequest,
    lines: readonly string[],
    onInclusion?: CookieInclusionListener,
    serverTime?: number,
  ): void;
}
