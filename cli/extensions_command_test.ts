import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, extensionIdFromPath } from "../session/mod.ts";
import { runExtensions } from "./extensions_command.ts";

const root = mkdtempSync(join(tmpdir(), "ses-cli-ext-"));
after(() => rmSync(root, { recursive: true, force: true }));

function sessions() {
  const runtime = currentRuntime();
  const app = new App(runtime);
  app.setPath("userData", join(root, "userData"));
  return createSessionModule(app, runtime);
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) },
  };
}

function extension(manifest: Record<string, unknown>): string {
  const dir = join(root, `ext-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

describe("ses extensions", () => {
  it("prints Chromium's id for a path, or for the manifest key", async () => {
    const { out, output } = capture();
    const unkeyed = extension({ name: "u", version: "1", manifest_version: 3 });
    assert.equal(await runExtensions(sessions(), ["id", unkeyed], output), 0);
    const keyed = extension({ name: "k", version: "1", manifest_version: 3, key: btoa("test") });
    assert.equal(await runExtensions(sessions(), ["id", keyed], output), 0);
    assert.deepEqual(out, [extensionIdFromPath(unkeyed), "jpignaibiiemhngfjkcpokkamffknabf"]);
  });

  it("prints the id as one JSON object with --json, as load does", async () => {
    const { out, output } = capture();
    const dir = extension({ name: "u", version: "1", manifest_version: 3 });
    assert.equal(await runExtensions(sessions(), ["id", dir, "--json"], output), 0);
    assert.deepEqual(out.map((line) => JSON.parse(line)), [
      { id: extensionIdFromPath(dir), path: dir },
    ]);
  });

  it("fails for a directory that is not there, with loadExtension's message (exit 1)", async () => {
    const { out, err, output } = capture();
    const missing = join(root, "nowhere");
    const file = join(root, "a-file");
    writeFileSync(file, "{}");
    assert.equal(await runExtensions(sessions(), ["id", missing], output), 1);
    assert.equal(await runExtensions(sessions(), ["id", file, "--json"], output), 1);
    assert.deepEqual(out, []);
    assert.deepEqual(err, [
      `ses extensions: Extension directory not found: ${missing}`,
      `ses extensions: Extension directory not found: ${file}`,
    ]);
  });

  it("reads the key of a manifest with comments, as loading does", async () => {
    const { out, output } = capture();
    const dir = extension({});
    writeFileSync(
      join(dir, "manifest.json"),
      `{ // keyed\n "name": "k", "version": "1", "manifest_version": 3, "key": "${btoa("test")}" }`,
    );
    assert.equal(await runExtensions(sessions(), ["id", dir], output), 0);
    assert.deepEqual(out, ["jpignaibiiemhngfjkcpokkamffknabf"]);
  });

  it("reads the key of a manifest that starts with a byte order mark, as loading does", async () => {
    const { out, output } = capture();
    const dir = extension({});
    const manifest = { name: "k", version: "1", manifest_version: 3, key: btoa("test") };
    writeFileSync(join(dir, "manifest.json"), "\uFEFF" + JSON.stringify(manifest));
    assert.equal(await runExtensions(sessions(), ["id", dir], output), 0);
    assert.deepEqual(out, ["jpignaibiiemhngfjkcpokkamffknabf"]);
    assert.equal(await runExtensions(sessions(), ["load", dir], output), 0);
    assert.equal(out[1], "id: jpignaibiiemhngfjkcpokkamffknabf");
  });

  it("reads the manifest as loading does: a FIFO does not hang it, a symlink out is not read", async () => {
    const { out, output } = capture();
    // A FIFO named manifest.json (nobody writes it) made readFile wait for ever.
    const fifo = join(root, `fifo-${Math.random().toString(36).slice(2)}`);
    mkdirSync(fifo);
    execFileSync("mkfifo", [join(fifo, "manifest.json")]);
    // A manifest.json linked to a file outside the directory: loading refuses it (missing or
    // unreadable), so its key is no id of the directory.
    const outside = extension({ name: "o", version: "1", manifest_version: 3, key: btoa("test") });
    const linked = join(root, `linked-${Math.random().toString(36).slice(2)}`);
    mkdirSync(linked);
    symlinkSync(join(outside, "manifest.json"), join(linked, "manifest.json"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<string>((resolve) => timer = setTimeout(() => resolve("hung"), 5000));
    try {
      assert.equal(await Promise.race([runExtensions(sessions(), ["id", fifo], output), hung]), 0);
    } finally {
      clearTimeout(timer);
    }
    assert.equal(await runExtensions(sessions(), ["id", linked], output), 0);
    assert.deepEqual(out, [extensionIdFromPath(fifo), extensionIdFromPath(linked)]);
  });

  it("loads into a partition and prints id, name, version and warnings", async () => {
    const dir = extension({ name: "Demo", version: "2.1", manifest_version: 2 });
    const { out, output } = capture();
    assert.equal(
      await runExtensions(sessions(), ["load", dir, "--partition", "persist:cli"], output),
      0,
    );
    assert.equal(out[1], "name: Demo");
    assert.equal(out[2], "version: 2.1");
    assert.match(out[0]!, /^id: [a-p]{32}$/);
    assert.match(out[3]!, /^warning: Manifest version 2 is deprecated/);
  });

  it("prints one JSON object with --json", async () => {
    const dir = extension({ name: "J", version: "1", manifest_version: 3 });
    const { out, output } = capture();
    assert.equal(await runExtensions(sessions(), ["load", dir, "--json"], output), 0);
    const printed = JSON.parse(out[0]!);
    assert.deepEqual(Object.keys(printed), ["id", "name", "version", "path", "warnings"]);
    assert.equal(printed.name, "J");
    assert.deepEqual(printed.warnings, []);
  });

  it("reports a partition it cannot open instead of crashing", async () => {
    const { out, err, output } = capture();
    const dir = extension({ name: "X", version: "1", manifest_version: 3 });
    const partition = `persist:${"x".repeat(300)}`;
    assert.equal(
      await runExtensions(sessions(), ["load", dir, "--partition", partition], output),
      2,
    );
    assert.deepEqual(out, []);
    assert.match(
      err[0] ?? "",
      /^ses extensions: --partition: Invalid partition "persist:x+": its directory/,
    );
  });

  it("exits 1 with Electron's message when loading fails, 2 for bad arguments", async () => {
    const { err, output } = capture();
    const dir = extension({ version: "1", manifest_version: 3 });
    assert.equal(await runExtensions(sessions(), ["load", dir], output), 1);
    assert.equal(
      err[0],
      `ses extensions: Loading extension at ${dir} failed with: Required value 'name' is missing or invalid.`,
    );
    assert.equal(
      await runExtensions(sessions(), ["load", dir, "--partition", "memory"], output),
      1,
    );
    assert.equal(err[1], "ses extensions: Extensions cannot be loaded in a temporary session");
    assert.equal(await runExtensions(sessions(), ["unload", dir], output), 2);
    assert.equal(await runExtensions(sessions(), ["load"], output), 2);
    assert.equal(await runExtensions(sessions(), ["load", dir, "--bogus"], output), 2);
  });

  it("refuses --partition for id, which reads no session (its usage lists no such option)", async () => {
    const { out, err, output } = capture();
    const args = ["id", "/path/to/file.ext", "--partition", "persist:other"];
    assert.equal(await runExtensions(sessions(), args, output), 2);
    assert.deepEqual(out, []);
    assert.match(err[0]!, /^ses extensions: id takes no --partition \(the id is the path's/);
  });
});
