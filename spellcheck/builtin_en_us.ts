/**
 * The built-in en-US dictionary: the npm package `dictionary-en` (Hunspell's en_US word list from
 * the SCOWL project), so the default language works offline.
 *
 * @module
 */

import type {
  HunspellDictionaryFiles,
  SpellcheckDictionaryProvider,
} from "./dictionary_provider.ts";

let loaded: Promise<HunspellDictionaryFiles> | undefined;

/**
 * The en-US files of `dictionary-en`, read once per process (the package is imported on first
 * use, so sessions that never spellcheck do not read it).
 *
 * @returns `{language: "en-US", aff, dic}`.
 * @throws {Error} When the package is not installed.
 *
 * @example
 * ```ts
 * import { builtinEnUsDictionary } from "./builtin_en_us.ts";
 * const { language, aff } = await builtinEnUsDictionary();
 * console.log(language, new TextDecoder().decode(aff.subarray(0, 9))); // en-US SET UTF-8
 * ```
 */
export function builtinEnUsDictionary(): Promise<HunspellDictionaryFiles> {
  loaded ??= import("dictionary-en").then(({ default: { aff, dic } }) => ({
    language: "en-US",
    aff: new Uint8Array(aff),
    dic: new Uint8Array(dic),
  }));
  return loaded;
}

/**
 * A provider with only the built-in en-US dictionary and no custom words: the session's provider
 * until language settings choose others.
 *
 * @returns The provider.
 *
 * @example
 * ```ts
 * import { builtinEnUsProvider } from "./builtin_en_us.ts";
 * const provider = builtinEnUsProvider();
 * console.log((await provider.activeDictionaries()).map((d) => d.language), provider.isCustomWord("ses")); // [ "en-US" ] false
 * ```
 */
export function builtinEnUsProvider(): SpellcheckDictionaryProvider {
  return {
    activeDictionaries: async () => [await builtinEnUsDictionary()],
    isCustomWord: () => false,
  };
}

/**
 * The dictionary @ses ships for a language region, if any: en-US only (from `dictionary-en`),
 * so the default language works offline and is never downloaded.
 *
 * @param region The region code, like `"en-US"` (`spellCheckLanguageRegion`'s answer).
 * @returns The files, or `undefined` for every other region.
 *
 * @example
 * ```ts
 * import { builtinDictionaryFor } from "./builtin_en_us.ts";
 * const files = await builtinDictionaryFor("en-US");
 * console.log(files !== undefined, await builtinDictionaryFor("fr-FR")); // true undefined
 * ```
 */
export function builtinDictionaryFor(region: string): Promise<HunspellDictionaryFiles | undefined> {
  return region === "en-US" ? builtinEnUsDictionary() : Promise.resolve(undefined);
}
