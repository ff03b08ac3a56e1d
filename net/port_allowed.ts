/**
 * The ports a request may not use: the fetch standard's "bad port" list, which Chromium's
 * net/base/port_util.cc `kRestrictedPorts` follows, so that a page (or here a program given a
 * URL) cannot talk HTTP to a mail, shell or printer service.
 *
 * @module
 */

const BAD_PORTS = new Set([
  0,
  1,
  7,
  9,
  11,
  13,
  15,
  17,
  19,
  20,
  21,
  22,
  23,
  25,
  37,
  42,
  43,
  53,
  69,
  77,
  79,
  87,
  95,
  101,
  102,
  103,
  104,
  109,
  110,
  111,
  113,
  115,
  117,
  119,
  123,
  135,
  137,
  139,
  143,
  161,
  179,
  389,
  427,
  465,
  512,
  513,
  514,
  515,
  526,
  530,
  531,
  532,
  540,
  548,
  554,
  556,
  563,
  587,
  601,
  636,
  989,
  990,
  993,
  995,
  1719,
  1720,
  1723,
  2049,
  3659,
  4045,
  4190,
  5060,
  5061,
  6000,
  6566,
  6665,
  6666,
  6667,
  6668,
  6669,
  6679,
  6697,
  10080,
]);

/**
 * Whether an HTTP(S) request may go to `port` (Chromium's `IsPortAllowedForScheme`; a refused
 * port fails the request with `net::ERR_UNSAFE_PORT` before anything is sent).
 *
 * @param port The URL's port.
 * @returns `false` for a port on the fetch standard's bad port list.
 *
 * @example
 * ```ts
 * import { isPortAllowed } from "./port_allowed.ts";
 * console.log(isPortAllowed(8080), isPortAllowed(25)); // true false
 * ```
 */
export function isPortAllowed(port: number): boolean {
  return !BAD_PORTS.has(port);
}
