/**
 * A child process for the custom dictionary's two-process test: adds `COUNT` words named
 * `PREFIX0`.. to the dictionary file, yielding between words, then waits for every write.
 *
 * Usage: `custom_dictionary_writer.ts FILE PREFIX COUNT`.
 *
 * @module
 */

import process from "node:process";
import { currentRuntime } from "../../runtime/mod.ts";
import { CustomDictionary } from "../custom_dictionary.ts";

const [path, prefix, count] = process.argv.slice(2);
if (path === undefined || prefix === undefined) throw new TypeError("Usage: FILE PREFIX COUNT");
const dictionary = new CustomDictionary({ path, files: currentRuntime() });
await dictionary.load();
for (let i = 0; i < Number(count); i++) {
  dictionary.addWord(`${prefix}${i}`);
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await dictionary.idle();
