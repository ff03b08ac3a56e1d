/**
 * The messages between the main thread (`_pac_thread.ts`) and the PAC thread
 * (`_pac_worker.ts`).
 *
 * @module
 */

import type { RunOutcome, SandboxLimits, TopLevelDns } from "./_pac_sandbox.ts";

/**
 * A request to the PAC thread: its sequence number first, then what to do. A run travels as
 * one string, its fields joined by NUL (which no URL or host holds), as a string is what a
 * worker message copies fastest: `seq, id, budgetMs, noMoreLookups ("1" or "0"), url, host,
 * answers` (answers as JSON, or empty when there are none).
 */
export type PacWorkerRequest =
  | readonly [
    seq: number,
    kind: "compile",
    id: number,
    source: string,
    limits: SandboxLimits,
    topLevel: TopLevelDns,
  ]
  | readonly [seq: number, kind: "dispose", id: number]
  | string;

/**
 * The reply to the request of the same sequence number. A run's plain answer (no alerts)
 * travels as `seq`, NUL, the answer.
 */
export type PacWorkerReply =
  | readonly [seq: number, outcome: RunOutcome]
  | readonly [seq: number, compiled: CompileReply]
  | string;

/**
 * A compile's answer: `null` when compiled (or the `alert()` messages its top level made, if
 * any), why it failed, or the name its top level needs resolved before it can be compiled.
 */
export type CompileReply =
  | CompileFailure
  | null
  | { readonly pending: string }
  | { readonly alerts: readonly string[] };

/** Why a script did not compile. */
export interface CompileFailure {
  /** The error message, `Cannot compile PAC script: ...`. */
  readonly error: string;
  /** The script's line the error came from, `-1` when unknown. */
  readonly line: number;
  /** Chromium's words for the error, as its PAC bindings report it. */
  readonly reported: string;
  /** The `alert()` messages the top level made before the error. */
  readonly alerts: readonly string[];
}

/**
 * A script that does not load (thrown by `PacSandbox`'s constructor, and by `PacThread`'s
 * compile on the main thread): `message` is `Cannot compile PAC script: ...`, and the line and
 * words are what Chromium's PAC bindings report for it.
 */
export class ScriptLoadError extends SyntaxError {
  /** The script's line the error came from, `-1` when unknown. */
  readonly line: number;
  /** Chromium's words (`Uncaught SyntaxError: ...`, `FindProxyForURL() is undefined.`). */
  readonly reported: string;
  /** The `alert()` messages the top level made before the error. */
  readonly alerts: readonly string[];

  /**
   * @param message The error's message.
   * @param line The script's line, `-1` when unknown.
   * @param reported Chromium's words for the error.
   * @param alerts The top level's `alert()` messages before the error.
   */
  constructor(message: string, line: number, reported: string, alerts: readonly string[] = []) {
    super(message);
    this.line = line;
    this.reported = reported;
    this.alerts = alerts;
  }
}

/** The field separator of string requests and replies. */
export const SEPARATOR = "\0";

/**
 * The hand-off buffer (a `SharedArrayBuffer`, one per worker) through which a run is sent
 * and answered with no message and no event-loop turn: `HAND_OFF_SLOTS` Int32 slots, then
 * `HAND_OFF_UNITS` UTF-16 code units holding the request, later the answer, in the same text
 * forms as the messages (a request string; a reply string, or a reply array as JSON).
 */
export const HAND_OFF_SLOTS = {
  /** Bumped by the main thread for each hand-off or message; the worker waits on it. */
  doorbell: 0,
  /** How many messages the main thread has posted; the worker leaves its wait to read them. */
  mail: 1,
  /** The hand-off's state: one of `HAND_OFF_STATE`. */
  state: 2,
  /** Code units of text in the buffer; -1 in an answer means it was posted as a message. */
  length: 3,
} as const;

/** Int32 slots before the text. */
export const HAND_OFF_SLOT_COUNT = 8;

/** UTF-16 code units of text the buffer holds; longer requests go as messages. */
export const HAND_OFF_UNITS = 32 * 1024;

/**
 * A hand-off's states. `request` (main thread) → `answered` (worker; the answer is in the
 * buffer) → `idle` (main thread, once read). When the main thread stops waiting first, it
 * moves `request` → `abandoned`, and the worker then posts the answer as a message and moves
 * `abandoned` → `idle`. Both moves out of `request` are compare-and-swaps, so exactly one
 * side wins.
 */
export const HAND_OFF_STATE = { idle: 0, request: 1, answered: 2, abandoned: 3 } as const;

/**
 * Copies text into the buffer's text area.
 *
 * @param units The text area.
 * @param text At most `units.length` code units.
 */
export function writeUnits(units: Uint16Array, text: string): void {
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
}

/**
 * Reads text from the buffer's text area.
 *
 * @param units The text area.
 * @param length Code units to read.
 * @returns The text.
 */
export function readUnits(units: Uint16Array, length: number): string {
  let text = "";
  // fromCharCode takes its arguments on the stack: a chunk at a time.
  for (let start = 0; start < length; start += 4096) {
    const chunk = units.subarray(start, Math.min(length, start + 4096));
    text += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return text;
}
