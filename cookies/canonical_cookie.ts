/**
 * The jar's own record of a cookie, and its conversions to Electron's `Cookie` and to the
 * `Cookie` request header.
 *
 * @module
 */

import type { Cookie, CookieSameSite } from "../core/electron_types.ts";

/**
 * Who set a cookie (Chromium's `CookieSourceType`, kept in the `Cookies` file's `source_type`
 * column as 0 to 3): a response's `Set-Cookie` line (`http`), a page's script (`script`, which
 * nothing here sets) or an API such as `cookies.set` (`other`); `unknown` for rows older
 * Chromium versions wrote.
 */
export type CookieSourceType = "unknown" | "http" | "script" | "other";

/** A stored cookie (Chromium's `CanonicalCookie`); times in milliseconds since the epoch. */
export interface CanonicalCookie {
  /** The name; `""` for a nameless cookie. */
  name: string;
  /** The value. */
  value: string;
  /** `.example.com` for a domain cookie, `example.com` for a host-only one. */
  domain: string;
  /** Whether only the exact host gets it. */
  hostOnly: boolean;
  /** The path, starting with `/`. */
  path: string;
  /** Sent only over secure connections. */
  secure: boolean;
  /** Hidden from non-HTTP APIs (there are none here besides `cookies.get`, which shows it). */
  httpOnly: boolean;
  /** When it expires, or `undefined` for a session cookie. */
  expiry: number | undefined;
  /** The SameSite attribute. */
  sameSite: CookieSameSite;
  /** When it was created; unique and increasing within a jar. */
  creation: number;
  /** When it was last sent or set. */
  lastAccess: number;
  /**
   * When it was last set, also to the value it had (Chromium's `LastUpdateDate`): a creation
   * time stays while the value does, this one moves.
   */
  lastUpdate: number;
  /** Who set it. */
  sourceType: CookieSourceType;
  /** Whether it was set from a secure URL (Chromium's source scheme). */
  sourceSecure: boolean;
  /** The port of the URL that set it. */
  sourcePort: number;
}

/**
 * Electron's view of a stored cookie, keys in Electron's order.
 *
 * @param cookie A stored cookie.
 * @returns The `Cookie` object `cookies.get` and `'changed'` give out.
 *
 * @example
 * ```ts
 * import { toElectronCookie } from "./canonical_cookie.ts";
 * const cookie = toElectronCookie({
 *   name: "foo", value: "bar", domain: "127.0.0.1", hostOnly: true, path: "/", secure: false,
 *   httpOnly: false, expiry: undefined, sameSite: "unspecified", creation: 0, lastAccess: 0,
 *   lastUpdate: 0, sourceType: "other", sourceSecure: false, sourcePort: 80,
 * });
 * console.log(Object.keys(cookie).join()); // name,value,domain,hostOnly,path,secure,httpOnly,session,sameSite
 * ```
 */
export function toElectronCookie(cookie: CanonicalCookie): Cookie {
  const { expiry } = cookie;
  return {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain,
    hostOnly: cookie.hostOnly,
    path: cookie.path,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    session: expiry === undefined,
    // Only persistent cookies have the key, and it comes before sameSite (Electron's order).
    ...(expiry === undefined ? {} : { expirationDate: expiry / 1000 }),
    sameSite: cookie.sameSite,
  };
}

/**
 * Chromium's `CookieSorter`: longer paths first, then older cookies first (RFC 6265 §5.4).
 *
 * @param a A cookie.
 * @param b Another cookie.
 * @returns Negative when `a` goes first.
 */
export function cookieOrder(a: CanonicalCookie, b: CanonicalCookie): number {
  return b.path.length - a.path.length || a.creation - b.creation;
}

/**
 * The key two cookies share when one replaces the other (name, domain, path).
 *
 * @param cookie A cookie.
 * @returns Its equivalence key.
 */
export function cookieKey(cookie: Pick<CanonicalCookie, "name" | "domain" | "path">): string {
  return `${cookie.domain}\n${cookie.path}\n${cookie.name}`;
}
