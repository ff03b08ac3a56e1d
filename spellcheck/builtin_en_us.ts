/**
 * The built-in en-US dictionary: the npm package `dictionary-en` (Hunspell's en_US word list from
 * the SCOWL project), so the default language works offline.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
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
  loaded ??= readDictionaryEn();
  return loaded;
}

// The package's two files, read beside the entry point `require` finds: a bare `import` would
// resolve through the importing program's Deno configuration, which need not list @ses's
// dependencies, and `require` cannot load the entry itself (it awaits at top level).
async function readDictionaryEn(): Promise<HunspellDictionaryFiles> {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve("dictionary-en"));
  const [aff, dic] = await Promise.all([
    readFile(new URL("index.aff", entry)),
    readFile(new URL("index.dic", entry)),
  ]);
  return { language: "en-US", aff: new Uint8Array(aff), dic: new Uint8Array(dic) };
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
    selectedLanguages: () => ["en-US"],
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
