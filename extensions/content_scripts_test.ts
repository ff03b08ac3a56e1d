import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileTree } from "../tests/fixtures/file_tree.ts";
import { checkContentScripts } from "./content_scripts.ts";

const root = mkdtempSync(join(tmpdir(), "ses-content-scripts-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** An extension directory holding `files` (relative path → content). */
function extensionDir(files: Record<string, string | Uint8Array>): string {
  return writeFileTree(join(root, `ext-${++counter}`), files);
}

async function failure(dir: string, contentScripts: unknown): Promise<string | undefined> {
  return await checkContentScripts(dir, { content_scripts: contentScripts }).then(
    () => undefined,
    (error: Error) => error.message,
  );
}

const ALL = ["<all_urls>"];

describe("checkContentScripts", () => {
  it("accepts scripts that are there (an empty one too), with or without a leading / or ./", async () => {
    const dir = extensionDir({ "a.js": "x()", "css/a.css": "p{}", "empty.js": "" });
    assert.equal(
      await failure(dir, [
        { matches: ALL, js: ["a.js", "/empty.js"], css: ["./css/a.css"] },
        { matches: ["https://*/*"], css: ["css/a.css"] },
      ]),
      undefined,
    );
    assert.equal(await failure(dir, undefined), undefined);
  });

  it("refuses a missing file with Chromium's words, each entry's js before its css", async () => {
    const dir = extensionDir({ "a.js": "x()" });
    assert.equal(
      await failure(dir, [{ matches: ALL, js: ["a.js", "content.js"] }]),
      "Could not load javascript 'content.js' for script.",
    );
    assert.equal(
      await failure(dir, [{ matches: ALL, css: ["gone.css"], js: ["gone.js"] }]),
      "Could not load javascript 'gone.js' for script.",
    );
    assert.equal(
      await failure(dir, [{ matches: ALL, js: ["a.js"], css: ["/styles/gone.css"] }]),
      "Could not load css 'styles/gone.css' for script.",
    );
    // A directory or a FIFO is no script (Chromium cannot read it either).
    mkdirSync(join(dir, "dir.js"));
    execFileSync("mkfifo", [join(dir, "fifo.js")]);
    for (const file of ["dir.js", "fifo.js"]) {
      assert.equal(
        await failure(dir, [{ matches: ALL, js: [file] }]),
        `Could not load javascript '${file}' for script.`,
      );
    }
  });

  it("never reads out of the directory: '' for a path Chromium refuses, a symlink out is missing", async () => {
    const outside = extensionDir({ "secret.js": "x()" });
    const dir = extensionDir({});
    symlinkSync(join(outside, "secret.js"), join(dir, "linked.js"));
    for (const path of ["../secret.js", `${outside}/../x/../secret.js`, "a\\b.js", ".hidden.js"]) {
      assert.equal(
        await failure(dir, [{ matches: ALL, js: [path] }]),
        "Could not load javascript '' for script.",
        path,
      );
    }
    assert.equal(
      await failure(dir, [{ matches: ALL, js: ["linked.js"] }]),
      "Could not load javascript 'linked.js' for script.",
    );
  });

  it("refuses a script that is not UTF-8, or holds a non-character, as base::IsStringUTF8", async () => {
    const dir = extensionDir({
      "latin1.js": new Uint8Array([0x61, 0xe9, 0x62]),
      "nonchar.js": "const s = '\uffff';",
      "fdd0.css": "p::after{content:'\ufdd0'}",
      "fine.js": "const s = '\u00e9\u{1f600}';",
    });
    const cases: [string, "js" | "css"][] = [
      ["latin1.js", "js"],
      ["nonchar.js", "js"],
      ["fdd0.css", "css"],
    ];
    for (const [file, kind] of cases) {
      assert.equal(
        await failure(dir, [{ matches: ALL, [kind]: [file] }]),
        `Could not load file '${file}' for content script. It isn't UTF-8 encoded.`,
      );
    }
    assert.equal(await failure(dir, [{ matches: ALL, js: ["fine.js"] }]), undefined);
  });

  it("parses every entry before any file is looked for", async () => {
    const dir = extensionDir({});
    assert.equal(
      await failure(dir, [{ matches: ALL, js: ["gone.js"] }, { matches: [], js: ["gone.js"] }]),
      "Invalid value for 'content_scripts[1].matches'. There must be at least one match specified.",
    );
    assert.equal(
      await failure(dir, [{ matches: ALL, js: ["gone.js"] }, { matches: ALL, js: [], css: [] }]),
      "At least one js or css file is required for 'content_scripts[1]'.",
    );
  });

  it("reads a file named many times once: a 50,000-entry list takes no half minute", async () => {
    const dir = extensionDir({ "a.js": "x()", "b.css": "p{}" });
    const scripts = [{ matches: ALL, js: Array(50_000).fill("a.js"), css: ["b.css", "/b.css"] }];
    const started = performance.now();
    assert.equal(await failure(dir, scripts), undefined);
    // Each look took about 0.7 ms (two realpaths, two stats and a read): 35 s for this list.
    assert.ok(performance.now() - started < 10_000, `${performance.now() - started} ms`);
    // A name the cache holds is still the file's: a later missing one still fails.
    scripts[0]!.js.push("gone.js");
    assert.equal(await failure(dir, scripts), "Could not load javascript 'gone.js' for script.");
  });

  it("leaves a content_scripts of another shape to load (Chromium's schema words are not kept)", async () => {
    const dir = extensionDir({});
    for (const shape of [{}, "a.js", [null], [{ matches: ALL, js: "gone.js" }], [{ js: ["x"] }]]) {
      assert.equal(await failure(dir, shape), undefined, JSON.stringify(shape));
    }
  });
});
