/**
 * One hunspell dictionary, loaded into its own instance of hunspell.wasm: check words, list
 * suggestions, free. Results are hunspell 1.7.1's own (`hunspell -l` / `-a` give the same).
 *
 * @module
 */

import { type HunspellCodec, hunspellCodec } from "./hunspell_encoding.ts";
import { type HunspellExports, instantiateHunspell } from "./hunspell_wasm.ts";

const utf8Encoder = new TextEncoder();

/** The two files of a hunspell dictionary. */
export interface HunspellFiles {
  /** The affix file's bytes (`.aff`). */
  aff: Uint8Array;
  /** The word list's bytes (`.dic`). */
  dic: Uint8Array;
}

/**
 * A loaded hunspell dictionary. Not thread-safe; create one per worker. Call `free()` when done
 * (the instance's memory is released with the object anyway once unreachable).
 */
export class Hunspell {
  #wasm: HunspellExports;
  #checker: number;
  #codec: HunspellCodec;
  #scratch = 0;
  #scratchSize = 0;

  private constructor(wasm: HunspellExports, checker: number) {
    this.#wasm = wasm;
    this.#checker = checker;
    this.#codec = hunspellCodec(this.#readString(wasm.ses_encoding(checker)));
  }

  /**
   * Loads a dictionary from its affix and word-list bytes.
   *
   * @param files The `.aff` and `.dic` bytes (copied; the caller may reuse them).
   * @returns The loaded dictionary.
   * @throws {TypeError} When `aff` or `dic` is not a Uint8Array.
   * @throws {RangeError} When the word list does not start with a word count (hunspell would load
   *   no words), the affix file names an encoding the runtime cannot decode, or hunspell gives up
   *   loading (`Hunspell could not load the dictionary: hunspell.wasm exited with status 1` for a
   *   table it cannot allocate, such as `REP 100000000`).
   *
   * @example
   * ```ts
   * import { Hunspell } from "./hunspell.ts";
   * const aff = new TextEncoder().encode("SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n");
   * const dic = new TextEncoder().encode("1\ncat/S\n");
   * const hunspell = await Hunspell.load({ aff, dic });
   * console.log(hunspell.spell("cats"), hunspell.spell("cta"), hunspell.suggest("cta")); // true false [ "cat" ]
   * hunspell.free();
   * ```
   */
  static async load(files: HunspellFiles): Promise<Hunspell> {
    const { aff, dic } = files ?? {};
    if (!(aff instanceof Uint8Array) || !(dic instanceof Uint8Array)) {
      throw new TypeError("Hunspell.load needs { aff: Uint8Array, dic: Uint8Array }");
    }
    const countLine = checkWordCount(dic);
    const wasm = await instantiateHunspell();
    const affPointer = wasm.ses_malloc(aff.length + 1);
    const dicPointer = wasm.ses_malloc(dic.length + 1);
    if (!affPointer || !dicPointer) {
      throw new RangeError("Dictionary is too large for hunspell.wasm");
    }
    new Uint8Array(wasm.memory.buffer, affPointer, aff.length).set(aff);
    new Uint8Array(wasm.memory.buffer, dicPointer, dic.length).set(dic);
    if (countLine) new Uint8Array(wasm.memory.buffer, dicPointer).set(countLine);
    let checker: number;
    try {
      checker = wasm.ses_create(affPointer, aff.length, dicPointer, dic.length);
    } catch (error) {
      // Hunspell exits (or traps) when a table the affix file declares cannot be allocated; the
      // instance is this dictionary's alone and is dropped with it.
      throw new RangeError(
        `Hunspell could not load the dictionary: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    wasm.ses_free(affPointer);
    wasm.ses_free(dicPointer);
    if (!checker) throw new RangeError("Hunspell could not load the dictionary");
    return new Hunspell(wasm, checker);
  }

  /** The dictionary's encoding (the affix file's `SET`, `ISO8859-1` when absent). */
  get encoding(): string {
    return this.#codec.name;
  }

  /**
   * Whether hunspell accepts `word` (affixes, compounds, case rules and ICONV applied).
   *
   * @param word One word, without surrounding punctuation.
   * @returns `true` when correct; `false` when misspelled or not encodable in the dictionary's
   *   character set.
   * @throws {Error} After `free()`.
   *
   * @example
   * ```ts
   * import { Hunspell } from "./hunspell.ts";
   * const hunspell = await Hunspell.load({
   *   aff: new TextEncoder().encode("SET UTF-8\n"),
   *   dic: new TextEncoder().encode("1\nParis\n"),
   * });
   * console.log(hunspell.spell("Paris"), hunspell.spell("PARIS"), hunspell.spell("paris")); // true true false
   * hunspell.free();
   * ```
   */
  spell(word: string): boolean {
    const pointer = this.#writeWord(word);
    return pointer !== 0 && this.#wasm.ses_spell(this.#checker, pointer) === 1;
  }

  /**
   * Checks many words in one call into the module (what a text check uses).
   *
   * @param words The words.
   * @returns One entry per word: `true` correct, `false` misspelled.
   * @throws {Error} After `free()`.
   *
   * @example
   * ```ts
   * import { Hunspell } from "./hunspell.ts";
   * const hunspell = await Hunspell.load({
   *   aff: new TextEncoder().encode("SET UTF-8\n"),
   *   dic: new TextEncoder().encode("2\na\nb\n"),
   * });
   * console.log(hunspell.spellMany(["a", "c", "b"])); // [ true, false, true ]
   * hunspell.free();
   * ```
   */
  spellMany(words: readonly string[]): boolean[] {
    this.#checkAlive();
    const results = new Array<boolean>(words.length).fill(false);
    // A word with a NUL cannot be passed (NUL ends it), so it stays misspelled.
    const indexes: number[] = [];
    const passed: string[] = [];
    words.forEach((word, index) => {
      if (typeof word === "string" && !word.includes("\0")) {
        indexes.push(index);
        passed.push(word);
      }
    });
    if (passed.length === 0) return results;
    const flags = this.#codec.utf8 ? this.#spellUtf8(passed) : this.#spellEncoded(passed);
    indexes.forEach((index, i) => results[index] = flags[i] === 1);
    return results;
  }

  // UTF-8: every word encoded in one pass straight into the module's memory.
  #spellUtf8(words: string[]): Uint8Array {
    const joined = words.join("\0") + "\0";
    const capacity = joined.length * 3;
    const pointer = this.#reserve(capacity + words.length);
    const target = new Uint8Array(this.#wasm.memory.buffer, pointer, capacity);
    const { written } = utf8Encoder.encodeInto(joined, target);
    const results = pointer + written;
    this.#wasm.ses_spell_many(this.#checker, pointer, words.length, results);
    return new Uint8Array(this.#wasm.memory.buffer, results, words.length);
  }

  // A single-byte set: a word with a character the set lacks is misspelled without a call.
  #spellEncoded(words: string[]): Uint8Array {
    const flags = new Uint8Array(words.length);
    const encoded: Uint8Array[] = [];
    const indexes: number[] = [];
    let size = 0;
    words.forEach((word, index) => {
      const bytes = this.#codec.encode(word);
      if (!bytes) return;
      encoded.push(bytes);
      indexes.push(index);
      size += bytes.length + 1;
    });
    if (encoded.length === 0) return flags;
    const pointer = this.#reserve(size + encoded.length);
    const memory = new Uint8Array(this.#wasm.memory.buffer);
    let at = pointer;
    for (const bytes of encoded) {
      memory.set(bytes, at);
      memory[at + bytes.length] = 0;
      at += bytes.length + 1;
    }
    this.#wasm.ses_spell_many(this.#checker, pointer, encoded.length, at);
    const results = new Uint8Array(this.#wasm.memory.buffer, at, encoded.length);
    indexes.forEach((index, i) => flags[index] = results[i]!);
    return flags;
  }

  /**
   * Hunspell's suggestions for a word, best first (hunspell caps them at 15).
   *
   * @param word The misspelled word.
   * @returns The suggestions; `[]` when there are none or the word cannot be encoded.
   * @throws {Error} After `free()`.
   *
   * @example
   * ```ts
   * import { Hunspell } from "./hunspell.ts";
   * const hunspell = await Hunspell.load({
   *   aff: new TextEncoder().encode("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n"),
   *   dic: new TextEncoder().encode("2\nhello\nhelp\n"),
   * });
   * console.log(hunspell.suggest("helo")); // [ "help", "hello" ]
   * hunspell.free();
   * ```
   */
  suggest(word: string): string[] {
    const pointer = this.#writeWord(word);
    if (pointer === 0) return [];
    const countPointer = this.#scratch + this.#scratchSize - 4;
    const block = this.#wasm.ses_suggest(this.#checker, pointer, countPointer);
    const count = new DataView(this.#wasm.memory.buffer).getInt32(countPointer, true);
    const suggestions: string[] = [];
    const memory = new Uint8Array(this.#wasm.memory.buffer);
    let at = block;
    for (let i = 0; i < count; i++) {
      const end = memory.indexOf(0, at);
      suggestions.push(this.#codec.decode(memory.subarray(at, end)));
      at = end + 1;
    }
    if (block) this.#wasm.ses_free(block);
    return suggestions;
  }

  /**
   * Releases the dictionary; later calls throw. Calling it twice is harmless.
   *
   * @example
   * ```ts
   * import { Hunspell } from "./hunspell.ts";
   * const hunspell = await Hunspell.load({
   *   aff: new TextEncoder().encode("SET UTF-8\n"),
   *   dic: new TextEncoder().encode("1\nword\n"),
   * });
   * hunspell.free();
   * try {
   *   hunspell.spell("word");
   * } catch (error) {
   *   console.log((error as Error).message); // This Hunspell dictionary was freed
   * }
   * ```
   */
  free(): void {
    if (this.#checker === 0) return;
    this.#wasm.ses_destroy(this.#checker);
    if (this.#scratch) this.#wasm.ses_free(this.#scratch);
    this.#checker = 0;
    this.#scratch = 0;
    this.#scratchSize = 0;
  }

  #checkAlive(): void {
    if (this.#checker === 0) throw new Error("This Hunspell dictionary was freed");
  }

  // A reusable buffer in the module's memory; its last 4 bytes hold ses_suggest's count.
  #reserve(size: number): number {
    const needed = size + 4;
    if (needed > this.#scratchSize) {
      if (this.#scratch) this.#wasm.ses_free(this.#scratch);
      const capacity = Math.max(needed, this.#scratchSize * 2, 1024);
      this.#scratch = this.#wasm.ses_malloc(capacity);
      if (!this.#scratch) {
        this.#scratchSize = 0;
        throw new RangeError("hunspell.wasm is out of memory");
      }
      this.#scratchSize = capacity;
    }
    return this.#scratch;
  }

  // The word NUL-terminated in the scratch buffer, or 0 when it cannot be passed to hunspell.
  #writeWord(word: string): number {
    this.#checkAlive();
    const bytes = typeof word === "string" && !word.includes("\0")
      ? this.#codec.encode(word)
      : undefined;
    if (!bytes) return 0;
    const pointer = this.#reserve(bytes.length + 1);
    const memory = new Uint8Array(this.#wasm.memory.buffer);
    memory.set(bytes, pointer);
    memory[pointer + bytes.length] = 0;
    return pointer;
  }

  #readString(pointer: number): string {
    const memory = new Uint8Array(this.#wasm.memory.buffer);
    return new TextDecoder().decode(memory.subarray(pointer, memory.indexOf(0, pointer)));
  }
}

// Hunspell allocates its word table from the first line's count before reading a word, so a
// file of a few bytes claiming 400,000,000 words would take 1.6 GB. Real dictionaries claim at
// most a few hundred thousand; above this, a count larger than the file's line count is lowered
// to it (an upper bound of its words: only the table's size changes).
const TRUSTED_WORD_COUNT = 1 << 22;

// hunspell's HashMgr::load_tables rule: the first line (after a UTF-8 BOM) is a positive count.
// Returns the bytes that replace the start of the file when the count is inflated.
function checkWordCount(dic: Uint8Array): Uint8Array | undefined {
  const newline = dic.indexOf(0x0a);
  const end = newline < 0 ? dic.length : newline;
  let first = new TextDecoder().decode(dic.subarray(0, end));
  const bom = first.startsWith("\uFEFF") ? 3 : 0;
  if (bom) first = first.slice(1);
  if (dic.length === 0) {
    throw new RangeError("Hunspell could not load the dictionary: empty dic file");
  }
  const count = parseInt(first, 10);
  if (!(count > 0)) {
    throw new RangeError(
      "Hunspell could not load the dictionary: missing or bad word count in the dic file",
    );
  }
  if (count <= TRUSTED_WORD_COUNT) return undefined;
  let lines = 1;
  for (let i = newline; i >= 0; i = dic.indexOf(0x0a, i + 1)) lines++;
  if (count <= lines) return undefined;
  // The first line's length kept, the count padded with spaces (hunspell reads it with atoi).
  const replaced = dic.slice(0, end);
  replaced.set(new TextEncoder().encode(String(lines).padEnd(end - bom, " ")), bom);
  return replaced;
}
