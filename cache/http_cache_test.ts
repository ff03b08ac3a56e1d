import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { HttpCache } from "./http_cache.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ses-http-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("HttpCache on a directory it cannot use", () => {
  it("goes uncached and says which directory and why", async () => {
    // A file where the cache directory should be: no write can succeed, even as root.
    writeFileSync(join(dir, "Cache"), "");
    const warnings: string[] = [];
    const cache = new HttpCache({
      directory: join(dir, "Cache"),
      runtime: currentRuntime(),
      onWarning: (message) => warnings.push(message),
    });
    assert.equal(await cache.size(), 0);
    assert.equal(await cache.size(), 0);
    await cache.clear();
    await cache.close();
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.startsWith(`Cannot use the HTTP cache in "${join(dir, "Cache")}" (`));
    assert.match(warnings[0]!, /responses are not cached$/);
  });
});
