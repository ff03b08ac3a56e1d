/**
 * Reads Chromium's `.bdic` dictionaries and turns them back into the hunspell `.aff` and `.dic`
 * text that a stock hunspell loads.
 *
 * Source: Chromium `third_party/hunspell/google/bdict.h`, `bdict.cc` (`BDict::Verify`),
 * `bdict_reader.cc` (node layout, `WordIterator`, `LineIterator`, `ReplacementIterator`) and
 * `chrome/tools/convert_dict/aff_reader.cc` (what each aff table holds).
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  AFF_HEADER_SIZE,
  FIRST_AFFIX_UNUSED,
  FOLLOWING_TERMINATOR,
  HEADER_SIZE,
  LEAF_ADDITIONAL_MASK,
  LEAF_ADDITIONAL_VALUE,
  LEAF_AFFIX_MASK,
  LEAF_FOLLOWING_VALUE,
  LEAF_TYPE_MASK,
  LIST_16BIT_BIT,
  LIST_COUNT_MASK,
  LIST_TYPE_MASK,
  LIST_TYPE_VALUE,
  LOOKUP_0TH_BIT,
  LOOKUP_32BIT_BIT,
  LOOKUP_TYPE_MASK,
  LOOKUP_TYPE_VALUE,
  MAJOR_VERSION,
  MAX_AFFIXES_PER_WORD,
  SIGNATURE,
} from "./_bdic_format.ts";
import type { HunspellFiles } from "./hunspell.ts";

/** The largest `.bdic` accepted (Chromium's largest dictionaries are a few MiB). */
export const MAX_BDIC_BYTES = 64 * 1024 * 1024;

// Longer words than this cannot come from Chromium's converter (it reads words into 128 bytes).
const MAX_WORD_BYTES = 1024;

/** One word of a `.bdic` and the affix groups (1-based `AF` indices; 0: none) it takes. */
export interface BdicWord {
  /** The word. */
  word: string;
  /** Its affix group ids, in file order. */
  affixIds: number[];
}

/** Everything a `.bdic` holds. */
export interface BdicContents {
  /** The comment from the top of the original `.aff` (`#` lines), without surrounding newlines. */
  comment: string;
  /** The affix groups (`AF` flag sets), index 0 being group 1. */
  affixGroups: string[];
  /** The `PFX` and `SFX` lines. */
  affixRules: string[];
  /** The `REP` pairs, with real spaces. */
  replacements: [string, string][];
  /** Every other `.aff` command line, in order. */
  otherCommands: string[];
  /** The words, in byte order. */
  words: BdicWord[];
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * Checks a `.bdic` as Chromium's `BDict::Verify` does before using a file: signature, major
 * version at most 2, offsets inside the file and the MD5 digest of the data.
 *
 * @param bytes The file.
 * @returns Whether the file passes.
 *
 * @example
 * ```ts
 * import { verifyBdic } from "./bdic_reader.ts";
 * console.log(verifyBdic(new TextEncoder().encode("BDic but not really"))); // false
 * ```
 */
export function verifyBdic(bytes: Uint8Array): boolean {
  return verifyProblem(bytes) === undefined;
}

/**
 * Reads every table and word of a `.bdic`. The digest is checked first; every offset is bounds
 * checked and each trie node may be reached once, so a hostile file ends in an error, not a
 * hang or a crash.
 *
 * @param bytes The file.
 * @returns Its contents.
 * @throws {SyntaxError} `Invalid .bdic file: <what is wrong>`.
 *
 * @example
 * ```ts
 * import { readBdic } from "./bdic_reader.ts";
 * import { writeBdic } from "./bdic_writer.ts";
 * const bdic = writeBdic({ aff: "SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n", dic: "2\ncat/S\ndog\n" });
 * console.log(readBdic(bdic).words); // [{word: "cat", affixIds: [1]}, {word: "dog", affixIds: [0]}]
 * ```
 */
export function readBdic(bytes: Uint8Array): BdicContents {
  const problem = verifyProblem(bytes);
  if (problem !== undefined) throw invalid(problem);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const affOffset = view.getUint32(8, true);
  const dicOffset = view.getUint32(12, true);
  const tables = [0, 4, 8, 12].map((at) => view.getUint32(affOffset + at, true));
  const [groupsAt, rulesAt, repAt, otherAt] = tables as [number, number, number, number];
  for (const at of tables) {
    if (at < affOffset + AFF_HEADER_SIZE || at >= bytes.length) {
      throw invalid(`an aff table offset (${at}) is outside the aff data`);
    }
  }
  const groupLines = stringList(bytes, groupsAt);
  const [countLine, ...groups] = groupLines;
  if (countLine === undefined || !/^AF \d+$/.test(countLine)) {
    throw invalid("the affix group table does not start with an AF count line");
  }
  const replacementStrings = stringList(bytes, repAt);
  const replacements: [string, string][] = [];
  for (let i = 0; i + 1 < replacementStrings.length; i += 2) {
    replacements.push([replacementStrings[i]!, replacementStrings[i + 1]!]);
  }
  const comment = text(bytes.subarray(affOffset + AFF_HEADER_SIZE, Math.min(groupsAt, dicOffset)));
  return {
    comment: comment.replace(/^\n+|\n+$/g, ""),
    affixGroups: groups.map((line) => line.replace(/^AF /, "")),
    affixRules: stringList(bytes, rulesAt),
    replacements,
    otherCommands: stringList(bytes, otherAt),
    words: readWords(bytes, dicOffset),
  };
}

/**
 * Converts a `.bdic` to the `.aff` and `.dic` text a stock hunspell loads: `SET UTF-8`, the
 * comment, the other commands, the `AF` aliases, `REP` and the affix rules; one `.dic` line per
 * word and affix group (`word/<group>`), with `/` in words escaped.
 *
 * @param bytes The file.
 * @returns The two files, UTF-8.
 * @throws {SyntaxError} `Invalid .bdic file: <what is wrong>`.
 *
 * @example
 * ```ts
 * import { bdicToHunspell } from "./bdic_reader.ts";
 * import { writeBdic } from "./bdic_writer.ts";
 * const bdic = writeBdic({ aff: "SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n", dic: "1\ncat/S\n" });
 * const { dic } = bdicToHunspell(bdic);
 * console.log(new TextDecoder().decode(dic)); // "1\ncat/1\n"
 * ```
 */
export function bdicToHunspell(bytes: Uint8Array): HunspellFiles {
  const contents = readBdic(bytes);
  const aff: string[] = ["SET UTF-8"];
  for (const line of contents.comment.split("\n")) {
    if (line.startsWith("#")) aff.push(line);
  }
  for (
    const line of [
      ...contents.otherCommands,
      ...contents.affixGroups,
      ...contents.affixRules,
      ...contents.replacements.flat(),
    ]
  ) {
    if (/[\r\n]/.test(line)) {
      throw invalid(`an aff line holds a line break: ${JSON.stringify(line)}`);
    }
  }
  // Our SET UTF-8 is the truth: Chromium's converter re-encodes everything to UTF-8.
  aff.push(...contents.otherCommands.filter((line) => !line.startsWith("SET ")));
  if (contents.affixGroups.length > 0) {
    aff.push(`AF ${contents.affixGroups.length}`);
    for (const group of contents.affixGroups) aff.push(`AF ${group}`);
  }
  if (contents.replacements.length > 0) {
    aff.push(`REP ${contents.replacements.length}`);
    for (const [from, to] of contents.replacements) {
      aff.push(`REP ${from.replaceAll(" ", "_")} ${to.replaceAll(" ", "_")}`);
    }
  }
  aff.push(...contents.affixRules);

  const entries: string[] = [];
  for (const { word, affixIds } of contents.words) {
    if (/[\r\n\t]/.test(word)) {
      throw invalid(`a word holds a control character: ${JSON.stringify(word)}`);
    }
    // hunspell reads "\/" as a slash inside a word; a slash in front is part of the word.
    const escaped = word[0] + word.slice(1).replaceAll("/", "\\/");
    for (const id of affixIds) {
      if (id > contents.affixGroups.length) {
        throw invalid(
          `the word ${JSON.stringify(word)} names affix group ${id}, which is not there`,
        );
      }
      entries.push(id === 0 ? escaped : `${escaped}/${id}`);
    }
  }
  return {
    aff: encoder.encode(`${aff.join("\n")}\n`),
    dic: encoder.encode(`${entries.length}\n${entries.map((entry) => `${entry}\n`).join("")}`),
  };
}

function verifyProblem(bytes: Uint8Array): string | undefined {
  if (!(bytes instanceof Uint8Array)) return "not bytes";
  if (bytes.length > MAX_BDIC_BYTES) return `larger than ${MAX_BDIC_BYTES} bytes`;
  if (bytes.length <= HEADER_SIZE) return "shorter than its header";
  if (!SIGNATURE.every((byte, i) => bytes[i] === byte)) return "no BDic signature";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getUint16(4, true);
  if (major > MAJOR_VERSION) return `major version ${major} is newer than ${MAJOR_VERSION}`;
  const affOffset = view.getUint32(8, true);
  const dicOffset = view.getUint32(12, true);
  if (affOffset < HEADER_SIZE || affOffset + AFF_HEADER_SIZE > bytes.length) {
    return `the aff offset (${affOffset}) is outside the file`;
  }
  if (dicOffset < affOffset + AFF_HEADER_SIZE || dicOffset >= bytes.length) {
    return `the dic offset (${dicOffset}) is outside the file`;
  }
  if (view.getUint32(affOffset, true) + 4 > bytes.length) {
    return "the affix group table is outside the file";
  }
  if (major >= 2) {
    const digest = createHash("md5").update(bytes.subarray(affOffset)).digest();
    if (!digest.equals(bytes.subarray(16, 32))) return "the MD5 digest does not match the data";
  }
  return undefined;
}

// A list of NUL-terminated strings ended by an empty one (or by the end of the file).
function stringList(bytes: Uint8Array, at: number): string[] {
  const strings: string[] = [];
  let cursor = at;
  while (cursor < bytes.length && bytes[cursor] !== 0) {
    let end = bytes.indexOf(0, cursor);
    if (end === -1) end = bytes.length;
    strings.push(text(bytes.subarray(cursor, end)));
    cursor = end + 1;
  }
  return strings;
}

function text(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw invalid("a string is not UTF-8");
  }
}

interface PendingNode {
  offset: number;
  prefix: number[];
}

function readWords(bytes: Uint8Array, dicOffset: number): BdicWord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seen = new Uint8Array(bytes.length);
  const words: BdicWord[] = [];
  const byte = (at: number): number => {
    if (at >= bytes.length) throw invalid(`a node reads past the end (offset ${at})`);
    return bytes[at]!;
  };
  const u16 = (at: number): number => {
    if (at + 2 > bytes.length) throw invalid(`a node reads past the end (offset ${at})`);
    return view.getUint16(at, true);
  };
  const u32 = (at: number): number => {
    if (at + 4 > bytes.length) throw invalid(`a node reads past the end (offset ${at})`);
    return view.getUint32(at, true);
  };
  // Depth-first, children pushed in reverse so that words come out in the file's order.
  const stack: PendingNode[] = [{ offset: dicOffset, prefix: [] }];
  while (stack.length > 0) {
    const { offset, prefix } = stack.pop()!;
    if (offset < dicOffset || offset >= bytes.length) {
      throw invalid(`a child offset (${offset}) is outside the word trie`);
    }
    if (seen[offset]) throw invalid(`the trie node at ${offset} is reached twice`);
    seen[offset] = 1;
    if (prefix.length > MAX_WORD_BYTES) {
      throw invalid(`a word is longer than ${MAX_WORD_BYTES} bytes`);
    }
    const id = byte(offset);
    const children: PendingNode[] = [];
    const child = (char: number, childOffset: number) => {
      children.push({ offset: childOffset, prefix: char === 0 ? prefix : [...prefix, char] });
    };
    if ((id & LEAF_TYPE_MASK) === 0) {
      words.push(readLeaf(offset, id, prefix));
      continue;
    } else if ((id & LOOKUP_TYPE_MASK) === LOOKUP_TYPE_VALUE) {
      const wide = (id & LOOKUP_32BIT_BIT) !== 0;
      const first = byte(offset + 1);
      const count = byte(offset + 2);
      let entry = offset + 3;
      const target = (at: number): number => wide ? u32(at) : u16(at) && offset + u16(at);
      if (id & LOOKUP_0TH_BIT) {
        const zeroth = target(entry);
        if (zeroth === 0) throw invalid(`the lookup node at ${offset} has an empty 0th entry`);
        child(0, zeroth);
        entry += wide ? 4 : 2;
      }
      for (let i = 0; i < count; i++, entry += wide ? 4 : 2) {
        const childOffset = target(entry);
        if (childOffset !== 0) child((first + i) & 0xff, childOffset);
      }
    } else if ((id & LIST_TYPE_MASK) === LIST_TYPE_VALUE) {
      const wide = (id & LIST_16BIT_BIT) !== 0;
      const count = id & LIST_COUNT_MASK;
      const itemSize = wide ? 3 : 2;
      const childrenBegin = offset + 1 + count * itemSize;
      for (let i = 0; i < count; i++) {
        const item = offset + 1 + i * itemSize;
        child(byte(item), childrenBegin + (wide ? u16(item + 1) : byte(item + 1)));
      }
    } else {
      throw invalid(`the trie node at ${offset} has an unknown type (0x${id.toString(16)})`);
    }
    stack.push(...children.reverse());
  }
  return words;

  function readLeaf(offset: number, id: number, prefix: number[]): BdicWord {
    let cursor = offset + 2;
    const first = ((id & LEAF_AFFIX_MASK) << 8) | byte(offset + 1);
    let wordBytes = prefix;
    if ((id & LEAF_ADDITIONAL_MASK) === LEAF_ADDITIONAL_VALUE) {
      const end = bytes.indexOf(0, cursor);
      if (end === -1) throw invalid(`the leaf at ${offset} has an unterminated string`);
      wordBytes = [...prefix, ...bytes.subarray(cursor, end)];
      cursor = end + 1;
    }
    const affixIds = first === FIRST_AFFIX_UNUSED ? [] : [first];
    if ((id & LEAF_FOLLOWING_VALUE) !== 0 || first === FIRST_AFFIX_UNUSED) {
      for (;;) {
        const next = u16(cursor);
        cursor += 2;
        if (next === FOLLOWING_TERMINATOR) break;
        if (affixIds.length === MAX_AFFIXES_PER_WORD) {
          throw invalid(`the leaf at ${offset} has more than ${MAX_AFFIXES_PER_WORD} affix ids`);
        }
        affixIds.push(next);
      }
    }
    if (wordBytes.length === 0) throw invalid(`the leaf at ${offset} ends an empty word`);
    if (affixIds.length === 0) throw invalid(`the leaf at ${offset} has no affix id`);
    return { word: text(Uint8Array.from(wordBytes)), affixIds };
  }
}

function invalid(what: string): SyntaxError {
  return new SyntaxError(`Invalid .bdic file: ${what}`);
}
