import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import dictionaryEn from "dictionary-en";
import { bdicToHunspell, readBdic, verifyBdic } from "./bdic_reader.ts";
import { writeBdic } from "./bdic_writer.ts";

const AFF = `# A test dictionary
# second comment line
SET UTF-8
TRY esianrtolcd
FLAG long
WORDCHARS 0123456789'
REP 2
REP alot a_lot
REP f ph

SFX Aa Y 1
SFX Aa 0 s .

PFX Bb Y 1
PFX Bb 0 re/Aa .
`;

const DIC = `9
cat/Aa
cats
dog/AaBb
dog/Bb
do
a\\/b
/slash
été/Aa
x
`;

function recomputeDigest(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const affOffset = new DataView(copy.buffer).getUint32(8, true);
  copy.set(createHash("md5").update(copy.subarray(affOffset)).digest(), 16);
  return copy;
}

describe(".bdic writer and reader", () => {
  it("round-trips words, flag sets, replacements, comments and commands", () => {
    const bdic = writeBdic({ aff: AFF, dic: DIC });
    assert.equal(verifyBdic(bdic), true);
    const contents = readBdic(bdic);
    assert.equal(contents.comment, "# A test dictionary\n# second comment line");
    assert.deepEqual(contents.otherCommands, [
      "TRY esianrtolcd",
      "FLAG long",
      "WORDCHARS 0123456789'",
    ]);
    assert.deepEqual(contents.replacements, [["alot", "a lot"], ["f", "ph"]]);
    // Flag sets become AF aliases, in order of first use: the rule's "Aa", then the words'.
    assert.deepEqual(contents.affixGroups, ["Aa", "AaBb", "Bb"]);
    assert.deepEqual(contents.affixRules, [
      "SFX Aa Y 1",
      "SFX Aa 0 s .",
      "PFX Bb Y 1",
      "PFX Bb 0 re/1 .",
    ]);
    assert.deepEqual(contents.words, [
      { word: "/slash", affixIds: [0] },
      { word: "a/b", affixIds: [0] },
      { word: "cat", affixIds: [1] },
      { word: "cats", affixIds: [0] },
      { word: "do", affixIds: [0] },
      { word: "dog", affixIds: [3, 2] },
      { word: "x", affixIds: [0] },
      { word: "été", affixIds: [1] },
    ]);

    const { aff, dic } = bdicToHunspell(bdic);
    assert.equal(
      new TextDecoder().decode(aff),
      [
        "SET UTF-8",
        "# A test dictionary",
        "# second comment line",
        "TRY esianrtolcd",
        "FLAG long",
        "WORDCHARS 0123456789'",
        "AF 3",
        "AF Aa",
        "AF AaBb",
        "AF Bb",
        "REP 2",
        "REP alot a_lot",
        "REP f ph",
        "SFX Aa Y 1",
        "SFX Aa 0 s .",
        "PFX Bb Y 1",
        "PFX Bb 0 re/1 .",
        "",
      ].join("\n"),
    );
    assert.equal(
      new TextDecoder().decode(dic),
      "9\n/slash\na\\/b\ncat/1\ncats\ndo\ndog/3\ndog/2\nx\nété/1\n",
    );
  });

  it("handles an empty word list, a single word, and affix ids past 13 bits", () => {
    assert.deepEqual(readBdic(writeBdic({ aff: "", dic: "0\n" })).words, []);
    assert.deepEqual(readBdic(writeBdic({ aff: "", dic: "1\nalone\n" })).words, [
      { word: "alone", affixIds: [0] },
    ]);
    const groups = Array.from({ length: 9000 }, (_, i) => `AF ${i + 1}`).join("\n");
    const aff = `FLAG num\nAF 9000\n${groups}\n`;
    const words = readBdic(writeBdic({ aff, dic: "3\nbig/8999\nbig/12\nsmall/9000\n" })).words;
    assert.deepEqual(words, [
      { word: "big", affixIds: [8999, 12] },
      { word: "small", affixIds: [9000] },
    ]);
  });

  it("refuses what it cannot convert", () => {
    assert.throws(() => writeBdic({ aff: "SET ISO8859-1\n", dic: "0\n" }), RangeError);
    assert.throws(() => writeBdic({ aff: new Uint8Array([0xff]), dic: "0\n" }), TypeError);
  });

  describe("on dictionary-en", () => {
    let dir = "";
    let bdic: Uint8Array = new Uint8Array();
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "ses-bdic-"));
      bdic = writeBdic({ aff: dictionaryEn.aff, dic: dictionaryEn.dic });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("lays a large trie out with a 32-bit lookup at the root and reads every word back", () => {
      const view = new DataView(bdic.buffer, bdic.byteOffset);
      const dicOffset = view.getUint32(12, true);
      // The root's subtree is far over 64 KiB: a lookup with 32-bit offsets.
      assert.equal(bdic[dicOffset]! & 0xfe, 0xc2);
      const words = readBdic(bdic).words;
      const original = new TextDecoder().decode(dictionaryEn.dic).split("\n").slice(1)
        .filter((line) => line !== "").map((line) => line.split("/")[0]);
      assert.equal(words.length, new Set(original).size);
    });

    it("gives hunspell files that check exactly like the originals (native hunspell -l)", () => {
      const { aff, dic } = bdicToHunspell(bdic);
      writeFileSync(join(dir, "original.aff"), dictionaryEn.aff);
      writeFileSync(join(dir, "original.dic"), dictionaryEn.dic);
      writeFileSync(join(dir, "converted.aff"), aff);
      writeFileSync(join(dir, "converted.dic"), dic);
      const sample = [
        "the cats walked reopened unhappiness colour color teh recieve definately",
        "won't can't Peter's O'Brien 1st 22nd 113th 12nd zzyzx antidisestablishmentarianism",
        "Electron session's quickly Quickly QUICKLY misspeling writers rewriting unkind",
        "café naïve résumé e-mail self-contained co-operate it's its dont doesnt",
      ].join("\n") + "\n";
      const run = (base: string) =>
        spawnSync("hunspell", ["-i", "utf-8", "-d", join(dir, base), "-l"], {
          input: sample,
          encoding: "utf8",
        });
      const original = run("original");
      const converted = run("converted");
      assert.equal(original.status, 0, original.stderr);
      assert.equal(converted.stderr, "");
      assert.ok(original.stdout.includes("teh"));
      assert.equal(converted.stdout, original.stdout);
    });

    // Forty reads of the whole en-US trie: seconds under load, past Bun's default 5 s per test. A
    // hang is still a failure, at this bound.
    it("never hangs or throws anything but SyntaxError on corrupted tries (property)", {
      timeout: 60_000,
    }, () => {
      const view = new DataView(bdic.buffer, bdic.byteOffset);
      const dicOffset = view.getUint32(12, true);
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ at: fc.nat({ max: 4000 }), value: fc.integer({ min: 0, max: 255 }) }),
            { minLength: 1, maxLength: 8 },
          ),
          (flips) => {
            const copy = bdic.slice();
            for (const { at, value } of flips) copy[dicOffset + at] = value;
            try {
              readBdic(recomputeDigest(copy));
            } catch (error) {
              assert.ok(error instanceof SyntaxError, String(error));
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  it("rejects hostile headers and tries with a clear error", () => {
    const good = writeBdic({ aff: AFF, dic: DIC });
    assert.throws(() => readBdic(good.subarray(0, 20)), {
      name: "SyntaxError",
      message: "Invalid .bdic file: shorter than its header",
    });
    const notBdic = good.slice();
    notBdic[0] = 0x58;
    assert.equal(verifyBdic(notBdic), false);
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1;
    assert.throws(() => readBdic(tampered), /MD5 digest does not match/);
    const newer = good.slice();
    new DataView(newer.buffer).setUint16(4, 3, true);
    assert.throws(() => readBdic(newer), /major version 3/);
    const farDic = good.slice();
    new DataView(farDic.buffer).setUint32(12, 0xffffff00, true);
    assert.throws(() => readBdic(recomputeDigest(farDic)), /dic offset/);

    // A lookup node whose 32-bit entry points back at itself: reached twice, not a loop.
    const dicOffset = new DataView(good.buffer).getUint32(12, true);
    const loop = good.slice(0, dicOffset + 7);
    loop.set([0xc2, 0x61, 0x01], dicOffset);
    new DataView(loop.buffer).setUint32(dicOffset + 3, dicOffset, true);
    assert.throws(() => readBdic(recomputeDigest(loop)), /reached twice/);

    // A leaf whose word is not UTF-8.
    const badUtf8 = good.slice(0, dicOffset + 5);
    badUtf8.set([0x40, 0x00, 0xff, 0xfe, 0x00], dicOffset);
    assert.throws(() => readBdic(recomputeDigest(badUtf8)), /not UTF-8/);

    // A word naming a flag set the file does not have.
    const missingGroup = writeBdic({ aff: "", dic: "1\nword/XY\n" });
    const contents = readBdic(missingGroup);
    assert.deepEqual(contents.affixGroups, ["XY"]);
    const noGroups = good.slice(0, dicOffset + 2 + 5 + 1);
    noGroups.set([0x40, 0x09, ...new TextEncoder().encode("word"), 0], dicOffset);
    assert.throws(() => bdicToHunspell(recomputeDigest(noGroups)), /affix group 9/);
  });
});
