import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { currentRuntime } from "../runtime/mod.ts";
import { builtinDictionaryFor } from "./builtin_en_us.ts";
import { SpellCheckerSettings } from "./spellchecker_settings.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ses-spellchecker-settings-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settingsAt = (storagePath: string, warnings: string[]) =>
  new SpellCheckerSettings({
    storagePath,
    dictionariesDirectory: () => join(dir, "Dictionaries"),
    downloadBaseUrl: () => "http://127.0.0.1:9/",
    fetch: () => Promise.reject(new Error("no network in this test")),
    files: currentRuntime(),
    builtinDictionary: builtinDictionaryFor,
    locale: "en_US.UTF-8",
    emit: () => {},
    onWarning: (message) => warnings.push(message),
  });

describe("SpellCheckerSettings on a partition that cannot be written", () => {
  it("keeps the settings in memory and says once which file could not be written", async () => {
    // A file where the session directory should be: no write can succeed, even as root.
    writeFileSync(join(dir, "not-a-dir"), "");
    const storagePath = join(dir, "not-a-dir");
    const warnings: string[] = [];
    const settings = settingsAt(storagePath, warnings);
    settings.setLanguages(["fr"]);
    settings.setEnabled(false);
    settings.setEnabled(true);
    assert.equal(settings.addWord("word"), true);
    await settings.idle();
    assert.deepEqual(settings.getLanguages(), ["fr"]);
    assert.equal(settings.isEnabled(), true);
    assert.deepEqual(await settings.listWords(), ["word"]);
    assert.equal(existsSync(join(storagePath, "Preferences")), false);
    const preferences = join(storagePath, "Preferences");
    const dictionary = join(storagePath, "Custom Dictionary.txt");
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.ok(
      warnings.some((w) =>
        w.startsWith(`Cannot write the spellchecker settings to "${preferences}" (`)
      ),
    );
    assert.ok(
      warnings.some((w) => w.startsWith(`Cannot write the custom dictionary "${dictionary}" (`)),
    );
  });

  it("warns when a corrupt Preferences file is moved aside", () => {
    writeFileSync(join(dir, "Preferences"), "{not json");
    const warnings: string[] = [];
    const settings = settingsAt(dir, warnings);
    assert.equal(settings.isEnabled(), true);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(`moved it to "${join(dir, "Preferences.bad")}"`));
  });
});

describe("SpellCheckerSettings at the process's end", () => {
  it("writes the settings and words still pending when the program calls process.exit()", async () => {
    const writer = fileURLToPath(
      new URL("../tests/fixtures/spellcheck_settings_exit_writer.ts", import.meta.url),
    );
    const args = "Deno" in globalThis ? ["run", "-A", writer, dir] : [writer, dir];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
    assert.equal(await new Promise((resolve) => child.on("close", resolve)), 0);
    const settings = settingsAt(dir, []);
    assert.deepEqual(settings.getLanguages(), ["fr", "en-GB"]);
    assert.equal(settings.isEnabled(), false);
    assert.deepEqual(await settings.listWords(), ["exitword"]);
    await settings.idle();
  });
});
