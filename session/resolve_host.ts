/**
 * Electron's `ses.resolveHost(host, options)`: its options as Electron's converters read them
 * (shell/common/gin_converters/net_converter.cc) and its `ResolvedHost` answer.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";
import type { HostCachePolicy, ResolvedAddress } from "../net/mod.ts";

/** Options of `ses.resolveHost` (Electron's `ResolveHostOptions`). */
export interface ResolveHostOptions {
  /** `A` (IPv4 only) or `AAAA` (IPv6 only); default both. */
  queryType?: "A" | "AAAA";
  /**
   * Where answers come from: `localOnly` answers from the cache, IP literals and `localhost`
   * only (a miss rejects with `net::ERR_DNS_CACHE_MISS`); `any`, `system`, `dns` and `mdns` all
   * ask the system resolver here, which has no DNS client of its own.
   */
  source?: "any" | "system" | "dns" | "mdns" | "localOnly";
  /** `allowed` (default), `staleAllowed` (expired entries too) or `disallowed` (ask again). */
  cacheUsage?: "allowed" | "staleAllowed" | "disallowed";
  /** `allow` or `disable`: the same here, as there is no secure DNS (DoH) to skip. */
  secureDnsPolicy?: "allow" | "disable";
}

/** One resolved address (Electron's `ResolvedEndpoint`). */
export interface ResolvedEndpoint {
  /** The IP address, without a port. */
  address: string;
  /** Its family (`unspec` is in Electron's type but never comes from a look-up). */
  family: "ipv4" | "ipv6" | "unspec";
}

/** What `ses.resolveHost` resolves with (Electron's `ResolvedHost`). */
export interface ResolvedHost {
  /** The addresses, in the resolver's order. */
  endpoints: ResolvedEndpoint[];
}

/** A `resolveHost` call's options, read. */
export interface ResolveHostRequest {
  /** How the resolver may use its cache. */
  policy: HostCachePolicy;
  /** The only family to keep, from `queryType`. */
  family: 4 | 6 | undefined;
}

/**
 * Reads `resolveHost` options as Electron does: options that are not an object, and fields that
 * are not one of their listed strings, count as absent (Electron's optional and lookup-table
 * converters fail silently there).
 *
 * @param options What the caller passed.
 * @returns The request.
 *
 * @example
 * ```ts
 * import { resolveHostRequest } from "./resolve_host.ts";
 * console.log(resolveHostRequest({ queryType: "AAAA", cacheUsage: "disallowed" }));
 * // { policy: { cacheUsage: "disallowed", localOnly: false }, family: 6 }
 * ```
 */
export function resolveHostRequest(options: unknown): ResolveHostRequest {
  const record = typeof options === "object" && options !== null
    ? options as Record<string, unknown>
    : {};
  const { queryType, source, cacheUsage } = record;
  return {
    policy: {
      cacheUsage: cacheUsage === "staleAllowed" || cacheUsage === "disallowed"
        ? cacheUsage
        : "allowed",
      localOnly: source === "localOnly",
    },
    family: queryType === "A" ? 4 : queryType === "AAAA" ? 6 : undefined,
  };
}

/**
 * Shapes the resolver's addresses as Electron's `ResolvedHost`, keeping the asked family.
 *
 * @param addresses The resolver's answer.
 * @param family The family `queryType` asked for, if any.
 * @returns `{endpoints: [{address, family}]}`.
 * @throws {SessionError} `net::ERR_NAME_NOT_RESOLVED` when no address of that family is left,
 * as Chromium answers a query type the name has no record of.
 *
 * @example
 * ```ts
 * import { resolvedHost } from "./resolve_host.ts";
 * console.log(resolvedHost([{ address: "::1", family: 6 }], undefined));
 * // { endpoints: [ { address: "::1", family: "ipv6" } ] }
 * ```
 */
export function resolvedHost(
  addresses: readonly ResolvedAddress[],
  family: 4 | 6 | undefined,
): ResolvedHost {
  const endpoints = addresses
    .filter((address) => family === undefined || address.family === family)
    .map(({ address, family }): ResolvedEndpoint => ({
      address,
      family: family === 4 ? "ipv4" : "ipv6",
    }));
  if (endpoints.length === 0) throw new SessionError("ERR_NAME_NOT_RESOLVED");
  return { endpoints };
}
