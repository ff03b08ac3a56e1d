/**
 * The messages between the main thread (`_pac_thread.ts`) and the PAC thread
 * (`_pac_worker.ts`).
 *
 * @module
 */

import type { RunOutcome, SandboxLimits } from "./_pac_sandbox.ts";

/**
 * A request to the PAC thread: its sequence number first, then what to do. A run travels as
 * one string, its fields joined by NUL (which no URL or host holds), as a string is what a
 * worker message copies fastest: `seq, id, budgetMs, noMoreLookups ("1" or "0"), url, host,
 * answers` (answers as JSON, or empty when there are none).
 */
export type PacWorkerRequest =
  | readonly [seq: number, kind: "compile", id: number, source: string, limits: SandboxLimits]
  | readonly [seq: number, kind: "dispose", id: number]
  | string;

/**
 * The reply to the request of the same sequence number. A run's plain answer (no alerts)
 * travels as `seq`, NUL, the answer.
 */
export type PacWorkerReply =
  | readonly [seq: number, outcome: RunOutcome]
  | readonly [seq: number, compileError: string | null]
  | string;

/** The field separator of string requests and replies. */
export const SEPARATOR = "\0";
