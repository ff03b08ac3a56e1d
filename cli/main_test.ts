import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
// The default partition lives under userData: keep it out of the user's configuration.
const CONFIG = mkdtempSync(join(tmpdir(), "ses-main-"));

function ses(...argv: string[]) {
  const args = "Deno" in globalThis ? ["run", "-A", MAIN, ...argv] : [MAIN, ...argv];
  return spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: CONFIG },
  });
}

describe("ses", () => {
  it("prints the usage on standard output and exits 0 when asked for help", () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["fetch", "--help"], ["cookies", "-h"]]) {
      const result = ses(...argv);
      assert.equal(result.status, 0, `${argv.join(" ")}: ${result.stderr}`);
      assert.match(result.stdout, /^usage:\n {2}ses demo\n/);
      assert.equal(result.stderr, "");
    }
  });

  it("prints the usage on standard error and exits 2 for an unknown command", () => {
    const result = ses("no-such-command");
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^ses: unknown command "no-such-command"\nusage:/);
  });

  it("says in one line, exit 1, what a command did not catch (no stack trace)", () => {
    const partition = `persist:${"日本".repeat(60)}`;
    for (const command of ["cookies", "cache"]) {
      const argv = command === "cookies"
        ? ["cookies", "list", "--partition", partition]
        : ["cache", "size", "--partition", partition];
      const result = ses(...argv);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`^ses ${command}: Invalid partition "persist:`));
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });

  it("takes --help after -- as an operand", () => {
    const result = ses("spell", "--json", "--", "--help");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });
});
