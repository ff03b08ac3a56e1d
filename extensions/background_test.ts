import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileTree } from "../tests/fixtures/file_tree.ts";
import { checkBackground } from "./background.ts";

const root = mkdtempSync(join(tmpdir(), "ses-background-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** An extension directory holding `files` (relative path → content). */
function extensionDir(files: Record<string, string>): string {
  return writeFileTree(join(root, `ext-${++counter}`), files);
}

async function failure(
  dir: string,
  background: unknown,
  manifestVersion = 3,
): Promise<string | undefined> {
  return await checkBackground(dir, { manifest_version: manifestVersion, background }).then(
    () => undefined,
    (error: Error) => error.message,
  );
}

describe("checkBackground", () => {
  it("accepts a service worker that is there (a URL path, a query, a module)", async () => {
    const dir = extensionDir({ "sw.js": "x()", "dist/bg worker.js": "x()" });
    for (
      const background of [
        { service_worker: "sw.js" },
        { service_worker: "/dist/bg%20worker.js?v=2", type: "module" },
        { service_worker: "./dist/../sw.js", type: "classic" },
      ]
    ) {
      assert.equal(await failure(dir, background), undefined, JSON.stringify(background));
    }
    assert.equal(await failure(dir, undefined), undefined);
  });

  it("refuses a missing service worker with Chromium's words (its empty path)", async () => {
    const outside = extensionDir({ "sw.js": "x()" });
    const dir = extensionDir({});
    symlinkSync(join(outside, "sw.js"), join(dir, "linked.js"));
    for (const worker of ["background.js", "linked.js", "../../sw.js", "a%2Fb.js", "%zz.js"]) {
      assert.equal(
        await failure(dir, { service_worker: worker }),
        "Could not load background script ''.",
        worker,
      );
    }
  });

  it("refuses a service worker or type of the wrong kind", async () => {
    const dir = extensionDir({ "sw.js": "x()" });
    assert.equal(
      await failure(dir, { service_worker: ["sw.js"] }),
      "Invalid value for 'background.service_worker'.",
    );
    assert.equal(
      await failure(dir, { service_worker: "sw.js", type: "esm" }),
      "Invalid value for 'background.type'.",
    );
  });

  it("checks manifest version 2's scripts and page, scripts by their path", async () => {
    const dir = extensionDir({ "bg.js": "x()", "bg.html": "<p>" });
    assert.equal(await failure(dir, { scripts: ["bg.js"], persistent: false }, 2), undefined);
    assert.equal(await failure(dir, { page: "bg.html" }, 2), undefined);
    assert.equal(
      await failure(dir, { scripts: ["bg.js", "/lib/gone.js"] }, 2),
      "Could not load background script 'lib/gone.js'.",
    );
    assert.equal(
      await failure(dir, { page: "gone.html" }, 2),
      "Could not load background page ''.",
    );
    // A file of no JavaScript type is ignored, missing or not.
    assert.equal(await failure(dir, { scripts: ["bg.js", "gone.ts"] }, 2), undefined);
    // Manifest version 2 has no service worker key, version 3 no scripts or page.
    assert.equal(await failure(dir, { service_worker: "gone.js" }, 2), undefined);
    assert.equal(await failure(dir, { scripts: ["gone.js"], page: "gone.html" }, 3), undefined);
  });

  it("refuses manifest version 2's keys of the wrong kind, in Chromium's order", async () => {
    const dir = extensionDir({ "bg.js": "x()", "bg.html": "<p>" });
    const cases: [unknown, string][] = [
      [{ scripts: "bg.js" }, "Invalid value for 'background.scripts'."],
      [{ scripts: ["bg.js", 1] }, "Invalid value for 'background.scripts[1]'."],
      [{ scripts: ["../bg.js"] }, "Invalid value for 'background.scripts[0]'."],
      [{ page: 1 }, "Invalid value for 'background_page'."],
      [{ page: "bg.html", persistent: "no" }, "Invalid value for 'background.persistent'."],
      [
        { persistent: true },
        "Must specify one of background.page or background.scripts to use background.persistent.",
      ],
      [{ page: "bg.html", allow_js_access: 1 }, "Invalid value for 'background.allow_js_access'."],
      [
        { page: "bg.html", scripts: ["bg.js"] },
        "Only one of 'background.page', 'background.scripts', and 'background.service_worker' " +
        "can be specified.",
      ],
    ];
    for (const [background, message] of cases) {
      assert.equal(await failure(dir, background, 2), message, JSON.stringify(background));
    }
  });
});
