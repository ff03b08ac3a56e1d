import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { parseSpellArgs, runSpell } from "./spell_command.ts";

async function run(argv: string[], stdin = "") {
  const runtime = currentRuntime();
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSpell(
    createSessionModule(new App(runtime), runtime),
    parseSpellArgs(argv),
    {
      readStdin: () => Promise.resolve(stdin),
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  return { code, out, err };
}

describe("ses spell", () => {
  it("parses its arguments", () => {
    assert.deepEqual(parseSpellArgs(["a b", "--lang", "en-US", "--lang", "en-GB"]), {
      text: "a b",
      languages: ["en-US", "en-GB"],
      json: false,
      partition: "ses-spell-cli",
    });
    assert.throws(() => parseSpellArgs([]), {
      message: "ses spell: missing text (or - for stdin)",
    });
    assert.throws(() => parseSpellArgs(["a", "b"]), {
      message: 'ses spell: unexpected argument "b"',
    });
  });

  it("prints each misspelling with its UTF-16 range and exits 1", async () => {
    const { code, out } = await run(["A smal tset"]);
    assert.equal(code, 1);
    assert.deepEqual(out.map((line) => line.split(":")[0]), ["2-6 smal", "7-11 tset"]);
    assert.match(out[1]!, /: .*\btest\b/);
  });

  it("reads standard input with -, prints JSON, exits 0 when all is right", async () => {
    const wrong = await run(["-", "--json"], "one two thre\n");
    assert.deepEqual(JSON.parse(wrong.out.join("\n")).map((m: { word: string }) => m.word), [
      "thre",
    ]);
    assert.deepEqual(await run(["-"], "all good here"), { code: 0, out: [], err: [] });
  });

  it("fails with a message for a language that is not selected", async () => {
    const { code, err } = await run(["text", "--lang", "xx-YY"]);
    assert.equal(code, 1);
    assert.match(err[0]!, /^ses spell: Spellcheck language "xx-YY" is not selected/);
  });

  it("reads a pipe when run as a program", () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const args = "Deno" in globalThis ? ["run", "-A", main, "spell", "-"] : [main, "spell", "-"];
    const result = spawnSync(process.execPath, args, { input: "Helo world", encoding: "utf8" });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^0-4 Helo: /);
  });
});
