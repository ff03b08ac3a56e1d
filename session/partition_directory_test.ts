import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adoptLegacyPartitionDir, partitionDirName } from "./partition_directory.ts";

describe("partitionDirName", () => {
  it("lower-cases ASCII and escapes what base::EscapePath escapes", () => {
    assert.equal(partitionDirName("Work"), "work");
    assert.equal(
      partitionDirName('a b"#%:<>?[\\]^`{|}'),
      "a%20b%22%23%25%3A%3C%3E%3F%5B%5C%5D%5E%60%7B%7C%7D",
    );
    // Left as they are by EscapePath: the rest of printable ASCII.
    assert.equal(partitionDirName("a.b-c_d~e!$&'()*+,;=@"), "a.b-c_d~e!$&'()*+,;=@");
    assert.equal(partitionDirName("\u0000\u001f\u007f"), "%00%1F%7F");
  });

  it("escapes non-ASCII by its UTF-8 bytes and leaves its case alone", () => {
    assert.equal(partitionDirName("Été"), "%C3%89t%C3%A9");
  });

  it("keeps the directory inside Partitions/ where Electron's name would leave it", () => {
    assert.equal(partitionDirName("a/b"), "a%2Fb");
    assert.equal(partitionDirName("../x"), "..%2Fx");
    assert.equal(partitionDirName(".."), "%2E%2E");
    assert.equal(partitionDirName("."), "%2E");
    assert.equal(partitionDirName("..."), "...");
  });
});

describe("adoptLegacyPartitionDir", () => {
  function partitions(): string {
    return mkdtempSync(join(tmpdir(), "ses-partitions-"));
  }

  it("moves the old directory to the new name", () => {
    const dir = partitions();
    mkdirSync(join(dir, "A%3AB"));
    writeFileSync(join(dir, "A%3AB", "Preferences"), "{}");
    adoptLegacyPartitionDir(dir, "A:B");
    assert.equal(readFileSync(join(dir, "a%3Ab", "Preferences"), "utf8"), "{}");
    assert.equal(existsSync(join(dir, "A%3AB")), false);
  });

  it("leaves both alone when the new directory exists already", () => {
    const dir = partitions();
    mkdirSync(join(dir, "Work"));
    mkdirSync(join(dir, "work"));
    writeFileSync(join(dir, "work", "Cookies"), "new");
    adoptLegacyPartitionDir(dir, "Work");
    assert.equal(readFileSync(join(dir, "work", "Cookies"), "utf8"), "new");
    assert.equal(existsSync(join(dir, "Work")), true);
  });

  it("does nothing when there is no old directory or the names agree", () => {
    const dir = partitions();
    adoptLegacyPartitionDir(dir, "Work");
    assert.equal(existsSync(join(dir, "work")), false);
    mkdirSync(join(dir, "same"));
    adoptLegacyPartitionDir(dir, "same");
    assert.equal(existsSync(join(dir, "same")), true);
  });
});
