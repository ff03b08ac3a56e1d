/**
 * The rule index: finds the rules that can match a URL without looking at the others, like
 * Chromium's `UrlPatternIndex` (components/url_pattern_index): each rule is filed under one
 * 5-character n-gram of a literal every matching URL contains; a URL looks up each of its own
 * n-grams. Rules whose literals are shorter (`/ad^`) are filed under a 3-character n-gram,
 * rules with none under their `requestDomains`, and only the rest are tried for every URL.
 *
 * @module
 */

import type { CompiledRule } from "./dnr_rule.ts";

/** The n-gram length (Chromium's `kNGramSize`). */
const N = 5;
/** The n-gram length for rules whose literals are all shorter than {@linkcode N}. */
const SHORT_N = 3;

// An n-gram as a 32-bit polynomial hash, so that the URL's n-grams roll in int32
// arithmetic instead of slicing a string per position. Two n-grams may share a hash: that
// only offers a few more candidates, which the full test then refuses.
const BASE = 257;

// N-grams nearly every URL contains; a rule filed under one would be tried for every request.
const COMMON_NGRAMS = new Set(
  ["https://www.", "http://www.", "wss://", "ws://www.", ".com/", ".html", ".net/", ".org/"]
    .flatMap((text) =>
      [N, SHORT_N].flatMap((n) =>
        Array.from({ length: text.length - n + 1 }, (_, i) => gramKey(text, i, n))
      )
    ),
);

/** The rules of one extension, indexed. */
export class DnrIndex {
  readonly #byNgram: GramTable = { map: new Map(), filter: new Uint8Array(FILTER_SIZE) };
  readonly #byShortNgram: GramTable = { map: new Map(), filter: new Uint8Array(FILTER_SIZE) };
  readonly #byDomain = new Map<string, CompiledRule[]>();
  readonly #unindexed: CompiledRule[] = [];
  #size = 0;

  /**
   * Builds the index.
   *
   * @param rules The extension's enabled rules.
   *
   * @example
   * ```ts
   * import { DnrIndex } from "./dnr_index.ts";
   * import { parseRuleset } from "./dnr_rule.ts";
   * const { rules } = parseRuleset(
   *   '[{"id": 1, "action": {"type": "block"}, "condition": {"urlFilter": "tracker"}}]',
   *   { rules: 30000, regexRules: 1000 },
   * );
   * const index = new DnrIndex(rules);
   * console.log(index.candidates("https://a.test/tracker.js", "a.test").length); // 1
   * ```
   */
  constructor(rules: readonly CompiledRule[]) {
    for (const rule of rules) this.#add(rule);
  }

  /** How many rules the index holds. */
  get size(): number {
    return this.#size;
  }

  /**
   * The rules that may match; each still needs its full test.
   *
   * @param lowerUrl The request URL, lower-cased.
   * @param host The request URL's host name, lower-cased.
   * @returns Candidate rules, each at most once.
   */
  candidates(lowerUrl: string, host: string): CompiledRule[] {
    const found: CompiledRule[] = [];
    for (const rule of this.#unindexed) found.push(rule);
    if (this.#byNgram.map.size > 0) collect(this.#byNgram, N, lowerUrl, found);
    if (this.#byShortNgram.map.size > 0) collect(this.#byShortNgram, SHORT_N, lowerUrl, found);
    if (this.#byDomain.size > 0) {
      for (let suffix = host; suffix !== "";) {
        const bucket = this.#byDomain.get(suffix);
        if (bucket !== undefined) { for (const rule of bucket) found.push(rule); }
        const dot = suffix.indexOf(".");
        suffix = dot === -1 ? "" : suffix.slice(dot + 1);
      }
    }
    return found;
  }

  #add(rule: CompiledRule): void {
    this.#size++;
    const gram = rarest(this.#byNgram.map, N, rule.literals);
    if (gram !== undefined) return file(this.#byNgram, gram, rule);
    if (rule.requestDomains !== null) {
      // A rule lists each domain once; a host visits each of its suffixes once.
      for (const domain of new Set(rule.requestDomains)) push(this.#byDomain, domain, rule);
      return;
    }
    const short = rarest(this.#byShortNgram.map, SHORT_N, rule.literals);
    if (short !== undefined) return file(this.#byShortNgram, short, rule);
    this.#unindexed.push(rule);
  }
}

function gramKey(text: string, start: number, n: number): number {
  let key = 0;
  for (let i = start; i < start + n; i++) key = (Math.imul(key, BASE) + text.charCodeAt(i)) | 0;
  return key;
}

// The n-gram of the literals with the fewest rules filed under it so far.
function rarest(
  map: Map<number, CompiledRule[]>,
  n: number,
  literals: string[],
): number | undefined {
  let best: number | undefined;
  let bestCount = Infinity;
  for (const literal of literals) {
    for (let i = 0; i + n <= literal.length; i++) {
      const key = gramKey(literal, i, n);
      const count = (map.get(key)?.length ?? 0) + (COMMON_NGRAMS.has(key) ? 1e9 : 0);
      if (count < bestCount) {
        best = key;
        bestCount = count;
      }
    }
  }
  return best;
}

// Rules by n-gram, with a bit per hash bucket so most URL n-grams skip the Map lookup.
interface GramTable {
  map: Map<number, CompiledRule[]>;
  filter: Uint8Array;
}

const FILTER_SIZE = 1 << 16;

function file(table: GramTable, key: number, rule: CompiledRule): void {
  table.filter[key & (FILTER_SIZE - 1)] = 1;
  push(table.map, key, rule);
}

// Adds the rules filed under each distinct n-gram of the URL.
function collect({ map, filter }: GramTable, n: number, url: string, found: CompiledRule[]) {
  // BASE ** (n - 1) in int32 arithmetic: the weight of the character leaving the window.
  let outWeight = 1;
  for (let i = 1; i < n; i++) outWeight = Math.imul(outWeight, BASE);
  let seen: Set<number> | undefined;
  let key = 0;
  for (let i = 0; i < url.length; i++) {
    if (i >= n) key = (key - Math.imul(url.charCodeAt(i - n), outWeight)) | 0;
    key = (Math.imul(key, BASE) + url.charCodeAt(i)) | 0;
    if (i < n - 1 || filter[key & (FILTER_SIZE - 1)] === 0) continue;
    const bucket = map.get(key);
    if (bucket === undefined) continue;
    seen ??= new Set();
    if (seen.has(key)) continue;
    seen.add(key);
    for (const rule of bucket) found.push(rule);
  }
}

function push<K>(map: Map<K, CompiledRule[]>, key: K, rule: CompiledRule): void {
  const bucket = map.get(key);
  if (bucket === undefined) map.set(key, [rule]);
  else bucket.push(rule);
}
