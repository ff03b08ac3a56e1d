/**
 * The messages between {@linkcode TextChecker} and its worker (text_check_worker.ts).
 *
 * @module
 */

import type { HunspellDictionaryFiles } from "./dictionary_provider.ts";
import type { Misspelling } from "./text_check.ts";

/** What a request asks the worker to do. */
export type TextCheckRequestBody =
  | { kind: "load"; dictionaries: HunspellDictionaryFiles[] }
  | { kind: "check"; text: string }
  | { kind: "suggest"; words: string[] };

/** A request to the worker; `id` pairs it with its reply. */
export type TextCheckRequest = TextCheckRequestBody & { id: number };

/** The worker's reply: the result of the request with the same `id`, or its error message. */
export type TextCheckReply =
  | { id: number; kind: "loaded" }
  | { id: number; kind: "checked"; misspellings: Misspelling[]; checked: string[] }
  | { id: number; kind: "suggested"; suggestions: string[][] }
  | { id: number; kind: "error"; message: string };
