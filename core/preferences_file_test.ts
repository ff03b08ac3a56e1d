import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import process from "node:process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { ensureChildObject, type JsonObject, PreferencesFile } from "./preferences_file.ts";

function set(key: string, value: unknown): (root: JsonObject) => void {
  return (root) => {
    ensureChildObject(root, "test")[key] = value;
  };
}

describe("PreferencesFile", () => {
  let dir = "";
  let path = "";
  const warnings: string[] = [];
  const open = (file = path) =>
    new PreferencesFile(file, {
      files: currentRuntime(),
      what: "the test settings",
      onWarning: (message) => warnings.push(message),
    });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-preferences-"));
    path = join(dir, "Preferences");
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a FIFO in the file's place as no file, without blocking, and replaces it", async () => {
    execFileSync("mkfifo", [path]);
    // In a child: a synchronous read of the FIFO would block its thread for good.
    const module = new URL("./preferences_file.ts", import.meta.url).href;
    const script = `const m = await import(${JSON.stringify(module)});\n` +
      `const file = new m.PreferencesFile(${JSON.stringify(path)}, { what: "x" });\n` +
      `console.log(JSON.stringify(file.read()));`;
    const child = spawnSync(
      process.execPath,
      currentRuntime().name === "deno" ? ["eval", script] : ["-e", script],
      { encoding: "utf8", timeout: 30_000 },
    );
    assert.deepEqual([child.status, child.stdout.trim()], [0, "{}"]);
    const file = open();
    file.change(set("a", 1));
    await file.idle();
    assert.deepEqual(file.read(), { test: { a: 1 } });
  });

  it("moves a corrupt file aside to Preferences.bad", () => {
    writeFileSync(path, "[1, 2]");
    assert.deepEqual(open().read(), {});
    assert.equal(existsSync(path), false);
    assert.equal(readFileSync(`${path}.bad`, "utf8"), "[1, 2]");
    assert.deepEqual(warnings, [
      `Preferences file "${path}" is not a JSON object; moved it to "${path}.bad" and ` +
      `started from the defaults`,
    ]);
  });

  it("changes only its keys, keeping the rest, in order, and creates the directory", async () => {
    const nested = open(join(dir, "Partitions", "p", "Preferences"));
    nested.change(set("a", 1));
    await nested.idle();
    assert.deepEqual(nested.read(), { test: { a: 1 } });
    writeFileSync(path, JSON.stringify({ test: { other: 1 }, zoom: 2 }));
    const file = open();
    file.change(set("a", 1));
    file.change(set("a", 2));
    await file.idle();
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), { test: { other: 1, a: 2 }, zoom: 2 });
  });

  it("loses neither change when two writers of one file change different keys at once", async () => {
    // Two sessions on one partition, in one process or two: each reads the file, sets its key
    // and replaces the file. Unlocked, the later rename drops the other's key.
    for (let round = 0; round < 5; round++) {
      rmSync(path, { force: true });
      const [first, second] = [open(), open()];
      first.change(set("a", round));
      second.change(set("b", round));
      await Promise.all([first.idle(), second.idle()]);
      assert.deepEqual(open().read(), { test: { a: round, b: round } });
    }
    assert.equal(existsSync(`${path}.lock`), false);
  });

  it("warns once when the file cannot be written, and keeps going", async () => {
    // A file where the directory should be: no write can work, not even as root.
    writeFileSync(join(dir, "not-a-dir"), "");
    const file = open(join(dir, "not-a-dir", "Preferences"));
    file.change(set("a", 1));
    file.change(set("a", 2));
    await file.idle();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? "",
      /^Cannot write the test settings to ".*not-a-dir\/Preferences" \(.*\); they stay in memory$/,
    );
  });

  it("writes a change still pending when the process ends", () => {
    const module = new URL("./preferences_file.ts", import.meta.url).href;
    const runtime = new URL("../runtime/mod.ts", import.meta.url).href;
    const script = `const m = await import(${JSON.stringify(module)});\n` +
      `const r = await import(${JSON.stringify(runtime)});\n` +
      `const file = new m.PreferencesFile(${JSON.stringify(path)}, ` +
      `{ files: r.currentRuntime(), what: "x" });\n` +
      `file.change((root) => { root.kept = true; });\n` +
      `process.exit(0);`;
    const child = spawnSync(
      process.execPath,
      currentRuntime().name === "deno" ? ["eval", script] : ["-e", script],
      { encoding: "utf8", timeout: 30_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), { kept: true });
  });
});
