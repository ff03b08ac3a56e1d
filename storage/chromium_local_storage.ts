/**
 * Reads the `localStorage` of a Chromium or Electron profile: the LevelDB in
 * `Local Storage/leveldb/`, through `classic-level` (LevelDB's own code, prebuilt for Node-API).
 * Source: Chromium's `components/services/storage/dom_storage/local_storage_impl.cc` (keys
 * `_<origin>\x00<key>`, `META:<origin>`, `VERSION`) and `dom_storage_database.cc` /
 * `storage_area_impl.cc` (a key or value is a format byte, `0` UTF-16LE or `1` Latin-1, then the
 * characters).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { originOf } from "./origin.ts";

/** What a profile's Local Storage gave. */
export interface ChromiumLocalStorage {
  /** Items by origin (first-party storage keys only), keys in Chromium's order. */
  origins: { origin: string; items: [string, string][] }[];
  /** Items skipped: partitioned (third-party) storage keys or an unknown format byte. */
  skippedItems: number;
  /** Why nothing was read (no LevelDB, or it could not be opened), else `undefined`. */
  skipped: string | undefined;
}

/**
 * Reads a profile's `Local Storage/leveldb/`. The directory is copied to a temporary one first
 * (LevelDB writes on open), so the profile, possibly open in a running browser, is untouched.
 *
 * @param profileDir The profile directory.
 * @returns The items, or why none were read (never throws for an absent or unreadable store).
 *
 * @example
 * ```ts
 * import { readChromiumLocalStorage } from "./chromium_local_storage.ts";
 * console.log((await readChromiumLocalStorage("/nonexistent")).skipped); // no Local Storage/leveldb in "/nonexistent"
 * ```
 */
export async function readChromiumLocalStorage(profileDir: string): Promise<ChromiumLocalStorage> {
  const source = join(profileDir, "Local Storage", "leveldb");
  if (!existsSync(source)) {
    return { origins: [], skippedItems: 0, skipped: `no Local Storage/leveldb in "${profileDir}"` };
  }
  const scratch = mkdtempSync(join(tmpdir(), "ses-chromium-ls-"));
  try {
    const copy = join(scratch, "leveldb");
    cpSync(source, copy, { recursive: true, filter: (path) => !path.endsWith("LOCK") });
    // `require` finds classic-level beside this file; a bare `import` would resolve through the
    // importing program's Deno configuration, which need not list @ses's dependencies.
    const { ClassicLevel } = createRequire(import.meta.url)(
      "classic-level",
    ) as typeof import("classic-level");
    const db = new ClassicLevel<Buffer, Buffer>(copy, {
      createIfMissing: false,
      keyEncoding: "buffer",
      valueEncoding: "buffer",
    });
    const byOrigin = new Map<string, [string, string][]>();
    let skippedItems = 0;
    try {
      // Data keys start with "_"; "`" is the next byte, so the range holds them all.
      for await (
        const [key, value] of db.iterator({ gte: Buffer.from("_"), lt: Buffer.from("`") })
      ) {
        const separator = key.indexOf(0);
        const origin = separator > 1
          ? originOf(key.subarray(1, separator).toString("latin1"))
          : undefined;
        const name = separator > 1 ? decodeString(key.subarray(separator + 1)) : undefined;
        const text = decodeString(value);
        // A partitioned storage key ("https://a.test/^0https://b.test") is not an origin.
        if (
          origin === undefined || name === undefined || text === undefined ||
          key.subarray(1, separator).toString("latin1") !== origin
        ) {
          skippedItems++;
          continue;
        }
        let items = byOrigin.get(origin);
        if (items === undefined) byOrigin.set(origin, items = []);
        items.push([name, text]);
      }
    } finally {
      await db.close();
    }
    const origins = [...byOrigin].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([origin, items]) => ({ origin, items }));
    return { origins, skippedItems, skipped: undefined };
  } catch (error) {
    return { origins: [], skippedItems: 0, skipped: `cannot read "${source}": ${String(error)}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Chromium's StorageFormat: 0 = UTF-16LE, 1 = Latin-1, each after its format byte.
function decodeString(bytes: Uint8Array): string | undefined {
  const body = Buffer.from(bytes.subarray(1));
  if (bytes[0] === 1) return body.toString("latin1");
  if (bytes[0] === 0 && body.length % 2 === 0) return body.toString("utf16le");
  return undefined;
}
