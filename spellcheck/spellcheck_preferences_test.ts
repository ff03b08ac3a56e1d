import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setSpellcheckPreferences, spellcheckPreferencesOf } from "./spellcheck_preferences.ts";

describe("spellcheck Preferences keys", () => {
  it("reads Chromium's keys and ignores values of the wrong type", () => {
    assert.deepEqual(
      spellcheckPreferencesOf({
        spellcheck: { dictionaries: ["fr", 3, "de"], use_spelling_service: false },
        browser: { enable_spellchecking: false },
      }),
      { dictionaries: ["fr", "de"], enabled: false },
    );
    assert.deepEqual(
      spellcheckPreferencesOf({ spellcheck: { dictionaries: "fr" }, browser: [] }),
      {},
    );
  });

  it("migrates an older profile's single dictionary when the list is empty", () => {
    assert.deepEqual(
      spellcheckPreferencesOf({ spellcheck: { dictionaries: [], dictionary: "pt-BR" } }),
      { dictionaries: ["pt-BR"] },
    );
    assert.deepEqual(
      spellcheckPreferencesOf({ spellcheck: { dictionaries: ["de"], dictionary: "pt" } }),
      { dictionaries: ["de"] },
    );
  });

  it("sets only the keys given, keeping the rest", () => {
    const root = { browser: { other: 1 }, zoom: 2, spellcheck: "not an object" };
    setSpellcheckPreferences({ dictionaries: ["fr"], enabled: false })(root);
    assert.deepEqual(root, {
      browser: { other: 1, enable_spellchecking: false },
      zoom: 2,
      spellcheck: { dictionaries: ["fr"] },
    });
    setSpellcheckPreferences({ enabled: true })(root);
    assert.deepEqual(root.spellcheck, { dictionaries: ["fr"] });
  });

  it("keeps the list it was given, not the caller's later changes", () => {
    const languages = ["fr"];
    const change = setSpellcheckPreferences({ dictionaries: languages });
    languages.push("de");
    const root = {};
    change(root);
    assert.deepEqual(root, { spellcheck: { dictionaries: ["fr"] } });
  });
});
