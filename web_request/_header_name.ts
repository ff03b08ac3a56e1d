/**
 * The spelling of the header names a webRequest listener's `requestHeaders` answer sets (the
 * caller's and Chromium's spellings are core's, in core/header_spelling.ts).
 *
 * @module
 */

/**
 * The names a listener's `requestHeaders` answer sets, sorted by code unit: each key whose value
 * is a string (Electron sets no other), as written; of keys that differ only in case the first
 * is the spelling Chromium's `SetHeader` keeps when Electron hands it the answer as a sorted
 * dictionary, and the last gives the value. An array answer is no dictionary and sets none.
 *
 * @param answer The answer's `requestHeaders`.
 * @returns The spellings, in the order Electron sets them.
 *
 * @example
 * ```ts
 * import { answerSpellings } from "./_header_name.ts";
 * import { spellingIn } from "../core/header_spelling.ts";
 * console.log(spellingIn(answerSpellings({ "user-agent": "b", "User-Agent": "a" }), "user-agent")); // User-Agent
 * ```
 */
export function answerSpellings(answer: Record<string, unknown>): string[] {
  if (Array.isArray(answer)) return [];
  return Object.keys(answer).filter((name) => typeof answer[name] === "string").sort();
}
