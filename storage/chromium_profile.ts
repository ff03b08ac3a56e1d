/**
 * Reads the cookies of a Chromium or Electron profile on Linux (its Local Storage:
 * `chromium_local_storage.ts`), for `ses storage
 * import-chromium`. Source: Chromium's `net/extras/sqlite/sqlite_persistent_cookie_store.cc`
 * (schema, `meta` version, SameSite codes) and `components/os_crypt/sync/os_crypt_linux.cc`
 * (`v10`: AES-128-CBC, key PBKDF2-HMAC-SHA1("peanuts", "saltysalt", 1 iteration, 16 bytes),
 * IV of 16 spaces; `v11`: the same with a key from the desktop keyring, which is not read here).
 *
 * @module
 */

import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import type { CookieSameSite } from "../core/electron_types.ts";
import type { SqlDatabase } from "../core/runtime.ts";
import type { ImportedCookie } from "./storage_state.ts";

/** What a profile gave. */
export interface ChromiumProfileData {
  /** The `Cookies` database read (`<dir>/Network/Cookies` or `<dir>/Cookies`). */
  cookiesPath: string;
  /** Cookies stored in the clear or as `v10` values. */
  cookies: ImportedCookie[];
  /** `v11` values (key in the desktop keyring), not imported. */
  skippedKeyring: number;
  /** Values that did not decrypt or carried an unknown prefix, not imported. */
  skippedUnreadable: number;
}

/** Options for {@linkcode readChromiumProfile}. */
export interface ReadChromiumProfileOptions {
  /** Opens a SQLite file (the Runtime's `openDatabase`). */
  openDatabase: (path: string) => SqlDatabase;
}

// Chromium's CookieSameSite codes in the `samesite` column.
const SAME_SITE: Record<number, CookieSameSite> = {
  [-1]: "unspecified",
  0: "no_restriction",
  1: "lax",
  2: "strict",
};
// Milliseconds between 1601-01-01 and 1970-01-01.
const WINDOWS_EPOCH_OFFSET_MS = 11_644_473_600_000;
const V10_KEY = pbkdf2Sync("peanuts", "saltysalt", 1, 16, "sha1");
const V10_IV = Buffer.alloc(16, 0x20);

/**
 * Reads a profile's cookies. The database is copied to a temporary directory first, so the
 * profile (possibly open in a running browser) is never written to.
 *
 * @param profileDir The profile directory (like `~/.config/chromium/Default` or an Electron
 * app's `userData`).
 * @param options How to open SQLite.
 * @returns The cookies and what was skipped.
 * @throws {Error} `No Cookies database in "<dir>"` when neither `Network/Cookies` nor
 * `Cookies` exists (naming the profiles in it when it is a browser's user data directory);
 * `Cookies database "<path>" is not a regular file` for a FIFO, device or directory there;
 * SQLite's error for a file that is not a cookie database.
 *
 * @example
 * ```ts ignore
 * import { currentRuntime } from "../runtime/mod.ts";
 * import { readChromiumProfile } from "./chromium_profile.ts";
 * const runtime = currentRuntime();
 * const data = readChromiumProfile("/home/me/.config/chromium/Default", {
 *   openDatabase: (p) => runtime.openDatabase(p),
 * });
 * console.log(data.cookies.length, data.skippedKeyring);
 * ```
 */
export function readChromiumProfile(
  profileDir: string,
  options: ReadChromiumProfileOptions,
): ChromiumProfileData {
  const cookiesPath = cookiesDatabase(profileDir);
  if (cookiesPath === undefined) {
    throw new Error(`No Cookies database in "${profileDir}"${profilesHint(profileDir)}`);
  }
  // A FIFO would hang the copy and a device (/dev/zero) fill the disk: only regular files,
  // which is all a profile holds, are copied.
  if (!isRegularFile(cookiesPath)) {
    throw new Error(`Cookies database "${cookiesPath}" is not a regular file`);
  }
  const scratch = mkdtempSync(join(tmpdir(), "ses-chromium-"));
  try {
    const copy = join(scratch, "Cookies");
    for (const suffix of ["", "-journal", "-wal"]) {
      if (isRegularFile(cookiesPath + suffix)) copyFileSync(cookiesPath + suffix, copy + suffix);
    }
    const db = options.openDatabase(copy);
    try {
      return { cookiesPath, ...readCookies(db) };
    } finally {
      db.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function cookiesDatabase(profileDir: string): string | undefined {
  return [join(profileDir, "Network", "Cookies"), join(profileDir, "Cookies")]
    .find((path) => existsSync(path));
}

// A browser's user data directory (`~/.config/chromium`) is what people find first; its
// profiles (`Default`, `Profile 1`) are the directories in it that hold a Cookies database.
function profilesHint(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())
      .map((entry) => entry.name).sort();
  } catch {
    return "";
  }
  const profiles = names.map((name) => join(dir, name))
    .filter((path) => cookiesDatabase(path) !== undefined).map((path) => `"${path}"`);
  if (profiles.length === 0) return "";
  if (profiles.length === 1) return `: it holds the profile ${profiles[0]}; give it`;
  const listed = `${profiles.slice(0, -1).join(", ")} and ${profiles.at(-1)}`;
  return `: it holds the profiles ${listed}; give one of them`;
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readCookies(db: SqlDatabase) {
  const version = Number(db.prepare("SELECT value FROM meta WHERE key = 'version'").get()?.value);
  const cookies: ImportedCookie[] = [];
  let skippedKeyring = 0;
  let skippedUnreadable = 0;
  const rows = db.prepare(
    // Microseconds since 1601 pass 2^53; milliseconds fit a JavaScript number exactly.
    "SELECT host_key, name, value, encrypted_value, path, expires_utc / 1000 AS expires_ms, " +
      "is_secure, is_httponly, " +
      "has_expires, samesite FROM cookies",
  ).all();
  for (const row of rows) {
    const host = String(row.host_key);
    let value = String(row.value);
    const encrypted = row.encrypted_value instanceof Uint8Array ? row.encrypted_value : undefined;
    if (value === "" && encrypted !== undefined && encrypted.length > 0) {
      const prefix = new TextDecoder().decode(encrypted.subarray(0, 3));
      if (prefix === "v11") {
        skippedKeyring++;
        continue;
      }
      const clear = prefix === "v10" ? decryptV10(encrypted.subarray(3)) : undefined;
      if (clear === undefined) {
        skippedUnreadable++;
        continue;
      }
      // Since version 24 the plaintext starts with SHA-256(host_key), binding it to its row.
      value = new TextDecoder().decode(version >= 24 ? clear.subarray(32) : clear);
    }
    const hostOnly = !host.startsWith(".");
    const bare = hostOnly ? host : host.slice(1);
    const secure = Number(row.is_secure) === 1;
    const path = String(row.path);
    const expiresMs = Number(row.expires_ms ?? 0);
    const base = {
      name: String(row.name),
      value,
      domain: host,
      hostOnly,
      path,
      secure,
      httpOnly: Number(row.is_httponly) === 1,
      sameSite: SAME_SITE[Number(row.samesite)] ?? "unspecified",
      url: `${secure ? "https" : "http"}://${bare}${path}`,
    };
    cookies.push(
      Number(row.has_expires) === 1 && expiresMs > 0
        ? {
          ...base,
          session: false,
          expirationDate: (expiresMs - WINDOWS_EPOCH_OFFSET_MS) / 1000,
        }
        : { ...base, session: true },
    );
  }
  return { cookies, skippedKeyring, skippedUnreadable };
}

function decryptV10(data: Uint8Array): Uint8Array | undefined {
  try {
    const decipher = createDecipheriv("aes-128-cbc", V10_KEY, V10_IV);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return undefined;
  }
}
