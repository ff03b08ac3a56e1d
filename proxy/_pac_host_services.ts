/**
 * What the PAC sandbox learns from outside: DNS answers (looked up through `node:dns` with a
 * timeout) and this machine's addresses (from the interface list: no packet is ever sent).
 *
 * @module
 */

import { lookup } from "node:dns/promises";
import { networkInterfaces } from "node:os";

/**
 * Resolves a host name to its addresses (IPv4 and IPv6 literals), or rejects.
 *
 * @param host The name the PAC script asked about.
 * @param signal Aborts the look-up.
 */
export type HostLookup = (host: string, signal: AbortSignal) => Promise<readonly string[]>;

/**
 * Looks a name up with the system resolver (`getaddrinfo`), as Chromium's PAC bindings do;
 * `localhost` and `*.localhost` answer `::1` then `127.0.0.1` without asking it, as Chromium's
 * host resolver does (ResolveLocalHostname).
 *
 * @param host The name.
 * @returns The addresses, in the resolver's order.
 */
export const systemLookup: HostLookup = async (host) => {
  const name = host.toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return ["::1", "127.0.0.1"];
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
};

/**
 * Looks a name up with a time limit; failures and timeouts answer `null`.
 *
 * @param resolve The look-up.
 * @param host The name.
 * @param timeoutMs The limit in milliseconds.
 * @returns The addresses, or `null`.
 */
export function lookupWithin(
  resolve: HostLookup,
  host: string,
  timeoutMs: number,
): Promise<string[] | null> {
  const controller = new AbortController();
  return new Promise((settle) => {
    const timer = setTimeout(() => {
      controller.abort();
      settle(null);
    }, Math.max(0, timeoutMs));
    let pending: Promise<readonly string[]>;
    try {
      pending = resolve(host, controller.signal);
    } catch {
      pending = Promise.reject();
    }
    pending.then(
      (addresses) => settle(addresses.length > 0 ? [...addresses] : null),
      () => settle(null),
    ).finally(() => clearTimeout(timer));
  });
}

/**
 * This machine's addresses for `myIpAddress()` (the first non-loopback IPv4, else
 * `127.0.0.1`) and `myIpAddressEx()` (every non-loopback, non-link-local address, `;`-joined).
 *
 * @returns `{ip, ipEx}`.
 */
export function localAddresses(): { ip: string; ipEx: string } {
  const all: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      if (entry.internal) continue;
      if (entry.family === "IPv6" && /^fe[89ab]/i.test(entry.address)) continue;
      all.push(entry.address);
    }
  }
  const ip = all.find((address) => !address.includes(":")) ?? "127.0.0.1";
  return { ip, ipEx: all.length > 0 ? all.join(";") : "127.0.0.1" };
}
