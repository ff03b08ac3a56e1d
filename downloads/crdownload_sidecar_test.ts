import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

  it("rejects corrupt or foreign files with a clear message", async () => {
    const partial = join(dir, "b.bin.crdownload");
    writeFileSync(sidecarPath(partial), "{nope");
    await assert.rejects(readSidecar(partial), /is not JSON/);
    writeFileSync(sidecarPath(partial), JSON.stringify({ version: 1, urlChain: [] }));
    await assert.rejects(readSidecar(partial), /is not a version 1 sidecar/);
  });
});
