import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import process from "node:process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import {
  readSpellcheckPreferences,
  writeSpellcheckPreferences,
  writeSpellcheckPreferencesSync,
} from "./spellcheck_preferences.ts";

describe("spellcheck Preferences", () => {
  let dir = "";
  let path = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-preferences-"));
    path = join(dir, "Preferences");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a FIFO in the file's place as no file, without blocking, and replaces it", async () => {
    execFileSync("mkfifo", [path]);
    // In a child: a synchronous read of the FIFO would block its thread for good.
    const module = new URL("./spellcheck_preferences.ts", import.meta.url).href;
    const script = `const m = await import(${JSON.stringify(module)});\n` +
      `console.log(JSON.stringify(m.readSpellcheckPreferences(${JSON.stringify(path)})));`;
    const child = spawnSync(
      process.execPath,
      currentRuntime().name === "deno" ? ["eval", script] : ["-e", script],
      { encoding: "utf8", timeout: 30_000 },
    );
    assert.deepEqual([child.status, child.stdout.trim()], [0, "{}"]);
    await writeSpellcheckPreferences(path, { enabled: false }, currentRuntime());
    assert.deepEqual(readSpellcheckPreferences(path), { enabled: false });
    rmSync(path);
    execFileSync("mkfifo", [path]);
    writeSpellcheckPreferencesSync(path, { dictionaries: ["fr"] });
    assert.deepEqual(readSpellcheckPreferences(path), { dictionaries: ["fr"] });
  });

  it("reads Chromium's keys and ignores values of the wrong type", () => {
    writeFileSync(
      path,
      JSON.stringify({
        spellcheck: { dictionaries: ["fr", 3, "de"], use_spelling_service: false },
        browser: { enable_spellchecking: false },
      }),
    );
    assert.deepEqual(readSpellcheckPreferences(path), {
      dictionaries: ["fr", "de"],
      enabled: false,
    });
    writeFileSync(path, JSON.stringify({ spellcheck: { dictionaries: "fr" }, browser: [] }));
    assert.deepEqual(readSpellcheckPreferences(path), {});
  });

  it("migrates an older profile's single dictionary when the list is empty", () => {
    writeFileSync(path, JSON.stringify({ spellcheck: { dictionaries: [], dictionary: "pt-BR" } }));
    assert.deepEqual(readSpellcheckPreferences(path), { dictionaries: ["pt-BR"] });
    writeFileSync(path, JSON.stringify({ spellcheck: { dictionaries: ["de"], dictionary: "pt" } }));
    assert.deepEqual(readSpellcheckPreferences(path), { dictionaries: ["de"] });
  });

  it("moves a corrupt file aside to Preferences.bad", () => {
    writeFileSync(path, "[1, 2]");
    const warnings: string[] = [];
    assert.deepEqual(readSpellcheckPreferences(path, (message) => warnings.push(message)), {});
    assert.equal(existsSync(path), false);
    assert.equal(readFileSync(`${path}.bad`, "utf8"), "[1, 2]");
    assert.deepEqual(warnings, [
      `Preferences file "${path}" is not a JSON object; moved it to "${path}.bad" and ` +
      `started from the defaults`,
    ]);
  });

  it("writes only its keys, keeping the rest, and creates the directory", async () => {
    const nested = join(dir, "Partitions", "p", "Preferences");
    await writeSpellcheckPreferences(nested, { enabled: true }, currentRuntime());
    assert.deepEqual(JSON.parse(readFileSync(nested, "utf8")), {
      browser: { enable_spellchecking: true },
    });
    writeFileSync(path, JSON.stringify({ browser: { other: 1 }, zoom: 2 }));
    await writeSpellcheckPreferences(
      path,
      { dictionaries: ["fr"], enabled: false },
      currentRuntime(),
    );
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), {
      browser: { other: 1, enable_spellchecking: false },
      zoom: 2,
      spellcheck: { dictionaries: ["fr"] },
    });
  });
  it("loses neither change when two writers of one file change different keys at once", async () => {
    // Two sessions on one partition, in one process or two: each reads the file, sets its key
    // and replaces the file. Unlocked, the later rename drops the other's key.
    for (let round = 0; round < 5; round++) {
      rmSync(path, { force: true });
      await Promise.all([
        writeSpellcheckPreferences(path, { dictionaries: ["fr"] }, currentRuntime()),
        writeSpellcheckPreferences(path, { enabled: false }, currentRuntime()),
      ]);
      assert.deepEqual(readSpellcheckPreferences(path), { dictionaries: ["fr"], enabled: false });
    }
    assert.equal(existsSync(`${path}.lock`), false);
  });
});
