import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkLayering, formatViolation, type LayeringRule } from "./check_layering.ts";
import { scanSource } from "./_scan_source.ts";

/** Checks one file and returns `line rule` pairs, which keeps the assertions short. */
function check(path: string, text: string): string[] {
  return checkLayering([{ path, text }]).map((v) => `${v.line} ${v.rule}`);
}

function rules(path: string, text: string): LayeringRule[] {
  return checkLayering([{ path, text }]).map((v) => v.rule);
}

describe("checkLayering: core/", () => {
  it("allows core/ and node: built-ins", () => {
    assert.deepEqual(
      check("core/a.ts", 'import { b } from "./b.ts";\nimport { join } from "node:path";'),
      [],
    );
  });

  it("flags subsystems, session/, runtime/ and npm packages", () => {
    const text = [
      'import { a } from "../net/mod.ts";',
      'import { b } from "../session/mod.ts";',
      'import { c } from "../runtime/mod.ts";',
      'import { Hono } from "hono";',
      'import fc from "npm:fast-check";',
    ].join("\n");
    assert.deepEqual(check("core/a.ts", text), [
      "1 layering",
      "2 layering",
      "3 layering",
      "4 layering",
      "5 layering",
    ]);
  });
});

describe("checkLayering: runtime/", () => {
  it("allows core/, runtime/ and node: built-ins", () => {
    const text = 'import type { Runtime } from "../core/mod.ts";\n' +
      'import { x } from "./_ffi.ts";\nimport { DatabaseSync } from "node:sqlite";';
    assert.deepEqual(check("runtime/deno.ts", text), []);
  });

  it("flags subsystems, session/ and npm packages", () => {
    const text = 'import "../cookies/mod.ts";\nimport "../session/mod.ts";\nimport "hono";';
    assert.deepEqual(check("runtime/deno.ts", text), ["1 layering", "2 layering", "3 layering"]);
  });
});

describe("checkLayering: subsystems", () => {
  it("allows core/, its own folder, node: and npm packages", () => {
    const text = [
      'import type { Cookie } from "../core/mod.ts";',
      'import { parse } from "./_parse.ts";',
      'import { connect } from "node:net";',
      'import { CookieJar } from "tough-cookie";',
      'import fc from "npm:fast-check";',
    ].join("\n");
    assert.deepEqual(check("cookies/jar.ts", text), []);
  });

  it("flags another subsystem, session/, runtime/, cli/ and tests/", () => {
    const text = [
      'import { a } from "../net/mod.ts";',
      'import { b } from "../session/mod.ts";',
      'import { c } from "../runtime/mod.ts";',
      'import { d } from "../cli/main.ts";',
      'import { e } from "../tests/fixtures/origin_server.ts";',
    ].join("\n");
    assert.deepEqual(check("cookies/jar.ts", text), [
      "1 layering",
      "2 layering",
      "3 layering",
      "4 layering",
      "5 layering",
    ]);
  });

  it("names the file, the import and the folder's rule in the message", () => {
    const [violation] = checkLayering([
      { path: "proxy/resolver.ts", text: '\n\nimport { fetch } from "../net/mod.ts";' },
    ]);
    assert.ok(violation);
    assert.equal(
      formatViolation(violation),
      'proxy/resolver.ts:3: imports "../net/mod.ts" (net/mod.ts), but proxy/ may import only ' +
        "core/, proxy/, node: built-ins and npm packages (layering)",
    );
  });
});

describe("checkLayering: session/", () => {
  it("allows core/, subsystem mod.ts, runtime/mod.ts, its own folder, node: and npm", () => {
    const text = [
      'import { SessionError } from "../core/session_error.ts";',
      'import { Cookies } from "../cookies/mod.ts";',
      'import { detectRuntime } from "../runtime/mod.ts";',
      'import { construct } from "./_construct_session.ts";',
      'import { join } from "node:path";',
      'import { Hono } from "hono";',
    ].join("\n");
    assert.deepEqual(check("session/session.ts", text), []);
  });

  it("flags non-mod files of subsystems and runtime/", () => {
    const text =
      'import { a } from "../net/transport.ts";\nimport { b } from "../runtime/deno.ts";';
    assert.deepEqual(check("session/session.ts", text), ["1 layering", "2 layering"]);
  });

  it("flags another folder's private file", () => {
    assert.deepEqual(check("session/session.ts", 'import { a } from "../net/_pool.ts";'), [
      "1 private",
    ]);
  });
});

describe("checkLayering: root mod.ts", () => {
  it("allows session/mod.ts and core/", () => {
    const text = 'export { app, session } from "./session/mod.ts";\n' +
      'export type { Cookie } from "./core/mod.ts";';
    assert.deepEqual(check("mod.ts", text), []);
  });

  it("flags other session/ files, subsystems, runtime/ and node:", () => {
    const text = [
      'export { Session } from "./session/session.ts";',
      'export * from "./net/mod.ts";',
      'export * from "./runtime/mod.ts";',
      'import "node:fs";',
    ].join("\n");
    assert.deepEqual(check("mod.ts", text), [
      "1 layering",
      "2 layering",
      "3 layering",
      "4 layering",
    ]);
  });

  it("flags other files at the repo root as unknown", () => {
    assert.deepEqual(check("deps.ts", 'export * from "./core/mod.ts";'), ["1 unknown-folder"]);
    assert.deepEqual(check("scripts/x.ts", ""), ["1 unknown-folder"]);
  });
});

describe("checkLayering: cli/", () => {
  it("allows mod.ts, session/mod.ts, runtime/mod.ts, core/, cli/, node: and npm", () => {
    const text = [
      'import { session } from "../mod.ts";',
      'import { app } from "../session/mod.ts";',
      'import { detectRuntime } from "../runtime/mod.ts";',
      'import type { Cookie } from "../core/mod.ts";',
      'import { demo } from "./demo.ts";',
      'import { parseArgs } from "node:util";',
      'import { Hono } from "hono";',
    ].join("\n");
    assert.deepEqual(check("cli/main.ts", text), []);
  });

  it("flags subsystems and session/ internals", () => {
    const text = 'import "../net/mod.ts";\nimport "../session/session.ts";';
    assert.deepEqual(check("cli/main.ts", text), ["1 layering", "2 layering"]);
  });
});

describe("checkLayering: tests/, bench/, tools/", () => {
  it("may import anything and use Deno / Bun", () => {
    const text = [
      'import { a } from "../net/transport.ts";',
      'import { b } from "../session/session.ts";',
      'import { Hono } from "hono";',
      "const server = Deno.serve(() => new Response());",
      'const ffi = await import("bun:ffi");',
    ].join("\n");
    assert.deepEqual(check("tests/pipeline_test.ts", text), []);
    assert.deepEqual(check("bench/cookies.ts", text), []);
    assert.deepEqual(check("tools/x.ts", text), []);
  });

  it("still may not import another folder's private file or bun:* statically", () => {
    const text = 'import { a } from "../core/_table.ts";\nimport { dlopen } from "bun:ffi";';
    assert.deepEqual(check("tests/x_test.ts", text), ["1 private", "2 bun-static"]);
  });
});

describe("checkLayering: test files", () => {
  it("may import tests/fixtures/, runtime/mod.ts and npm packages, and use Deno", () => {
    const text = [
      'import { startOrigin } from "../tests/fixtures/origin_server.ts";',
      'import { detectRuntime } from "../runtime/mod.ts";',
      'import fc from "fast-check";',
      "const dir = Deno.makeTempDirSync();",
    ].join("\n");
    assert.deepEqual(check("core/net_errors_test.ts", text), []);
    assert.deepEqual(check("net/pool_test.ts", text), []);
  });

  it("otherwise follow their folder's rules", () => {
    const text =
      'import "../cookies/mod.ts";\nimport "../tests/helpers.ts";\nimport "../runtime/deno.ts";';
    assert.deepEqual(check("net/pool_test.ts", text), ["1 layering", "2 layering", "3 layering"]);
  });
});

describe("checkLayering: Deno and Bun globals", () => {
  it("flags uses outside runtime/", () => {
    const text = [
      "const home = Deno.env.get('HOME');",
      "const isBun = typeof Bun !== 'undefined';",
      "const d = globalThis.Deno?.version;",
      "const b = Bun['serve'];",
      "const t = `${Deno.pid}`;",
    ].join("\n");
    const violations = checkLayering([{ path: "net/transport.ts", text }]);
    assert.deepEqual(violations.map((v) => `${v.line} ${v.rule}`), [
      "1 runtime-only",
      "2 runtime-only",
      "3 runtime-only",
      "4 runtime-only",
      "5 runtime-only",
    ]);
    assert.match(violations[0]!.message, /Deno\.env/);
    assert.match(violations[1]!.message, /typeof Bun/);
  });

  it("allows them in runtime/", () => {
    assert.deepEqual(check("runtime/deno.ts", "Deno.readTextFileSync('x');\nBun.file('x');"), []);
  });

  it("ignores comments, strings, template text, regexes and other objects' properties", () => {
    const text = [
      "// Deno.exit(1)",
      "/* Bun.serve({}) */",
      "/**",
      " * Deno.dlopen is only reached from runtime/.",
      " */",
      'const a = "Deno.env";',
      "const b = 'Bun.file(x)';",
      "const c = `uses Deno.readFile and ${'Bun.x'}`;",
      "const d = /Deno\\.[a-z]+/;",
      "const e = runtime.Deno.version;",
      "const f = { Deno: 1, Bun: 2 };",
    ].join("\n");
    assert.deepEqual(check("session/session.ts", text), []);
  });
});

describe("checkLayering: runtimes reached without their name as code", () => {
  it("flags the global object cast, indexed or tested with `in`", () => {
    const text = [
      "const d = (globalThis as { Deno?: unknown }).Deno;",
      'const b = globalThis["Bun"];',
      'const isBun = "Bun" in globalThis;',
      "const v = (globalThis as unknown as Record<string, unknown>)?.Deno;",
      "const w = (globalThis satisfies object)[`Deno`];",
      'const x = globalThis?.["Deno"];',
      "const y = globalThis!.Bun;",
      'const z = "Deno" in (globalThis as object);',
      "return (self as X).Bun;",
    ].join("\n");
    const violations = checkLayering([{ path: "net/detect.ts", text }]);
    assert.deepEqual(
      violations.map((v) => `${v.line} ${v.rule}`),
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((line) => `${line} runtime-only`),
    );
    assert.match(violations[0]!.message, /uses \(globalThis as …\)\.Deno;/);
    assert.match(violations[1]!.message, /uses globalThis\["Bun"\];/);
    assert.match(violations[2]!.message, /uses "Bun" in globalThis;/);
  });

  it("flags process.versions.bun and .deno in every spelling", () => {
    const text = [
      "const isBun = process.versions.bun !== undefined;",
      "const v = process.versions?.deno;",
      'const w = process.versions["bun"];',
      'const x = "deno" in process.versions;',
      "const y = globalThis.process.versions.bun;",
    ].join("\n");
    const violations = checkLayering([{ path: "cookies/store.ts", text }]);
    assert.deepEqual(
      violations.map((v) => `${v.line} ${v.rule}`),
      [1, 2, 3, 4, 5].map((line) => `${line} runtime-only`),
    );
    assert.match(violations[0]!.message, /uses process\.versions\.bun;/);
    assert.deepEqual(
      scanSource(text).globals.map((g) => g.name),
      ["Bun", "Deno", "Bun", "Deno", "Bun"],
    );
  });

  it("allows them in runtime/, tests and support folders", () => {
    const text = '"Bun" in globalThis;\nprocess.versions.deno;\n(globalThis as X).Deno;';
    assert.deepEqual(check("runtime/detect_runtime.ts", text), []);
    assert.deepEqual(check("net/a_test.ts", text), []);
    assert.deepEqual(check("bench/x.ts", text), []);
  });

  it("ignores look-alikes in strings, comments and other objects", () => {
    const text = [
      '// (globalThis as X).Deno and globalThis["Bun"]',
      '/* "Bun" in globalThis; process.versions.bun */',
      "const a = 'globalThis[\"Bun\"]';",
      'const b = `"Deno" in globalThis ${"process.versions.bun"}`;',
      "const c = (runtime as X).Deno;",
      "const d = f(globalThis).Deno;",
      'const e = options["Bun"];',
      'const f = "Bun" in options;',
      'const g = "Bun" in globalThis.cache;',
      "const h = other.process.version.bun;",
      "const i = process.versions.node;",
      'const j = process.versions["constructor"];',
      'const k = globalThis["constructor"];',
      "const l = (globalThis.foo as X).Deno;",
      'const m = { "Bun": 1 };',
    ].join("\n");
    assert.deepEqual(check("session/session.ts", text), []);
  });
});

describe("checkLayering: import x = require()", () => {
  it("reads TypeScript's import-equals as a static import", () => {
    const text = [
      'import fs = require("node:fs");',
      'import type T = require("../net/mod.ts");',
      'export import ffi = require("bun:ffi");',
      "import Alias = Some.Namespace;",
    ].join("\n");
    assert.deepEqual(
      scanSource(text).imports.map((i) => `${i.line} ${i.specifier} ${i.dynamic}`),
      ["1 node:fs false", "2 ../net/mod.ts false", "3 bun:ffi false"],
    );
    assert.deepEqual(check("cookies/jar.ts", text), ["2 layering", "3 bun-static"]);
  });

  it("ignores a require in a comment or string", () => {
    const text = '// import a = require("../net/mod.ts");\nconst s = \'import b = require("x")\';';
    assert.deepEqual(scanSource(text).imports, []);
  });
});

describe("checkLayering: JavaScript and TSX files", () => {
  it("applies the same rules to .js, .mjs, .cjs, .jsx and .tsx files", () => {
    for (const extension of ["js", "mjs", "cjs", "jsx", "tsx"]) {
      const text = 'import { a } from "../net/mod.ts";\nconst b = Deno.pid;';
      assert.deepEqual(check(`cookies/jar.${extension}`, text), ["1 layering", "2 runtime-only"]);
      assert.deepEqual(check(`cookies/jar_test.${extension}`, "const b = Deno.pid;"), []);
    }
  });
});

describe("checkLayering: DESIGN.md §1 subsystems", () => {
  it("knows every subsystem folder and keeps them apart", () => {
    const folders = [
      "net",
      "cookies",
      "proxy",
      "cache",
      "auth",
      "web_request",
      "protocol",
      "downloads",
      "netlog",
      "devices",
      "spellcheck",
      "storage",
      "extensions",
    ];
    for (const folder of folders) {
      assert.deepEqual(check(`${folder}/a.ts`, 'import "../core/mod.ts";\nimport "./b.ts";'), []);
      const other = folder === "net" ? "cookies" : "net";
      assert.deepEqual(check(`${folder}/a.ts`, `import "../${other}/mod.ts";`), ["1 layering"]);
      assert.deepEqual(check("session/s.ts", `import "../${folder}/mod.ts";`), []);
    }
  });
});

describe("checkLayering: bun:*", () => {
  it("allows a dynamic import in runtime/", () => {
    assert.deepEqual(check("runtime/bun_ffi.ts", 'const ffi = await import("bun:ffi");'), []);
  });

  it("flags a static import even in runtime/", () => {
    assert.deepEqual(check("runtime/bun_ffi.ts", 'import { dlopen } from "bun:ffi";'), [
      "1 bun-static",
    ]);
    assert.deepEqual(check("runtime/bun_ffi.ts", 'import "bun:sqlite";'), ["1 bun-static"]);
  });

  it("flags a dynamic import outside runtime/", () => {
    assert.deepEqual(rules("devices/hid.ts", 'const ffi = await import("bun:ffi");'), [
      "runtime-only",
    ]);
  });
});

describe("checkLayering: private files", () => {
  it("allows a folder's own private files, including from its tests", () => {
    const text = 'import { table } from "./_table.ts";';
    assert.deepEqual(check("core/net_errors.ts", text), []);
    assert.deepEqual(check("core/net_errors_test.ts", text), []);
  });

  it("flags private files and private subfolders of other folders", () => {
    assert.deepEqual(rules("session/s.ts", 'import "../core/_table.ts";'), ["private"]);
    assert.deepEqual(rules("session/s.ts", 'import "../net/_internal/pool.ts";'), ["private"]);
  });

  it("flags imports that leave the repository", () => {
    assert.deepEqual(rules("tests/x_test.ts", 'import "../../elsewhere/x.ts";'), ["layering"]);
  });
});

describe("import parsing", () => {
  it("reads every import and re-export form with its line", () => {
    const text = [
      'import a from "./a.ts";',
      'import type { B } from "./b.ts";',
      "import {",
      "  c,",
      "  d as e,",
      '} from "./c.ts";',
      'import * as f from "./f.ts";',
      'import g, { h } from "./g.ts";',
      'import "./side_effect.ts";',
      'export { i } from "./i.ts";',
      'export * from "./j.ts";',
      'export * as k from "./k.ts";',
      'export type {\n  L,\n} from "./l.ts";',
      'const m = await import("./m.ts");',
      "const n = await import(`./n.ts`);",
      'import data from "./data.json" with { type: "json" };',
    ].join("\n");
    const imports = scanSource(text).imports.map((i) => `${i.line} ${i.specifier} ${i.dynamic}`);
    assert.deepEqual(imports, [
      "1 ./a.ts false",
      "2 ./b.ts false",
      "6 ./c.ts false",
      "7 ./f.ts false",
      "8 ./g.ts false",
      "9 ./side_effect.ts false",
      "10 ./i.ts false",
      "11 ./j.ts false",
      "12 ./k.ts false",
      "15 ./l.ts false",
      "16 ./m.ts true",
      "17 ./n.ts true",
      "18 ./data.json false",
    ]);
  });

  it("ignores look-alikes: import.meta, local exports, properties, comments and strings", () => {
    const text = [
      "if (import.meta.main) run();",
      "const a = 1;",
      "export { a };",
      "import b from './b.ts';",
      "obj.import('./not_an_import.ts');",
      '// import x from "./commented.ts";',
      "const s = 'import y from \"./string.ts\"';",
      'const r = /import z from "x"/;',
      "const spec = './dynamic.ts';",
      "await import(spec);",
      "export default function from() {}",
    ].join("\n");
    assert.deepEqual(scanSource(text).imports.map((i) => i.specifier), ["./b.ts"]);
  });

  it("flags a violating import that spans several lines at its specifier's line", () => {
    const text = 'import {\n  fetch,\n  type Request,\n} from "../net/mod.ts";';
    assert.deepEqual(check("cookies/jar.ts", text), ["4 layering"]);
  });

  it("keeps reading code after nested template literals", () => {
    const text = "const a = `x${`y${1}`}z`;\nconst b = 2 / 3; /* ' */\nDeno.exit();";
    assert.deepEqual(check("net/a.ts", text), ["3 runtime-only"]);
  });
});

describe("check_layering CLI", () => {
  const repo = dirname(dirname(fileURLToPath(import.meta.url)));
  const script = join(repo, "tools", "check_layering.ts");
  const deno = join(repo, "node_modules", ".bin", "deno");

  function run(tree: Record<string, string>): { status: number | null; output: string } {
    const root = mkdtempSync(join(tmpdir(), "check-layering-"));
    try {
      for (const [path, text] of Object.entries(tree)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const result = spawnSync(deno, ["run", "-A", script, root], {
        cwd: repo,
        encoding: "utf8",
        timeout: 60_000,
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it("exits 1 and prints the violation for a broken tree", { timeout: 60_000 }, () => {
    const { status, output } = run({
      "core/mod.ts": 'export * from "./types.ts";\n',
      "core/types.ts": "export type A = string;\n",
      "net/mod.ts": 'import type { A } from "../core/mod.ts";\nimport "../cookies/mod.ts";\n',
      "cookies/mod.ts": "export const b = 1;\n",
      "node_modules/x/index.ts": 'import "../../session/_hidden.ts";\n',
      "proxy/pac.mjs": "export const d = Deno.pid;\n",
    });
    assert.equal(status, 1, output);
    assert.match(
      output,
      /^net\/mod\.ts:2: imports "\.\.\/cookies\/mod\.ts" \(cookies\/mod\.ts\), but net\/ may import only .* \(layering\)$/m,
    );
    assert.match(output, /^proxy\/pac\.mjs:1: uses Deno\.pid; .* \(runtime-only\)$/m);
    assert.doesNotMatch(output, /node_modules/);
  });

  it("exits 0 with a summary for a clean tree", { timeout: 60_000 }, () => {
    const { status, output } = run({
      "core/mod.ts": 'export * from "./types.ts";\n',
      "core/types.ts": "export type A = string;\n",
      "mod.ts": 'export type { A } from "./core/mod.ts";\n',
    });
    assert.equal(status, 0, output);
    assert.match(output, /OK, 3 files checked/);
  });
});
