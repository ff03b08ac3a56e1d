/**
 * IANA cipher-suite numbers of the TLS 1.2-and-older suites OpenSSL and BoringSSL can negotiate,
 * with the names those libraries (and `node:tls`) use for them.
 *
 * The TLS 1.3 suites (0x1301-0x1303) are left out on purpose: Chromium does not let
 * `disabledCipherSuites` turn them off, and BoringSSL (Bun) has no switch for them either.
 *
 * @module
 */

/**
 * Suites a TLS 1.2 (or older) handshake can pick, by IANA number. `disabledCipherSuites`
 * numbers not in this table are accepted and ignored, as Electron documents.
 */
export const TLS12_CIPHER_SUITES: ReadonlyMap<number, string> = new Map([
  [0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256"],
  [0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384"],
  [0xc02f, "ECDHE-RSA-AES128-GCM-SHA256"],
  [0xc030, "ECDHE-RSA-AES256-GCM-SHA384"],
  [0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305"],
  [0xcca8, "ECDHE-RSA-CHACHA20-POLY1305"],
  [0xc023, "ECDHE-ECDSA-AES128-SHA256"],
  [0xc024, "ECDHE-ECDSA-AES256-SHA384"],
  [0xc027, "ECDHE-RSA-AES128-SHA256"],
  [0xc028, "ECDHE-RSA-AES256-SHA384"],
  [0xc009, "ECDHE-ECDSA-AES128-SHA"],
  [0xc00a, "ECDHE-ECDSA-AES256-SHA"],
  [0xc013, "ECDHE-RSA-AES128-SHA"],
  [0xc014, "ECDHE-RSA-AES256-SHA"],
  [0x009e, "DHE-RSA-AES128-GCM-SHA256"],
  [0x009f, "DHE-RSA-AES256-GCM-SHA384"],
  [0xccaa, "DHE-RSA-CHACHA20-POLY1305"],
  [0x0067, "DHE-RSA-AES128-SHA256"],
  [0x006b, "DHE-RSA-AES256-SHA256"],
  [0x0033, "DHE-RSA-AES128-SHA"],
  [0x0039, "DHE-RSA-AES256-SHA"],
  [0x009c, "AES128-GCM-SHA256"],
  [0x009d, "AES256-GCM-SHA384"],
  [0x003c, "AES128-SHA256"],
  [0x003d, "AES256-SHA256"],
  [0x002f, "AES128-SHA"],
  [0x0035, "AES256-SHA"],
  [0x000a, "DES-CBC3-SHA"],
]);

/**
 * The TLS 1.3 suites by the name OpenSSL, BoringSSL and `node:tls` give them (their IANA
 * names), with their IANA numbers: for the net log's `cipher_suite`, never for
 * `disabledCipherSuites`, which cannot turn them off.
 */
export const TLS13_CIPHER_SUITES: ReadonlyMap<string, number> = new Map([
  ["TLS_AES_128_GCM_SHA256", 0x1301],
  ["TLS_AES_256_GCM_SHA384", 0x1302],
  ["TLS_CHACHA20_POLY1305_SHA256", 0x1303],
]);

const NUMBERS_BY_NAME: ReadonlyMap<string, number> = new Map(
  [...TLS12_CIPHER_SUITES].map(([number, name]) => [name, number]),
);

/**
 * Returns the IANA number of a suite named the way `TLSSocket.getCipher().name` names it.
 *
 * @param name An OpenSSL suite name such as `"ECDHE-RSA-AES128-GCM-SHA256"`.
 * @returns The IANA number, or `undefined` for a suite not in the table (TLS 1.3 suites too).
 *
 * @example
 * ```ts
 * import { cipherSuiteNumber } from "./_tls_cipher_suites.ts";
 * console.log(cipherSuiteNumber("ECDHE-RSA-AES128-GCM-SHA256") === 0xc02f); // true
 * ```
 */
export function cipherSuiteNumber(name: string): number | undefined {
  return NUMBERS_BY_NAME.get(name);
}
