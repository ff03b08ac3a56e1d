import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { currentRuntime } from "../runtime/mod.ts";
import { CustomDictionary } from "./custom_dictionary.ts";
import {
  encodeCustomDictionary,
  isValidCustomWord,
  parseCustomDictionary,
  sortCustomWords,
} from "./custom_dictionary_file.ts";

const runtime = currentRuntime();

/** Lets go a reader left waiting on a FIFO (an empty write end), so no thread stays blocked. */
function releaseFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // No reader waits (ENXIO), or the FIFO was already replaced.
  }
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

describe("Custom Dictionary.txt format", () => {
  it("writes sorted words, each with a newline, then the checksum with no final newline", () => {
    const bytes = encodeCustomDictionary(["zebra", "Zoo", "été", "apple"]);
    const body = "Zoo\napple\nzebra\nété\n";
    assert.equal(new TextDecoder().decode(bytes), `${body}checksum_v1 = ${md5(body)}`);
    assert.equal(new TextDecoder().decode(encodeCustomDictionary([])), `checksum_v1 = ${md5("")}`);
  });

  it("sorts by UTF-8 bytes, not UTF-16 code units", () => {
    // U+FF21 is one UTF-16 unit above a surrogate pair's first unit, but below it in UTF-8.
    assert.deepEqual(sortCustomWords(["\u{1F600}", "\uFF21", "a"]), ["a", "\uFF21", "\u{1F600}"]);
  });

  it("applies Chromium's word rules", () => {
    assert.equal(isValidCustomWord("ok"), true);
    assert.equal(isValidCustomWord("in between"), true);
    assert.equal(isValidCustomWord(""), false);
    assert.equal(isValidCustomWord(" lead"), false);
    assert.equal(isValidCustomWord("trail\t"), false);
    assert.equal(isValidCustomWord("x".repeat(99)), true);
    assert.equal(isValidCustomWord("x".repeat(100)), false);
    assert.equal(isValidCustomWord("é".repeat(49)), true); // 98 bytes
    assert.equal(isValidCustomWord("é".repeat(50)), false); // 100 bytes
    assert.equal(isValidCustomWord("\u00a0nbsp"), true); // not ASCII whitespace
    assert.equal(isValidCustomWord("lone\uD800"), false);
    assert.equal(isValidCustomWord("non\uFDD0char"), false);
    assert.equal(isValidCustomWord("\u{10FFFF}"), false);
  });

  it("accepts a file without a checksum and rejects one whose checksum differs", () => {
    const plain = parseCustomDictionary(new TextEncoder().encode("b\r\n\n  a \n"));
    assert.equal(plain.checksumValid, true);
    assert.deepEqual([...plain.words].sort(), ["a", "b"]);
    assert.equal(plain.droppedInvalid, true); // the empty line

    const good = encodeCustomDictionary(["a"]);
    const trailing = new Uint8Array([...good, 0x0a]);
    assert.equal(parseCustomDictionary(trailing).checksumValid, false);
    assert.deepEqual([...parseCustomDictionary(trailing).words], []);
    const invalidUtf8 = new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a, 0x62]);
    const parsed = parseCustomDictionary(invalidUtf8);
    assert.deepEqual([...parsed.words], ["a", "b"]);
    assert.equal(parsed.droppedInvalid, true);
  });

  it("round-trips any set of valid words (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 })), (raw) => {
        const words = raw.filter(isValidCustomWord);
        const parsed = parseCustomDictionary(encodeCustomDictionary(words));
        assert.equal(parsed.checksumValid, true);
        assert.deepEqual(sortCustomWords(parsed.words), sortCustomWords(new Set(words)));
      }),
    );
  });

  it("never throws on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const parsed = parseCustomDictionary(bytes);
        for (const word of parsed.words) assert.equal(isValidCustomWord(word), true);
      }),
    );
  });
});

describe("CustomDictionary", () => {
  let dir = "";
  let path = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-custom-dictionary-"));
    path = join(dir, "Custom Dictionary.txt");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (at: string | null = path) =>
    new CustomDictionary({ path: at, files: currentRuntime() });

  it("adds and removes words with Electron's return values and writes Chromium's bytes", async () => {
    const dictionary = open();
    assert.equal(dictionary.addWord("beta"), true);
    assert.equal(dictionary.addWord("alpha"), true);
    assert.equal(dictionary.addWord("alpha"), false);
    assert.equal(dictionary.addWord(" alpha"), false);
    assert.equal(dictionary.addWord(""), false);
    assert.equal(dictionary.removeWord("gamma"), false);
    assert.equal(dictionary.has("alpha"), true);
    assert.deepEqual(await dictionary.words(), ["alpha", "beta"]);
    await dictionary.idle();
    const body = "alpha\nbeta\n";
    assert.equal(readFileSync(path, "utf8"), `${body}checksum_v1 = ${md5(body)}`);
    // The backup holds the file as it was before the last save.
    assert.equal(readFileSync(`${path}.backup`, "utf8"), `beta\nchecksum_v1 = ${md5("beta\n")}`);

    assert.equal(dictionary.removeWord("beta"), true);
    assert.equal(dictionary.removeWord("beta"), false);
    await dictionary.idle();
    assert.equal(readFileSync(path, "utf8"), `alpha\nchecksum_v1 = ${md5("alpha\n")}`);
    assert.equal(dictionary.removeWord("alpha"), true);
    await dictionary.idle();
    assert.equal(readFileSync(path, "utf8"), `checksum_v1 = ${md5("")}`);
    // Emptying the list removes the backup, for privacy.
    assert.equal(existsSync(`${path}.backup`), false);

    const reopened = open();
    assert.deepEqual(await reopened.words(), []);
  });

  it("reloads the words of an earlier session and keeps words added before the load", async () => {
    writeFileSync(path, encodeCustomDictionary(["kept", "other"]));
    const dictionary = open();
    assert.equal(dictionary.addWord("early"), true);
    assert.deepEqual(await dictionary.words(), ["early", "kept", "other"]);
    await dictionary.idle();
    assert.deepEqual(await open().words(), ["early", "kept", "other"]);
  });

  it("falls back to the backup when the checksum does not match, and repairs the file", async () => {
    writeFileSync(`${path}.backup`, encodeCustomDictionary(["from-backup"]));
    writeFileSync(path, `${new TextDecoder().decode(encodeCustomDictionary(["lost"]))}\n`);
    const dictionary = open();
    assert.deepEqual(await dictionary.words(), ["from-backup"]);
    await dictionary.idle();
    assert.equal(
      readFileSync(path, "utf8"),
      `from-backup\nchecksum_v1 = ${md5("from-backup\n")}`,
    );
  });

  it("rewrites a hand-edited file without a checksum only when it held invalid lines", async () => {
    writeFileSync(path, "zulu\nalpha\n");
    assert.deepEqual(await open().words(), ["alpha", "zulu"]);
    assert.equal(readFileSync(path, "utf8"), "zulu\nalpha\n");

    writeFileSync(path, "zulu\n\n  \nalpha\n");
    const dictionary = open();
    assert.deepEqual(await dictionary.words(), ["alpha", "zulu"]);
    await dictionary.idle();
    assert.equal(readFileSync(path, "utf8"), `alpha\nzulu\nchecksum_v1 = ${md5("alpha\nzulu\n")}`);
  });

  it("refuses changes in memory and lists nothing", async () => {
    const dictionary = open(null);
    assert.equal(dictionary.addWord("word"), false);
    assert.equal(dictionary.removeWord("word"), false);
    assert.deepEqual(await dictionary.words(), []);
    assert.equal(dictionary.loaded, true);
  });

  it("loses no word when two processes add words to one file at the same time", async () => {
    const writer = fileURLToPath(
      new URL("../tests/fixtures/custom_dictionary_writer.ts", import.meta.url),
    );
    const run = (prefix: string) => {
      const args = [writer, path, prefix, "40"];
      const child = spawn(
        process.execPath,
        runtime.name === "deno" ? ["run", "-A", ...args] : args,
        {
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
      return new Promise((resolve) => child.on("close", resolve));
    };
    assert.deepEqual(await Promise.all([run("a"), run("b")]), [0, 0]);
    const words = await open().words();
    assert.equal(words.length, 80);
    assert.equal(existsSync(`${path}.lock`), false);
  });

  it("writes the words still pending when the process ends by process.exit()", async () => {
    const writer = fileURLToPath(
      new URL("../tests/fixtures/custom_dictionary_writer.ts", import.meta.url),
    );
    const args = [writer, path, "w", "3", "exit"];
    const child = spawn(process.execPath, runtime.name === "deno" ? ["run", "-A", ...args] : args, {
      stdio: ["ignore", "inherit", "inherit"],
    });
    assert.equal(await new Promise((resolve) => child.on("close", resolve)), 0);
    assert.deepEqual(await open().words(), ["w0", "w1", "w2"]);
  });

  it("reads a FIFO in the file's place as no file, and still exits at process end", async () => {
    execFileSync("mkfifo", [path]);
    try {
      const writer = fileURLToPath(
        new URL("../tests/fixtures/custom_dictionary_writer.ts", import.meta.url),
      );
      // The end-of-process write reads the file synchronously: it must not wait on the FIFO.
      const args = [writer, path, "w", "2", "exit"];
      const child = spawn(
        process.execPath,
        runtime.name === "deno" ? ["run", "-A", ...args] : args,
        { stdio: ["ignore", "inherit", "inherit"] },
      );
      const stuck = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
        child.on("close", (code, signal) => resolve([code, signal]))
      );
      clearTimeout(stuck);
      assert.deepEqual([code, signal], [0, null]);
      assert.deepEqual(await open().words(), ["w0", "w1"]);
    } finally {
      releaseFifo(path);
    }
  });

  it("loads past a FIFO in the file's place, and the next save replaces it", async () => {
    execFileSync("mkfifo", [path]);
    try {
      const dictionary = open();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stuck = new Promise((resolve) => timer = setTimeout(resolve, 30_000, "stuck"));
      assert.deepEqual(await Promise.race([dictionary.words(), stuck]), []);
      clearTimeout(timer);
      assert.equal(dictionary.addWord("word"), true);
      await dictionary.idle();
      assert.equal(readFileSync(path, "utf8"), `word\nchecksum_v1 = ${md5("word\n")}`);
    } finally {
      releaseFifo(path);
    }
  });

  it("keeps working in memory when the file cannot be written", async () => {
    // A file where the session directory should be: no write can succeed, even as root.
    writeFileSync(join(dir, "not-a-dir"), "");
    const at = join(dir, "not-a-dir", "Custom Dictionary.txt");
    const warnings: string[] = [];
    const dictionary = new CustomDictionary({
      path: at,
      files: currentRuntime(),
      onWarning: (message) => warnings.push(message),
    });
    assert.equal(dictionary.addWord("word"), true);
    await dictionary.idle();
    assert.equal(existsSync(at), false);
    assert.deepEqual(await dictionary.words(), ["word"]);
    assert.equal(dictionary.addWord("second"), true);
    await dictionary.idle();
    // Said once, naming the file and the reason, not at every change.
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.startsWith(`Cannot write the custom dictionary "${at}" (`));
    assert.match(warnings[0]!, /ENOTDIR|not a directory|EEXIST|exists/i);
  });
});
