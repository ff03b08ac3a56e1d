/**
 * What `ses.clearStorageData(options)` and `ses.clearData(options)` ask for, in one shape:
 * Electron's option names mapped to the stores @ses keeps, and filters for cookies and origins.
 *
 * @module
 */

import { createRequire } from "node:module";
import { originOf, requireOrigin } from "./origin.ts";

/** The stores @ses keeps that a clear can reach. */
export type ClearTarget = "cookies" | "localStorage" | "httpCache" | "downloads";

/** A normalised clear. */
export interface ClearRequest {
  /** The stores to clear, each with the Electron name reported in `failedDataTypes`. */
  targets: Map<ClearTarget, string>;
  /** Whether a cookie (domain with or without leading dot, host-only flag) goes. */
  cookieMatches: (cookie: { domain: string; hostOnly: boolean }) => boolean;
  /** Whether an origin's data (`localStorage`) goes. */
  originMatches: (origin: string) => boolean;
  /**
   * How much the origin filter lets through: `all`, `some` or `none` (`origins: []`), so a
   * store can clear itself whole, entry by entry through `originMatches`, or not at all.
   */
  scope: "all" | "some" | "none";
  /** `clearData`'s `avoidClosingConnections`: keep idle connections after clearing cookies. */
  avoidClosingConnections: boolean;
}

/** Options of Electron's `ses.clearStorageData`. */
export interface ClearStorageDataOptions {
  /**
   * `scheme://host:port`; only that origin's data (cookies: host-only ones of its host, or all
   * for a host-less `file://`). An opaque origin (text that is no URL, `data:`) clears all, as
   * in Electron.
   */
  origin?: string;
  /**
   * `cookies`, `filesystem`, `indexdb`, `localstorage`, `shadercache`, `serviceworkers`,
   * `cachestorage` (case-insensitive); others ignored; default all, as when the list is not an
   * array of strings (Electron's conversion fails and the option counts as absent).
   */
  storages?: string[];
  /** `temporary`, `persistent`, `syncable`: accepted and ignored (no quota system here). */
  quotas?: string[];
}

/** Options of Electron's `ses.clearData`. */
export interface ClearDataOptions {
  /**
   * `backgroundFetch`, `cache`, `cookies`, `downloads`, `fileSystems`, `indexedDB`,
   * `localStorage`, `serviceWorkers`, `webSQL`; unknown ones ignored; default all, as when the
   * list is not an array of strings (Electron's conversion fails and the option counts as absent).
   */
  dataTypes?: string[];
  /**
   * Clear only these origins' data (cookies: by registrable domain). Anything but an array of
   * strings counts as absent, as in Electron.
   */
  origins?: string[];
  /** Clear every origin's data but these; anything but an array of strings counts as absent. */
  excludeOrigins?: string[];
  /** Skip closing idle connections after clearing cookies (any truthy value). Default `false`. */
  avoidClosingConnections?: boolean;
  /**
   * `third-parties-included` (default) or `origin-in-all-contexts`; the same here, since @ses
   * keeps no third-party-partitioned storage.
   */
  originMatchingMode?: "third-parties-included" | "origin-in-all-contexts";
}

// clearStorageData's names (lower-cased) → the stores they reach; the rest clear nothing here.
const STORAGES: Record<string, ClearTarget | null> = {
  cookies: "cookies",
  localstorage: "localStorage",
  filesystem: null,
  indexdb: null,
  shadercache: null,
  serviceworkers: null,
  cachestorage: null,
};

// clearData's names → the stores they reach (`cache`: the HTTP cache; @ses has no Cache API).
const DATA_TYPES: Record<string, ClearTarget | null> = {
  backgroundFetch: null,
  cache: "httpCache",
  cookies: "cookies",
  downloads: "downloads",
  fileSystems: null,
  indexedDB: null,
  localStorage: "localStorage",
  serviceWorkers: null,
};

/**
 * Reads `clearStorageData` options (which never reject): the origin filters local storage by
 * exact origin and cookies to the host-only ones of its host (every cookie for an origin with
 * no host, `file://`); an origin that is opaque (text that is no URL, `data:`) clears every
 * origin, as Electron and Chromium's `StoragePartitionImpl::ClearData` do.
 *
 * @param options Electron's options.
 * @returns The request.
 *
 * @example
 * ```ts
 * import { clearStorageDataRequest } from "./clear_request.ts";
 * const request = clearStorageDataRequest({ origin: "https://a.test", storages: ["COOKIES"] });
 * console.log([...request.targets.keys()], request.cookieMatches({ domain: "a.test", hostOnly: true })); // [ "cookies" ] true
 * ```
 */
export function clearStorageDataRequest(options: ClearStorageDataOptions = {}): ClearRequest {
  const { origin, storages } = options ?? {};
  const targets = new Map<ClearTarget, string>();
  const names = stringList(storages)?.map((name) => name.toLowerCase()) ?? Object.keys(STORAGES);
  for (const name of names) {
    const target = STORAGES[name];
    if (target) targets.set(target, name);
  }
  // Electron keys the clear on StorageKey::CreateFirstParty(url::Origin::Create(GURL(origin))):
  // text that is no URL, or a URL with an opaque origin, gives an opaque key, and Chromium's
  // StoragePartitionImpl::ClearData then clears every origin, as with no origin at all.
  const only = typeof origin === "string" ? originOf(origin) : undefined;
  if (only === undefined) {
    return {
      targets,
      cookieMatches: () => true,
      originMatches: () => true,
      scope: "all",
      avoidClosingConnections: false,
    };
  }
  // Cookies are filtered by host only when the origin has one (file:// has none).
  const host = new URL(only).hostname;
  return {
    targets,
    cookieMatches: host === "" ? () => true : (cookie) => cookie.hostOnly && cookie.domain === host,
    originMatches: (candidate) => candidate === only,
    scope: "some",
    avoidClosingConnections: false,
  };
}

/**
 * Reads `clearData` options, throwing Electron's synchronous errors.
 *
 * @param options Electron's options.
 * @returns The request.
 * @throws {TypeError} `Cannot provide both 'origins' and 'excludeOrigins'`, or
 * `Invalid origin: '<spec>'` for an opaque origin.
 *
 * @example
 * ```ts
 * import { clearDataRequest } from "./clear_request.ts";
 * const request = clearDataRequest({ dataTypes: ["cookies"], origins: ["https://www.a.test"] });
 * console.log(request.cookieMatches({ domain: ".a.test", hostOnly: false })); // true
 * ```
 */
export function clearDataRequest(options: ClearDataOptions = {}): ClearRequest {
  const { dataTypes, avoidClosingConnections } = options ?? {};
  // Electron reads each list with a Get that fails for anything but an array of strings
  // (std::vector<GURL>); a key whose Get failed counts as absent, also for the conflict check.
  const origins = stringList(options?.origins);
  const excludeOrigins = stringList(options?.excludeOrigins);
  if (origins !== undefined && excludeOrigins !== undefined) {
    throw new TypeError("Cannot provide both 'origins' and 'excludeOrigins'");
  }
  const targets = new Map<ClearTarget, string>();
  const names = stringList(dataTypes) ?? Object.keys(DATA_TYPES);
  for (const name of names) {
    const target = Object.hasOwn(DATA_TYPES, name) ? DATA_TYPES[name] : null;
    if (target) targets.set(target, name);
  }
  const list = origins ?? excludeOrigins;
  // gin reads a bool as JavaScript truthiness, so `1` or `"yes"` keeps connections too.
  const avoid = Boolean(avoidClosingConnections);
  if (list === undefined) {
    return {
      targets,
      cookieMatches: () => true,
      originMatches: () => true,
      scope: "all",
      avoidClosingConnections: avoid,
    };
  }
  const listed = new Set(list.map(requireOrigin));
  const sites = new Set([...listed].map((origin) => siteOf(new URL(origin).hostname)));
  const include = origins !== undefined;
  return {
    targets,
    cookieMatches: (cookie) => sites.has(siteOf(cookie.domain.replace(/^\./, ""))) === include,
    originMatches: (origin) => listed.has(origin) === include,
    // `origins: []` clears nothing; `excludeOrigins: []` excludes nothing.
    scope: listed.size > 0 ? "some" : include ? "none" : "all",
    avoidClosingConnections: avoid,
  };
}

// Electron converts a name list to std::vector<std::string> whole: anything but an array of
// strings fails the conversion, and the option then counts as absent (`undefined` here).
function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((name) => typeof name === "string")
    ? value
    : undefined;
}

// Cookies are grouped by registrable domain (eTLD+1, private registries included), as
// Chromium's BrowsingDataFilterBuilder matches them; a host without one stands for itself.
// tldts is loaded on first use: compiling it took about 100 ms of every Deno start.
function siteOf(host: string): string {
  tldts ??= createRequire(import.meta.url)("tldts") as typeof import("tldts");
  return tldts.getDomain(host, { allowPrivateDomains: true }) ?? host;
}
let tldts: typeof import("tldts") | undefined;
