/**
 * Playwright's `storageState` JSON (cookies and `localStorage` per origin) to and from
 * Electron's cookie shape, so a login moves between @ses, Playwright and a browser.
 * Source: Playwright's `BrowserContext.storageState()` and `browser.newContext({storageState})`
 * (playwright.dev/docs/api/class-browsercontext), `network.ts` `rewriteCookies`.
 *
 * @module
 */

import type { Cookie, CookieSameSite } from "../core/electron_types.ts";
import { originOf } from "./origin.ts";

/** A cookie as Playwright writes it. */
export interface StorageStateCookie {
  /** Name. */
  name: string;
  /** Value. */
  value: string;
  /** `.a.test` for a domain cookie, `a.test` for a host-only one. */
  domain: string;
  /** Path. */
  path: string;
  /** Expiry in seconds since the epoch (fractional), `-1` for a session cookie. */
  expires: number;
  /** HttpOnly. */
  httpOnly: boolean;
  /** Secure. */
  secure: boolean;
  /** SameSite; Chromium's unspecified is written `Lax`. */
  sameSite: "Strict" | "Lax" | "None";
}

/** One origin's `localStorage`, as Playwright writes it. */
export interface StorageStateOrigin {
  /** `scheme://host[:port]`, no trailing slash. */
  origin: string;
  /** The items, in key order. */
  localStorage: { name: string; value: string }[];
}

/** Playwright's storage state. */
export interface StorageState {
  /** Every cookie. */
  cookies: StorageStateCookie[];
  /** Every origin with `localStorage` items. */
  origins: StorageStateOrigin[];
}

/**
 * A cookie to import, as Playwright's `addCookies` takes it: `url`, or `domain` and `path`.
 */
export interface StorageStateCookieInput {
  /** Name. */
  name: string;
  /** Value. */
  value: string;
  /** A URL giving host (host-only), path (its directory) and Secure (`https:`). */
  url?: string;
  /** `.a.test` for a domain cookie, `a.test` for a host-only one. */
  domain?: string;
  /** Path. */
  path?: string;
  /**
   * Seconds since the epoch (at most 253402300799, the end of year 9999), `-1` (default) for a
   * session cookie.
   */
  expires?: number;
  /** HttpOnly; default false. */
  httpOnly?: boolean;
  /** Secure; default false. */
  secure?: boolean;
  /** SameSite; default `Lax`. */
  sameSite?: "Strict" | "Lax" | "None";
}

/** A storage state to import: Playwright's file, or cookies in its `addCookies` form. */
export interface StorageStateInput {
  /** Cookies; absent is none. */
  cookies?: StorageStateCookieInput[];
  /** Local storage by origin; absent is none. */
  origins?: StorageStateOrigin[];
}

/** An imported cookie: Electron's shape plus the URL that sets it. */
export type ImportedCookie = Cookie & {
  /** A URL of the cookie's host and path (https for Secure cookies). */
  url: string;
};

/** A storage state read for import. */
export interface ParsedStorageState {
  /** The cookies to set. */
  cookies: ImportedCookie[];
  /** The items to set, by origin. */
  origins: { origin: string; items: [string, string][] }[];
}

// Playwright's kMaxCookieExpiresDateInSeconds: 9999-12-31T23:59:59Z.
const MAX_EXPIRES_SECONDS = 253402300799;

const TO_PLAYWRIGHT: Record<CookieSameSite, StorageStateCookie["sameSite"]> = {
  unspecified: "Lax",
  lax: "Lax",
  strict: "Strict",
  no_restriction: "None",
};

const FROM_PLAYWRIGHT: Record<string, CookieSameSite> = {
  Strict: "strict",
  Lax: "lax",
  None: "no_restriction",
};

/**
 * Converts an Electron cookie to Playwright's shape.
 *
 * @param cookie The cookie (`ses.cookies.get({})`).
 * @returns Playwright's cookie, keys in Playwright's order.
 *
 * @example
 * ```ts
 * import { toStorageStateCookie } from "./storage_state.ts";
 * const c = toStorageStateCookie({
 *   name: "id", value: "7", domain: "a.test", hostOnly: true, path: "/", secure: false,
 *   httpOnly: true, session: true, sameSite: "unspecified",
 * });
 * console.log(c.expires, c.sameSite); // -1 Lax
 * ```
 */
export function toStorageStateCookie(cookie: Cookie): StorageStateCookie {
  return {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain,
    path: cookie.path,
    expires: cookie.expirationDate ?? -1,
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: TO_PLAYWRIGHT[cookie.sameSite],
  };
}

/**
 * Serialises a state the way Playwright writes its file.
 *
 * @param state The state.
 * @returns `JSON.stringify(state, undefined, 2)`.
 *
 * @example
 * ```ts
 * import { formatStorageState } from "./storage_state.ts";
 * console.log(formatStorageState({ cookies: [], origins: [] }).split("\n").length); // 4
 * ```
 */
export function formatStorageState(state: StorageState): string {
  return JSON.stringify(state, undefined, 2);
}

/**
 * Validates a storage state for import (an object, or the JSON text of one), with Playwright's
 * rules: a cookie needs `url`, or `domain` and `path`, not both; `expires` is `-1` (or absent)
 * for a session cookie or a positive number of seconds. A missing `cookies` or `origins` counts
 * as empty; `indexedDB` and other extra fields are ignored.
 *
 * @param input The state or its JSON text.
 * @returns The cookies (with a setting URL) and the items by origin.
 * @throws {SyntaxError} When the text is not JSON.
 * @throws {TypeError} Naming the first field that is wrong, like
 * `Invalid storageState: cookies[0]: Cookie should have a url or a domain/path pair`.
 *
 * @example
 * ```ts
 * import { parseStorageState } from "./storage_state.ts";
 * const state = parseStorageState({
 *   cookies: [{ name: "a", value: "1", domain: ".a.test", path: "/", expires: -1 }],
 *   origins: [{ origin: "https://a.test/", localStorage: [{ name: "k", value: "v" }] }],
 * });
 * console.log(state.cookies[0]?.url, state.origins[0]?.origin); // http://a.test/ https://a.test
 * ```
 */
export function parseStorageState(input: unknown): ParsedStorageState {
  const state = typeof input === "string" ? JSON.parse(input) as unknown : input;
  if (!isRecord(state)) throw invalid("the state must be an object");
  const cookies = listField(state, "cookies").map((cookie, index) => {
    try {
      return importCookie(cookie);
    } catch (error) {
      throw invalid(`cookies[${index}]: ${(error as Error).message}`);
    }
  });
  const origins = listField(state, "origins").map((entry, index) => {
    const where = `origins[${index}]`;
    if (!isRecord(entry) || typeof entry.origin !== "string") {
      throw invalid(`${where}: origin must be a string`);
    }
    const origin = originOf(entry.origin);
    if (origin === undefined) throw invalid(`${where}: Invalid origin: '${entry.origin}'`);
    const items = listField(entry, "localStorage", where).map((item, i): [string, string] => {
      if (!isRecord(item) || typeof item.name !== "string" || typeof item.value !== "string") {
        throw invalid(`${where}.localStorage[${i}]: name and value must be strings`);
      }
      return [item.name, item.value];
    });
    return { origin, items };
  });
  return { cookies, origins };
}

function importCookie(cookie: unknown): ImportedCookie {
  if (!isRecord(cookie)) throw new TypeError("a cookie must be an object");
  const { name, value, url, domain, path, expires = -1, sameSite = "Lax" } = cookie;
  if (typeof name !== "string" || typeof value !== "string") {
    throw new TypeError("name and value must be strings");
  }
  if (url !== undefined && domain !== undefined) {
    throw new TypeError("Cookie should have either url or domain");
  }
  if (url !== undefined && path !== undefined) {
    throw new TypeError("Cookie should have either url or path");
  }
  // Playwright's rewriteCookies refuses past 9999-12-31T23:59:59Z (kMaxCookieExpiresDateInSeconds),
  // which catches an expiry written in milliseconds; Chromium would clamp it to 400 days.
  if (
    typeof expires !== "number" ||
    !(expires === -1 || (expires > 0 && expires <= MAX_EXPIRES_SECONDS))
  ) {
    throw new TypeError(
      "Cookie should have a valid expires, only -1 or a positive number for the unix timestamp in seconds is allowed",
    );
  }
  const site = typeof sameSite === "string" ? FROM_PLAYWRIGHT[sameSite] : undefined;
  if (site === undefined) throw new TypeError(`sameSite must be Strict, Lax or None`);
  let host: string;
  let cookiePath: string;
  let secure = cookie.secure === true;
  let hostOnly: boolean;
  if (typeof url === "string") {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new TypeError(`Cannot set a cookie for url '${url}'`);
    }
    const parsed = new URL(url);
    host = parsed.hostname;
    cookiePath = parsed.pathname.slice(0, parsed.pathname.lastIndexOf("/") + 1);
    secure = parsed.protocol === "https:";
    hostOnly = true;
  } else if (typeof domain === "string" && domain !== "" && typeof path === "string" && path) {
    hostOnly = !domain.startsWith(".");
    host = hostOnly ? domain : domain.slice(1);
    cookiePath = path;
  } else {
    throw new TypeError("Cookie should have a url or a domain/path pair");
  }
  const base = {
    name,
    value,
    domain: hostOnly ? host : `.${host}`,
    hostOnly,
    path: cookiePath,
    secure,
    httpOnly: cookie.httpOnly === true,
    sameSite: site,
    url: `${secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}${cookiePath}`,
  };
  return expires === -1
    ? { ...base, session: true }
    : { ...base, session: false, expirationDate: expires };
}

function listField(record: Record<string, unknown>, field: string, where = ""): unknown[] {
  const value = record[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${where ? `${where}.` : ""}${field} must be an array`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string): TypeError {
  return new TypeError(`Invalid storageState: ${message}`);
}
