/**
 * `host:port` as a URL's authority or a net log writes it, an IPv6 literal in brackets.
 *
 * @module
 */

/**
 * Joins a host and a port, bracketing an IPv6 literal (RFC 3986 §3.2.2).
 *
 * @param host A host name or IP address, without brackets.
 * @param port The port.
 * @returns Like `example.com:443` or `[::1]:8080`.
 *
 * @example
 * ```ts
 * import { hostPort } from "./host_port.ts";
 * console.log(hostPort("::1", 8080)); // [::1]:8080
 * ```
 */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
