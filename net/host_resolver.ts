/**
 * The session's host resolver cache: hostnames to addresses, with Chromium's cache lifetime,
 * shared in-flight look-ups and the loopback shortcut for `localhost`.
 *
 * @module
 */

import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { HostLookup, ResolvedAddress } from "../core/host_lookup.ts";
import { SessionError } from "../core/session_error.ts";
import type { ConnectStepOptions } from "./connect_step.ts";
import { isLocalHostname } from "./local_hostname.ts";
import { loggedStep } from "./step_log.ts";

/**
 * How one look-up may use the cache (Chromium's `ResolveHostParameters`): `cacheUsage`
 * `allowed` (default) answers from a live entry, `staleAllowed` from an expired one too,
 * `disallowed` asks the system again (and stores the answer); `localOnly` answers only from
 * the cache, IP literals and `localhost`, rejecting a miss with `net::ERR_DNS_CACHE_MISS`
 * (Chromium's `HostResolverSource::LOCAL_ONLY`).
 */
export interface HostCachePolicy {
  /** Which cache entries may answer. */
  readonly cacheUsage?: "allowed" | "staleAllowed" | "disallowed";
  /** Never ask the system. */
  readonly localOnly?: boolean;
}

export type { HostLookup, ResolvedAddress };

/** Options for {@linkcode HostResolver}. */
export interface HostResolverOptions {
  /** How long a result is kept, in ms. Defaults to 60 000, Chromium's for system look-ups. */
  ttlMs?: number;
  /** How many hostnames are kept; the oldest goes first. Defaults to 1000, as in Chromium. */
  maxEntries?: number;
  /** The look-up to cache. Defaults to `node:dns` `lookup` (the system resolver, hosts file). */
  lookup?: HostLookup;
  /** The clock, in ms. Defaults to `performance.now`. */
  now?: () => number;
}

interface CacheEntry {
  readonly addresses: readonly ResolvedAddress[];
  readonly expires: number;
}

// IPv4 first: local servers most often listen on 127.0.0.1 only, so trying it first saves a
// refused connection to ::1.
const LOOPBACK: readonly ResolvedAddress[] = Object.freeze([
  Object.freeze({ address: "127.0.0.1", family: 4 }),
  Object.freeze({ address: "::1", family: 6 }),
]);

/**
 * Resolves hostnames for the transport and remembers the answers, like Chromium's host cache;
 * `clear()` is Electron's `ses.clearHostResolverCache()`.
 *
 * - IP literals (IPv6 with or without brackets) resolve at once, without a look-up or a cache
 *   entry.
 * - `localhost`, `*.localhost` (and the same with a trailing dot) resolve to 127.0.0.1 and ::1
 *   without asking DNS, as Chromium does.
 * - Concurrent look-ups of one hostname share one query. Names are compared in lower case.
 * - Failures reject with `net::ERR_NAME_NOT_RESOLVED` and are not cached: Chromium keeps
 *   failed system look-ups for 0 s, so the next request asks again.
 * - A look-up that was in flight when `clear()` ran still answers its callers but is not
 *   cached, so nothing from before `clear()` outlives it.
 *
 * @example Resolve with a stand-in for DNS
 * ```ts
 * import { HostResolver } from "./host_resolver.ts";
 * import assert from "node:assert/strict";
 *
 * const resolver = new HostResolver({
 *   lookup: () => Promise.resolve([{ address: "192.0.2.7", family: 4 }]),
 * });
 * assert.deepEqual(await resolver.resolve("Example.test"), [{ address: "192.0.2.7", family: 4 }]);
 * await resolver.resolve("example.test");
 * assert.equal(resolver.lookups, 1);
 * assert.deepEqual(await resolver.resolve("[::1]"), [{ address: "::1", family: 6 }]);
 * ```
 */
export class HostResolver {
  #ttlMs: number;
  #maxEntries: number;
  #lookup: HostLookup;
  #now: () => number;
  #cache = new Map<string, CacheEntry>();
  #inFlight = new Map<string, Promise<readonly ResolvedAddress[]>>();
  // Bumped by clear(), so that look-ups started before it do not refill the cache.
  #generation = 0;
  #lookups = 0;

  /**
   * Creates an empty resolver.
   *
   * @param options The cache lifetime and size, the look-up and the clock.
   * @throws {RangeError} When `ttlMs` is negative or not finite, or `maxEntries` is not a
   * positive integer.
   */
  constructor(options: HostResolverOptions = {}) {
    const {
      ttlMs = 60_000,
      maxEntries = 1000,
      lookup = systemLookup,
      now = performance.now.bind(performance),
    } = options;
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new RangeError(
        `Cannot create HostResolver: ttlMs "${ttlMs}" is not a non-negative finite number`,
      );
    }
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Cannot create HostResolver: maxEntries "${maxEntries}" is not a positive integer`,
      );
    }
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
    this.#lookup = lookup;
    this.#now = now;
  }

  /**
   * How many hostnames have a live cache entry.
   *
   * @returns The count, leaving out expired entries.
   *
   * @example
   * ```ts
   * import { HostResolver } from "./host_resolver.ts";
   *
   * console.log(new HostResolver().size); // 0
   * ```
   */
  get size(): number {
    const now = this.#now();
    let live = 0;
    for (const entry of this.#cache.values()) if (entry.expires > now) live++;
    return live;
  }

  /**
   * How many times the look-up has been called, so tests can tell cache hits from misses
   * without timing them.
   *
   * @returns The count since the resolver was made.
   *
   * @example
   * ```ts
   * import { HostResolver } from "./host_resolver.ts";
   * import assert from "node:assert/strict";
   *
   * const resolver = new HostResolver();
   * await resolver.resolve("localhost");
   * assert.equal(resolver.lookups, 0);
   * ```
   */
  get lookups(): number {
    return this.#lookups;
  }

  /**
   * Resolves a hostname to its addresses, from the cache when it has a live entry.
   *
   * @param hostname A URL's hostname: a name, an IPv4 literal or an IPv6 literal in brackets.
   * @param options `signal`: aborting it rejects this call with `net::ERR_ABORTED` (a shared
   * look-up goes on for its other callers and still fills the cache); `netLog`: the source the
   * look-up belongs to; `cacheUsage` and `localOnly` as {@linkcode HostCachePolicy} says.
   * @returns The addresses in the order the look-up gave them, never empty.
   * @throws {TypeError} When `hostname` is not a string.
   * @throws {SessionError} `ERR_NAME_NOT_RESOLVED` when the name has no address,
   * `ERR_ABORTED` when `signal` aborts, `ERR_DNS_CACHE_MISS` for a `localOnly` miss.
   *
   * @example Loopback without DNS
   * ```ts
   * import { HostResolver } from "./host_resolver.ts";
   * import assert from "node:assert/strict";
   *
   * const addresses = await new HostResolver().resolve("app.localhost");
   * assert.deepEqual(addresses.map(({ address }) => address), ["127.0.0.1", "::1"]);
   * ```
   */
  resolve(
    hostname: string,
    options: ConnectStepOptions & HostCachePolicy = {},
  ): Promise<ResolvedAddress[]> {
    if (!options.netLog?.sink.capturing) return this.#resolve(hostname, options);
    const lookups = this.#lookups;
    return loggedStep(
      options.netLog,
      "HOST_RESOLVER_MANAGER_REQUEST",
      () => ({ host: hostname, allow_cached_response: true, is_speculative: false }),
      () => this.#resolve(hostname, options),
      (addresses) => ({
        // Chromium's HostCache::Entry shape (IpEndpointToValue's keys), trimmed to what a
        // look-up here knows.
        results: {
          ip_endpoints: addresses.map(({ address }) => ({
            endpoint_address: address,
            endpoint_port: 0,
          })),
          from_cache: this.#lookups === lookups,
        },
      }),
    );
  }

  #resolve(
    hostname: string,
    options: ConnectStepOptions & HostCachePolicy,
  ): Promise<ResolvedAddress[]> {
    const { signal, cacheUsage = "allowed", localOnly = false } = options;
    if (typeof hostname !== "string") {
      throw new TypeError(`Cannot resolve host: "${String(hostname)}" is not a string`);
    }
    if (signal?.aborted) {
      return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
    }
    const literal = hostname.startsWith("[") && hostname.endsWith("]")
      ? hostname.slice(1, -1)
      : hostname;
    const family = isIP(literal);
    if (family === 4 || family === 6) return Promise.resolve([{ address: literal, family }]);

    const key = hostname.toLowerCase();
    if (key === "") return Promise.reject(new SessionError("ERR_NAME_NOT_RESOLVED"));
    if (isLocalHostname(key)) return Promise.resolve([...LOOPBACK]);

    const entry = this.#cache.get(key);
    if (entry !== undefined) {
      const live = entry.expires > this.#now();
      if (cacheUsage === "staleAllowed" || (live && cacheUsage === "allowed")) {
        return Promise.resolve([...entry.addresses]);
      }
      if (!live) this.#cache.delete(key);
    }
    if (localOnly) return Promise.reject(new SessionError("ERR_DNS_CACHE_MISS"));
    // A look-up already under way started after any cached answer, so it is fresh enough.
    const shared = this.#inFlight.get(key) ?? this.#start(key);
    return abortable(shared, signal).then((addresses) => [...addresses]);
  }

  /**
   * The cache as a net log's `polledData.hostResolverInfo.cache` shows it, in the shape of
   * Chromium's `HostCache::GetList` for debugging (net/dns/host_cache.cc, what
   * `net::GetNetInfo` writes): `capacity`, `network_changes` (always 0: no network change is
   * watched) and one entry per hostname, expired ones too (the viewer marks them), with its
   * `expiration` in ticks of this resolver's clock (`performance.now()` milliseconds by default,
   * the net log's own ticks) and `ttl` in milliseconds.
   *
   * @returns `{capacity, network_changes, entries}`.
   *
   * @example
   * ```ts
   * import { HostResolver } from "./host_resolver.ts";
   * const resolver = new HostResolver({
   *   lookup: () => Promise.resolve([{ address: "192.0.2.7", family: 4 }]),
   *   now: () => 1000,
   * });
   * await resolver.resolve("example.test");
   * const [entry] = resolver.infoValue().entries;
   * console.log(entry?.hostname, entry?.expiration, entry?.ip_endpoints);
   * // example.test 61000 [ { endpoint_address: "192.0.2.7", endpoint_port: 0 } ]
   * ```
   */
  infoValue(): {
    capacity: number;
    network_changes: number;
    entries: Record<string, unknown>[];
  } {
    const entries = [...this.#cache].map(([hostname, entry]) => ({
      expiration: String(Math.round(entry.expires)),
      ttl: this.#ttlMs,
      network_changes: 0,
      ip_endpoints: entry.addresses.map(({ address }) => ({
        endpoint_address: address,
        endpoint_port: 0,
      })),
      aliases: [],
      hostname,
      // DnsQueryType::UNSPECIFIED, no flags, HostResolverSource::ANY; no network isolation.
      dns_query_type: 0,
      flags: 0,
      host_resolver_source: 0,
      network_anonymization_key: "null",
      secure: false,
    }));
    return { capacity: this.#maxEntries, network_changes: 0, entries };
  }

  /**
   * Forgets every cached answer, as `ses.clearHostResolverCache()` does.
   *
   * @example
   * ```ts
   * import { HostResolver } from "./host_resolver.ts";
   * import assert from "node:assert/strict";
   *
   * const resolver = new HostResolver({
   *   lookup: () => Promise.resolve([{ address: "192.0.2.7", family: 4 }]),
   * });
   * await resolver.resolve("example.test");
   * resolver.clear();
   * assert.equal(resolver.size, 0);
   * ```
   */
  clear(): void {
    this.#cache.clear();
    this.#inFlight.clear();
    this.#generation++;
  }

  #start(key: string): Promise<readonly ResolvedAddress[]> {
    this.#lookups++;
    const generation = this.#generation;
    const shared = runLookup(this.#lookup, key).then((addresses) => {
      if (generation === this.#generation) this.#store(key, addresses);
      return addresses;
    }).finally(() => {
      if (this.#inFlight.get(key) === shared) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, shared);
    return shared;
  }

  #store(key: string, addresses: readonly ResolvedAddress[]): void {
    if (this.#ttlMs === 0) return;
    // Deleted first so that every set appends (a `disallowed` look-up refreshes a live entry)
    // and the first key is always the oldest.
    this.#cache.delete(key);
    this.#cache.set(key, { addresses, expires: this.#now() + this.#ttlMs });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#maxEntries) break;
      this.#cache.delete(oldest);
    }
  }
}

async function systemLookup(hostname: string): Promise<ResolvedAddress[]> {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.flatMap(({ address, family }) =>
    family === 4 || family === 6 ? [{ address, family }] : []
  );
}

async function runLookup(lookup: HostLookup, key: string): Promise<readonly ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await lookup(key);
  } catch (error) {
    if (SessionError.is(error)) throw error;
    // Chromium reports every failure of the system resolver (ENOTFOUND, EAI_AGAIN, ENODATA,
    // ...) as this one error.
    throw new SessionError("ERR_NAME_NOT_RESOLVED", { cause: error });
  }
  if (addresses.length === 0) throw new SessionError("ERR_NAME_NOT_RESOLVED");
  return Object.freeze(addresses.map(({ address, family }) => Object.freeze({ address, family })));
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
