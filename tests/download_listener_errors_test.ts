// A listener that throws must not change a download: its error surfaces as uncaught, as an
// EventEmitter error does in Electron's main process. Run in a child process, since test
// runners fail a test on any uncaught error.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const PROGRAM = fileURLToPath(
  new URL("./fixtures/download_listener_errors.ts", import.meta.url),
);
const RUNTIME_ARGS = "Deno" in globalThis ? ["run", "-A"] : [];

describe("download listeners that throw", () => {
  it("surface as uncaught; the downloads complete as if the listeners had returned", () => {
    const output = execFileSync(process.execPath, [...RUNTIME_ARGS, PROGRAM], {
      encoding: "utf8",
      // Before the fix a throwing listener left a download hanging; fail rather than wait.
      timeout: 60_000,
    });
    const { first, second, files, uncaught } = JSON.parse(output.trim().split("\n").at(-1)!);
    assert.equal(first.at(-2), "done completed");
    assert.equal(first.at(-1), "state completed");
    assert.deepEqual(second.filter((event: string) => !event.startsWith("updated p")), [
      "done completed",
      "state completed",
    ]);
    assert.deepEqual(files, ["a.bin", "b.bin"]);
    assert.deepEqual(uncaught, ["will-download bug", "done bug"]);
  });
});
