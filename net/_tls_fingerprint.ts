/**
 * Chromium's certificate fingerprint form, `sha256/<base64>`.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * Computes Chromium's fingerprint of a DER certificate.
 *
 * @param der The certificate in DER.
 * @returns `sha256/` followed by the base64 SHA-256 of `der`.
 *
 * @example
 * ```ts
 * import { chromiumFingerprint } from "./_tls_fingerprint.ts";
 * console.log(chromiumFingerprint(new Uint8Array([1, 2, 3])).startsWith("sha256/")); // true
 * ```
 */
export function chromiumFingerprint(der: Uint8Array): string {
  return `sha256/${createHash("sha256").update(der).digest("base64")}`;
}
