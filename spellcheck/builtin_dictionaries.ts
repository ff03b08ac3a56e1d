/**
 * The dictionaries that ship with @ses, so the default language works offline: en-US from the
 * npm package `dictionary-en` (Hunspell's en_US from SCOWL).
 *
 * @module
 */

/** A dictionary's hunspell files. */
export interface BuiltinDictionaryFiles {
  /** The `.aff` file. */
  aff: Uint8Array;
  /** The `.dic` file. */
  dic: Uint8Array;
}

/**
 * Loads the built-in dictionary of a dictionary region, if there is one. The package is
 * imported on first use, so sessions that never spellcheck do not read it.
 *
 * @param region A dictionary region such as `"en-US"` (see `spellCheckLanguageRegion`).
 * @returns The files, or `undefined` when the region has no built-in dictionary.
 *
 * @example
 * ```ts
 * import { loadBuiltinDictionary } from "./builtin_dictionaries.ts";
 * const files = await loadBuiltinDictionary("en-US");
 * console.log(files !== undefined, await loadBuiltinDictionary("fr-FR")); // true undefined
 * ```
 */
export async function loadBuiltinDictionary(
  region: string,
): Promise<BuiltinDictionaryFiles | undefined> {
  if (region !== "en-US") return undefined;
  const { default: dictionary } = await import("dictionary-en");
  return { aff: dictionary.aff, dic: dictionary.dic };
}
