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
}

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
   * @returns The header value, or `undefined` when no cookie applies.
   */
  cookieHeader(request: CookieRequest): string | undefined;
  /**
   * Stores the `Set-Cookie` lines of a response; lines the jar refuses are dropped silently,
   * as a browser drops them. Never throws for any line.
   *
   * @param request The request the response answers.
   * @param lines The `Set-Cookie` header values, in order.
   */
  storeSetCookies(request: CookieRequest, lines: readonly string[]): void;
}
