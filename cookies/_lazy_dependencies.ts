/**
 * tldts (the public suffix list) and tough-cookie (the RFC 6265 date parser, which itself
 * loads tldts), loaded on first use: compiling them took about 100 ms of every Deno start,
 * for programs that may never store a cookie. `require` keeps the jar's API synchronous.
 *
 * @module
 */

import { createRequire } from "node:module";

type Tldts = typeof import("tldts");
type ToughCookie = typeof import("tough-cookie");

const require = createRequire(import.meta.url);
let tldts: Tldts | undefined;
let toughCookie: ToughCookie | undefined;

/**
 * The registrable domain (eTLD+1, private registries included) of a host, by tldts.
 *
 * @param host A host name.
 * @returns The registrable domain, or `null` when the host has none.
 */
export function getRegistrableDomain(host: string): string | null {
  tldts ??= require("tldts") as Tldts;
  return tldts.getDomain(host, { allowPrivateDomains: true });
}

/**
 * RFC 6265 §5.1.1's cookie date algorithm, by tough-cookie.
 *
 * @param value An `Expires` attribute value.
 * @returns Milliseconds since the epoch, or `undefined` when it is not a date.
 */
export function parseCookieDate(value: string): number | undefined {
  toughCookie ??= require("tough-cookie") as ToughCookie;
  return toughCookie.parseDate(value)?.getTime();
}
