import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readChromiumLocalStorage } from "./chromium_local_storage.ts";
import { buildChromiumLocalStorage } from "../tests/fixtures/chromium_profile.ts";

describe("readChromiumLocalStorage", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-chromium-ls-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads Latin-1 and UTF-16 items by origin, skipping partitioned keys", async () => {
    await buildChromiumLocalStorage(dir);
    const before = readdirSync(join(dir, "Local Storage", "leveldb")).sort();
    const data = await readChromiumLocalStorage(dir);
    assert.equal(data.skipped, undefined);
    assert.equal(data.skippedItems, 1);
    assert.deepEqual(data.origins, [
      { origin: "https://a.test", items: [["clé✓", "välue✓"], ["theme", "dark"]] },
      { origin: "https://b.test:8443", items: [["k", "v"]] },
    ]);
    // The profile's LevelDB is read from a copy: no file added or removed.
    assert.deepEqual(readdirSync(join(dir, "Local Storage", "leveldb")).sort(), before);
  });

  it("reports a missing or unreadable store instead of throwing", async () => {
    assert.match((await readChromiumLocalStorage(dir)).skipped ?? "", /no Local Storage\/leveldb/);
    mkdirSync(join(dir, "Local Storage", "leveldb"), { recursive: true });
    writeFileSync(join(dir, "Local Storage", "leveldb", "CURRENT"), "MANIFEST-999999\n");
    const broken = await readChromiumLocalStorage(dir);
    assert.match(broken.skipped ?? "", /^cannot read /);
    assert.deepEqual(broken.origins, []);
  });
});
