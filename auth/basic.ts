/**
 * The Basic scheme (RFC 7617): `Basic base64(user-id ":" password)`, the pair in UTF-8 as
 * Chromium sends it.
 *
 * @module
 */

/**
 * Builds the `Authorization` (or `Proxy-Authorization`) value for Basic.
 *
 * @param username The user name (a `:` in it is sent as is, as Chromium's
 * `HttpAuthHandlerBasic` does; RFC 7617 §2 forbids it, so the server will split there).
 * @param password The password.
 * @returns `Basic <base64>`.
 *
 * @example
 * ```ts
 * import { basicAuthorization } from "./basic.ts";
 * console.log(basicAuthorization("Aladdin", "open sesame")); // Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==
 * ```
 */
export function basicAuthorization(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
