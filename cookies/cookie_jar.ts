/**
 * The cookie jar: Chromium's CookieMonster rules over an in-memory index, optionally backed
 * by a persistent store.
 *
 * Engine choice: tough-cookie supplies the RFC 6265 date parser, and its own dependency tldts
 * the public suffix list; the line parser, the index and the matching are ours. Measured
 * (bench/cookies_bench.ts): tough-cookie's `getCookieString` on a `MemoryCookieStore` walks
 * every permutation of domain and path through callbacks and copies each cookie, several
 * times slower than a lookup per host label here; and its `Cookie.parse` follows RFC 6265 on
 * nameless cookies (`Set-Cookie: foo` is dropped) where Chromium follows RFC 6265bis (a
 * cookie named `""`). Nor does it enforce Chromium's limits, SameSite defaults or the
 * "leave Secure cookies alone" rule, which we would have had to wrap around it anyway.
 *
 * @module
 */

import type {
  CookieExclusionReason,
  CookieInclusionListener,
  CookieJarLike,
  CookieRequest,
} from "../core/cookie_jar_like.ts";
import type { CookieSameSite } from "../core/electron_types.ts";
import {
  type CanonicalCookie,
  cookieKey,
  cookieOrder,
  type CookieSourceType,
} from "./canonical_cookie.ts";
import { getRegistrableDomain } from "./_lazy_dependencies.ts";
import {
  type ParsedSetCookie,
  parseSetCookie,
  REJECT_CONTROL,
  REJECT_NAME_VALUE_SIZE,
  REJECT_NO_CONTENT,
} from "./_parse_set_cookie.ts";
import { defaultPath, isIpAddress, pathMatches, type UrlParts, urlParts } from "./_url_parts.ts";

/** Chromium's `kDomainMaxCookies` and `kDomainPurgeCookies`. */
export const MAX_COOKIES_PER_DOMAIN = 180;
/** Cookies left for a registrable domain after its purge. */
export const PURGED_COOKIES_PER_DOMAIN = 150;
/** Chromium's `kMaxCookies`. */
export const MAX_COOKIES = 3300;
/** Cookies left after a global purge. */
export const PURGED_COOKIES = 3000;
/** Chromium's `kSafeFromGlobalPurgeDays`: the global purge spares cookies used this recently. */
export const SAFE_FROM_GLOBAL_PURGE_MS = 30 * 24 * 60 * 60 * 1000;
/** RFC 6265bis §5.5: expiry is clamped to 400 days from creation. */
export const MAX_EXPIRY_MS = 400 * 24 * 60 * 60 * 1000;
/** Chromium's `kLaxAllowUnsafeMaxAge`: unspecified-SameSite cookies younger than this go with a cross-site top-level POST. */
export const LAX_ALLOW_UNSAFE_MS = 2 * 60 * 1000;
// Chromium writes a changed access time at most once a minute (kLastAccessThreshold).
const ACCESS_THRESHOLD_MS = 60 * 1000;

/** Why a cookie change happened, in Electron's words. */
export type CookieChangeCause =
  | "inserted"
  | "inserted-no-change-overwrite"
  | "inserted-no-value-change-overwrite"
  | "explicit"
  | "overwrite"
  | "expired"
  | "evicted"
  | "expired-overwrite";

/**
 * Receives every change, after the jar is consistent again. The record is the jar's own and
 * may change after the call (an overwrite updates it in place): copy what you keep.
 */
export type CookieChangeListener = (
  cookie: CanonicalCookie,
  cause: CookieChangeCause,
  removed: boolean,
) => void;

/** Where a jar keeps its cookies between runs. Every method is synchronous. */
export interface PersistentCookieStore {
  /** Every stored cookie. */
  load(): CanonicalCookie[];
  /** Records a new or replacing cookie (written in the next batch). */
  add(cookie: CanonicalCookie): void;
  /** Records a deletion. */
  delete(cookie: CanonicalCookie): void;
  /** Records a new access time. */
  touch(cookie: CanonicalCookie): void;
  /** Writes every recorded change now. */
  flush(): void;
  /**
   * The stored cookies when another process has written since the last look, else
   * `undefined`.
   */
  reloadIfChanged(): CanonicalCookie[] | undefined;
}

/** Options for {@linkcode CookieJar}. */
export interface CookieJarOptions {
  /** The persistent store; none for an in-memory jar. */
  store?: PersistentCookieStore;
  /** The clock, in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

/** A cookie as a caller describes it: without the times and source the jar records. */
export type CookieFields = Omit<
  CanonicalCookie,
  "creation" | "lastAccess" | "lastUpdate" | "sourceType" | "sourceSecure" | "sourcePort"
>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/**
 * Electron's words for Chromium's exclusion reasons (InclusionStatusToString in
 * shell/browser/api/electron_api_cookies.cc), used in `cookies.set` rejections.
 */
export const REASONS = {
  invalidDomain: "The cookie was set with an invalid Domain attribute.",
  secureOnly: "The cookie was Secure, but the URL was not allowed to access Secure cookies.",
  sameSiteNoneInsecure: "The cookie specified SameSite=None, but it was not Secure.",
  invalidPrefix: "The cookie was set with an invalid __Host- or __Secure- prefix.",
  overwriteSecure:
    "The cookie would have overwritten a Secure cookie, and was not allowed to do so.",
  overwriteHttpOnly:
    "The cookie would have overwritten an HttpOnly cookie, and was not allowed to do so.",
  scheme: "Attempted to set a cookie from a scheme that does not support cookies.",
} as const;

/**
 * A jar with Chromium's rules: per-domain (180 → 150) and global (3300 → 3000, only cookies
 * unused for 30 days) limits with `evicted` changes, the 400-day expiry clamp, the `__Host-`,
 * `__Secure-`, `__Http-` and `__Host-Http-` prefixes, SameSite=None needing Secure, Secure
 * cookies left alone by insecure origins, Lax by default for cross-site requests
 * (Lax-allowing-unsafe for two minutes) and Chromium's header order.
 *
 * @example
 * ```ts
 * import { CookieJar } from "./cookie_jar.ts";
 * const jar = new CookieJar();
 * const request = new Request("http://a.test/");
 * jar.storeSetCookies(request, ["a=1; Path=/", "b=2; HttpOnly"]);
 * console.log(jar.cookieHeader(request)); // a=1; b=2
 * ```
 */
export class CookieJar implements CookieJarLike {
  // Cookies by domain without its leading dot: a request looks up each label suffix of its host.
  #byDomain = new Map<string, CanonicalCookie[]>();
  #byKey = new Map<string, CanonicalCookie>();
  // Cookies by registrable domain, as CookieMonster keys them: the unit of the per-site limit
  // and where a Secure cookie an insecure write could shadow must be.
  #bySite = new Map<string, SiteCookies>();
  // While no domain cookie exists, a request looks up its exact host only (no substrings).
  #domainCookies = 0;
  #store: PersistentCookieStore | undefined;
  #now: () => number;
  #lastCreation = 0;
  // No cookie was last accessed before this (CookieMonster's earliest_access_time_): the global
  // purge looks for cookies unused for 30 days only when there may be some.
  #earliestAccess = Infinity;
  #listener: CookieChangeListener | undefined;
  // Moves on every change to which cookies are stored or to a stored record's fields (access
  // times aside): what was learnt about the jar at one version holds while it is unchanged.
  #version = 0;
  // The record the last #set placed (inserted or overwritten in place), and the version it was
  // placed at, before any change listener ran (set once the listeners have run, as one of them
  // may set a cookie of its own).
  #placed: CanonicalCookie | undefined;
  #placedVersion = 0;
  // The last Set-Cookie line stored as a session cookie, with the URL it came from.
  #repeat: RepeatedLine | undefined;
  // The last Cookie header built for a safe method, while nothing it depends on has changed.
  #sent: SentHeader | undefined;
  // What the last #matching learnt beyond its cookies: until when its answer holds as time
  // goes (the first expiry among the cookies of the URL's site, the first access time that
  // would be written again), and whether it read the request's Origin or Referer.
  #matchedUntil = 0;
  #matchedCrossSite = false;

  /**
   * Makes a jar, loading the store's cookies.
   *
   * @param options The store and clock.
   */
  constructor(options: CookieJarOptions = {}) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    if (this.#store) this.#replacePersistent(this.#store.load());
  }

  /** How many cookies the jar holds. */
  get size(): number {
    return this.#byKey.size;
  }

  /**
   * Sets the change listener (one; the `Cookies` class fans out).
   *
   * @param listener Called after each change, or `undefined` for none.
   */
  setChangeListener(listener: CookieChangeListener | undefined): void {
    this.#listener = listener;
  }

  /**
   * The `Cookie` header for a request, or `undefined` when no cookie applies. Synchronous,
   * and allocation-free for a host without cookies.
   *
   * @param request The request (URL, method; `Origin`/`Referer` headers for same-site).
   * @param onInclusion Hears each cookie of the URL's domains: sent, or left out with the
   * first reason found (the net log's COOKIE_INCLUSION_STATUS).
   * @returns The header value.
   */
  cookieHeader(
    request: CookieRequest,
    onInclusion?: CookieInclusionListener,
  ): string | undefined {
    if (this.#byKey.size === 0) return undefined;
    const href = request.url;
    const sent = this.#sent;
    // The memo is checked on the URL string before anything is parsed or called: in Bun every
    // call on this path costs far more over the network than in a loop (cold code, measured in
    // bench/README.md), and this is the path of every request to a host with cookies.
    // A redirect hop (one with a site for cookies of its own) is never memoised: its answer
    // depends on where the request started.
    const firstHop = request.siteForCookies === undefined;
    if (firstHop && onInclusion === undefined && sent !== undefined && sent.url === href) {
      this.#maybeSyncStore();
      if (
        sent.version === this.#version && sent.method === request.method &&
        this.#now() < sent.until
      ) {
        return sent.header;
      }
    }
    const url = urlParts(href);
    if (url === undefined) return undefined;
    const cookies = this.#matching(url, request, true, onInclusion);
    if (cookies === undefined) return undefined;
    if (onInclusion) { for (const cookie of cookies) report(onInclusion, "send", cookie); }
    let header = "";
    for (let i = 0; i < cookies.length; i++) {
      const cookie = cookies[i]!;
      if (i > 0) header += "; ";
      header += cookie.name === "" ? cookie.value : `${cookie.name}=${cookie.value}`;
    }
    // The same URL asks again and again (a client polling one endpoint): while the jar is
    // unchanged, no cookie of the site expires and none sent is due a new access time, the
    // answer for a safe method is the same, unless a cookie's SameSite made it read Origin or
    // Referer.
    if (
      firstHop && onInclusion === undefined && !this.#matchedCrossSite &&
      SAFE_METHODS.has(request.method)
    ) {
      this.#sent = {
        url: href,
        method: request.method,
        version: this.#version,
        until: this.#matchedUntil,
        header,
      };
    }
    return header;
  }

  /**
   * Stores the `Set-Cookie` lines of a response; lines that break a rule are dropped, as a
   * browser drops them.
   *
   * @param request The request the response answers.
   * @param lines The `Set-Cookie` values.
   * @param onInclusion Hears each line's outcome: stored, or refused with Chromium's reason.
   * @param serverTime The response's `Date` (ms since the epoch), when it has one: an `Expires`
   * date is moved by the skew between it and the jar's clock, as Chromium's
   * CanonicalCookie::ParseExpiration does, so a server whose clock is wrong still gets the
   * lifetime it meant (`Max-Age` counts from now either way).
   */
  storeSetCookies(
    request: CookieRequest,
    lines: readonly string[],
    onInclusion?: CookieInclusionListener,
    serverTime?: number,
  ): void {
    const href = request.url;
    const now = this.#now();
    const skew = serverTime === undefined || !Number.isFinite(serverTime) ? 0 : now - serverTime;
    // The URL is split only for a line that is not a repeat (see #storeRepeat).
    let url: UrlParts | undefined;
    let split = false;
    let offSite = false;
    const firstHop = request.siteForCookies === undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (firstHop && this.#storeRepeat(line, href, now, onInclusion)) continue;
      if (!split) {
        url = urlParts(href);
        offSite = url !== undefined && isOffSite(request, url);
        split = true;
      }
      const parsed = parseSetCookie(line, now);
      if (typeof parsed === "string") {
        onInclusion?.({
          operation: "store",
          exclusion: PARSE_EXCLUSIONS[parsed] ?? "EXCLUDE_DISALLOWED_CHARACTER",
          name: "",
          domain: "",
          path: "",
        });
        continue;
      }
      if (url === undefined) {
        onInclusion?.({
          operation: "store",
          exclusion: "EXCLUDE_NONCOOKIEABLE_SCHEME",
          name: parsed.name,
          domain: "",
          path: "",
        });
        continue;
      }
      // No Domain attribute (the usual case) makes a host-only cookie without asking further.
      let domain: string | undefined = url.host;
      let hostOnly = true;
      if (parsed.domain !== undefined) {
        const allowed = cookieDomain(url.host, parsed.domain);
        domain = allowed?.domain;
        hostOnly = allowed?.hostOnly ?? true;
      }
      const path = parsed.path ?? defaultPath(url.path);
      if (domain === undefined) {
        onInclusion?.({
          operation: "store",
          exclusion: "EXCLUDE_INVALID_DOMAIN",
          name: parsed.name,
          domain: parsed.domain ?? "",
          path,
        });
        continue;
      }
      if (!hostPrefixAttributesAllow(parsed, url.host)) {
        onInclusion?.({
          operation: "store",
          exclusion: "EXCLUDE_INVALID_PREFIX",
          name: parsed.name,
          domain,
          path,
        });
        continue;
      }
      // Chromium's IsCookiePartitionedValid. A ses.fetch request is top-level, where a valid
      // Partitioned cookie's partition is the site of the URL itself: it is kept, and sent, as
      // that site's own cookie.
      if (parsed.partitioned && !(parsed.secure && url.secure)) {
        onInclusion?.({
          operation: "store",
          exclusion: "EXCLUDE_INVALID_PARTITIONED",
          name: parsed.name,
          domain,
          path,
        });
        continue;
      }
      // A hop of another site than the request's first is a cross-site context, where
      // Chromium's IsSetPermittedInContext lets only SameSite=None cookies be set.
      if (offSite && parsed.sameSite !== "no_restriction") {
        onInclusion?.({
          operation: "store",
          exclusion: SAME_SITE_EXCLUSIONS[parsed.sameSite]!,
          name: parsed.name,
          domain,
          path,
        });
        continue;
      }
      // The parsed line may be shared (see parseSetCookie): the moved date goes in a copy.
      const fields = skew !== 0 && parsed.expiryIsDate
        ? { ...parsed, expiry: parsed.expiry! + skew }
        : parsed;
      const record = newRecord(fields, domain, hostOnly, path, url, now, "http");
      const refused = this.#set(record, url);
      const placed = this.#placed;
      if (refused === undefined && placed !== undefined && placed.expiry === undefined) {
        this.#repeat = { line, url: href, cookie: placed, version: this.#placedVersion };
      }
      onInclusion?.({
        operation: "store",
        exclusion: refused === undefined ? undefined : SET_EXCLUSIONS[refused],
        name: parsed.name,
        domain,
        path,
      });
    }
  }

  /**
   * Stores one cookie by Chromium's rules (CookieMonster::SetCanonicalCookie).
   *
   * @param fields The cookie without its times and source.
   * @param url The URL that sets it.
   * @param keepHttpOnly Refuse to replace an HttpOnly cookie, as Chromium does for a caller
   * whose CookieOptions exclude HttpOnly (Electron's `cookies.set` without `httpOnly: true`).
   * @returns `undefined` when stored (or when an already expired cookie removed its
   * equivalent), else the reason it was refused (one of {@linkcode REASONS}).
   */
  set(fields: CookieFields, url: string, keepHttpOnly = false): string | undefined {
    const source = urlParts(url);
    if (source === undefined) return REASONS.scheme;
    // Checked against, and replacing, what another process flushed, as list() reads it.
    this.#syncStore();
    const cookie = newRecord(
      fields,
      fields.domain,
      fields.hostOnly,
      fields.path,
      source,
      this.#now(),
      "other",
    );
    return this.#set(cookie, source, keepHttpOnly);
  }

  // `cookie` is the record to store, made by newRecord: its access time is the time of the
  // set, and its creation time is filled in here.
  #set(cookie: CanonicalCookie, source: UrlParts, keepHttpOnly = false): string | undefined {
    this.#placed = undefined;
    // Chromium checks the prefix as it makes the cookie (CanonicalCookie::Create,
    // CreateSanitizedCookie), before CookieMonster checks the URL's access to Secure cookies.
    if (!prefixAllows(cookie, source.secure)) return REASONS.invalidPrefix;
    if (cookie.secure && !source.secure) return REASONS.secureOnly;
    if (cookie.sameSite === "no_restriction" && !cookie.secure) {
      return REASONS.sameSiteNoneInsecure;
    }
    const now = cookie.lastAccess;
    const key = cookieKey(cookie);
    if (!source.secure && this.#shadowsSecure(cookie)) return REASONS.overwriteSecure;
    const old = this.#byKey.get(key);
    // CookieMonster's MaybeDeleteEquivalentCookieAndUpdateStatus: after the Secure check.
    if (keepHttpOnly && old?.httpOnly) return REASONS.overwriteHttpOnly;
    // A replacing cookie keeps the creation time (its place in the header's order) of the one
    // it replaces only when the value is the same, as CookieMonster's
    // MaybeDeleteEquivalentCookieAndUpdateStatus does (RFC 6265bis §5.7 step 23 keeps it always).
    let creation = old !== undefined && old.value === cookie.value ? old.creation : undefined;
    if (creation === undefined) {
      creation = now > this.#lastCreation ? now : this.#lastCreation + 0.001;
      this.#lastCreation = creation;
    }
    cookie.creation = creation;
    const expired = cookie.expiry !== undefined && cookie.expiry <= now;
    if (old && !expired && old.expiry !== undefined === (cookie.expiry !== undefined)) {
      this.#overwriteInPlace(old, cookie);
      return undefined;
    }
    if (old) {
      this.#remove(old);
      this.#notify(old, expired ? "expired-overwrite" : "overwrite", true);
      // A change listener told of that may have stored a cookie under the same key. In Electron
      // the listener runs after this change is done, so its cookie is the one left: keep it
      // (storing this one too would index two cookies under one key).
      if (this.#byKey.has(key)) {
        this.#placed = undefined;
        return undefined;
      }
    }
    if (expired) {
      // Nothing placed, whatever a change listener set meanwhile.
      this.#placed = undefined;
      return undefined;
    }
    const site = this.#insert(cookie, key);
    const placedAt = this.#version;
    this.#store?.add(cookie);
    this.#notify(cookie, insertCause(old, cookie), false);
    this.#garbageCollect(site, now);
    // Set last: a change listener may have set a cookie of its own meanwhile.
    this.#placed = cookie;
    this.#placedVersion = placedAt;
    return undefined;
  }

  /**
   * Cookies in Chromium's order: all of them, or those a URL would send (HttpOnly included,
   * SameSite ignored, as for Electron's `cookies.get({url})`). Expired ones are removed.
   *
   * @param url A URL, or `undefined` for every cookie.
   * @returns Stored records; do not change them.
   */
  list(url?: string): CanonicalCookie[] {
    this.#syncStore();
    if (url === undefined) {
      return this.#collectExpired([...this.#byKey.values()], this.#now()).sort(cookieOrder);
    }
    const parts = urlParts(url);
    if (parts === undefined) return [];
    return this.#matching(parts, undefined, false) ?? [];
  }

  /**
   * Removes a cookie by URL and name (Electron's `cookies.remove`): every cookie of that name
   * the URL would send.
   *
   * @param url The URL.
   * @param name The cookie name.
   */
  remove(url: string, name: string): void {
    for (const cookie of this.list(url)) {
      // A change listener told of an earlier one may have removed this one already.
      if (cookie.name !== name || this.#byKey.get(cookieKey(cookie)) !== cookie) continue;
      this.#remove(cookie);
      this.#notify(cookie, "explicit", true);
    }
  }

  /**
   * Removes the given stored cookies with the `explicit` cause.
   *
   * @param cookies Records from {@linkcode CookieJar.list}.
   */
  delete(cookies: readonly CanonicalCookie[]): void {
    for (const cookie of cookies) {
      if (this.#byKey.get(cookieKey(cookie)) !== cookie) continue;
      this.#remove(cookie);
      this.#notify(cookie, "explicit", true);
    }
  }

  /** Writes pending changes to the store now. */
  flush(): void {
    this.#store?.flush();
  }

  #matching(
    url: UrlParts,
    request: CookieRequest | undefined,
    touch: boolean,
    onInclusion?: CookieInclusionListener,
  ): CanonicalCookie[] | undefined {
    // Each cookie left out goes to the listener with its reason, when there is one.
    const exclude = onInclusion &&
      ((cookie: CanonicalCookie, reason: CookieExclusionReason) =>
        report(onInclusion, "send", cookie, reason));
    if (request !== undefined) this.#maybeSyncStore();
    const host = url.host;
    let found: CanonicalCookie[] | undefined;
    let crossSite: boolean | undefined;
    const offSite = request !== undefined && isOffSite(request, url);
    const now = this.#now();
    // CookieMonster::FindCookiesForRegistryControlledHost: a request (and cookies.get with a
    // URL) removes every expired cookie of its registrable domain, whether or not it would
    // have carried it; every cookie it may carry is of that domain. They go after the scan,
    // as Chromium tells of them after its answer.
    const site = this.#bySite.get(siteKey(host));
    const expired = site !== undefined && site.nextExpiry <= now;
    for (let start = 0; start !== -1;) {
      const domain = start === 0 ? host : host.slice(start);
      const list = this.#byDomain.get(domain);
      start = this.#domainCookies === 0 ? -1 : host.indexOf(".", start) + 1 || -1;
      if (list === undefined) continue;
      for (let i = 0; i < list.length; i++) {
        const cookie = list[i]!;
        if (expired && cookie.expiry !== undefined && cookie.expiry <= now) continue;
        if (cookie.hostOnly && domain !== host) {
          exclude?.(cookie, "EXCLUDE_DOMAIN_MISMATCH");
          continue;
        }
        if (cookie.secure && !url.secure) {
          exclude?.(cookie, "EXCLUDE_SECURE_ONLY");
          continue;
        }
        if (!pathMatches(url.path, cookie.path)) {
          exclude?.(cookie, "EXCLUDE_NOT_ON_PATH");
          continue;
        }
        if (request !== undefined && cookie.sameSite !== "no_restriction") {
          // Only a cookie the same-site rules would leave out asks whether the request is
          // cross-site (two header lookups): Lax and unspecified cookies go with any top-level
          // GET.
          if (
            offSite ||
            (!sameSiteAllows(cookie, request.method, now) &&
              (crossSite ??= isCrossSite(request, url)))
          ) {
            exclude?.(cookie, SAME_SITE_EXCLUSIONS[cookie.sameSite]!);
            continue;
          }
        }
        (found ??= []).push(cookie);
      }
    }
    if (expired) this.#expireSite(site, now);
    this.#matchedCrossSite = crossSite !== undefined;
    // A change listener told of an expiry may have changed the jar since the scan.
    this.#matchedUntil = expired ? -Infinity : site?.nextExpiry ?? Infinity;
    if (found === undefined) return undefined;
    if (found.length > 1) found.sort(cookieOrder);
    if (touch) {
      for (const cookie of found) {
        if (now - cookie.lastAccess >= ACCESS_THRESHOLD_MS) {
          cookie.lastAccess = now;
          this.#store?.touch(cookie);
        }
        if (cookie.lastAccess + ACCESS_THRESHOLD_MS < this.#matchedUntil) {
          this.#matchedUntil = cookie.lastAccess + ACCESS_THRESHOLD_MS;
        }
      }
    }
    return found;
  }

  // An overwrite that keeps the key (name, domain, path) and stays alive updates the stored
  // record: the same changes are reported, without taking the record out of every index
  // and putting it back (a response that sets the same cookie on every request is common).
  // Session-ness must not change, as the store keeps only persistent cookies.
  #overwriteInPlace(old: CanonicalCookie, cookie: CanonicalCookie): void {
    const cause = insertCause(old, cookie);
    // The row's unique key includes the source scheme and port: a change needs a new row.
    if (old.sourceSecure !== cookie.sourceSecure || old.sourcePort !== cookie.sourcePort) {
      this.#store?.delete(old);
    }
    const placedAt = ++this.#version;
    this.#notify(old, "overwrite", true);
    // A change listener told of that may have removed or replaced the cookie. In Electron the
    // listener runs once this change is done, so its change is the one left.
    if (this.#byKey.get(cookieKey(old)) !== old) {
      this.#placed = undefined;
      return;
    }
    // The site's next expiry stays a lower bound of its cookies' expiries.
    if (cookie.expiry !== undefined && cookie.expiry < old.expiry!) {
      const site = this.#bySite.get(siteKey(old.domain))!;
      if (cookie.expiry < site.nextExpiry) site.nextExpiry = cookie.expiry;
    }
    old.value = cookie.value;
    old.creation = cookie.creation;
    old.secure = cookie.secure;
    old.httpOnly = cookie.httpOnly;
    old.expiry = cookie.expiry;
    old.sameSite = cookie.sameSite;
    old.lastAccess = cookie.lastAccess;
    old.lastUpdate = cookie.lastUpdate;
    old.sourceType = cookie.sourceType;
    old.sourceSecure = cookie.sourceSecure;
    old.sourcePort = cookie.sourcePort;
    this.#store?.add(old);
    this.#notify(old, cause, false);
    // Set last: a change listener may have set a cookie of its own meanwhile.
    this.#placed = old;
    this.#placedVersion = placedAt;
  }

  // A Set-Cookie line that stored a session cookie, sent again from the same URL while the jar
  // is unchanged (a server that sets its session id on every response): parsing it and
  // checking it again would give the same cookie, which #set would overwrite in place with
  // nothing but a new access time, reporting `overwrite` then `inserted-no-change-overwrite`.
  // That is all this does; anything else goes the whole way. A persistent cookie always does:
  // its expiry may be counted from now (Max-Age, the 400-day clamp).
  #storeRepeat(
    line: string,
    url: string,
    now: number,
    onInclusion: CookieInclusionListener | undefined,
  ): boolean {
    const repeat = this.#repeat;
    if (
      repeat === undefined || repeat.version !== this.#version || repeat.line !== line ||
      repeat.url !== url
    ) {
      return false;
    }
    const cookie = repeat.cookie;
    this.#notify(cookie, "overwrite", true);
    cookie.lastAccess = now;
    this.#store?.add(cookie);
    this.#notify(cookie, "inserted-no-change-overwrite", false);
    onInclusion?.({
      operation: "store",
      exclusion: undefined,
      name: cookie.name,
      domain: cookie.domain,
      path: cookie.path,
    });
    return true;
  }

  // Chromium's "Leave Secure Cookies Alone": an insecure origin may not set a cookie whose
  // name matches a Secure cookie that domain-matches it and whose path covers the new one.
  #shadowsSecure(fields: Pick<CanonicalCookie, "name" | "domain" | "path">): boolean {
    const bare = fields.domain.startsWith(".") ? fields.domain.slice(1) : fields.domain;
    // Domains that domain-match each other share a registrable domain.
    for (const cookie of this.#bySite.get(siteKey(fields.domain)) ?? []) {
      if (!cookie.secure || cookie.name !== fields.name) continue;
      const other = cookie.domain.startsWith(".") ? cookie.domain.slice(1) : cookie.domain;
      if (!domainMatches(bare, other) && !domainMatches(other, bare)) continue;
      if (pathMatches(fields.path, cookie.path)) return true;
    }
    return false;
  }

  // CookieMonster::GarbageCollect, every cookie of medium priority. `site` holds the cookies of
  // the registrable domain that just gained one: over 180, it loses its expired cookies, then,
  // if still over, its least recently used down to 150. The jar over 3300 loses its expired
  // cookies, then, if still over, its least recently used down to 3000, but only among those
  // unused for 30 days (kSafeFromGlobalPurgeDays): a jar of fresh cookies may grow past 3300.
  #garbageCollect(site: SiteCookies, now: number): void {
    if (site.size > MAX_COOKIES_PER_DOMAIN) {
      const live = this.#collectExpired([...site], now);
      if (live.length > MAX_COOKIES_PER_DOMAIN) {
        this.#evict(live, live.length - PURGED_COOKIES_PER_DOMAIN, Infinity);
      }
    }
    const safeDate = now - SAFE_FROM_GLOBAL_PURGE_MS;
    if (this.#byKey.size > MAX_COOKIES && this.#earliestAccess < safeDate) {
      const live = this.#collectExpired([...this.#byKey.values()], now);
      if (live.length > MAX_COOKIES) this.#evict(live, live.length - PURGED_COOKIES, safeDate);
      this.#earliestAccess = Infinity;
      for (const cookie of this.#byKey.values()) {
        if (cookie.lastAccess < this.#earliestAccess) this.#earliestAccess = cookie.lastAccess;
      }
    }
  }

  // Removes the site's expired cookies (cause `expired`), having noted when the next one
  // expires before any change listener runs (one may add a cookie to the site).
  #expireSite(site: SiteCookies, now: number): void {
    const expired: CanonicalCookie[] = [];
    let next = Infinity;
    for (const cookie of site) {
      const expiry = cookie.expiry;
      if (expiry === undefined) continue;
      if (expiry <= now) expired.push(cookie);
      else if (expiry < next) next = expiry;
    }
    site.nextExpiry = next;
    for (const cookie of expired) this.#expire(cookie);
  }

  // Removes the expired cookies among `cookies` (cause `expired`); returns the others.
  #collectExpired(cookies: CanonicalCookie[], now: number): CanonicalCookie[] {
    const live: CanonicalCookie[] = [];
    for (const cookie of cookies) {
      if (cookie.expiry !== undefined && cookie.expiry <= now) this.#expire(cookie);
      else live.push(cookie);
    }
    return live;
  }

  // Evicts up to `count` of `candidates` last accessed before `before`: insecure ones first,
  // then secure ones, each least recently used first (LRACookieSorter, then the purge rounds
  // of CookieMonster::GarbageCollect and its global purge).
  #evict(candidates: CanonicalCookie[], count: number, before: number): void {
    candidates.sort((a, b) =>
      Number(a.secure) - Number(b.secure) || a.lastAccess - b.lastAccess ||
      a.creation - b.creation
    );
    for (const cookie of candidates) {
      if (count === 0) break;
      // A change listener may have changed the jar since the candidates were gathered.
      if (cookie.lastAccess >= before || this.#byKey.get(cookieKey(cookie)) !== cookie) continue;
      this.#remove(cookie);
      this.#notify(cookie, "evicted", true);
      count--;
    }
  }

  #expire(cookie: CanonicalCookie): void {
    if (this.#byKey.get(cookieKey(cookie)) !== cookie) return;
    this.#remove(cookie);
    this.#notify(cookie, "expired", true);
  }

  // Indexes a cookie under its key; returns its registrable domain's cookies.
  #insert(cookie: CanonicalCookie, key: string): SiteCookies {
    const bare = cookie.domain.startsWith(".") ? cookie.domain.slice(1) : cookie.domain;
    const list = this.#byDomain.get(bare);
    if (list) list.push(cookie);
    else this.#byDomain.set(bare, [cookie]);
    this.#byKey.set(key, cookie);
    this.#version++;
    if (cookie.lastAccess < this.#earliestAccess) this.#earliestAccess = cookie.lastAccess;
    if (!cookie.hostOnly) this.#domainCookies++;
    const site = registrableDomain(bare) ?? bare;
    let siteCookies = this.#bySite.get(site);
    if (siteCookies) siteCookies.add(cookie);
    else this.#bySite.set(site, siteCookies = new SiteCookies([cookie]));
    const expiry = cookie.expiry;
    if (expiry !== undefined && expiry < siteCookies.nextExpiry) siteCookies.nextExpiry = expiry;
    return siteCookies;
  }

  #remove(cookie: CanonicalCookie): void {
    const bare = cookie.domain.startsWith(".") ? cookie.domain.slice(1) : cookie.domain;
    const list = this.#byDomain.get(bare);
    if (list) {
      const index = list.indexOf(cookie);
      if (index !== -1) list.splice(index, 1);
      if (list.length === 0) this.#byDomain.delete(bare);
    }
    this.#byKey.delete(cookieKey(cookie));
    this.#version++;
    if (!cookie.hostOnly) this.#domainCookies--;
    const site = siteKey(cookie.domain);
    const siteCookies = this.#bySite.get(site);
    siteCookies?.delete(cookie);
    if (siteCookies?.size === 0) this.#bySite.delete(site);
    if (cookie.expiry !== undefined) this.#store?.delete(cookie);
  }

  #notify(cookie: CanonicalCookie, cause: CookieChangeCause, removed: boolean): void {
    this.#listener?.(cookie, cause, removed);
  }

  // Another process's flushed cookies become visible: at most once a second on the request
  // path, at every API call.
  #lastSync = 0;
  #maybeSyncStore(): void {
    if (this.#store === undefined) return;
    const now = this.#now();
    if (now - this.#lastSync < 1000) return;
    this.#syncStore();
  }

  #syncStore(): void {
    if (this.#store === undefined) return;
    this.#lastSync = this.#now();
    const stored = this.#store.reloadIfChanged();
    if (stored) this.#replacePersistent(stored);
  }

  // Replaces the persistent cookies with the store's, keeping session cookies.
  #replacePersistent(stored: CanonicalCookie[]): void {
    const store = this.#store;
    this.#store = undefined;
    for (const cookie of [...this.#byKey.values()]) {
      if (cookie.expiry !== undefined) this.#remove(cookie);
    }
    for (const cookie of stored) {
      const key = cookieKey(cookie);
      const old = this.#byKey.get(key);
      if (old) this.#remove(old);
      this.#insert(cookie, key);
      if (cookie.creation > this.#lastCreation) this.#lastCreation = cookie.creation;
      // Two rows of one cookie (name, domain, path) from two schemes or ports, which the file's
      // unique key tells apart (another process stored its own): the newest is kept, as
      // Chromium's TrimDuplicateCookiesForKey does. The store deletes by name, domain and
      // path, which takes every row of the cookie: the kept one is written again after it.
      if (old?.expiry !== undefined) {
        store?.delete(old);
        store?.add(cookie);
      }
    }
    this.#store = store;
  }
}

// The cookies of one registrable domain, and a time no earlier than the first of their expiries
// (Infinity when none expires): until then none of them has expired.
class SiteCookies extends Set<CanonicalCookie> {
  nextExpiry = Infinity;
}

// What #storeRepeat knows of the last line stored as a session cookie: `cookie` is the record
// it placed, at jar version `version`, from a response to `url` (normalised, as Request.url:
// the same string means the same host, path and scheme).
interface RepeatedLine {
  line: string;
  url: string;
  cookie: CanonicalCookie;
  version: number;
}

// What cookieHeader knows of the last header it built: for `url` (normalised, as Request.url)
// and a safe `method`, at jar version `version`, until `until` (ms since the epoch).
interface SentHeader {
  url: string;
  method: string;
  version: number;
  until: number;
  header: string;
}

function insertCause(old: CanonicalCookie | undefined, cookie: CanonicalCookie): CookieChangeCause {
  if (old === undefined || old.value !== cookie.value) return "inserted";
  const same = old.expiry === cookie.expiry && old.secure === cookie.secure &&
    old.httpOnly === cookie.httpOnly && old.sameSite === cookie.sameSite;
  return same ? "inserted-no-change-overwrite" : "inserted-no-value-change-overwrite";
}

// A record for the jar, in one literal so that every record has the same shape: the expiry
// clamped to 400 days, the access and update times `now`, the source from `source` and
// `sourceType`; its creation time is set when it is stored.
function newRecord(
  fields: Pick<CanonicalCookie, "name" | "value" | "secure" | "httpOnly" | "expiry" | "sameSite">,
  domain: string,
  hostOnly: boolean,
  path: string,
  source: UrlParts,
  now: number,
  sourceType: CookieSourceType,
): CanonicalCookie {
  const cryptographic = source.scheme === "https:" || source.scheme === "wss:";
  return {
    name: fields.name,
    value: fields.value,
    domain,
    hostOnly,
    path,
    secure: fields.secure,
    httpOnly: fields.httpOnly,
    expiry: fields.expiry === undefined ? undefined : Math.min(fields.expiry, now + MAX_EXPIRY_MS),
    sameSite: fields.sameSite,
    creation: 0,
    lastAccess: now,
    lastUpdate: now,
    sourceType,
    // Chromium's CanonicalCookie::Create: a cryptographic scheme, or a Secure cookie from a
    // trustworthy (loopback) URL; and the URL's effective port, where such a cookie from port
    // 80 counts as set from 443 (GetAndAdjustPortForTrustworthyUrls).
    sourceSecure: cryptographic || (fields.secure && source.secure),
    sourcePort: fields.secure && !cryptographic && source.port === 80 ? 443 : source.port,
  };
}

// `trustworthy`: the URL may set Secure cookies (a secure scheme or loopback), as Chromium's
// HasValidSecurePrefixAttributes asks.
// Chromium's GetCookiePrefix order: __Secure-, __Http-, __Host-Http-, then __Host-; the
// __Http- and __Host-Http- prefixes (kPrefixCookieHttp, kPrefixCookieHostHttp, on by default)
// want what __Secure- and __Host- want, and HttpOnly.
function prefixAllows(
  cookie: Pick<CanonicalCookie, "name" | "value" | "secure" | "httpOnly" | "hostOnly" | "path">,
  trustworthy: boolean,
): boolean {
  // RFC 6265bis §5.7: prefixes are matched case-insensitively, and a nameless cookie may not
  // carry one in its value at all, whatever its attributes: the Cookie header would show the
  // server a prefixed cookie it never set (Chromium's HasHiddenPrefixName, which looks for
  // __Host- and __Secure- alone).
  const named = cookie.name === "" ? cookie.value : cookie.name;
  if (named[0] !== "_") return true;
  const subject = named.slice(0, 12).toLowerCase();
  if (cookie.name === "") return !subject.startsWith("__secure-") && !subject.startsWith("__host-");
  const secure = cookie.secure && trustworthy;
  if (subject.startsWith("__secure-")) return secure;
  if (subject.startsWith("__http-")) return secure && cookie.httpOnly;
  const host = secure && cookie.hostOnly && cookie.path === "/";
  if (subject === "__host-http-") return host && cookie.httpOnly;
  if (subject.startsWith("__host-")) return host;
  return true;
}

// A Set-Cookie line's __Host- prefix is judged by its attributes as written (Chromium's
// CanonicalCookie::Create passes the ParsedCookie to IsCookiePrefixValid): a `Path=/` attribute,
// not a default path that happens to be "/", and no Domain attribute, even one naming the host,
// but an IP host's own address (HasValidHostPrefixAttributes). The Secure rule, shared with
// cookies.set, is prefixAllows's.
function hostPrefixAttributesAllow(
  parsed: Pick<ParsedSetCookie, "name" | "path" | "domain">,
  host: string,
): boolean {
  if (parsed.name[0] !== "_" || parsed.name.slice(0, 7).toLowerCase() !== "__host-") return true;
  return parsed.path === "/" &&
    (parsed.domain === undefined || (isIpAddress(host) && parsed.domain === host));
}

/**
 * The cookie's domain for a `Domain` attribute set from `host` (RFC 6265bis §5.7 steps 7–8
 * with Chromium's public suffix handling).
 *
 * @param host The request host, lower case.
 * @param attribute The `Domain` attribute, or `undefined`.
 * @returns `{domain, hostOnly}`, or `undefined` when the attribute is not allowed.
 */
export function cookieDomain(
  host: string,
  attribute: string | undefined,
): { domain: string; hostOnly: boolean } | undefined {
  if (attribute === undefined) return { domain: host, hostOnly: true };
  let domain = attribute.toLowerCase();
  if (domain.startsWith(".")) domain = domain.slice(1);
  if (domain === "") return { domain: host, hostOnly: true };
  // An IP host takes only its own address, IPv6 brackets and all: a host-only cookie.
  if (isIpAddress(host)) return domain === host ? { domain: host, hostOnly: true } : undefined;
  if (!/^[a-z0-9._-]+$/.test(domain)) {
    // A port, path or user part makes the attribute invalid, not something to strip; so does a
    // %-escape, which Chromium refuses rather than decodes.
    if (/[:/?#@[\]\\\s%]/.test(domain)) return undefined;
    try {
      domain = new URL(`http://${domain}/`).hostname;
    } catch {
      return undefined;
    }
  }
  if (!domainMatches(host, domain)) return undefined;
  // A public suffix (or a bare TLD like "localhost") may only name the host itself.
  if (registrableDomain(domain) === undefined) {
    return domain === host ? { domain: host, hostOnly: true } : undefined;
  }
  return { domain: `.${domain}`, hostOnly: false };
}

/**
 * RFC 6265 §5.1.3 domain-match.
 *
 * @param host The host.
 * @param domain A domain without leading dot.
 * @returns Whether `host` is `domain` or a subdomain of it.
 */
export function domainMatches(host: string, domain: string): boolean {
  return host === domain ||
    (host.endsWith(domain) && host[host.length - domain.length - 1] === "." &&
      !isIpAddress(host));
}

// null: looked up, no registrable domain.
const registrableCache = new Map<string, string | null>();

/**
 * The registrable domain (eTLD+1) of a host, from the public suffix list with private
 * registries, as Chromium's cookie code uses it.
 *
 * @param host A host without leading dot.
 * @returns The registrable domain, or `undefined` for a public suffix, a single label or an IP.
 *
 * @example
 * ```ts
 * import { registrableDomain } from "./cookie_jar.ts";
 * console.log(registrableDomain("www.example.co.uk")); // example.co.uk
 * console.log(registrableDomain("127.0.0.1")); // undefined
 * ```
 */
export function registrableDomain(host: string): string | undefined {
  const cached = registrableCache.get(host);
  if (cached !== undefined) return cached ?? undefined;
  const domain = isIpAddress(host) ? null : getRegistrableDomain(host);
  if (registrableCache.size > 10_000) registrableCache.clear();
  registrableCache.set(host, domain);
  return domain ?? undefined;
}

// The per-domain limit counts by registrable domain, or by the host where there is none.
function siteKey(domain: string): string {
  const bare = domain.startsWith(".") ? domain.slice(1) : domain;
  return registrableDomain(bare) ?? bare;
}

function isCrossSite(request: CookieRequest, url: UrlParts): boolean {
  const initiator = request.initiator ?? request.headers.get("origin") ??
    request.headers.get("referer");
  if (initiator === null) return false;
  const from = urlParts(initiator);
  return from === undefined || !sameSite(from, url);
}

// Chromium keeps a request's site for cookies across its redirects (RedirectInfo's
// NEVER_CHANGE_URL policy: only navigations update it, and Electron's net.fetch sets it from
// the first URL), so a hop of another site is a cross-site context, where only SameSite=None
// cookies are sent or set (cookie_util::ComputeSameSiteContext).
function isOffSite(request: CookieRequest, url: UrlParts): boolean {
  const first = request.siteForCookies;
  if (first === undefined) return false;
  const from = urlParts(first);
  return from === undefined || !sameSite(from, url);
}

// Schemeful same-site: scheme (ws counted as http) and registrable domain must both agree.
function sameSite(from: UrlParts, url: UrlParts): boolean {
  return from.scheme.replace("ws", "http") === url.scheme.replace("ws", "http") &&
    (registrableDomain(from.host) ?? from.host) === (registrableDomain(url.host) ?? url.host);
}

function sameSiteAllows(cookie: CanonicalCookie, method: string, now: number): boolean {
  // A ses.fetch request is a top-level one: cross-site, Lax cookies go with safe methods,
  // unspecified ones also with unsafe ones while they are young (Lax-allowing-unsafe).
  const sameSite: CookieSameSite = cookie.sameSite;
  if (sameSite === "strict") return false;
  if (SAFE_METHODS.has(method)) return true;
  return sameSite === "unspecified" && now - cookie.creation <= LAX_ALLOW_UNSAFE_MS;
}

// Chromium's exclusion reasons for what the parser, and the jar's #set, refuse.
const PARSE_EXCLUSIONS: Record<string, CookieExclusionReason> = {
  [REJECT_CONTROL]: "EXCLUDE_DISALLOWED_CHARACTER",
  [REJECT_NO_CONTENT]: "EXCLUDE_NO_COOKIE_CONTENT",
  [REJECT_NAME_VALUE_SIZE]: "EXCLUDE_NAME_VALUE_PAIR_EXCEEDS_MAX_SIZE",
};
const SET_EXCLUSIONS: Record<string, CookieExclusionReason> = {
  [REASONS.invalidDomain]: "EXCLUDE_INVALID_DOMAIN",
  [REASONS.secureOnly]: "EXCLUDE_SECURE_ONLY",
  [REASONS.sameSiteNoneInsecure]: "EXCLUDE_SAMESITE_NONE_INSECURE",
  [REASONS.invalidPrefix]: "EXCLUDE_INVALID_PREFIX",
  [REASONS.overwriteSecure]: "EXCLUDE_OVERWRITE_SECURE",
  [REASONS.scheme]: "EXCLUDE_NONCOOKIEABLE_SCHEME",
};
// A cross-site request leaves out Strict cookies, Lax ones unless it is a top-level safe
// request, and unspecified ones as Lax.
const SAME_SITE_EXCLUSIONS: Partial<Record<CookieSameSite, CookieExclusionReason>> = {
  strict: "EXCLUDE_SAMESITE_STRICT",
  lax: "EXCLUDE_SAMESITE_LAX",
  unspecified: "EXCLUDE_SAMESITE_UNSPECIFIED_TREATED_AS_LAX",
};

function report(
  onInclusion: CookieInclusionListener,
  operation: "send" | "store",
  cookie: CanonicalCookie,
  exclusion?: CookieExclusionReason,
): void {
  onInclusion({
    operation,
    exclusion,
    name: cookie.name,
    domain: cookie.domain,
    path: cookie.path,
  });
}
