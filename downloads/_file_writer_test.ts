import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileWriter } from "./_file_writer.ts";

/** A real file handle whose calls of the named methods are counted. */
function counted(
  handle: FileHandle,
  names: string[] = ["write", "writev"],
): { handle: FileHandle; calls: () => number } {
  let calls = 0;
  const counting = new Proxy(handle, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof name !== "string" || !names.includes(name)) return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { handle: counting, calls: () => calls };
}

/** A real file handle whose writes wait until `release()`; records what each write was given. */
function stalled(handle: FileHandle): {
  handle: FileHandle;
  release: () => void;
  pieces: Uint8Array[];
} {
  const gate = Promise.withResolvers<void>();
  const pieces: Uint8Array[] = [];
  const stalling = new Proxy(handle, {
    get(target, name) {
      const value = Reflect.get(target, name);
      // Bound: Bun's FileHandle methods refuse a Proxy as `this` (the writer's background
      // fdatasync goes through here too).
      if (name !== "write") return typeof value === "function" ? value.bind(target) : value;
      return async (piece: Uint8Array, ...rest: unknown[]) => {
        pieces.push(piece);
        await gate.promise;
        return (value as (...a: unknown[]) => unknown).apply(target, [piece, ...rest]);
      };
    },
  });
  return { handle: stalling, release: () => gate.resolve(), pieces };
}

describe("FileWriter", () => {
  it("writes 64 KiB chunks in writes of at least 1 MiB, in order, from the start offset", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-file-writer-"));
    const path = join(dir, "out");
    try {
      const file = await open(path, "w");
      await file.write(new Uint8Array(10).fill(255));
      const { handle, calls } = counted(file);
      const writer = new FileWriter(handle, 10);
      const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(64 * 1024).fill(i));
      for (const chunk of chunks) await writer.write(chunk);
      await writer.write(new Uint8Array([7, 7, 7]));
      await writer.flush();
      await file.close();
      assert.equal(writer.written, 10 + 40 * 64 * 1024 + 3);
      const bytes = readFileSync(path);
      assert.equal(bytes.length, writer.written);
      for (let i = 0; i < 40; i++) assert.equal(bytes[10 + i * 64 * 1024 + 5], i);
      assert.deepEqual([...bytes.subarray(-3)], [7, 7, 7]);
      // 2.5 MiB: two full 1 MiB buffers and the rest.
      assert.equal(calls(), 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts an fdatasync every 4 MiB written while the body still arrives", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-file-writer-"));
    try {
      const file = await open(join(dir, "out"), "w");
      const { handle, calls } = counted(file, ["datasync"]);
      const writer = new FileWriter(handle, 0);
      const chunk = new Uint8Array(1024 * 1024).fill(3);
      for (let i = 0; i < 3; i++) await writer.write(chunk);
      await writer.flush();
      assert.equal(calls(), 0, "3 MiB: no sync yet");
      for (let i = 0; i < 50; i++) await writer.write(chunk);
      await writer.flush();
      await file.close();
      // 53 MiB with one sync in flight at a time: at least one, at most thirteen.
      assert.ok(calls() >= 1 && calls() <= 13, `${calls()} syncs`);
      assert.equal(writer.written, 53 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes what waits below 1 MiB at flush, and reports a failed write there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-file-writer-"));
    try {
      const file = await open(join(dir, "out"), "w");
      const writer = new FileWriter(file, 0);
      await writer.write(new Uint8Array(100).fill(1));
      assert.equal(writer.written, 0);
      await writer.flush();
      assert.equal(writer.written, 100);
      await file.close();
      const closed = new FileWriter(file, 100);
      await closed.write(new Uint8Array(5));
      await assert.rejects(closed.flush());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds back the reader once 2 MiB wait for a stalled disk, and copies into two buffers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-file-writer-"));
    try {
      const file = await open(join(dir, "out"), "w");
      const { handle, release, pieces } = stalled(file);
      const writer = new FileWriter(handle, 0);
      const chunk = new Uint8Array(64 * 1024).fill(4);
      let accepted = 0;
      let wait: Promise<void> | undefined;
      while (wait === undefined && accepted < 100) {
        wait = writer.write(chunk);
        accepted++;
      }
      // Two staging buffers of 1 MiB: the 33rd 64 KiB chunk finds neither free.
      assert.equal(accepted, 33);
      let settled = false;
      const waited = wait!.then(() => settled = true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(settled, false, "the disk has not moved");
      release();
      await waited;
      for (let i = 0; i < 60; i++) await writer.write(chunk);
      await writer.flush();
      await file.close();
      assert.equal(writer.written, 93 * 64 * 1024);
      assert.equal(readFileSync(join(dir, "out")).length, writer.written);
      // Every write came from one of the same two buffers: nothing is allocated per write.
      assert.equal(new Set(pieces.map((piece) => piece.buffer)).size, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes chunks of 256 KiB and more as they are, one write each, never by writev", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-file-writer-"));
    try {
      const file = await open(join(dir, "out"), "w");
      const { handle, release, pieces } = stalled(file);
      const { handle: counting, calls } = counted(handle, ["writev"]);
      const writer = new FileWriter(counting, 0);
      const chunks = Array.from({ length: 8 }, (_, i) => new Uint8Array(512 * 1024).fill(i));
      let accepted = 0;
      let wait: Promise<void> | undefined;
      while (wait === undefined) wait = writer.write(chunks[accepted++]!);
      // 2 MiB may wait (four chunks); the fifth makes the reader wait.
      assert.equal(accepted, 5);
      release();
      await wait;
      for (const chunk of chunks.slice(accepted)) await writer.write(chunk);
      await writer.flush();
      await file.close();
      assert.equal(calls(), 0);
      assert.deepEqual(pieces, chunks);
      const bytes = readFileSync(join(dir, "out"));
      for (let i = 0; i < 8; i++) assert.equal(bytes[i * 512 * 1024 + 7], i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
