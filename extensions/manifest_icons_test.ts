import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileTree } from "../tests/fixtures/file_tree.ts";
import { checkIcons } from "./manifest_icons.ts";

const root = mkdtempSync(join(tmpdir(), "ses-icons-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** An extension directory holding `files` (relative path → content). */
function extensionDir(files: Record<string, string>): string {
  return writeFileTree(join(root, `ext-${++counter}`), files);
}

async function failure(dir: string, icons: unknown): Promise<string | undefined> {
  return await checkIcons(dir, { icons }).then(() => undefined, (error: Error) => error.message);
}

describe("checkIcons", () => {
  it("accepts icons that are there, with or without a leading / or ./", async () => {
    const dir = extensionDir({ "icon16.png": "png", "images/icon48.png": "png" });
    assert.equal(
      await failure(dir, { "16": "icon16.png", "48": "/images/icon48.png", "128": "./icon16.png" }),
      undefined,
    );
    assert.equal(await failure(dir, undefined), undefined);
  });

  it("refuses a missing or empty icon with Chromium's words, smallest size first", async () => {
    const dir = extensionDir({ "empty.png": "", "icon.png": "png" });
    assert.equal(
      await failure(dir, { "48": "images/icon48.png", "128": "icon.png" }),
      "Could not load icon 'images/icon48.png' specified in 'icons'.",
    );
    // The keys are read in byte order ("128" before "16"), the files checked by size.
    assert.equal(
      await failure(dir, { "128": "gone128.png", "16": "gone16.png" }),
      "Could not load icon 'gone16.png' specified in 'icons'.",
    );
    assert.equal(
      await failure(dir, { "16": "/empty.png" }),
      "Could not load icon 'empty.png' specified in 'icons'.",
    );
  });

  it("refuses a path out of the directory, and never follows a symlink out of it", async () => {
    const outside = extensionDir({ "secret.png": "png" });
    const dir = extensionDir({});
    symlinkSync(join(outside, "secret.png"), join(dir, "linked.png"));
    symlinkSync(outside, join(dir, "linked-dir"));
    for (const path of ["../secret.png", "a/../../secret.png", "//etc/passwd.png", "a\\b.png"]) {
      assert.equal(await failure(dir, { "16": path }), `Invalid value for 'icons["16"]'.`, path);
    }
    assert.equal(
      await failure(dir, { "16": "linked.png" }),
      "Could not load icon 'linked.png' specified in 'icons'.",
    );
    assert.equal(
      await failure(dir, { "16": "linked-dir/secret.png" }),
      "Could not load icon 'linked-dir/secret.png' specified in 'icons'.",
    );
  });

  it("refuses what IsSafePortableRelativePath refuses", async () => {
    const dir = extensionDir({});
    const unsafe = [
      "",
      "/",
      "images/",
      "./",
      ".hidden.png",
      "icon.png.",
      "icon .png ",
      " icon.png",
      "a/./icon.png",
      "icon~1.png",
      "i:con.png",
      'i"con.png',
      "i*con.png",
      "i?con.png",
      "i<con>.png",
      "i|con.png",
      "i\u0001con.png",
      "i\u200bcon.png",
      "con.png",
      "COM1.png",
      "lpt9/icon.png",
      "desktop.ini/icon.png",
      "x.lnk/icon.png",
      "x.{645ff040-5081-101b-9f08-00aa002f954e}/icon.png",
    ];
    for (const path of unsafe) {
      assert.equal(await failure(dir, { "16": path }), `Invalid value for 'icons["16"]'.`, path);
    }
    assert.equal(await failure(dir, { "16": 16 }), `Invalid value for 'icons["16"]'.`);
  });

  it("refuses icons that are no object, and keys that are no size from 1 to 2048", async () => {
    const dir = extensionDir({ "icon.png": "png" });
    for (const icons of [null, [], "icon.png", 16]) {
      assert.equal(await failure(dir, icons), "Invalid value for 'icons'.");
    }
    for (const key of ["0", "-16", "2049", "16px", " 16", "1e2", "", "99999999999999999999"]) {
      assert.equal(await failure(dir, { [key]: "icon.png" }), `Invalid key in icons: "${key}".`);
    }
    assert.equal(await failure(dir, { "+16": "icon.png", "2048": "icon.png" }), undefined);
  });

  it("ignores an icon that is no image type, as Chromium's IsIconMimeTypeValid", async () => {
    const dir = extensionDir({ "icon.png": "png" });
    assert.equal(await failure(dir, { "16": "missing.txt", "32": "icon.png" }), undefined);
  });
});
