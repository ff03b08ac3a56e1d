/**
 * The spellchecker's keys in a partition's `Preferences` JSON file, under Chromium's names:
 * `spellcheck.dictionaries` (list of language codes; an older profile's single
 * `spellcheck.dictionary` is read when the list is empty) and `browser.enable_spellchecking`.
 * The file itself (reading, locked atomic writes, the `.bad` copy of a corrupt one) is
 * core/preferences_file.ts's.
 *
 * Source: Chromium `components/spellcheck/browser/pref_names.cc`.
 *
 * @module
 */

import {
  childObject,
  ensureChildObject,
  type JsonObject,
  type PreferencesChange,
} from "../core/preferences_file.ts";

/** The spellchecker settings a `Preferences` file holds; absent keys are `undefined`. */
export interface SpellcheckPreferences {
  /** `spellcheck.dictionaries`: the stored language codes. */
  dictionaries?: string[];
  /** `browser.enable_spellchecking`. */
  enabled?: boolean;
}

/**
 * The spellchecker settings in a `Preferences` file's root object. Values of the wrong type are
 * ignored.
 *
 * @param root The file's parsed root object.
 * @returns The settings found.
 *
 * @example
 * ```ts
 * import { spellcheckPreferencesOf } from "./spellcheck_preferences.ts";
 * console.log(spellcheckPreferencesOf({ browser: { enable_spellchecking: false } }));
 * // { enabled: false }
 * ```
 */
export function spellcheckPreferencesOf(root: JsonObject): SpellcheckPreferences {
  const preferences: SpellcheckPreferences = {};
  const spellcheck = childObject(root, "spellcheck");
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
  const enabled = childObject(root, "browser")?.["enable_spellchecking"];
  if (typeof enabled === "boolean") preferences.enabled = enabled;
  return preferences;
}

/**
 * The change that stores spellchecker settings in a `Preferences` file's root object, setting
 * only the keys given.
 *
 * @param preferences The keys to set.
 * @returns A change for `PreferencesFile.change`.
 *
 * @example
 * ```ts
 * import { setSpellcheckPreferences } from "./spellcheck_preferences.ts";
 * const root = { zoom: 2 };
 * setSpellcheckPreferences({ dictionaries: ["fr"] })(root);
 * console.log(root); // { zoom: 2, spellcheck: { dictionaries: ["fr"] } }
 * ```
 */
export function setSpellcheckPreferences(preferences: SpellcheckPreferences): PreferencesChange {
  const dictionaries = preferences.dictionaries && [...preferences.dictionaries];
  const enabled = preferences.enabled;
  return (root) => {
    if (dictionaries !== undefined) {
      ensureChildObject(root, "spellcheck")["dictionaries"] = [...dictionaries];
    }
    if (enabled !== undefined) ensureChildObject(root, "browser")["enable_spellchecking"] = enabled;
  };
}
