/**
 * Cookies for @ses sessions: Electron's `Cookies` class over a jar with Chromium's rules, a
 * SQLite store laid out like a Chromium profile's `Cookies` file, and the pipeline stage that
 * sends and stores cookies on every hop of `ses.fetch`.
 *
 * @example
 * ```ts
 * import { CookieJar, Cookies } from "./mod.ts";
 * const cookies = new Cookies(new CookieJar());
 * await cookies.set({ url: "https://a.test/", name: "id", value: "7" });
 * console.log((await cookies.get({ url: "https://a.test/" })).map((c) => c.name)); // ["id"]
 * ```
 *
 * @module
 */

export {
  type CanonicalCookie,
  type CookieSourceType,
  toElectronCookie,
} from "./canonical_cookie.ts";
export {
  type CookieChangeCause,
  type CookieChangeListener,
  cookieDomain,
  type CookieFields,
  CookieJar,
  type CookieJarOptions,
  MAX_COOKIES,
  MAX_COOKIES_PER_DOMAIN,
  type PersistentCookieStore,
  REASONS,
  registrableDomain,
} from "./cookie_jar.ts";
export { cookieMiddleware } from "./cookie_middleware.ts";
export {
  Cookies,
  type CookiesEvents,
  type CookiesGetFilter,
  type CookiesSetDetails,
  cookieTextProblem,
} from "./cookies.ts";
export {
  COMMIT_BATCH_SIZE,
  COMMIT_INTERVAL_MS,
  SqliteCookieStore,
  type SqliteCookieStoreOptions,
  toChromiumTime,
} from "./sqlite_cookie_store.ts";
