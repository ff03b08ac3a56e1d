/**
 * Electron's deprecation notice for an API that moved or has a replacement
 * (lib/common/deprecate.ts, `moveAPI` and `warnOnce(old, new)`, which print the same words):
 * once per process, `(electron) '<old>' is deprecated and will be removed. Please use '<new>'
 * instead.` on `console.warn`, obeying Node's `process.noDeprecation`,
 * `process.throwDeprecation` and `process.traceDeprecation`.
 *
 * @module
 */

import process from "node:process";

/** The process's deprecation switches Electron reads (Node's `--no-deprecation` & co.). */
interface DeprecationFlags {
  noDeprecation?: boolean;
  throwDeprecation?: boolean;
  traceDeprecation?: boolean;
}

/**
 * Makes the notice for one moved API; call the result on every use of the old API.
 *
 * @param oldUsage The old API, as Electron names it (`session.loadExtension`).
 * @param newUsage Its replacement (`session.extensions.loadExtension`).
 * @returns A function that warns on its first call only; it throws `Error(<message>)` instead
 * when `process.throwDeprecation` is set, as Electron's `deprecate.log`.
 *
 * @example
 * ```ts
 * import { movedApiWarning } from "./deprecate.ts";
 * const warn = movedApiWarning("session.getExtension", "session.extensions.getExtension");
 * warn(); // (electron) 'session.getExtension' is deprecated and will be removed. Please use 'session.extensions.getExtension' instead.
 * warn(); // nothing: once per process
 * ```
 */
export function movedApiWarning(oldUsage: string, newUsage: string): () => void {
  const message =
    `'${oldUsage}' is deprecated and will be removed. Please use '${newUsage}' instead.`;
  let warned = false;
  return () => {
    const flags = process as DeprecationFlags;
    if (warned || flags.noDeprecation) return;
    warned = true;
    if (flags.throwDeprecation) throw new Error(message);
    if (flags.traceDeprecation) console.trace(message);
    else console.warn(`(electron) ${message}`);
  };
}
