/**
 * The rule index: finds the rules that can match a URL without looking at the others, like
 * Chromium's `UrlPatternIndex` (components/url_pattern_index): each rule is filed under one
 * 5-character n-gram of a literal every matching URL contains; a URL looks up each of its own
 * n-grams. Rules with no such literal are filed under their `requestDomains`, and only the rest
 * are tried for every URL.
 *
 * @module
 */

import type { CompiledRule } from "./dnr_rule.ts";

/** The n-gram length (Chromium's `kNGramSize`). */
const N = 5;

// N-grams nearly every URL contains; a rule filed under one would be tried for every request.
const COMMON_NGRAMS = new Set(
  ["https://www.", "http://www.", "wss://", "ws://www.", ".com/", ".html", ".net/", ".org/"]
    .flatMap((text) => Array.from({ length: text.length - N + 1 }, (_, i) => text.slice(i, i + N))),
);

/** The rules of one extension, indexed. */
export class DnrIndex {
  readonly #byNgram = new Map<string, CompiledRule[]>();
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
    const found: CompiledRule[] = this.#unindexed.slice();
    if (this.#byNgram.size > 0) {
      let seen: Set<string> | undefined;
      for (let i = 0; i + N <= lowerUrl.length; i++) {
        const gram = lowerUrl.slice(i, i + N);
        const bucket = this.#byNgram.get(gram);
        if (bucket === undefined) continue;
        seen ??= new Set();
        if (seen.has(gram)) continue;
        seen.add(gram);
        for (const rule of bucket) found.push(rule);
      }
    }
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
    let best: string | undefined;
    let bestCount = Infinity;
    for (const literal of rule.literals) {
      for (let i = 0; i + N <= literal.length; i++) {
        const gram = literal.slice(i, i + N);
        const count = (this.#byNgram.get(gram)?.length ?? 0) +
          (COMMON_NGRAMS.has(gram) ? 1e9 : 0);
        if (count < bestCount) {
          best = gram;
          bestCount = count;
        }
      }
    }
    if (best !== undefined) return push(this.#byNgram, best, rule);
    if (rule.requestDomains !== null) {
      // A rule lists each domain once; a host visits each of its suffixes once.
      for (const domain of new Set(rule.requestDomains)) push(this.#byDomain, domain, rule);
      return;
    }
    this.#unindexed.push(rule);
  }
}

function push(map: Map<string, CompiledRule[]>, key: string, rule: CompiledRule): void {
  const bucket = map.get(key);
  if (bucket === undefined) map.set(key, [rule]);
  else bucket.push(rule);
}
