import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "./current_runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";

describe("currentRuntime()", () => {
  it("returns one shared runtime for the detected runtime", () => {
    const runtime = currentRuntime();
    assert.equal(runtime.name, detectRuntime());
    assert.equal(currentRuntime(), runtime);
  });
});

describe("Runtime.writeNewFile", () => {
  it("creates a file with the bytes, and refuses one that exists", async () => {
    const runtime = currentRuntime();
    const dir = mkdtempSync(join(tmpdir(), "ses-write-new-"));
    try {
      const path = join(dir, "pack");
      await runtime.writeNewFile(path, new Uint8Array([1, 2, 3]));
      assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      await assert.rejects(runtime.writeNewFile(path, new Uint8Array([4])));
      assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
