/**
 * Chromium's spellchecker languages: the supported codes, the region each one's dictionary
 * is for, the versioned `.bdic` file names and Electron's normalisation of
 * `setSpellCheckerLanguages`.
 *
 * Source: Chromium `components/spellcheck/common/spellcheck_common.cc`
 * (`kSupportedSpellCheckerLanguages`, `GetVersionedFileName`,
 * `GetCorrespondingSpellCheckLanguage`) and Electron's `Session::SetSpellCheckerLanguages`.
 *
 * @module
 */

import { methodArgumentError } from "../core/conversion_error.ts";

// [language, language-region]: the code callers use and the dictionary it loads, in Chromium's
// order (which is also `availableSpellCheckerLanguages`' order).
const LANGUAGE_REGIONS: readonly (readonly [string, string])[] = [
  ["af", "af-ZA"],
  ["bg", "bg-BG"],
  ["ca", "ca-ES"],
  ["cs", "cs-CZ"],
  ["cy", "cy-GB"],
  ["da", "da-DK"],
  ["de", "de-DE"],
  ["de-DE", "de-DE"],
  ["el", "el-GR"],
  ["en", "en-US"],
  ["en-AU", "en-AU"],
  ["en-CA", "en-CA"],
  ["en-GB", "en-GB"],
  ["en-GB-oxendict", "en-GB-oxendict"],
  ["en-US", "en-US"],
  ["es", "es-ES"],
  ["es-419", "es-ES"],
  ["es-AR", "es-ES"],
  ["es-ES", "es-ES"],
  ["es-MX", "es-ES"],
  ["es-US", "es-ES"],
  ["et", "et-EE"],
  ["fa", "fa-IR"],
  ["fo", "fo-FO"],
  ["fr", "fr-FR"],
  ["fr-FR", "fr-FR"],
  ["he", "he-IL"],
  ["hi", "hi-IN"],
  ["hr", "hr-HR"],
  ["hu", "hu-HU"],
  ["hy", "hy"],
  ["id", "id-ID"],
  ["it", "it-IT"],
  ["it-IT", "it-IT"],
  ["ko", "ko"],
  ["lt", "lt-LT"],
  ["lv", "lv-LV"],
  ["nb", "nb-NO"],
  ["nl", "nl-NL"],
  ["pl", "pl-PL"],
  ["pt", "pt-BR"],
  ["pt-BR", "pt-BR"],
  ["pt-PT", "pt-PT"],
  ["ro", "ro-RO"],
  ["ru", "ru-RU"],
  ["sh", "sh"],
  ["sk", "sk-SK"],
  ["sl", "sl-SI"],
  ["sq", "sq"],
  ["sr", "sr"],
  ["sv", "sv-SE"],
  ["ta", "ta-IN"],
  ["tg", "tg-TG"],
  ["tr", "tr-TR"],
  ["uk", "uk-UA"],
  ["vi", "vi-VN"],
];

// Dictionaries whose file version is not Chromium's default `-3-0`.
const FILE_VERSIONS: ReadonlyMap<string, string> = new Map([
  ["tr-TR", "-4-0"],
  ["tg-TG", "-5-0"],
  ["cy-GB", "-1-0"],
  ["hy", "-1-0"],
  ["sh", "-4-0"],
  ["sr", "-4-0"],
  ["fa-IR", "-9-0"],
  ["en-AU", "-10-1"],
  ["en-CA", "-10-1"],
  ["en-GB", "-10-1"],
  ["en-GB-oxendict", "-10-1"],
  ["en-US", "-10-1"],
  ["uk-UA", "-5-0"],
]);

/**
 * The language codes `setSpellCheckerLanguages` accepts (Electron's
 * `ses.availableSpellCheckerLanguages`), in Chromium's order. A fresh array each call.
 *
 * @returns The codes, like `["af", "bg", ..., "en-US", ...]`.
 *
 * @example
 * ```ts
 * import { availableSpellCheckerLanguages } from "./languages.ts";
 * console.log(availableSpellCheckerLanguages().includes("en-GB")); // true
 * ```
 */
export function availableSpellCheckerLanguages(): string[] {
  return LANGUAGE_REGIONS.map(([language]) => language);
}

/**
 * Maps a code to the spellchecker language Chromium stores for it: a listed code stays as it
 * is; a dictionary region (`"af-ZA"`) becomes the first code whose dictionary it is (`"af"`);
 * anything else gives `""`. Case-sensitive, as in Chromium.
 *
 * @param code A language code such as `"fr"`, `"fr-FR"` or `"es-ES"`.
 * @returns The stored code, or `""` when the code is not supported.
 *
 * @example
 * ```ts
 * import { correspondingSpellCheckLanguage } from "./languages.ts";
 * console.log(correspondingSpellCheckLanguage("af-ZA")); // af
 * console.log(correspondingSpellCheckLanguage("EN-us")); // ""
 * ```
 */
export function correspondingSpellCheckLanguage(code: string): string {
  let bestMatch = "";
  for (const [language, region] of LANGUAGE_REGIONS) {
    if (language === code) return code;
    if (region === code && bestMatch === "") bestMatch = language;
  }
  return bestMatch;
}

/**
 * Validates and normalises a `setSpellCheckerLanguages` argument as Electron does: each code
 * through {@linkcode correspondingSpellCheckLanguage}, order and duplicates kept.
 *
 * @param languages The codes the caller passed.
 * @returns The codes to store.
 * @throws {TypeError} `Error processing argument at index 0, conversion failure from ...` when
 * `languages` is not an array of strings.
 * @throws {Error} `Invalid language code provided: "<code>" is not a valid language code` for
 * the first unsupported code.
 *
 * @example
 * ```ts
 * import { normalizeSpellCheckerLanguages } from "./languages.ts";
 * console.log(normalizeSpellCheckerLanguages(["fr-FR", "af-ZA", "fr-FR"])); // ["fr-FR", "af", "fr-FR"]
 * ```
 */
export function normalizeSpellCheckerLanguages(languages: unknown): string[] {
  // Array.from reads every index, as gin's vector conversion does: a hole is undefined (every()
  // and map() would skip it and store the hole).
  const codes: unknown[] = Array.isArray(languages) ? Array.from(languages) : [];
  if (!Array.isArray(languages) || !codes.every((code) => typeof code === "string")) {
    throw methodArgumentError(0, languages);
  }
  return (codes as string[]).map((code) => {
    const stored = correspondingSpellCheckLanguage(code);
    if (stored === "") {
      throw new Error(`Invalid language code provided: "${code}" is not a valid language code`);
    }
    return stored;
  });
}

/**
 * The dictionary region a language loads (`"fr"` → `"fr-FR"`); an unlisted code is returned
 * as it is, as in Chromium's `GetSpellCheckLanguageRegion`.
 *
 * @param language A stored language code.
 * @returns The region code naming its dictionary.
 *
 * @example
 * ```ts
 * import { spellCheckLanguageRegion } from "./languages.ts";
 * console.log(spellCheckLanguageRegion("pt")); // pt-BR
 * ```
 */
export function spellCheckLanguageRegion(language: string): string {
  return LANGUAGE_REGIONS.find(([code]) => code === language)?.[1] ?? language;
}

/**
 * The versioned `.bdic` file name of a language's dictionary, as Chromium names it in the
 * `Dictionaries` folder: `<region><version>.bdic` with version `-3-0` unless listed otherwise.
 * Download URLs use it lower-cased.
 *
 * @param language A stored language code.
 * @returns The file name, like `"en-US-10-1.bdic"`.
 *
 * @example
 * ```ts
 * import { dictionaryFileName } from "./languages.ts";
 * console.log(dictionaryFileName("fr"), dictionaryFileName("en")); // fr-FR-3-0.bdic en-US-10-1.bdic
 * ```
 */
export function dictionaryFileName(language: string): string {
  const region = spellCheckLanguageRegion(language);
  return `${region}${FILE_VERSIONS.get(region) ?? "-3-0"}.bdic`;
}

// The UI locales Chrome and Electron ship on Linux (build/config/locales.gni: `all_chrome_locales`
// less `extended_locales`, which are not on Windows, Mac or Linux), the ones
// l10n_util::CheckAndResolveLocale finds a locale pak for.
const CHROME_UI_LOCALES = new Set(
  ("af am ar bg bn ca cs da de el en-GB en-US es es-419 et fa fi fil fr gu he hi hr hu id it ja " +
    "kn ko lt lv ml mr ms nb nl pl pt-BR pt-PT ro ru sk sl sr sv sw ta te th tr uk ur vi zh-CN " +
    "zh-TW").split(" "),
);

// Chromium's l10n_util::CheckAndResolveLocale: the UI locale a `lang[-REGION]` candidate
// resolves to, or "".
function resolveChromeLocale(lang: string, region: string | undefined): string {
  if (region === undefined) {
    if (CHROME_UI_LOCALES.has(lang)) return lang;
  } else {
    if (CHROME_UI_LOCALES.has(`${lang}-${region}`)) return `${lang}-${region}`;
    const r = region.toLowerCase();
    let candidate = lang;
    if (lang === "es" && r !== "es") candidate = "es-419";
    else if (lang === "pt") candidate = "pt-PT";
    else if (lang === "zh") candidate = r === "hk" || r === "mo" ? "zh-TW" : "zh-CN";
    // Liberian and Filipino English are US English; every other region's is British.
    else if (lang === "en") candidate = r === "lr" || r === "ph" ? "en-US" : "en-GB";
    if (CHROME_UI_LOCALES.has(candidate)) return candidate;
  }
  // The Google updater's aliases; pt-RR went to pt-PT above, a bare pt is pt-BR.
  const alias: Record<string, string> = {
    en: "en-US",
    iw: "he",
    no: "nb",
    pt: "pt-BR",
    tl: "fil",
    zh: "zh-CN",
  };
  return alias[lang] ?? "";
}

/**
 * Chromium's application locale on Linux (`l10n_util::GetApplicationLocale`, which Electron's
 * `app.getLocale()` returns and its default `Accept-Language` is made of): the first entry of
 * GLib's language list (`LANGUAGE`, else `LC_ALL`, `LC_MESSAGES`, `LANG`; give the first of
 * these that is set), tried as `lang_REGION` then `lang`, that resolves to a Chrome UI locale
 * (`fr_FR` → `fr`, `es_MX` → `es-419`, `en_AU` → `en-GB`, `pt_PT` → `pt-PT`), else `en-US`
 * (as for `C.UTF-8` or an unset locale).
 *
 * @param locale A POSIX locale such as `fr_FR.UTF-8`, or a colon-separated `LANGUAGE` list.
 * @returns The Chrome UI locale, like `fr` or `en-US`.
 *
 * @example
 * ```ts
 * import { applicationLocale } from "./languages.ts";
 * console.log(applicationLocale("fr_FR.UTF-8"), applicationLocale("xx:es_MX"), applicationLocale("C")); // fr es-419 en-US
 * ```
 */
export function applicationLocale(locale: string): string {
  for (const entry of locale.split(":")) {
    const match = /^([a-z]{2,3})(?:[_-]([A-Za-z]{2}|[0-9]{3}))?/.exec(entry);
    if (!match || match[1] === undefined) continue;
    const resolved = (match[2] !== undefined ? resolveChromeLocale(match[1], match[2]) : "") ||
      resolveChromeLocale(match[1], undefined);
    if (resolved !== "") return resolved;
  }
  return "en-US";
}

/**
 * The spellchecker language Electron stores when no languages are stored: the one for
 * Chromium's application locale ({@linkcode applicationLocale}; `GetCorrespondingSpellCheckLanguage`
 * of ICU's default locale, which `l10n_util::GetApplicationLocale` sets to Chrome's UI locale),
 * like `de` for `de_AT.UTF-8`; `""` when that locale has no dictionary.
 *
 * @param locale A POSIX locale such as `fr_FR.UTF-8`, or a colon-separated `LANGUAGE` list.
 * @returns The stored code, or `""` when the locale has no dictionary.
 *
 * @example
 * ```ts
 * import { spellCheckLanguageForLocale } from "./languages.ts";
 * console.log(spellCheckLanguageForLocale("de_AT.UTF-8"), spellCheckLanguageForLocale("en_AU")); // de en-GB
 * ```
 */
export function spellCheckLanguageForLocale(locale: string): string {
  return correspondingSpellCheckLanguage(applicationLocale(locale));
}
