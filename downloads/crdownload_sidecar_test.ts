import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readSidecar, removeSidecar, sidecarPath, writeSidecar } from "./crdownload_sidecar.ts";

const dir = mkdtempSync(join(tmpdir(), "ses-sidecar-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("crdownload sidecar", () => {
  it("round-trips and is removed", async () => {
    const partial = join(dir, "a.bin.crdownload");
    const sidecar = {
      version: 1 as const,
      savePath: join(dir, "a.bin"),
      urlChain: ["http://a.test/a", "http://a.test/b"],
      mimeType: "application/zip",
      totalBytes: 100,
      offset: 40,
      eTag: '"e"',
      lastModified: "",
      startTime: 1_800_000_000.5,
    };
    await writeSidecar(partial, sidecar);
    assert.deepEqual(await readSidecar(partial), sidecar);
    await removeSidecar(partial);
    await assert.rejects(readSidecar(partial), /is missing/);
  });

  it("a write that fails leaves no temporary file behind", async () => {
    const own = mkdtempSync(join(dir, "failed-"));
    const partial = join(own, "c.bin.crdownload");
    // The rename over the sidecar fails (a directory holds its name), as a full disk fails the
    // write before it: either way the temporary file was already made.
    mkdirSync(sidecarPath(partial));
    await assert.rejects(writeSidecar(partial, {
      version: 1,
      savePath: join(own, "c.bin"),
      urlChain: ["http://a.test/c"],
      mimeType: "",
      totalBytes: 0,
      offset: 0,
      eTag: "",
      lastModified: "",
      startTime: 0,
    }));
    assert.deepEqual(readdirSync(own), ["c.bin.crdownload.json"]);
  });

  it("rejects corrupt or foreign files with a clear message", async () => {
    const partial = join(dir, "b.bin.crdownload");
    writeFileSync(sidecarPath(partial), "{nope");
    await assert.rejects(readSidecar(partial), /is not JSON/);
    writeFileSync(sidecarPath(partial), JSON.stringify({ version: 1, urlChain: [] }));
    await assert.rejects(readSidecar(partial), /is not a version 1 sidecar/);
  });
});
