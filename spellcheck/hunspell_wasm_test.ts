import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { compileHunspell } from "./hunspell_wasm.ts";

// CI does not rebuild the module (emscripten is a large install); tools/build_hunspell_wasm.sh
// --check does. This checks that the committed bytes are the ones BUILD.json describes.
describe("spellcheck/wasm/hunspell.wasm", () => {
  const bytes = readFileSync(new URL("./wasm/hunspell.wasm", import.meta.url));
  const build = JSON.parse(readFileSync(new URL("./wasm/BUILD.json", import.meta.url), "utf8"));

  it("is the artifact BUILD.json records, built at -O2 from Debian's hunspell 1.7.1-1", () => {
    assert.equal(createHash("sha256").update(bytes).digest("hex"), build.sha256);
    assert.equal(bytes.length, build.bytes);
    assert.ok(build.flags.includes("-O2"));
    assert.match(build.source, /hunspell 1\.7\.1-1/);
  });

  it("imports only WASI and emscripten's memory-growth notice, and exports the C surface", async () => {
    const module = await compileHunspell();
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
    assert.ok(
      imports.every((name) =>
        name.startsWith("wasi_snapshot_preview1.") || name === "env.emscripten_notify_memory_growth"
      ),
    );
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["ses_create", "ses_spell", "ses_spell_many", "ses_suggest", "ses_free"]) {
      assert.ok(exports.includes(name), name);
    }
  });
});
