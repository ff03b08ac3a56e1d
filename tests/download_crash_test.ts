// The crash test: a `ses download` process is SIGKILLed mid-body; a new process resumes from the
// .crdownload file and its sidecar, and the saved file is byte-identical.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { startRangeOrigin } from "./fixtures/range_origin.ts";

const MAIN = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const RUNTIME_ARGS = "Deno" in globalThis ? ["run", "-A"] : [];

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function ses(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, [...RUNTIME_ARGS, MAIN, "download", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | string | null> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
}

describe("a download killed mid-body", () => {
  // Two child processes, one killed mid-body: past Bun's default 5 s per test on a loaded machine.
  it("resumes in a new process and ends byte-identical", { timeout: 60_000 }, async () => {
    const body = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 65536) {
      crypto.getRandomValues(body.subarray(i, i + 65536));
    }
    const origin = await startRangeOrigin({
      "/big.bin": { body, etag: '"crash-1"', chunkDelayMs: 4 },
    });
    const dir = mkdtempSync(join(tmpdir(), "ses-crash-"));
    const env = { XDG_CONFIG_HOME: join(dir, "config") };
    const partial = join(dir, "big.bin.crdownload");
    try {
      const first = ses(["--partition", "crash", "-o", `${dir}/`, `${origin.url}/big.bin`], env);
      const firstExit = exitOf(first);
      // Kill once a good part is on disk and the sidecar exists.
      for (let waited = 0; waited < 30_000; waited += 20) {
        if (existsSync(`${partial}.json`) && statSync(partial).size >= 1024 * 1024) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      first.kill("SIGKILL");
      assert.equal(await firstExit, "SIGKILL");
      const saved = statSync(partial).size;
      assert.ok(saved >= 1024 * 1024 && saved < body.length, `saved ${saved}`);

      const second = ses(["--partition", "crash", "--resume", partial], env);
      let log = "";
      second.stderr!.on("data", (chunk) => log += chunk);
      assert.equal(await exitOf(second), 0, log);
      const resumed = origin.requests.at(-1)!;
      assert.match(resumed.headers.range ?? "", /^bytes=\d+-$/);
      assert.ok(Number(/\d+/.exec(resumed.headers.range!)![0]) >= saved - 1);
      assert.equal(resumed.headers["if-range"], '"crash-1"');
      assert.equal(sha256(readFileSync(join(dir, "big.bin"))), sha256(body));
      assert.equal(existsSync(partial), false);
      assert.equal(existsSync(`${partial}.json`), false);
    } finally {
      await origin.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
