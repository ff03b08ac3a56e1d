import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { currentRuntime } from "../runtime/mod.ts";
import { DiskCacheStore } from "./disk_cache_store.ts";
import { crashBody } from "../tests/fixtures/cache_crash_entries.ts";

const KILLS = 50;

/** Checks every entry the store returns; returns how many there were. */
async function checkAll(dir: string): Promise<number> {
  const store = await DiskCacheStore.open(currentRuntime(), dir);
  let hits = 0;
  for (let id = 0; id < 50; id++) {
    for (const entry of store.variants(`http://crash.test/${id}`)) {
      const field = (name: string) =>
        Number(entry.rawHeaders.find(([field]) => field === name)?.[1]);
      assert.equal(field("x-id"), id);
      assert.equal(entry.body.byteLength, field("x-length"));
      assert.deepEqual(entry.body, crashBody(id, field("x-version"), field("x-length")));
      hits++;
    }
  }
  await store.close();
  return hits;
}

/** Starts the writer, waits for `ready`, lets it write for `ms`, then SIGKILLs it. */
function writeThenKill(dir: string, seed: number, ms: number): Promise<void> {
  const script = new URL("../tests/fixtures/cache_crash_writer.ts", import.meta.url).pathname;
  const args = "Deno" in globalThis ? ["run", "-A", script] : [script];
  const child = spawn(process.execPath, [...args, dir, String(seed)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", () => setTimeout(() => child.kill("SIGKILL"), ms));
    child.once("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`writer exited on its own (${_code})`));
    });
  });
}

/** Runs the exit writer on `dir` in `mode` and resolves once it has ended. */
function writeThenEnd(dir: string, mode: string): Promise<void> {
  const script = new URL("../tests/fixtures/cache_exit_writer.ts", import.meta.url).pathname;
  const args = "Deno" in globalThis ? ["run", "-A", script] : [script];
  // Its uncaught exception goes nowhere: it is the point of the `throw` run.
  const child = spawn(process.execPath, [...args, dir, mode], { stdio: "ignore" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
}

describe("DiskCacheStore at a process end that runs no timer", () => {
  it("writes the entries still waiting for their batch, whole", async () => {
    for (const mode of ["exit", "runtime-exit", "throw", "signal"]) {
      const dir = mkdtempSync(join(tmpdir(), "ses-cache-exit-"));
      try {
        await writeThenEnd(dir, mode);
        assert.equal(await checkAll(dir), 2, mode);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe("DiskCacheStore after SIGKILL", () => {
  it("holds only whole, correct entries after a writer is killed at 50 random moments", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-cache-crash-"));
    let hits = 0;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        await writeThenKill(dir, kill + 1, Math.floor(Math.random() * 60));
        hits += await checkAll(dir);
      }
      // The writers got far enough to leave entries behind: the check above checked something.
      assert.ok(hits > KILLS, `only ${hits} entries seen`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds only whole, correct entries after two writers share it and are killed", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-cache-crash-"));
    try {
      for (let round = 0; round < 3; round++) {
        await Promise.all([
          writeThenKill(dir, 100 + round, 150 + Math.floor(Math.random() * 100)),
          writeThenKill(dir, 200 + round, 150 + Math.floor(Math.random() * 100)),
        ]);
        assert.ok(await checkAll(dir) > 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
