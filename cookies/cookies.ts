/**
 * Electron's `Cookies` class: `ses.cookies`.
 *
 * @module
 */

import { ElectronEvent } from "../core/electron_event.ts";
import type { Cookie, CookieSameSite } from "../core/electron_types.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import { type CanonicalCookie, toElectronCookie } from "./canonical_cookie.ts";
import { type CookieChangeCause, cookieDomain, type CookieJar, REASONS } from "./cookie_jar.ts";
import {
  MAX_ATTRIBUTE_BYTES,
  MAX_NAME_VALUE_BYTES,
  REJECT_NAME_VALUE_SIZE,
  REJECT_NO_CONTENT,
  utf8Length,
} from "./_parse_set_cookie.ts";
import { urlParts } from "./_url_parts.ts";
import { methodArgumentError } from "../core/conversion_error.ts";

/** The events of {@linkcode Cookies}, with Electron's listener signatures. */
export type CookiesEvents = {
  /** A cookie was added, changed, removed or expired. */
  changed: (
    event: ElectronEvent,
    cookie: Cookie,
    cause: CookieChangeCause,
    removed: boolean,
  ) => void;
};

/** Electron's filter for `cookies.get`; every field optional. */
export interface CookiesGetFilter {
  /** Only cookies this URL would send (HttpOnly included). */
  url?: string;
  /** Exact name. */
  name?: string;
  /**
   * Cookies that would go to this host: its host-only cookies and the domain cookies of it
   * and its parents (`sub.example.com` finds `.example.com`'s), as Electron's IsDomainMatch.
   */
  domain?: string;
  /** Exact path. */
  path?: string;
  /** Secure or not. */
  secure?: boolean;
  /** Session cookie or not. */
  session?: boolean;
  /** HttpOnly or not. */
  httpOnly?: boolean;
}

/** Electron's details for `cookies.set`. */
export interface CookiesSetDetails {
  /** The URL to associate the cookie with (required). */
  url: string;
  /** The name; default `""`. */
  name?: string;
  /** The value; default `""`. */
  value?: string;
  /** A domain cookie for this domain (and subdomains); default a host-only cookie. */
  domain?: string;
  /**
   * The path, starting with `/`, kept as a URL path (`/my docs` as `/my%20docs`, dot segments
   * resolved, as Chromium); default the URL's directory.
   */
  path?: string;
  /** Default `sameSite === "no_restriction"`. */
  secure?: boolean;
  /** Default false. */
  httpOnly?: boolean;
  /** Seconds since the Unix epoch; omitted → session cookie; 0 → already expired. */
  expirationDate?: number;
  /** Default `lax`. */
  sameSite?: CookieSameSite;
}

const SAME_SITES: readonly string[] = ["unspecified", "no_restriction", "lax", "strict"];
// Chromium's ParsedCookie::IsValidCookieName / IsValidCookieValue.
// deno-lint-ignore no-control-regex
const DISALLOWED_VALUE = /[\x00-\x08\x0a-\x1f\x7f;]/;
// deno-lint-ignore no-control-regex
const DISALLOWED_NAME = /[\x00-\x08\x0a-\x1f\x7f;=]/;
const CONTROL_REASON = "The cookie contains ASCII control characters";
const ATTRIBUTE_SIZE_REASON = "Cookie exceeded the attribute size limit.";
// Chromium's CreateSanitizedCookie refuses a name, value or path that its Set-Cookie parser
// would read back differently (ParseTokenString / ParseValueString trim spaces and tabs).
const EDGE_WHITESPACE = /^[ \t]|[ \t]$/;
// What ends a path for that parser; other control characters are percent-encoded.
// deno-lint-ignore no-control-regex
const PATH_TERMINATORS = /[;\x00\r\n]/;
// Characters the URL parser would drop (a tab) or read as the query or fragment, but that are
// part of a cookie's path.
const PATH_ESCAPES: Record<string, string> = { "\t": "%09", "?": "%3F", "#": "%23" };

/**
 * Why Chromium's `CanonicalCookie::CreateSanitizedCookie` refuses a cookie's text: a name or
 * value with a control character or `;` (a name also with `=`), spaces or tabs at either end,
 * or a path with them or with `;`, NUL, CR or LF; an empty name and value; a name and value
 * over 4096 bytes. The checks of `cookies.set`, shared with every other way a cookie is given
 * whole (a storageState import).
 *
 * @param name The name.
 * @param value The value.
 * @param path The path as given (`""` for none).
 * @returns The reason in Chromium's words, or `undefined` when the text is fine.
 *
 * @example
 * ```ts
 * import { cookieTextProblem } from "./cookies.ts";
 * console.log(cookieTextProblem("id", "a;b", "/")); // The cookie contains ASCII control characters
 * ```
 */
export function cookieTextProblem(name: string, value: string, path: string): string | undefined {
  if (
    DISALLOWED_NAME.test(name) || DISALLOWED_VALUE.test(value) || EDGE_WHITESPACE.test(name) ||
    EDGE_WHITESPACE.test(value)
  ) {
    return CONTROL_REASON;
  }
  if (EDGE_WHITESPACE.test(path) || PATH_TERMINATORS.test(path)) return CONTROL_REASON;
  if (name === "" && value === "") return REJECT_NO_CONTENT;
  if (utf8Length(name) + utf8Length(value) > MAX_NAME_VALUE_BYTES) return REJECT_NAME_VALUE_SIZE;
  return undefined;
}

/**
 * A session's cookies, as Electron's `session.cookies`: `get`, `set`, `remove`, `flushStore`
 * and the `'changed'` event. Get it from `ses.cookies`; it is made on first access.
 *
 * @example
 * ```ts
 * import { session } from "@ses/session";
 * const { cookies } = session.fromPartition("cookies-example");
 * cookies.on("changed", (_event, cookie, cause, removed) => console.log(cookie.name, cause, removed));
 * await cookies.set({ url: "http://a.test/", name: "foo", value: "bar" }); // foo inserted false
 * console.log((await cookies.get({ name: "foo" }))[0]?.sameSite); // lax
 * ```
 */
export class Cookies extends TypedEmitter<CookiesEvents> {
  #jar: CookieJar;

  /**
   * Wraps a jar; the session does this on first access to `ses.cookies`.
   *
   * @param jar The session's jar.
   */
  constructor(jar: CookieJar) {
    super();
    this.#jar = jar;
    jar.setChangeListener((cookie, cause, removed) => this.#changed(cookie, cause, removed));
  }

  /**
   * Lists cookies: with `url`, those it would send (HttpOnly included), then the other filters.
   *
   * @param filter `{url, name, domain, path, secure, session, httpOnly}`, each optional.
   * @returns The cookies, longest path first, then oldest first.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from null`
   * (Electron's argument conversion in Chromium gin's words: `undefined`, `null`, a string's
   * own text, nothing for other values) when `filter` is not an object, and
   * `Insufficient number of arguments.` when there is none (pass `{}` for every cookie).
   */
  get(filter: CookiesGetFilter): Promise<Cookie[]> {
    if (typeof filter !== "object" || filter === null) {
      throw methodArgumentError(0, filter, arguments.length);
    }
    try {
      const url = typeof filter.url === "string" && filter.url !== ""
        ? normalise(filter.url)
        : undefined;
      if (url === null) return Promise.resolve([]);
      const found = this.#jar.list(url).filter((cookie) => matchesFilter(cookie, filter));
      return Promise.resolve(found.map(toElectronCookie));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sets a cookie, replacing an equivalent one (same name, domain and path).
   *
   * @param details `{url, name, value, domain, path, secure, httpOnly, expirationDate, sameSite}`.
   * @returns Resolves when set; rejects with Electron's message, such as
   * `Failed to set cookie - The cookie was set with an invalid Domain attribute.`
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from null`
   * (Electron's argument conversion, in Chromium gin's words) when `details`
   * is not a dictionary (an array neither), and `Insufficient number of arguments.` when there
   * is none.
   */
  set(details: CookiesSetDetails): Promise<void> {
    if (typeof details !== "object" || details === null || Array.isArray(details)) {
      throw methodArgumentError(0, details, arguments.length);
    }
    try {
      const error = this.#set(details);
      return error === undefined ? Promise.resolve() : Promise.reject(new Error(error));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Removes the cookies named `name` that `url` would send.
   *
   * @param url The URL the cookie belongs to.
   * @param name The cookie's name.
   * @returns Resolves when removed (also when there was none, or `url` is not a URL).
   * @throws {TypeError} `Error processing argument at index N, conversion failure from <value>`
   * (Electron's argument conversion, in Chromium gin's words) when `url` or
   * `name` is not a string, and `Insufficient number of arguments.` when one is missing.
   */
  remove(url: string, name: string): Promise<void> {
    if (typeof url !== "string") throw methodArgumentError(0, url, arguments.length);
    if (typeof name !== "string") throw methodArgumentError(1, name, arguments.length);
    const normalised = normalise(url);
    if (normalised !== null) this.#jar.remove(normalised, name);
    return Promise.resolve();
  }

  /**
   * Writes unwritten cookie changes to disk now (a no-op for an in-memory session).
   *
   * @returns Resolves once written.
   */
  flushStore(): Promise<void> {
    try {
      this.#jar.flush();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #set(details: CookiesSetDetails): string | undefined {
    if (details === null || typeof details !== "object" || typeof details.url !== "string") {
      return "Missing required option 'url'";
    }
    const { sameSite = "lax" } = details;
    if (typeof sameSite !== "string" || !SAME_SITES.includes(sameSite)) {
      return `Failed to convert '${String(sameSite)}' to an appropriate cookie same site value`;
    }
    const secure = typeof details.secure === "boolean"
      ? details.secure
      : sameSite === "no_restriction";
    const fail = (reason: string) => `Failed to set cookie - ${reason}`;
    const href = normalise(details.url);
    if (href === null) return fail(REASONS.invalidDomain);
    const url = urlParts(href);
    if (url === undefined) return fail(REASONS.scheme);
    const name = typeof details.name === "string" ? details.name : "";
    const value = typeof details.value === "string" ? details.value : "";
    const pathText = typeof details.path === "string" ? details.path : "";
    const problem = cookieTextProblem(name, value, pathText);
    if (problem !== undefined) return fail(problem);
    const domainText = typeof details.domain === "string" ? details.domain : "";
    if (utf8Length(domainText) > MAX_ATTRIBUTE_BYTES) return fail(ATTRIBUTE_SIZE_REASON);
    const domain = cookieDomain(url.host, domainText === "" ? undefined : domainText);
    if (domain === undefined) return fail(REASONS.invalidDomain);
    if (pathText !== "" && !pathText.startsWith("/")) {
      // Chromium's CreateSanitizedCookie: EXCLUDE_FAILURE_TO_STORE, in Electron's words.
      return fail("The cookie was malformed and could not be stored");
    }
    const path = pathText === "" ? defaultPathOf(url.path) : canonicalPath(pathText);
    // The size limit applies to the path as stored, percent-encoded (ASCII: a byte a character).
    if (path.length > MAX_ATTRIBUTE_BYTES) return fail(ATTRIBUTE_SIZE_REASON);
    const expirationDate = typeof details.expirationDate === "number" &&
        Number.isFinite(details.expirationDate)
      ? details.expirationDate * 1000
      : undefined;
    const reason = this.#jar.set(
      {
        name,
        value,
        domain: domain.domain,
        hostOnly: domain.hostOnly,
        path,
        secure,
        httpOnly: details.httpOnly === true,
        expiry: expirationDate,
        sameSite: sameSite as CookieSameSite,
      },
      href,
      details.httpOnly !== true,
    );
    return reason === undefined ? undefined : fail(reason);
  }

  #changed(cookie: CanonicalCookie, cause: CookieChangeCause, removed: boolean): void {
    if (this.listenerCount("changed") === 0) return;
    try {
      this.emit("changed", new ElectronEvent(), toElectronCookie(cookie), cause, removed);
    } catch (error) {
      // A listener's error must not break the request or the call that changed the cookie;
      // like an EventEmitter error in Electron's main process, it surfaces as uncaught.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

function normalise(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

// Chromium's CreateSanitizedCookie canonicalises a given path as a URL path
// (url::CanonicalizePath): dot segments resolved; spaces, controls and non-ASCII characters
// percent-encoded, as they are in the request paths the cookie must path-match.
function canonicalPath(path: string): string {
  const escaped = path.replace(/[\t?#]/g, (char) => PATH_ESCAPES[char]!);
  return new URL(`http://h${escaped}`).pathname;
}

function defaultPathOf(path: string): string {
  const last = path.lastIndexOf("/");
  return last <= 0 ? "/" : path.slice(0, last);
}

function matchesFilter(cookie: CanonicalCookie, filter: CookiesGetFilter): boolean {
  if (typeof filter.name === "string" && cookie.name !== filter.name) return false;
  if (typeof filter.path === "string" && cookie.path !== filter.path) return false;
  if (typeof filter.domain === "string" && !matchesDomain(filter.domain, cookie.domain)) {
    return false;
  }
  if (typeof filter.secure === "boolean" && cookie.secure !== filter.secure) return false;
  if (typeof filter.session === "boolean" && (cookie.expiry === undefined) !== filter.session) {
    return false;
  }
  if (typeof filter.httpOnly === "boolean" && cookie.httpOnly !== filter.httpOnly) return false;
  return true;
}

// Electron's MatchesCookie: net::CanonicalCookie::IsDomainMatch(filter), the filter read as a
// host the cookie would go to (cookie_util::IsDomainMatch), compared as given.
function matchesDomain(filter: string, domain: string): boolean {
  if (filter === domain) return true;
  if (!domain.startsWith(".")) return false;
  return filter === domain.slice(1) || (filter.length > domain.length && filter.endsWith(domain));
}
