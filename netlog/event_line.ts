/**
 * One event as a line of a Chromium net log, built as text: the fixed part from templates
 * made once per event type and once per source, the parameters through `JSON.stringify` only
 * after the capture mode's filter (net/log/net_log_entry.cc `NetLogEntry::ToDict` writes the
 * same keys).
 *
 * @module
 */

import type { NetLogEntry, NetLogSource } from "../core/net_log_sink.ts";
import { type CaptureMode, paramsJson } from "./capture_mode.ts";
import { NET_LOG_EVENT_TYPES, sourceTypeNumber } from "./net_log_constants.ts";

// `,"type":N,"phase":P` for each event type, by phase: none, begin, end.
const TYPE_TEXT = new Map<string, readonly [string, string, string]>(
  NET_LOG_EVENT_TYPES.map((
    name,
    type,
  ) => [
    name,
    [0, 1, 2].map((phase) => `,"type":${type},"phase":${phase}`) as [
      string,
      string,
      string,
    ],
  ]),
);

/**
 * A source as {@linkcode NetLog} makes them: with its `"source":{...}` text built once, so a
 * request's dozen events share it. `start_time` is in ticks (milliseconds since
 * `performance.timeOrigin`, the constants' `timeTickOffset`).
 *
 * @example
 * ```ts
 * import { LoggedSource } from "./event_line.ts";
 * console.log(new LoggedSource(3, "URL_REQUEST", performance.timeOrigin + 5).text);
 * // ","source":{"id":3,"type":1,"start_time":"5"}
 * ```
 */
export class LoggedSource implements NetLogSource {
  /** Unique per session. */
  readonly id: number;
  /** Chromium's source type. */
  readonly type: string;
  /** Epoch milliseconds. */
  readonly startTime: number;
  /** The text that follows an event's time, or `undefined` for a type the constants lack. */
  readonly text: string | undefined;

  /**
   * @param id Unique per session.
   * @param type Chromium's source type, like `URL_REQUEST`.
   * @param startTime Epoch milliseconds.
   */
  constructor(id: number, type: string, startTime: number) {
    this.id = id;
    this.type = type;
    this.startTime = startTime;
    this.text = sourceText(this);
  }

  /**
   * A source in another event's params (`source_dependency`) is written as Chromium's
   * `{id, type}`, the type as its number in the constants.
   *
   * @returns The JSON value.
   */
  toJSON(): { id: number; type: number | undefined } {
    return { id: this.id, type: sourceTypeNumber(this.type) };
  }
}

// The text of sources made elsewhere (a test's own objects), made on their first event.
const otherSourceTexts = new WeakMap<NetLogSource, string | undefined>();

function otherSourceText(source: NetLogSource): string | undefined {
  if (otherSourceTexts.has(source)) return otherSourceTexts.get(source);
  const text = sourceText(source);
  otherSourceTexts.set(source, text);
  return text;
}

function sourceText(source: NetLogSource): string | undefined {
  const type = sourceTypeNumber(source.type);
  if (type === undefined) return undefined;
  return `","source":{"id":${source.id},"type":${type},"start_time":"${
    Math.round(source.startTime - performance.timeOrigin)
  }"}`;
}

/**
 * The line of one event, `{"time":"T","source":{...},"type":N,"phase":P,"params":{...}},\n`,
 * with the parameters the capture mode keeps.
 *
 * @param entry The event.
 * @param mode The capture mode.
 * @param time The event's time in ticks (milliseconds since `performance.timeOrigin`, the
 * constants' `timeTickOffset`), as a string of whole milliseconds.
 * @returns The line, or `undefined` when the constants do not name the event or source type
 * (the viewer would reject the whole file for it).
 *
 * @example
 * ```ts
 * import { eventLine } from "./event_line.ts";
 * const source = { id: 7, type: "URL_REQUEST", startTime: performance.timeOrigin + 10 };
 * const entry = { type: "REQUEST_ALIVE", phase: "PHASE_BEGIN" as const, source };
 * console.log(eventLine(entry, "default", "12"));
 * // {"time":"12","source":{"id":7,"type":1,"start_time":"10"},"type":1,"phase":1},
 * ```
 */
export function eventLine(
  entry: NetLogEntry,
  mode: CaptureMode,
  time: string,
): string | undefined {
  const type = TYPE_TEXT.get(entry.type);
  const source = entry.source instanceof LoggedSource
    ? entry.source.text
    : otherSourceText(entry.source);
  if (type === undefined || source === undefined) return undefined;
  const phase = entry.phase === "PHASE_BEGIN" ? 1 : entry.phase === "PHASE_END" ? 2 : 0;
  const params = entry.params;
  if (params === undefined) return `{"time":"${time}${source}${type[phase]}},\n`;
  return `{"time":"${time}${source}${type[phase]},"params":${paramsJson(params, mode)}},\n`;
}
