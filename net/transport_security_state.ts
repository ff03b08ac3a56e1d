/**
 * The hosts a session knows as HTTPS-only (HSTS, RFC 6797), learned from
 * `Strict-Transport-Security` headers, as Chromium's `TransportSecurityState` keeps its
 * dynamic entries; a persistent partition keeps them in its `TransportSecurity` file, in
 * Chromium's format (`TransportSecurityPersister`, version 2).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import process from "node:process";
import { isLocalHostname } from "./local_hostname.ts";
import { parseStrictTransportSecurity } from "./strict_transport_security.ts";

/** One host's HSTS entry, times in ms since the epoch. */
interface StsEntry {
  /** When the header was seen. */
  observed: number;
  /** When the entry lapses. */
  expiry: number;
  includeSubDomains: boolean;
}

/** The `TransportSecurity` file, as Chromium's persister writes it. */
interface PersistedState {
  version: 2;
  sts: {
    /** Base64 of the SHA-256 of the host in DNS wire form. */
    host: string;
    mode: "force-https";
    sts_include_subdomains: boolean;
    /** Seconds since the epoch. */
    sts_observed: number;
    /** Seconds since the epoch. */
    expiry: number;
  }[];
}

/** Options for {@linkcode TransportSecurityState}. */
export interface TransportSecurityStateOptions {
  /** The `TransportSecurity` file; `null` keeps the state in memory. */
  path: string | null;
  /** The clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
}

/**
 * How often a refresh alone (a host sending the header it sent before, as HSTS sites do on every
 * response) rewrites the file; a new, changed or removed host is written at once. Chromium's
 * persister likewise batches its writes (ImportantFileWriter's delay).
 */
const REFRESH_SAVE_INTERVAL_MS = 60_000;

/**
 * A session's HSTS hosts. Hosts are keyed by the SHA-256 of their DNS wire form, as Chromium
 * keys them, so the file names no host in clear text.
 *
 * @example
 * ```ts
 * import { TransportSecurityState } from "./transport_security_state.ts";
 * const state = new TransportSecurityState({ path: null });
 * state.processHeader("example.com", "max-age=31536000; includeSubDomains");
 * console.log(state.shouldUpgradeToSsl("www.example.com"), state.shouldUpgradeToSsl("example.org"));
 * // true false
 * ```
 */
export class TransportSecurityState {
  #entries = new Map<string, StsEntry>();
  #path: string | null;
  #now: () => number;
  #loaded: boolean;
  #savedAt = -Infinity;

  /**
   * Opens the state. The `TransportSecurity` file, when there is one, is read at the first
   * question, not here: a session that never fetches never reads it. A file that is not
   * Chromium's format is ignored (and replaced at the next change), never an error.
   *
   * @param options Where the state lives.
   */
  constructor(options: TransportSecurityStateOptions) {
    this.#path = options.path;
    this.#now = options.now ?? Date.now;
    this.#loaded = this.#path === null;
  }

  /** Whether no host is known: the pipeline's fast path reads this. */
  get empty(): boolean {
    if (!this.#loaded) this.#load();
    return this.#entries.size === 0;
  }

  /**
   * Whether a request to `host` must go over HTTPS: the host has an entry, or a parent domain
   * has one with `includeSubDomains` (Chromium's `GetDynamicSTSState`). IP addresses never do.
   *
   * @param host A URL's hostname (lower case, punycode), a trailing dot allowed.
   * @returns Whether to upgrade.
   */
  shouldUpgradeToSsl(host: string): boolean {
    if (this.empty) return false;
    const name = canonicalHost(host);
    if (name === undefined) return false;
    const now = this.#now();
    const labels = name.split(".");
    for (let i = 0; i < labels.length; i++) {
      const key = hashHost(labels.slice(i).join("."));
      const entry = this.#entries.get(key);
      if (entry === undefined) continue;
      if (entry.expiry <= now) {
        this.#entries.delete(key);
        continue;
      }
      if (i === 0 || entry.includeSubDomains) return true;
    }
    return false;
  }

  /**
   * Processes a `Strict-Transport-Security` header received over HTTPS without certificate
   * errors: a valid header adds or refreshes the host's entry, `max-age=0` removes it, an
   * invalid one is ignored (RFC 6797 §8.1). Chromium ignores it for IP addresses too, and for
   * `localhost` and the names under it (`URLRequestHttpJob::ProcessStrictTransportSecurityHeader`,
   * feature `IgnoreHSTSForLocalhost`), so a development server's header binds no other port.
   *
   * @param host The response's hostname.
   * @param value The first `Strict-Transport-Security` header's value.
   * @returns Whether the state changed.
   */
  processHeader(host: string, value: string): boolean {
    const name = canonicalHost(host);
    const directives = parseStrictTransportSecurity(value);
    if (name === undefined || directives === undefined || isLocalHostname(name)) return false;
    if (!this.#loaded) this.#load();
    const key = hashHost(name);
    const now = this.#now();
    const known = this.#entries.get(key);
    if (directives.maxAge === 0) {
      if (!this.#entries.delete(key)) return false;
    } else {
      this.#entries.set(key, {
        observed: now,
        expiry: now + directives.maxAge * 1000,
        includeSubDomains: directives.includeSubDomains,
      });
      const refresh = known !== undefined && known.expiry > now &&
        known.includeSubDomains === directives.includeSubDomains;
      if (refresh && now - this.#savedAt < REFRESH_SAVE_INTERVAL_MS) return true;
    }
    this.#save(key);
    return true;
  }

  #load(): void {
    this.#loaded = true;
    this.#merge(readPersisted(this.#path!));
  }

  #merge(persisted: PersistedState | undefined): void {
    for (const entry of persisted?.sts ?? []) {
      const known = this.#entries.get(entry.host);
      const observed = entry.sts_observed * 1000;
      if (known !== undefined && known.observed >= observed) continue;
      this.#entries.set(entry.host, {
        observed,
        expiry: entry.expiry * 1000,
        includeSubDomains: entry.sts_include_subdomains,
      });
    }
  }

  /**
   * Writes the file with this process's entries and another process's newer ones (two
   * processes may share a partition): read, merge, write a temporary file, rename over. The
   * changed entry `key` is ours, whatever the file says.
   */
  #save(key: string): void {
    if (this.#path === null) return;
    const ours = this.#entries.get(key);
    this.#merge(readPersisted(this.#path));
    if (ours === undefined) this.#entries.delete(key);
    else this.#entries.set(key, ours);
    const now = this.#now();
    const state: PersistedState = { version: 2, sts: [] };
    for (const [host, entry] of this.#entries) {
      if (entry.expiry <= now) continue;
      state.sts.push({
        host,
        mode: "force-https",
        sts_include_subdomains: entry.includeSubDomains,
        sts_observed: entry.observed / 1000,
        expiry: entry.expiry / 1000,
      });
    }
    this.#savedAt = now;
    const temporary = `${this.#path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(state));
      renameSync(temporary, this.#path);
    } catch {
      // A full disk or a removed directory loses the entry on restart, as Chromium's
      // ImportantFileWriter does; the request that taught it must not fail for it.
    }
  }
}

/** The file's entries, or `undefined` when it is missing or not Chromium's format. */
function readPersisted(path: string): PersistedState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { version, sts } = parsed as { version?: unknown; sts?: unknown };
  if (version !== 2 || !Array.isArray(sts)) return undefined;
  return {
    version: 2,
    sts: sts.filter((entry): entry is PersistedState["sts"][number] =>
      typeof entry === "object" && entry !== null && typeof entry.host === "string" &&
      entry.mode === "force-https" && typeof entry.sts_include_subdomains === "boolean" &&
      Number.isFinite(entry.sts_observed) && Number.isFinite(entry.expiry)
    ),
  };
}

/**
 * The hostname without a trailing dot, or `undefined` for an IP address or a name DNS cannot
 * carry (an empty label, one over 63 bytes), which Chromium's `CanonicalizeHost` refuses.
 */
function canonicalHost(host: string): string | undefined {
  const name = (host.endsWith(".") ? host.slice(0, -1) : host).toLowerCase();
  if (name === "" || name.startsWith("[") || isIP(name) !== 0) return undefined;
  if (name.split(".").some((label) => label === "" || label.length > 63)) return undefined;
  return name;
}

/**
 * Chromium's `HashedHost`: the SHA-256 of the name in DNS wire form (each label after its
 * length byte, then a zero byte), in base64 as the file writes it.
 */
function hashHost(name: string): string {
  const labels = name.split(".").map((label) => Buffer.from(label, "latin1"));
  const wire = Buffer.concat([
    ...labels.flatMap((label) => [Buffer.from([label.length]), label]),
    Buffer.from([0]),
  ]);
  return createHash("sha256").update(wire).digest("base64");
}
