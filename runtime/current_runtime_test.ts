import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { currentRuntime } from "./current_runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";
import { collectGarbage } from "../tests/fixtures/collect_garbage.ts";

describe("currentRuntime()", () => {
  it("returns one shared runtime for the detected runtime", () => {
    const runtime = currentRuntime();
    assert.equal(runtime.name, detectRuntime());
    assert.equal(currentRuntime(), runtime);
  });
});

describe("Runtime.openNewFile", () => {
  it("creates a file, appends batches of chunks in order, and refuses one that exists", async () => {
    const runtime = currentRuntime();
    const dir = mkdtempSync(join(tmpdir(), "ses-open-new-"));
    try {
      const path = join(dir, "pack");
      const file = await runtime.openNewFile(path);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      await file.append([new Uint8Array([1, 2]), new Uint8Array(), new Uint8Array([3])]);
      const large = new Uint8Array(3 << 20).fill(9);
      await file.append([large, new Uint8Array([4])]);
      await file.append([new Uint8Array([5]), new Uint8Array([6])]);
      await file.close();
      const bytes = readFileSync(path);
      assert.equal(bytes.length, 3 + large.length + 3);
      assert.deepEqual([...bytes.subarray(0, 4)], [1, 2, 3, 9]);
      assert.deepEqual([...bytes.subarray(-4)], [9, 4, 5, 6]);
      await assert.rejects(runtime.openNewFile(path));
      assert.equal(readFileSync(path).length, bytes.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A cache's open pack file belongs to its session; a session a program drops takes it along.
  // Bun raises an uncaught error when it collects a FileHandle left open.
  it("does not fail the process when a file left open is garbage-collected", async () => {
    const runtime = currentRuntime();
    const dir = mkdtempSync(join(tmpdir(), "ses-open-new-"));
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      await (async () => {
        const file = await runtime.openNewFile(join(dir, "left-open"));
        await file.append([new Uint8Array([1])]);
      })();
      await collectGarbage();
      assert.deepEqual(uncaught, []);
    } finally {
      process.off("uncaughtException", record);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
