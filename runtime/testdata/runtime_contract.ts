// The behaviour every Runtime implementation must show, shared by deno_runtime_test.ts and
// bun_runtime_test.ts so both implementations are held to the same assertions.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { platform, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import process from "node:process";
import type { Runtime } from "../../core/runtime.ts";

/** Options for {@linkcode describeRuntimeContract}. */
export interface RuntimeContractOptions {
  /** Why the suite cannot run here, for example because it is the other runtime. */
  skip?: string | false;
}

/**
 * Registers the contract suite for one Runtime implementation.
 *
 * @param label The suite's name.
 * @param create Makes the runtime under test; called only when the suite runs.
 * @param options When to skip.
 */
export function describeRuntimeContract(
  label: string,
  create: () => Runtime,
  options: RuntimeContractOptions = {},
): void {
  describe(label, { skip: options.skip }, () => {
    let runtime: Runtime;
    let dir = "";

    before(async () => {
      runtime = create();
      dir = await mkdtemp(join(tmpdir(), "ses-runtime-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("reports its name and the running version", () => {
      const expected = process.versions.bun === undefined ? "deno" : "bun";
      assert.equal(runtime.name, expected);
      assert.equal(runtime.version, process.versions[expected]);
      assert.match(runtime.version, /^\d+\.\d+\.\d+/);
    });

    it("reads environment variables", () => {
      const variable = `SES_RUNTIME_TEST_${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
      assert.equal(runtime.env(variable), undefined);
      process.env[variable] = "välue=1";
      try {
        assert.equal(runtime.env(variable), "välue=1");
      } finally {
        delete process.env[variable];
      }
      assert.equal(runtime.env(variable), undefined);
    });

    it("finds the home and temporary directories", async () => {
      if (process.env.HOME !== undefined) assert.equal(runtime.homeDir(), process.env.HOME);
      for (const path of [runtime.homeDir(), runtime.tempDir()]) {
        assert.ok(isAbsolute(path), `"${path}" is not absolute`);
        assert.ok((await stat(path)).isDirectory(), `"${path}" is not a directory`);
      }
    });

    it("creates a directory with its parents, mode 0700, and accepts one that exists", async () => {
      const path = join(dir, "ensure", "a", "b");
      await runtime.ensureDir(path);
      await runtime.ensureDir(path);
      const info = await stat(path);
      assert.ok(info.isDirectory());
      if (platform() !== "win32") assert.equal(info.mode & 0o777, 0o700);
    });

    it("reads UTF-8 text, and undefined for a missing file", async () => {
      const path = join(dir, "read.txt");
      await writeFile(path, "héllo ✓\n");
      assert.equal(await runtime.readTextFile(path), "héllo ✓\n");
      assert.equal(await runtime.readTextFile(join(dir, "missing.txt")), undefined);
      await assert.rejects(runtime.readTextFile(dir));
    });

    it("writes a new file atomically with mode 0600 and no temporary file left", async () => {
      const target = join(dir, "atomic-new");
      await runtime.ensureDir(target);
      await runtime.writeFileAtomic(join(target, "Preferences"), '{"a":1}');
      assert.equal(await readFile(join(target, "Preferences"), "utf8"), '{"a":1}');
      assert.deepEqual(await readdir(target), ["Preferences"]);
      if (platform() !== "win32") {
        assert.equal((await stat(join(target, "Preferences"))).mode & 0o777, 0o600);
      }
    });

    it("replaces a file's whole content, from a string or bytes", async () => {
      const target = join(dir, "atomic-replace");
      await mkdir(target);
      const path = join(target, "file");
      await writeFile(path, "a much longer old content");
      await runtime.writeFileAtomic(path, "new");
      assert.equal(await readFile(path, "utf8"), "new");
      await runtime.writeFileAtomic(path, new Uint8Array([0, 1, 254, 255]));
      assert.deepEqual(new Uint8Array(await readFile(path)), new Uint8Array([0, 1, 254, 255]));
      assert.deepEqual(await readdir(target), ["file"]);
    });

    it("names the missing directory when writing into one", async () => {
      const path = join(dir, "no-such-dir", "file");
      await assert.rejects(runtime.writeFileAtomic(path, "x"), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(
          error.message,
          `Cannot write "${path}": directory "${join(dir, "no-such-dir")}" does not exist`,
        );
        return true;
      });
    });

    it("keeps the old content and removes its temporary file when the rename fails", async () => {
      const target = join(dir, "atomic-fail");
      await mkdir(join(target, "occupied"), { recursive: true });
      await writeFile(join(target, "occupied", "old"), "old content");
      // A file cannot be renamed over a non-empty directory.
      await assert.rejects(
        runtime.writeFileAtomic(join(target, "occupied"), "new content"),
        /^Error: Cannot write ".*occupied": /,
      );
      assert.equal(await readFile(join(target, "occupied", "old"), "utf8"), "old content");
      assert.deepEqual(await readdir(target), ["occupied"]);
    });

    it("removes files and directory trees, and accepts a missing path", async () => {
      const tree = join(dir, "remove", "tree");
      await mkdir(join(tree, "nested"), { recursive: true });
      await writeFile(join(tree, "nested", "file"), "x");
      await writeFile(join(dir, "remove", "file"), "x");
      await runtime.remove(join(dir, "remove", "file"));
      await runtime.remove(tree);
      assert.deepEqual(await readdir(join(dir, "remove")), []);
      await runtime.remove(join(dir, "remove", "missing"));
    });

    it("opens SQLite databases in WAL mode", () => {
      const db = runtime.openDatabase(join(dir, "runtime.db"), { busyTimeoutMs: 1234 });
      assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
      assert.equal(db.prepare("PRAGMA busy_timeout").get()?.timeout, 1234);
      db.close();
    });

    describe("dlopen()", { skip: platform() === "linux" ? false : "needs glibc" }, () => {
      it("calls libc functions with integer and buffer arguments", async () => {
        const libc = await runtime.dlopen("libc.so.6", {
          abs: { parameters: ["i32"], result: "i32" },
          labs: { parameters: ["i64"], result: "i64" },
          strlen: { parameters: ["buffer"], result: "usize" },
        });
        try {
          assert.equal(libc.symbols.abs(-42), 42);
          // Both runtimes return 64-bit integers as bigint.
          assert.equal(libc.symbols.labs(-(2n ** 40n)), 2n ** 40n);
          assert.equal(libc.symbols.strlen(new TextEncoder().encode("hello\0")), 5n);
        } finally {
          libc.close();
        }
      });

      it("rejects a missing library and a void parameter", async () => {
        await assert.rejects(
          runtime.dlopen("libses-no-such-library.so", { f: { parameters: [], result: "void" } }),
        );
        await assert.rejects(
          runtime.dlopen("libc.so.6", { abs: { parameters: ["void"], result: "i32" } }),
          new TypeError('Cannot bind FFI symbol "abs": "void" is not a parameter type'),
        );
      });
    });

    it("starts a module worker that answers messages", async () => {
      const worker = runtime.createWorker(new URL("./echo_worker.ts", import.meta.url));
      try {
        const reply = new Promise((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => reject(new Error(event.message));
        });
        worker.postMessage({ hello: ["world", 1] });
        assert.deepEqual((await reply as { echo: unknown }).echo, { hello: ["world", 1] });
      } finally {
        worker.terminate();
      }
    });
  });
}
