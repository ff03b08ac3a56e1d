/**
 * Writes Chromium `.bdic` dictionaries from hunspell `.aff`/`.dic` text: what Chromium's
 * `convert_dict` tool does, for test fixtures and for serving dictionaries to
 * `setSpellCheckerDictionaryDownloadURL`. UTF-8 dictionaries only.
 *
 * Source: Chromium `chrome/tools/convert_dict/aff_reader.cc`, `dic_reader.cc` (which lines go
 * into which table; flag sets become `AF` aliases) and `third_party/hunspell/google/bdict.h`
 * (the layout, see `_bdic_format.ts`). The trie is laid out by this file's own rules: node
 * sizes are computed exactly, so offsets always fit.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  AFF_HEADER_SIZE,
  FIRST_AFFIX_UNUSED,
  FOLLOWING_TERMINATOR,
  HEADER_SIZE,
  LEAF_ADDITIONAL_VALUE,
  LEAF_FOLLOWING_VALUE,
  LEAF_MAX_FIRST_AFFIX,
  LIST_16BIT_BIT,
  LIST_TYPE_VALUE,
  LOOKUP_0TH_BIT,
  LOOKUP_32BIT_BIT,
  LOOKUP_TYPE_VALUE,
  MAJOR_VERSION,
  MAX_AFFIXES_PER_WORD,
  SIGNATURE,
} from "./_bdic_format.ts";

/** The hunspell files to convert: text, or bytes holding UTF-8. */
export interface BdicSource {
  /** The `.aff` file; a `SET` other than `UTF-8` is refused. */
  aff: string | Uint8Array;
  /** The `.dic` file: a count line, then `word[/flags]` lines. */
  dic: string | Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Converts a hunspell dictionary to Chromium's `.bdic` format (version 2.0, with its MD5).
 *
 * @param source `{aff, dic}` as text or UTF-8 bytes.
 * @returns The `.bdic` bytes.
 * @throws {RangeError} For a `SET` other than `UTF-8`, a word holding a NUL byte, more than 32
 * flag sets on one word or more than 65,534 flag sets.
 * @throws {TypeError} When a file is not UTF-8.
 *
 * @example
 * ```ts
 * import { writeBdic } from "./bdic_writer.ts";
 * const bdic = writeBdic({ aff: "SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n", dic: "1\ncat/S\n" });
 * console.log(new TextDecoder().decode(bdic.subarray(0, 4))); // BDic
 * ```
 */
export function writeBdic(source: BdicSource): Uint8Array {
  const aff = parseAff(asText(source.aff, ".aff"));
  const words = parseDic(asText(source.dic, ".dic"), aff);
  if (aff.groups.length > FOLLOWING_TERMINATOR - 1) {
    throw new RangeError(`Too many flag sets for a .bdic: ${aff.groups.length}`);
  }
  const affBytes = serializeAff(aff);
  const root = buildTrie(words, 0, words.length, 0);
  const dicOffset = HEADER_SIZE + affBytes.length;
  const out = new Uint8Array(dicOffset + root.size);
  out.set(affBytes, HEADER_SIZE);
  const end = writeNode(root, out, dicOffset);
  if (end !== out.length) throw new Error(`Trie size mismatch: ${end} != ${out.length}`);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  view.setUint16(4, MAJOR_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, HEADER_SIZE, true);
  view.setUint32(12, dicOffset, true);
  out.set(createHash("md5").update(out.subarray(HEADER_SIZE)).digest(), 16);
  return out;
}

interface AffTables {
  comment: string;
  groups: string[];
  groupIds: Map<string, number>;
  indexed: boolean;
  rules: string[];
  replacements: [string, string][];
  other: string[];
}

function parseAff(text: string): AffTables {
  const tables: AffTables = {
    comment: "",
    groups: [],
    groupIds: new Map(),
    indexed: false,
    rules: [],
    replacements: [],
    other: [],
  };
  const comment: string[] = [];
  let gotCommand = false;
  let gotFirstAf = false;
  let gotFirstRep = false;
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    if (!gotCommand && raw.startsWith("#")) {
      comment.push(raw);
      continue;
    }
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    gotCommand = true;
    if (line.startsWith("SET ")) {
      const encoding = line.slice(4).trim();
      if (encoding !== "UTF-8") {
        throw new RangeError(`Only UTF-8 dictionaries can be converted, not ${encoding}`);
      }
    } else if (line.startsWith("AF ")) {
      tables.indexed = true;
      if (gotFirstAf) groupId(tables, line.slice(3).trim());
      gotFirstAf = true;
    } else if (line.startsWith("SFX ") || line.startsWith("PFX ")) {
      tables.rules.push(affixRule(tables, line.split(/\s+/)));
    } else if (line.startsWith("REP ")) {
      if (gotFirstRep) {
        const [from = "", to = ""] = line.slice(4).trim().split(/\s+/);
        tables.replacements.push([from.replaceAll("_", " "), to.replaceAll("_", " ")]);
      }
      gotFirstRep = true;
    } else {
      tables.other.push(line);
    }
  }
  tables.comment = comment.join("\n");
  return tables;
}

// `SFX D 0 d/XY .` names flags after the slash; with no AF table, they become an alias index.
function affixRule(tables: AffTables, fields: string[]): string {
  const add = fields[3];
  if (!tables.indexed && fields.length >= 5 && add !== undefined && add.includes("/")) {
    const slash = add.indexOf("/");
    fields[3] = `${add.slice(0, slash + 1)}${groupId(tables, add.slice(slash + 1))}`;
  }
  return fields.join(" ");
}

function groupId(tables: AffTables, flags: string): number {
  let id = tables.groupIds.get(flags);
  if (id === undefined) {
    tables.groups.push(flags);
    id = tables.groups.length;
    tables.groupIds.set(flags, id);
  }
  return id;
}

interface Word {
  bytes: Uint8Array;
  affixIds: number[];
}

function parseDic(text: string, aff: AffTables): Word[] {
  const byWord = new Map<string, Set<number>>();
  let countSkipped = false;
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (!countSkipped) {
      countSkipped = true;
      continue;
    }
    // The flags follow the first slash that is neither first nor escaped.
    let slash = -1;
    for (let i = 1; i < line.length; i++) {
      if (line[i] === "/" && line[i - 1] !== "\\") {
        slash = i;
        break;
      }
    }
    const word = (slash === -1 ? line : line.slice(0, slash)).split("\t")[0]!.replaceAll(
      "\\/",
      "/",
    );
    if (word.includes("\0")) {
      throw new RangeError(`A word holds a NUL byte: ${JSON.stringify(word)}`);
    }
    let affixId = 0;
    if (slash !== -1) {
      const flags = line.slice(slash + 1).split(/\s/)[0]!;
      affixId = aff.indexed ? Number.parseInt(flags, 10) || 0 : groupId(aff, flags);
    }
    const ids = byWord.get(word) ?? new Set<number>();
    ids.add(affixId);
    byWord.set(word, ids);
  }
  const words = [...byWord].map(([word, ids]) => ({
    bytes: encoder.encode(word),
    affixIds: [...ids].sort((a, b) => b - a),
  }));
  for (const { bytes, affixIds } of words) {
    if (affixIds.length > MAX_AFFIXES_PER_WORD) {
      throw new RangeError(
        `A word has more than ${MAX_AFFIXES_PER_WORD} flag sets: ${decoder.decode(bytes)}`,
      );
    }
  }
  return words.sort((a, b) => compareBytes(a.bytes, b.bytes));
}

function serializeAff(aff: AffTables): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = AFF_HEADER_SIZE;
  const push = (bytes: Uint8Array) => {
    parts.push(bytes);
    length += bytes.length;
  };
  const list = (strings: string[]) => {
    // An empty string would end the list early, so Chromium writes a space instead.
    for (const value of strings) push(encoder.encode(`${value === "" ? " " : value}\0`));
    push(new Uint8Array(1));
  };
  const offsets: number[] = [];
  push(encoder.encode(`\n${aff.comment}\n`));
  offsets.push(HEADER_SIZE + length);
  push(encoder.encode(`AF ${aff.groups.length}\0`));
  list(aff.groups.map((group) => `AF ${group}`));
  offsets.push(HEADER_SIZE + length);
  list(aff.rules);
  offsets.push(HEADER_SIZE + length);
  for (const [from, to] of aff.replacements) push(encoder.encode(`${from}\0${to}\0`));
  push(new Uint8Array(1));
  offsets.push(HEADER_SIZE + length);
  list(aff.other);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  offsets.forEach((offset, i) => view.setUint32(i * 4, offset, true));
  let at = AFF_HEADER_SIZE;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

type TrieNode =
  | { kind: "leaf"; char: number; rest: Uint8Array; affixIds: number[]; size: number }
  | { kind: "inner"; char: number; children: TrieNode[]; layout: InnerLayout; size: number };

type InnerLayout = "list8" | "list16" | "lookup16" | "lookup32";

// Words [begin, end) share their first `depth` bytes; the node is reached through `char`
// (0 for the root and for a word that ends at this depth).
function buildTrie(words: Word[], begin: number, end: number, depth: number, char = 0): TrieNode {
  if (end - begin === 1) {
    const { bytes, affixIds } = words[begin]!;
    return leaf(char, bytes.subarray(Math.min(depth, bytes.length)), affixIds);
  }
  const children: TrieNode[] = [];
  let i = begin;
  while (i < end) {
    const { bytes, affixIds } = words[i]!;
    if (bytes.length === depth) {
      children.push(leaf(0, new Uint8Array(), affixIds));
      i++;
      continue;
    }
    const next = bytes[depth]!;
    let j = i + 1;
    while (j < end && words[j]!.bytes[depth] === next) j++;
    children.push(buildTrie(words, i, j, depth + 1, next));
    i = j;
  }
  return inner(char, children);
}

function leaf(char: number, rest: Uint8Array, affixIds: number[]): TrieNode {
  const following = affixIds[0]! > LEAF_MAX_FIRST_AFFIX
    ? affixIds.length * 2 + 2
    : affixIds.length > 1
    ? (affixIds.length - 1) * 2 + 2
    : 0;
  const size = 2 + (rest.length > 0 ? rest.length + 1 : 0) + following;
  return { kind: "leaf", char, rest, affixIds, size };
}

function inner(char: number, children: TrieNode[]): TrieNode {
  const childBytes = children.reduce((sum, child) => sum + child.size, 0);
  const count = children.length;
  if (count < 16 && childBytes <= 0xff) {
    return { kind: "inner", char, children, layout: "list8", size: 1 + count * 2 + childBytes };
  }
  if (count < 16 && childBytes <= 0xffff) {
    return { kind: "inner", char, children, layout: "list16", size: 1 + count * 3 + childBytes };
  }
  const { zeroth, span } = lookupShape(children);
  const size16 = 3 + (zeroth ? 2 : 0) + span * 2 + childBytes;
  if (size16 <= 0xffff) return { kind: "inner", char, children, layout: "lookup16", size: size16 };
  const size32 = 3 + (zeroth ? 4 : 0) + span * 4 + childBytes;
  return { kind: "inner", char, children, layout: "lookup32", size: size32 };
}

function lookupShape(children: TrieNode[]): { zeroth: boolean; first: number; span: number } {
  const zeroth = children[0]?.char === 0;
  const table = zeroth ? children.slice(1) : children;
  if (table.length === 0) return { zeroth, first: 0, span: 0 };
  const first = table[0]!.char;
  return { zeroth, first, span: table[table.length - 1]!.char - first + 1 };
}

// Writes `node` at `at`; returns the offset after it.
function writeNode(node: TrieNode, out: Uint8Array, at: number): number {
  const view = new DataView(out.buffer);
  if (node.kind === "leaf") {
    const ids = node.affixIds;
    const inList = ids[0]! > LEAF_MAX_FIRST_AFFIX;
    const first = inList ? FIRST_AFFIX_UNUSED : ids[0]!;
    let id = (first >> 8) & 0x1f;
    if (node.rest.length > 0) id |= LEAF_ADDITIONAL_VALUE;
    if (inList || ids.length > 1) id |= LEAF_FOLLOWING_VALUE;
    out[at] = id;
    out[at + 1] = first & 0xff;
    let cursor = at + 2;
    if (node.rest.length > 0) {
      out.set(node.rest, cursor);
      cursor += node.rest.length + 1;
    }
    if (inList || ids.length > 1) {
      for (const extra of inList ? ids : ids.slice(1)) {
        view.setUint16(cursor, extra, true);
        cursor += 2;
      }
      view.setUint16(cursor, FOLLOWING_TERMINATOR, true);
      cursor += 2;
    }
    return cursor;
  }
  const { children, layout } = node;
  if (layout === "list8" || layout === "list16") {
    const wide = layout === "list16";
    const itemSize = wide ? 3 : 2;
    out[at] = LIST_TYPE_VALUE | (wide ? LIST_16BIT_BIT : 0) | children.length;
    const childrenBegin = at + 1 + children.length * itemSize;
    let cursor = childrenBegin;
    children.forEach((child, i) => {
      const item = at + 1 + i * itemSize;
      out[item] = child.char;
      if (wide) view.setUint16(item + 1, cursor - childrenBegin, true);
      else out[item + 1] = cursor - childrenBegin;
      cursor = writeNode(child, out, cursor);
    });
    return cursor;
  }
  const wide = layout === "lookup32";
  const entrySize = wide ? 4 : 2;
  const { zeroth, first, span } = lookupShape(children);
  out[at] = LOOKUP_TYPE_VALUE | (wide ? LOOKUP_32BIT_BIT : 0) | (zeroth ? LOOKUP_0TH_BIT : 0);
  out[at + 1] = first;
  out[at + 2] = span;
  const tableBegin = at + 3 + (zeroth ? entrySize : 0);
  let cursor = tableBegin + span * entrySize;
  children.forEach((child, i) => {
    const entry = zeroth && i === 0 ? at + 3 : tableBegin + (child.char - first) * entrySize;
    if (wide) view.setUint32(entry, cursor, true);
    else view.setUint16(entry, cursor - at, true);
    cursor = writeNode(child, out, cursor);
  });
  return cursor;
}

function asText(data: string | Uint8Array, what: string): string {
  if (typeof data === "string") return data;
  try {
    return decoder.decode(data);
  } catch {
    throw new TypeError(`The ${what} file is not UTF-8`);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
