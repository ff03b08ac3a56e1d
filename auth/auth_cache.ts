/**
 * The session's HTTP authentication cache, as Chromium's `HttpAuthCache`: credentials per
 * (origin or proxy, realm, scheme), and for servers the paths they were used on, so that Basic
 * can be sent before the server asks (RFC 7617 §2.2's protection space: the directory of the
 * URL and below).
 *
 * @module
 */

import type { DigestChallenge } from "./digest.ts";

/** A user name and password. */
export interface Credentials {
  /** The user name (for NTLM, `DOMAIN\user` or `user`). */
  readonly username: string;
  /** The password. */
  readonly password: string;
}

/** One cached identity. */
export interface AuthCacheEntry {
  /** `https://host:port` for a server, `proxy http://host:port` for a proxy. */
  readonly target: string;
  /** The realm of the challenge (`""` for NTLM). */
  readonly realm: string;
  /** The scheme in lower case. */
  readonly scheme: string;
  /** The credentials. */
  readonly credentials: Credentials;
  /** Path prefixes (directories) the credentials were sent for, for servers. */
  readonly paths: string[];
  /** Digest: the last challenge, so the next request can answer it before being asked. */
  digest?: DigestChallenge;
  /** Digest: how many times `digest.nonce` has been used. */
  nonceCount: number;
  /** The challenge the identity answered (a header value), for the net log's handler events. */
  challenge?: string;
}

/**
 * Chromium's `kMaxNumPathsPerRealmEntry` and `kMaxNumRealmEntries` (net/http/http_auth_cache.h):
 * the second bounds the whole cache, so a program that logs in to ever new origins does not grow.
 */
const MAX_PATHS = 10;
const MAX_ENTRIES = 20;

/**
 * Credentials by protection space. Bounded like Chromium's: 20 realms in all (the least
 * recently added or used dropped first, `EvictLeastRecentlyUsedEntry`) and 10 paths per realm.
 *
 * @example
 * ```ts
 * import { AuthCache } from "./auth_cache.ts";
 * const cache = new AuthCache();
 * cache.add("http://a.test", "r", "basic", { username: "u", password: "p" }, "/docs/x.html");
 * console.log(cache.lookupByPath("http://a.test", "/docs/y")?.credentials.username); // u
 * console.log(cache.lookupByPath("http://a.test", "/other")); // undefined
 * cache.clear();
 * console.log(cache.size); // 0
 * ```
 */
export class AuthCache {
  #byTarget = new Map<string, AuthCacheEntry[]>();
  /** Every entry, least recently added or used first. */
  #byUse = new Set<AuthCacheEntry>();

  /** How many identities are cached. */
  get size(): number {
    return this.#byUse.size;
  }

  #used(entry: AuthCacheEntry | undefined): AuthCacheEntry | undefined {
    if (entry !== undefined) {
      this.#byUse.delete(entry);
      this.#byUse.add(entry);
    }
    return entry;
  }

  /**
   * Finds the identity of a protection space.
   *
   * @param target The origin or proxy key.
   * @param realm The challenge's realm.
   * @param scheme The scheme, lower case.
   * @returns The entry, or `undefined`.
   */
  lookup(target: string, realm: string, scheme: string): AuthCacheEntry | undefined {
    return this.#used(
      this.#byTarget.get(target)?.find((entry) => entry.realm === realm && entry.scheme === scheme),
    );
  }

  /**
   * Finds what a proxy, whose protection space has no path, gets before it asks: its newest
   * Basic identity, or Digest one with a challenge to answer again (Chromium's `LookupByPath`
   * with the proxy's empty path; NTLM needs a fresh challenge).
   *
   * @param target The proxy's key.
   * @returns The entry, or `undefined`.
   */
  lookupPreemptiveProxy(target: string): AuthCacheEntry | undefined {
    return this.#used(
      this.#byTarget.get(target)?.findLast((entry) =>
        entry.scheme === "basic" || (entry.scheme === "digest" && entry.digest !== undefined)
      ),
    );
  }

  /**
   * Finds the entry whose paths cover `path` (longest prefix wins), for pre-emptive auth.
   *
   * @param target The origin.
   * @param path The URL's path.
   * @returns The entry, or `undefined`.
   */
  lookupByPath(target: string, path: string): AuthCacheEntry | undefined {
    const entries = this.#byTarget.get(target);
    if (!entries) return undefined;
    let best: AuthCacheEntry | undefined;
    let bestLength = -1;
    for (const entry of entries) {
      for (const prefix of entry.paths) {
        if (prefix.length > bestLength && path.startsWith(prefix)) {
          best = entry;
          bestLength = prefix.length;
        }
      }
    }
    return this.#used(best);
  }

  /**
   * Stores (or replaces) the identity of a protection space, as Chromium does when
   * credentials are supplied; a rejected one is removed with {@linkcode AuthCache.remove}.
   *
   * @param target The origin or proxy key.
   * @param realm The challenge's realm.
   * @param scheme The scheme, lower case.
   * @param credentials The user name and password.
   * @param path The URL path they were sent for (servers); its directory joins the entry's paths.
   * @returns The entry.
   */
  add(
    target: string,
    realm: string,
    scheme: string,
    credentials: Credentials,
    path?: string,
  ): AuthCacheEntry {
    const old = this.lookup(target, realm, scheme);
    if (old !== undefined) this.remove(old);
    else if (this.#byUse.size >= MAX_ENTRIES) this.remove(this.#byUse.values().next().value!);
    let entries = this.#byTarget.get(target);
    if (!entries) this.#byTarget.set(target, entries = []);
    const paths = old?.paths ?? [];
    const entry: AuthCacheEntry = { target, realm, scheme, credentials, paths, nonceCount: 0 };
    if (path !== undefined) addPath(paths, directoryOf(path));
    entries.push(entry);
    this.#byUse.add(entry);
    return entry;
  }

  /**
   * Forgets an identity, if it is still the one cached (a newer one stays).
   *
   * @param entry The entry that was rejected.
   */
  remove(entry: AuthCacheEntry): void {
    const entries = this.#byTarget.get(entry.target);
    const index = entries?.indexOf(entry) ?? -1;
    if (!entries || index === -1) return;
    entries.splice(index, 1);
    this.#byUse.delete(entry);
    if (entries.length === 0) this.#byTarget.delete(entry.target);
  }

  /** Forgets everything (Electron's `ses.clearAuthCache()`). */
  clear(): void {
    this.#byTarget.clear();
    this.#byUse.clear();
  }
}

/** `/a/b/c.html` → `/a/b/`, as Chromium's `GetParentDirectory`. */
function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/") + 1) || "/";
}

function addPath(paths: string[], directory: string): void {
  if (paths.some((prefix) => directory.startsWith(prefix))) return;
  // A shorter prefix covers the longer ones it replaces.
  for (let i = paths.length - 1; i >= 0; i--) {
    if (paths[i]!.startsWith(directory)) paths.splice(i, 1);
  }
  if (paths.length >= MAX_PATHS) paths.shift();
  paths.push(directory);
}
