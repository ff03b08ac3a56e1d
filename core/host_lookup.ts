/**
 * The shape of a host name look-up, shared by the runtime seam (which may bring one) and the
 * network stack's resolver cache (which asks it).
 *
 * @module
 */

/** One address a hostname resolves to. */
export interface ResolvedAddress {
  /** The IP address, such as `"127.0.0.1"` or `"::1"`. */
  readonly address: string;
  /** The address family. */
  readonly family: 4 | 6;
}

/**
 * Looks a hostname up; rejects or resolves `[]` when it has no addresses.
 *
 * @example
 * ```ts
 * import type { HostLookup } from "./host_lookup.ts";
 * const lookup: HostLookup = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
 * console.log(await lookup("app.test")); // [{ address: "127.0.0.1", family: 4 }]
 * ```
 */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;
