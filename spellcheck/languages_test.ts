import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  availableSpellCheckerLanguages,
  correspondingSpellCheckLanguage,
  dictionaryFileName,
  normalizeSpellCheckerLanguages,
  spellCheckLanguageForLocale,
  spellCheckLanguageRegion,
} from "./languages.ts";

// SEMANTICS.md's table: code→region, a bare code being its own region.
const TABLE = "af→af-ZA bg→bg-BG ca→ca-ES cs→cs-CZ cy→cy-GB da→da-DK de→de-DE de-DE el→el-GR " +
  "en→en-US en-AU en-CA en-GB en-GB-oxendict en-US es→es-ES es-419→es-ES es-AR→es-ES es-ES " +
  "es-MX→es-ES es-US→es-ES et→et-EE fa→fa-IR fo→fo-FO fr→fr-FR fr-FR he→he-IL hi→hi-IN " +
  "hr→hr-HR hu→hu-HU hy id→id-ID it→it-IT it-IT ko lt→lt-LT lv→lv-LV nb→nb-NO nl→nl-NL " +
  "pl→pl-PL pt→pt-BR pt-BR pt-PT ro→ro-RO ru→ru-RU sh sk→sk-SK sl→sl-SI sq sr sv→sv-SE " +
  "ta→ta-IN tg→tg-TG tr→tr-TR uk→uk-UA vi→vi-VN";

describe("spellchecker languages", () => {
  const entries = TABLE.split(" ").map((entry) => {
    const [code, region] = entry.split("→") as [string, string | undefined];
    return [code, region ?? code] as const;
  });

  it("lists Chromium's codes in order, each loading its region's dictionary", () => {
    assert.deepEqual(availableSpellCheckerLanguages(), entries.map(([code]) => code));
    for (const [code, region] of entries) assert.equal(spellCheckLanguageRegion(code), region);
    const list = availableSpellCheckerLanguages();
    list.pop();
    assert.equal(availableSpellCheckerLanguages().length, entries.length);
  });

  it("normalises a region to the first code that has it, case-sensitively", () => {
    assert.equal(correspondingSpellCheckLanguage("fr"), "fr");
    assert.equal(correspondingSpellCheckLanguage("af-ZA"), "af");
    assert.equal(correspondingSpellCheckLanguage("es-ES"), "es-ES");
    assert.equal(correspondingSpellCheckLanguage("sv-SE"), "sv");
    assert.equal(correspondingSpellCheckLanguage("en-us"), "");
    assert.equal(correspondingSpellCheckLanguage("xx"), "");
    assert.equal(correspondingSpellCheckLanguage(""), "");
  });

  it("keeps order and duplicates, and names the first bad code in Electron's words", () => {
    assert.deepEqual(normalizeSpellCheckerLanguages(["de-DE", "sl-SI", "de-DE"]), [
      "de-DE",
      "sl",
      "de-DE",
    ]);
    assert.deepEqual(normalizeSpellCheckerLanguages([]), []);
    assert.throws(() => normalizeSpellCheckerLanguages(["fr", "EN", "zz"]), {
      message: 'Invalid language code provided: "EN" is not a valid language code',
    });
    assert.throws(() => normalizeSpellCheckerLanguages("en-US"), TypeError);
    assert.throws(() => normalizeSpellCheckerLanguages([1]), TypeError);
  });

  it("refuses a sparse list, whose holes are undefined to gin's conversion", () => {
    // gin's std::vector<std::string> conversion reads every index up to length; a hole reads as
    // undefined, which is no string, so Electron throws the conversion TypeError.
    const sparse: string[] = ["fr"];
    sparse[3] = "de";
    assert.throws(() => normalizeSpellCheckerLanguages(sparse), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from ",
    });
    assert.throws(() => normalizeSpellCheckerLanguages(new Array(2)), TypeError);
  });

  it("names versioned dictionary files as Chromium does", () => {
    const expected: Record<string, string> = {
      "en": "en-US-10-1.bdic",
      "en-GB-oxendict": "en-GB-oxendict-10-1.bdic",
      "fa": "fa-IR-9-0.bdic",
      "tg": "tg-TG-5-0.bdic",
      "uk": "uk-UA-5-0.bdic",
      "tr": "tr-TR-4-0.bdic",
      "sh": "sh-4-0.bdic",
      "sr": "sr-4-0.bdic",
      "cy": "cy-GB-1-0.bdic",
      "hy": "hy-1-0.bdic",
      "es-MX": "es-ES-3-0.bdic",
      "ko": "ko-3-0.bdic",
    };
    for (const [code, file] of Object.entries(expected)) {
      assert.equal(dictionaryFileName(code), file);
    }
  });

  it("picks a default language from a POSIX locale through Chromium's application locale", () => {
    // Electron stores GetCorrespondingSpellCheckLanguage(ICU's default locale), which
    // l10n_util::GetApplicationLocale has set to Chrome's UI locale (CheckAndResolveLocale):
    // de_DE → de, es_MX → es-419, en_AU/en_IN/en_IE → en-GB (en_LR/en_PH → en-US), no → nb; an unknown locale → en-US.
    assert.equal(spellCheckLanguageForLocale("fr_FR.UTF-8"), "fr");
    assert.equal(spellCheckLanguageForLocale("de_AT.UTF-8"), "de");
    assert.equal(spellCheckLanguageForLocale("de_DE.UTF-8"), "de");
    assert.equal(spellCheckLanguageForLocale("es_MX"), "es-419");
    assert.equal(spellCheckLanguageForLocale("es_ES.UTF-8"), "es");
    assert.equal(spellCheckLanguageForLocale("pt_PT.UTF-8"), "pt-PT");
    assert.equal(spellCheckLanguageForLocale("pt_AO.UTF-8"), "pt-PT");
    assert.equal(spellCheckLanguageForLocale("pt_BR.UTF-8"), "pt-BR");
    assert.equal(spellCheckLanguageForLocale("en_US.UTF-8"), "en-US");
    assert.equal(spellCheckLanguageForLocale("en_AU.UTF-8"), "en-GB");
    assert.equal(spellCheckLanguageForLocale("en_IN.UTF-8"), "en-GB");
    assert.equal(spellCheckLanguageForLocale("en_IE.UTF-8"), "en-GB");
    assert.equal(spellCheckLanguageForLocale("en_SG.UTF-8"), "en-GB");
    assert.equal(spellCheckLanguageForLocale("en_PH.UTF-8"), "en-US");
    // Locales Chrome ships on Android or ChromeOS only (locales.gni's extended_locales) have no
    // pak on Linux: Basque, Welsh and Galician fall back to en-US.
    assert.equal(spellCheckLanguageForLocale("eu_ES.UTF-8"), "en-US");
    assert.equal(spellCheckLanguageForLocale("cy_GB.UTF-8"), "en-US");
    assert.equal(spellCheckLanguageForLocale("gl_ES.UTF-8:fr"), "fr");
    assert.equal(spellCheckLanguageForLocale("no_NO.UTF-8"), "nb");
    assert.equal(spellCheckLanguageForLocale("sr_RS@latin"), "sr");
    assert.equal(spellCheckLanguageForLocale("C.UTF-8"), "en-US");
    assert.equal(spellCheckLanguageForLocale(""), "en-US");
    assert.equal(spellCheckLanguageForLocale("xx_YY.UTF-8"), "en-US");
    assert.equal(spellCheckLanguageForLocale("ja_JP.UTF-8"), "");
    // GLib's LANGUAGE list: the first entry Chrome has a UI locale for wins.
    assert.equal(spellCheckLanguageForLocale("xx:it_IT:de"), "it");
  });
});
