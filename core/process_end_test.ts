import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("../tests/fixtures/process_end_child.ts", import.meta.url));

// Runs the child in `mode`; `signal` is sent once it says "ready".
function run(mode: string, signal?: NodeJS.Signals) {
  const args = "Deno" in globalThis ? ["run", "-A", CHILD, mode] : [CHILD, mode];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Uint8Array) => {
    out += new TextDecoder().decode(chunk);
    if (signal && out.startsWith("ready\n")) {
      child.kill(signal);
      signal = undefined;
    }
  });
  child.stderr.resume();
  const stuck = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise<{ code: number | null; signal: string | null; lines: string[] }>(
    (resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        clearTimeout(stuck);
        resolve({
          code,
          signal,
          lines: out.split("\n").filter((line) => line !== "ready" && line),
        });
      });
    },
  );
}

describe("onProcessEnd", () => {
  it("writes at a natural end and at process.exit(), keeping the exit code", async () => {
    assert.deepEqual(await run("natural"), {
      code: 0,
      signal: null,
      lines: ["pending written", "finished"],
    });
    assert.deepEqual(await run("exit"), {
      code: 3,
      signal: null,
      lines: ["pending written", "finished"],
    });
  });

  it("writes before a death by an uncaught exception or an unhandled rejection", async () => {
    for (const mode of ["throw", "reject"]) {
      const { code, lines } = await run(mode);
      assert.notEqual(code, 0, mode);
      // Written once: the monitor, then no exit listener (Deno, Bun) or an exit listener (Node).
      assert.deepEqual(lines.slice(0, 2), ["pending written", "finished"], mode);
    }
  });

  it("finishes nothing for an error the program handles, until it really ends", async () => {
    assert.deepEqual((await run("handled-throw")).lines, [
      "pending written",
      "handled",
      "pending written",
      "finished",
    ]);
  });

  it("writes at SIGTERM and SIGHUP, then lets the signal end the process", async () => {
    for (const signal of ["SIGTERM", "SIGHUP"] as const) {
      assert.deepEqual(await run("signal", signal), {
        code: null,
        signal,
        lines: ["pending written", "finished"],
      });
    }
  });

  it("leaves a signal the program listens to for it to decide", async () => {
    const { code, signal, lines } = await run("handled-signal", "SIGINT");
    // The program's listener ran, then the program ended on its own: the final write comes
    // last. (Deno's node:child_process reports the signal a parent sent as the child's end even
    // when the child exited by itself.)
    assert.deepEqual(lines, ["pending written", "handled", "pending written", "finished"]);
    assert.ok(code === 0 || ("Deno" in globalThis && signal === "SIGINT"), `${code} ${signal}`);
  });

  it("calls no writer that stopped", async () => {
    assert.deepEqual(await run("stopped"), { code: 0, signal: null, lines: [] });
  });
});
