// A program that imports @ses from a directory of its own (no deno.json or package.json of
// @ses's beside it) still reaches @ses's npm dependencies: Deno resolves a bare specifier only
// through the configuration it found for the program, so each of them is loaded with `require`
// from the importing file instead.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildChromiumLocalStorage } from "./fixtures/chromium_profile.ts";

const PROGRAM = `
import { session } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
import { readChromiumLocalStorage } from ${
  JSON.stringify(new URL("../storage/mod.ts", import.meta.url).href)
};
const ses = session.fromPartition("outside");
const pac = (body) => "data:application/x-ns-proxy-autoconfig," +
  encodeURIComponent("function FindProxyForURL(url, host) {" + body + "}");
// A loop keeps the script off the straight-line interpreter: QuickJS answers it.
await ses.setProxy({ pacScript: pac("for (var i = 0; i < 2; i++) {} return 'PROXY looped:1';") });
const looped = await ses.resolveProxy("http://a.test/");
await ses.setProxy({ pacScript: pac("return 'PROXY straight:2';") });
const straight = await ses.resolveProxy("http://a.test/");
const misspelled = (await ses.spellCheck("Teh fox")).map((m) => m.word);
const { origins } = await readChromiumLocalStorage(process.argv.at(-1));
console.log(JSON.stringify({ looped, straight, misspelled, origins: origins.length }));
`;

describe("a program outside the project", () => {
  // Spawns a Deno and a Bun process that load QuickJS and hunspell.wasm: past Bun's default 5 s
  // per test on a loaded machine.
  it("runs PAC scripts, spellchecks and reads LevelDB", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-outside-"));
    try {
      const profile = join(dir, "profile");
      await buildChromiumLocalStorage(profile);
      const main = join(dir, "main.mjs");
      writeFileSync(main, `import process from "node:process";\n${PROGRAM}`);
      const args = "Deno" in globalThis ? ["run", "-A", main, profile] : [main, profile];
      const result = spawnSync(process.execPath, args, {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), NO_COLOR: "1" },
      });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), {
        looped: "PROXY looped:1",
        straight: "PROXY straight:2",
        misspelled: ["Teh"],
        origins: 2,
      }, result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
