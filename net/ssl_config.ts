/**
 * Electron's `setSSLConfig({minVersion, maxVersion, disabledCipherSuites})`, checked and turned
 * into the options `node:tls` takes.
 *
 * Runtime notes, found by handshakes in each runtime: Bun's `node:tls` is BoringSSL and
 * negotiates TLS 1.0 and 1.1 when `minVersion: "tls1"` allows them; Deno's is rustls, which
 * accepts `minVersion: "tls1"` but never speaks below TLS 1.2, and ignores `ciphers` altogether,
 * so `connectTls` also refuses a negotiated suite that the config disables. Neither
 * runtime can disable TLS 1.3 suites, which matches Chromium.
 *
 * @module
 */

import { DEFAULT_CIPHERS, type SecureVersion } from "node:tls";
import type { SSLVersion } from "../core/electron_types.ts";
import { TLS12_CIPHER_SUITES } from "./_tls_cipher_suites.ts";

/** A session's TLS policy in the form `node:tls` takes. */
export interface ResolvedSSLConfig {
  /** The lowest version to offer, such as `"TLSv1.2"`. */
  readonly minVersion: SecureVersion;
  /** The highest version to offer, such as `"TLSv1.3"`. */
  readonly maxVersion: SecureVersion;
  /** An OpenSSL cipher string: the runtime's default list minus the disabled suites. */
  readonly ciphers: string;
  /** The disabled IANA suite numbers, sorted and without duplicates. */
  readonly disabledCipherSuites: readonly number[];
}

const VERSIONS: ReadonlyMap<string, SecureVersion> = new Map<SSLVersion, SecureVersion>([
  ["tls1", "TLSv1"],
  ["tls1.1", "TLSv1.1"],
  ["tls1.2", "TLSv1.2"],
  ["tls1.3", "TLSv1.3"],
]);

// Electron only accepts these two as maxVersion: a ceiling below TLS 1.2 is a conversion error.
const MAX_VERSIONS: ReadonlySet<string> = new Set(["tls1.2", "tls1.3"]);

const ORDER: readonly SecureVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/**
 * Checks an Electron `SSLConfig` and resolves it against Chromium's defaults (TLS 1.2 to 1.3).
 *
 * @param config The value given to `setSSLConfig`.
 * @returns Versions and cipher string for `tls.connect`, plus the disabled suites.
 * @throws {TypeError} When `config` is not an object, a version is not one Electron accepts
 * (`maxVersion` must be `tls1.2` or `tls1.3`), or `disabledCipherSuites` is not an array of
 * integers.
 * @throws {RangeError} When `minVersion` is above `maxVersion`, or a suite number is outside
 * 0 to 0xffff.
 *
 * @example
 * ```ts
 * import { resolveSSLConfig } from "./ssl_config.ts";
 * import assert from "node:assert/strict";
 *
 * const ssl = resolveSSLConfig({ minVersion: "tls1.3", disabledCipherSuites: [0xc02f] });
 * assert.equal(ssl.minVersion, "TLSv1.3");
 * assert.equal(ssl.maxVersion, "TLSv1.3");
 * assert.ok(ssl.ciphers.endsWith(":!ECDHE-RSA-AES128-GCM-SHA256"));
 * assert.throws(() => resolveSSLConfig({ minVersion: "ssl3" }), TypeError);
 * ```
 */
export function resolveSSLConfig(config: unknown): ResolvedSSLConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new TypeError(`Invalid SSL config: expected an object, got ${describe(config)}`);
  }
  const {
    minVersion = "tls1.2",
    maxVersion = "tls1.3",
    disabledCipherSuites = [],
  } = config as Record<string, unknown>;
  const min = VERSIONS.get(String(minVersion));
  if (typeof minVersion !== "string" || min === undefined) {
    throw new TypeError(
      `Invalid minVersion ${describe(minVersion)}: must be "tls1", "tls1.1", "tls1.2" or "tls1.3"`,
    );
  }
  const max = VERSIONS.get(String(maxVersion));
  if (typeof maxVersion !== "string" || max === undefined || !MAX_VERSIONS.has(maxVersion)) {
    throw new TypeError(`Invalid maxVersion ${describe(maxVersion)}: must be "tls1.2" or "tls1.3"`);
  }
  if (ORDER.indexOf(min) > ORDER.indexOf(max)) {
    throw new RangeError(
      `Invalid SSL config: minVersion "${minVersion}" is above maxVersion "${maxVersion}"`,
    );
  }
  const disabled = checkSuites(disabledCipherSuites);
  return {
    minVersion: min,
    maxVersion: max,
    ciphers: [
      DEFAULT_CIPHERS,
      ...disabled.flatMap((suite) => {
        const name = TLS12_CIPHER_SUITES.get(suite);
        // "!" removes a suite for good, even one a keyword like HIGH in the default list adds.
        return name === undefined ? [] : [`!${name}`];
      }),
    ].join(":"),
    disabledCipherSuites: disabled,
  };
}

/**
 * Names a TLS policy, so a connection pool never reuses a socket made under another one.
 *
 * @param resolved A policy from {@linkcode resolveSSLConfig}.
 * @returns The same string for equal policies, a different one otherwise.
 *
 * @example
 * ```ts
 * import { policyKey, resolveSSLConfig } from "./ssl_config.ts";
 * import assert from "node:assert/strict";
 *
 * const a = resolveSSLConfig({ disabledCipherSuites: [0xc02f, 0x009c] });
 * const b = resolveSSLConfig({ disabledCipherSuites: [0x009c, 0xc02f, 0x009c] });
 * assert.equal(policyKey(a), policyKey(b));
 * assert.notEqual(policyKey(a), policyKey(resolveSSLConfig({})));
 * ```
 */
export function policyKey(resolved: ResolvedSSLConfig): string {
  const suites = resolved.disabledCipherSuites.map((suite) => suite.toString(16).padStart(4, "0"));
  return `${resolved.minVersion}-${resolved.maxVersion}/${suites.join(",")}`;
}

function checkSuites(value: unknown): number[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Invalid disabledCipherSuites ${describe(value)}: must be an array of integers`,
    );
  }
  for (const suite of value) {
    if (!Number.isInteger(suite)) {
      throw new TypeError(
        `Invalid cipher suite ${describe(suite)} in disabledCipherSuites: must be an integer`,
      );
    }
    if (suite < 0 || suite > 0xffff) {
      throw new RangeError(
        `Invalid cipher suite ${suite} in disabledCipherSuites: must be between 0 and 0xffff`,
      );
    }
  }
  return [...new Set(value as number[])].sort((a, b) => a - b);
}

function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `"${value}"`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "object":
      return value === null ? "null" : Array.isArray(value) ? "an array" : "an object";
    default:
      return String(value);
  }
}
