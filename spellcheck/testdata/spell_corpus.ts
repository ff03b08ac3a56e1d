/**
 * A deterministic spelling corpus for the parity test and the benchmark: words of a hunspell
 * word list (letters and apostrophes only), as they are, capitalised, upper-cased, with `'s`,
 * and mutated into misspellings (a letter dropped, doubled, replaced, inserted or two swapped).
 *
 * @module
 */

/** The system dictionary both engines load (Debian's hunspell-en-us). */
export const SYSTEM_EN_US = "/usr/share/hunspell/en_US";

// mulberry32: small, fast and the same sequence in every runtime.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * Builds the corpus.
 *
 * @param dic The `.dic` file's text.
 * @param count How many words.
 * @param seed The random seed (the same seed gives the same corpus).
 * @returns The words.
 *
 * @example
 * ```ts
 * import { spellCorpus } from "./spell_corpus.ts";
 * console.log(spellCorpus("3\ncat/S\ndog\nbird's\n", 4, 1).length); // 4
 * ```
 */
export function spellCorpus(dic: string, count: number, seed = 16): string[] {
  const stems = dic.split("\n").slice(1).map((line) => line.split("/")[0]!.trim())
    .filter((word) => /^[A-Za-z][A-Za-z']*[A-Za-z]$/.test(word));
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const letter = () => pick([...LETTERS]);
  const words: string[] = [];
  while (words.length < count) {
    const word = pick(stems);
    const kind = next();
    if (kind < 0.35) words.push(word);
    else if (kind < 0.47) words.push(word[0]!.toUpperCase() + word.slice(1));
    else if (kind < 0.52) words.push(word.toUpperCase());
    else if (kind < 0.62) words.push(`${word}'s`);
    else {
      const at = 1 + Math.floor(next() * (word.length - 1));
      const mutation = Math.floor(next() * 5);
      const mutated = mutation === 0
        ? word.slice(0, at) + word.slice(at + 1)
        : mutation === 1
        ? word.slice(0, at) + word[at - 1] + word.slice(at)
        : mutation === 2
        ? word.slice(0, at) + letter() + word.slice(at + 1)
        : mutation === 3
        ? word.slice(0, at) + letter() + word.slice(at)
        : word.slice(0, at - 1) + word[at]! + word[at - 1] + word.slice(at + 1);
      // Two apostrophes in a row would make hunspell's text parser split the word.
      if (/^[A-Za-z][A-Za-z']*[A-Za-z]$/.test(mutated) && !mutated.includes("''")) {
        words.push(mutated);
      }
    }
  }
  return words;
}
