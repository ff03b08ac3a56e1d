/**
 * `ses spell TEXT [--lang CODE]... [--json] [--partition NAME] [--dictionary-url URL]` and
 * `ses spell - ...` (the text from standard input): the misspelled words of a text, as
 * `ses.spellCheck` finds them.
 *
 * Prints one line per misspelling, `START-END WORD: SUGGESTION, ...` (UTF-16 offsets), or with
 * `--json` the array `ses.spellCheck` returns. `--lang` selects the languages for the run in the
 * default (in-memory) partition, as `setSpellCheckerLanguages` would; with a `persist:`
 * partition it picks among the partition's selected languages and leaves its settings alone.
 * `--dictionary-url` is `setSpellCheckerDictionaryDownloadURL`'s base URL for the run. A
 * dictionary download is told on standard error as it begins (with a live progress bar on a
 * terminal) and if it fails.
 * Exits as grep does: 0 when nothing is misspelled, 1 when something is (so scripts can test
 * it), 2 when the check could not be made: a usage error (an unknown language code or an
 * invalid URL included), a failed check, or no selected language with a dictionary.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { normalizeSpellCheckerLanguages, type SessionModule } from "../session/mod.ts";
import { fromPartitionOption } from "./partition_option.ts";
import type { ProgressView } from "./download_progress.ts";

/** What `ses spell` was asked to do. */
export interface SpellArgs {
  /** The text, or `"-"` to read standard input. */
  text: string;
  /**
   * The languages to check against (default: the session's selected languages); selected for
   * the run in an in-memory partition.
   */
  languages?: string[];
  /** Print JSON. */
  json: boolean;
  /** The partition whose spellchecker settings apply (default: an in-memory one). */
  partition: string;
  /**
   * Where dictionaries are downloaded from (`setSpellCheckerDictionaryDownloadURL`'s base URL,
   * the lower-cased file name appended); default Chromium's server.
   */
  dictionaryUrl?: string;
}

/** Where `ses spell` reads and writes. */
export interface SpellIo {
  /** Reads all of standard input as text. */
  readStdin(): Promise<string>;
  /** Receives each output line. */
  out(line: string): void;
  /** Receives error messages. */
  err(line: string): void;
  /**
   * Starts the progress display of one dictionary download (`name` like `"fr" dictionary`);
   * the CLI gives a live bar when standard error is a terminal, and none otherwise.
   */
  progress?: (name: string) => ProgressView;
}

/**
 * Parses the arguments after `ses spell`.
 *
 * @param argv Like `["Helo world", "--lang", "en-US", "--json"]`.
 * @returns The parsed arguments.
 * @throws {TypeError} With the usage problem, like `ses spell: missing text (or - for stdin)`.
 *
 * @example
 * ```ts
 * import { parseSpellArgs } from "./spell_command.ts";
 * console.log(parseSpellArgs(["-", "--json"])); // { text: "-", languages: undefined, json: true, partition: "ses-spell-cli", dictionaryUrl: undefined }
 * ```
 */
export function parseSpellArgs(argv: string[]): SpellArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      lang: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      partition: { type: "string", default: "ses-spell-cli" },
      "dictionary-url": { type: "string" },
    },
    allowPositionals: true,
  });
  const [text, ...extra] = positionals;
  if (text === undefined) throw new TypeError("ses spell: missing text (or - for stdin)");
  if (extra.length > 0) throw new TypeError(`ses spell: unexpected argument "${extra[0]}"`);
  return {
    text,
    languages: values.lang,
    json: values.json,
    partition: values.partition,
    dictionaryUrl: values["dictionary-url"],
  };
}

/**
 * Checks the text with the partition's spellchecker and prints the misspellings.
 *
 * @param session The `session` module.
 * @param args The parsed arguments.
 * @param io Standard input and the output sinks.
 * @returns 0 when nothing is misspelled, 1 when something is, the check failed or no selected
 * language has a dictionary, 2 for an unknown language code or an invalid `--dictionary-url`.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { parseSpellArgs, runSpell } from "./spell_command.ts";
 * const io = { readStdin: async () => "", out: console.log, err: console.error };
 * console.log(await runSpell(session, parseSpellArgs(["A smal test"]), io));
 * // 2-6 smal: slam, small, seal, dismal
 * // 1
 * ```
 */
export async function runSpell(
  session: SessionModule,
  args: SpellArgs,
  io: SpellIo,
): Promise<number> {
  const ses = fromPartitionOption(session, args.partition);
  try {
    if (args.dictionaryUrl !== undefined) {
      ses.setSpellCheckerDictionaryDownloadURL(args.dictionaryUrl);
    }
    if (args.languages !== undefined) {
      // A persistent partition's languages are left alone, but a code no language table knows
      // is the same usage mistake there: Electron's message, not "is not selected".
      if (ses.isPersistent()) normalizeSpellCheckerLanguages(args.languages);
      else ses.setSpellCheckerLanguages(args.languages);
    }
  } catch (error) {
    io.err(`ses spell: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  // A download is told as it starts and when it fails: an unreachable or missing dictionary
  // leaves its language unchecked, which must not read as "nothing misspelled".
  const failed = new Set<string>();
  const views = new Map<string, { view: ProgressView; started: number }>();
  const stopView = (language: string) => {
    views.get(language)?.view.stop();
    views.delete(language);
  };
  ses.on("spellcheck-dictionary-download-begin", (_event, language) => {
    io.err(`ses spell: downloading the "${language}" dictionary`);
    const view = io.progress?.(`"${language}" dictionary`);
    if (view !== undefined) views.set(language, { view, started: performance.now() });
  });
  ses.on("spellcheck-dictionary-download-progress", (_event, language, received, total) => {
    const shown = views.get(language);
    if (shown === undefined) return;
    const seconds = Math.max((performance.now() - shown.started) / 1000, 0.001);
    shown.view.update(received, total, Math.round(received / seconds));
  });
  ses.on("spellcheck-dictionary-download-success", (_event, language) => stopView(language));
  ses.on("spellcheck-dictionary-download-failure", (_event, language) => {
    stopView(language);
    failed.add(language);
    io.err(`ses spell: the "${language}" dictionary could not be downloaded`);
  });
  const text = args.text === "-" ? await io.readStdin() : args.text;
  let found;
  try {
    found = await ses.spellCheck(text, { languages: args.languages });
  } catch (error) {
    io.err(`ses spell: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    for (const language of [...views.keys()]) stopView(language);
  }
  // Without --lang every selected language is used; an empty list means the built-in en-US.
  const selected = ses.getSpellCheckerLanguages();
  if (selected.length > 0 && selected.every((language) => failed.has(language))) {
    io.err("ses spell: no dictionary to check with (--dictionary-url sets where they come from)");
    return 2;
  }
  if (args.json) io.out(JSON.stringify(found, undefined, 2));
  else {
    for (const { start, end, word, suggestions } of found) {
      io.out(`${start}-${end} ${word}: ${suggestions.join(", ")}`);
    }
  }
  return found.length === 0 ? 0 : 1;
}
