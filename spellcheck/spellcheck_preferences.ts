/**
 * The spellchecker's part of a partition's `Preferences` JSON file, under Chromium's keys:
 * `spellcheck.dictionaries` (list of language codes; an older profile's single
 * `spellcheck.dictionary` is read when the list is empty) and `browser.enable_spellchecking`.
 * Other keys in the file are kept as they are.
 *
 * Source: Chromium `components/spellcheck/browser/pref_names.cc`; JSON files are replaced
 * atomically and a corrupt one is moved aside to `Preferences.bad`, like Chromium's
 * `JsonPrefStore`.
 *
 * @module
 */

import { mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { withFileLock } from "./_file_lock.ts";
import { writeFileAtomicSync } from "./_write_file_sync.ts";
import type { Runtime } from "../core/runtime.ts";

/** The spellchecker settings a `Preferences` file holds; absent keys are `undefined`. */
export interface SpellcheckPreferences {
  /** `spellcheck.dictionaries`: the stored language codes. */
  dictionaries?: string[];
  /** `browser.enable_spellchecking`. */
  enabled?: boolean;
}

/**
 * Reads the spellchecker settings from a `Preferences` file, synchronously (a session's
 * settings are needed before its first call returns, as Chromium reads a profile's prefs at
 * start). A missing file gives `{}`; a file that is not a JSON object is renamed to
 * `Preferences.bad` with a warning and gives `{}`. Values of the wrong type are ignored.
 *
 * @param path The `Preferences` file.
 * @param onWarning Told when a corrupt file was moved aside; default `console.warn`.
 * @returns The settings found.
 *
 * @example
 * ```ts
 * import { readSpellcheckPreferences } from "./spellcheck_preferences.ts";
 * console.log(readSpellcheckPreferences("/nonexistent/Preferences")); // {}
 * ```
 */
export function readSpellcheckPreferences(
  path: string,
  onWarning: (message: string) => void = console.warn,
): SpellcheckPreferences {
  let text: string;
  try {
    // A FIFO or a device in the file's place would block this synchronous read for ever.
    if (!statSync(path).isFile()) return {};
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  const root = parseObject(text);
  if (root === undefined) {
    try {
      renameSync(path, `${path}.bad`);
      onWarning(
        `Preferences file "${path}" is not a JSON object; moved it to "${path}.bad" and ` +
          `started from the defaults`,
      );
    } catch (error) {
      // Moving it aside is a courtesy; the next write replaces it either way.
      onWarning(
        `Preferences file "${path}" is not a JSON object and could not be moved aside ` +
          `(${String(error)}); started from the defaults`,
      );
    }
    return {};
  }
  const preferences: SpellcheckPreferences = {};
  const spellcheck = child(root, "spellcheck");
  const dictionaries = spellcheck?.["dictionaries"];
  if (Array.isArray(dictionaries)) {
    preferences.dictionaries = dictionaries.filter((code) => typeof code === "string");
  }
  // Chromium's SpellcheckService migrates the single-language `spellcheck.dictionary` of older
  // profiles when the list is empty.
  const single = spellcheck?.["dictionary"];
  if (!preferences.dictionaries?.length && typeof single === "string" && single !== "") {
    preferences.dictionaries = [single];
  }
  const enabled = child(root, "browser")?.["enable_spellchecking"];
  if (typeof enabled === "boolean") preferences.enabled = enabled;
  return preferences;
}

/**
 * Writes spellchecker settings into a `Preferences` file: reads the file, sets the given keys,
 * and replaces it atomically, so the other keys survive, holding `<path>.lock` meanwhile so that
 * two sessions on one partition (in one process or two) never drop each other's change.
 *
 * @param path The `Preferences` file; its directory is created if needed.
 * @param preferences The keys to set.
 * @param files Creates the directory and writes the file atomically.
 * @returns Resolves when the file is replaced; rejects when it cannot be written.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import {
 *   readSpellcheckPreferences,
 *   writeSpellcheckPreferences,
 * } from "./spellcheck_preferences.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const path = `${mkdtempSync(`${tmpdir()}/ses-prefs-`)}/Preferences`;
 * await writeSpellcheckPreferences(path, { dictionaries: ["fr"] }, currentRuntime());
 * console.log(readSpellcheckPreferences(path)); // { dictionaries: ["fr"] }
 * ```
 */
export async function writeSpellcheckPreferences(
  path: string,
  preferences: SpellcheckPreferences,
  files: Pick<Runtime, "ensureDir" | "writeFileAtomic">,
): Promise<void> {
  await files.ensureDir(dirname(path));
  // Another session on this partition (in this process or another) may be writing its keys:
  // without the lock, its read-change-write and this one each keep only their own change.
  await withFileLock(`${path}.lock`, async () => {
    const text = await stat(path).then((found) => found.isFile() ? readFile(path, "utf8") : "{}")
      .catch(() => "{}");
    await files.writeFileAtomic(path, withPreferences(text, preferences));
  });
}

/**
 * {@linkcode writeSpellcheckPreferences} done synchronously, for the settings still pending when
 * the process ends (no promise runs then); it takes no lock.
 *
 * @param path The `Preferences` file; its directory is created if needed.
 * @param preferences The keys to set.
 * @throws The file system's error when the file cannot be written.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import {
 *   readSpellcheckPreferences,
 *   writeSpellcheckPreferencesSync,
 * } from "./spellcheck_preferences.ts";
 * const path = `${mkdtempSync(`${tmpdir()}/ses-prefs-`)}/Preferences`;
 * writeSpellcheckPreferencesSync(path, { enabled: false });
 * console.log(readSpellcheckPreferences(path)); // { enabled: false }
 * ```
 */
export function writeSpellcheckPreferencesSync(
  path: string,
  preferences: SpellcheckPreferences,
): void {
  mkdirSync(dirname(path), { recursive: true });
  let text = "{}";
  try {
    if (statSync(path).isFile()) text = readFileSync(path, "utf8");
  } catch {
    // No file yet: the keys go into a new one.
  }
  writeFileAtomicSync(path, new TextEncoder().encode(withPreferences(text, preferences)));
}

// The file's JSON with the keys set (a corrupt file's other keys are not kept).
function withPreferences(text: string, preferences: SpellcheckPreferences): string {
  const root = parseObject(text) ?? {};
  if (preferences.dictionaries !== undefined) {
    ensureChild(root, "spellcheck")["dictionaries"] = [...preferences.dictionaries];
  }
  if (preferences.enabled !== undefined) {
    ensureChild(root, "browser")["enable_spellchecking"] = preferences.enabled;
  }
  return JSON.stringify(root);
}

type JsonObject = Record<string, unknown>;

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(root: JsonObject, key: string): JsonObject | undefined {
  const value = root[key];
  return isObject(value) ? value : undefined;
}

function ensureChild(root: JsonObject, key: string): JsonObject {
  const existing = child(root, key);
  if (existing !== undefined) return existing;
  const created: JsonObject = {};
  root[key] = created;
  return created;
}
