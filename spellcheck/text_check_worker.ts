/**
 * The worker that checks long texts off the main thread: it loads its own hunspell instances
 * from the files it is sent, finds misspellings (without suggestions, so the caller can drop
 * custom-dictionary words first) and computes suggestions on request.
 *
 * @module
 */

import type { Hunspell } from "./hunspell.ts";
import {
  findMisspellings,
  loadDictionary,
  type LoadedDictionary,
  suggestionsFor,
} from "./text_check.ts";
import type { TextCheckReply, TextCheckRequest } from "./text_check_protocol.ts";

// The worker global of both runtimes, typed locally (the default lib is the window's).
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<TextCheckRequest>) => void) | null;
  postMessage(message: TextCheckReply): void;
};

let dictionaries: (LoadedDictionary & { checker: Hunspell })[] = [];
let queue: Promise<void> = Promise.resolve();
// Why the last load failed: checks fail with it until a load succeeds, rather than find nothing.
let loadError: string | undefined;

async function handle(request: TextCheckRequest): Promise<TextCheckReply> {
  switch (request.kind) {
    case "load": {
      for (const { checker } of dictionaries) checker.free();
      dictionaries = [];
      loadError = "The spellcheck worker is loading";
      const results = await Promise.allSettled(request.dictionaries.map(loadDictionary));
      const failed = results.find((result) => result.status === "rejected");
      if (failed) {
        // The others are freed: the next load starts over.
        for (const result of results) {
          if (result.status === "fulfilled") result.value.checker.free();
        }
        loadError = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
        throw failed.reason;
      }
      loadError = undefined;
      dictionaries = results.flatMap((result) =>
        result.status === "fulfilled" ? [result.value] : []
      );
      return { id: request.id, kind: "loaded" };
    }
    case "check":
      if (loadError) throw new Error(loadError);
      return {
        id: request.id,
        kind: "checked",
        ...findMisspellings(request.text, dictionaries, () => false),
      };
    case "suggest":
      if (loadError) throw new Error(loadError);
      return {
        id: request.id,
        kind: "suggested",
        suggestions: request.words.map((word) => suggestionsFor(word, dictionaries)),
      };
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  // One request at a time, in order: a check must see the dictionaries loaded before it.
  queue = queue.then(async () => {
    try {
      scope.postMessage(await handle(request));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      scope.postMessage({ id: request.id, kind: "error", message });
    }
  });
};
