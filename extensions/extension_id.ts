/**
 * Chromium's extension ids: 32 letters `a`–`p` from the first 16 bytes of a SHA-256 digest.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** The message Chromium gives for a manifest `key` it cannot decode. */
export const INVALID_KEY_MESSAGE = "Value 'key' is missing or invalid.";

/**
 * Maps a digest to an id as Chromium's `crx_file::id_util::GenerateId` does: the first 16
 * bytes in hex, each hex digit `0`–`f` shifted to a letter `a`–`p`.
 *
 * @param input The bytes to hash (a path's bytes or a public key's DER).
 * @returns The 32-letter id.
 *
 * @example
 * ```ts
 * import { extensionIdFromBytes } from "./extension_id.ts";
 * console.log(extensionIdFromBytes(new TextEncoder().encode("test"))); // jpignaibiiemhngfjkcpokkamffknabf
 * ```
 */
export function extensionIdFromBytes(input: Uint8Array): string {
  const hex = createHash("sha256").update(input).digest("hex").slice(0, 32);
  let id = "";
  for (const digit of hex) id += String.fromCharCode(97 + parseInt(digit, 16));
  return id;
}

/**
 * The id of an unpacked extension without a `key`: the hash of its path's UTF-8 bytes as
 * given (Chromium's `GenerateIdForPath` on POSIX: no realpath, a trailing `/` counts).
 *
 * @param path The directory path passed to `loadExtension`.
 * @returns The 32-letter id.
 *
 * @example
 * ```ts
 * import { extensionIdFromPath } from "./extension_id.ts";
 * console.log(extensionIdFromPath("/path/to/file.ext")); // lnkgfdknojmdambfcanadbhmfjfljobb
 * ```
 */
export function extensionIdFromPath(path: string): string {
  return extensionIdFromBytes(new TextEncoder().encode(path));
}

/**
 * The id of an extension whose manifest has a `key`: the hash of the key's DER bytes. The
 * value is base64 as `Base64Decode`'s strict policy reads it (padded, no whitespace), or the
 * same inside PEM armour starting the value (`-----BEGIN PUBLIC KEY-----`, lines broken
 * anywhere), as Chromium's `Extension::ParsePEMKeyBytes` accepts it.
 *
 * @param key The manifest's `key` value.
 * @returns The 32-letter id.
 * @throws {Error} `Value 'key' is missing or invalid.` when it is not a string of base64.
 *
 * @example
 * ```ts
 * import { extensionIdFromKey } from "./extension_id.ts";
 * console.log(extensionIdFromKey(btoa("test"))); // jpignaibiiemhngfjkcpokkamffknabf
 * ```
 */
export function extensionIdFromKey(key: unknown): string {
  if (typeof key !== "string") throw new Error(INVALID_KEY_MESSAGE);
  let body = key;
  if (key.startsWith("-----BEGIN")) {
    // ParsePEMKeyBytes: whitespace runs with a line break go, others become one space
    // (CollapseWhitespaceASCII); the body runs from "KEY-----" to the last "-----END".
    const collapsed = key.trim().replace(/\s+/g, (run) => /[\r\n]/.test(run) ? "" : " ");
    const header = collapsed.indexOf("KEY-----", "-----BEGIN".length);
    const footer = collapsed.lastIndexOf("-----END");
    if (header === -1 || footer === -1 || header + "KEY-----".length >= footer) {
      throw new Error(INVALID_KEY_MESSAGE);
    }
    body = collapsed.slice(header + "KEY-----".length, footer);
  }
  // Base64Decode's strict policy: only the alphabet, at most two "=" at the end, a length
  // divisible by 4.
  if (body === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    throw new Error(INVALID_KEY_MESSAGE);
  }
  return extensionIdFromBytes(Uint8Array.from(atob(body), (char) => char.charCodeAt(0)));
}
