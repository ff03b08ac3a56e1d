/**
 * Reads a Chromium net log back, complete or cut off by a crash, and checks it the way the
 * netlog viewer does before it loads one (chromium netlog_viewer `log_util.js`
 * `loadLogFile`: every constant table present, every event's type, source type and phase
 * known, times as strings).
 *
 * @module
 */

import { jsonNumber, jsonText } from "./_json_scalar.ts";

/** One event with its numbers turned back into names. */
export interface ReadNetLogEvent {
  /** Milliseconds since the epoch. */
  time: number;
  /** Event type name, like `TCP_CONNECT`. */
  type: string;
  /** `PHASE_BEGIN`, `PHASE_END` or `PHASE_NONE`. */
  phase: string;
  /** The source. */
  source: { id: number; type: string; startTime: number };
  /** Parameters, when the event has them. */
  params?: Record<string, unknown>;
}

/** A net log as read. */
export interface ReadNetLog {
  /** The raw constants. */
  constants: Record<string, unknown>;
  /** Events in file order, but for those whose time is not a number. */
  events: ReadNetLogEvent[];
  /** The raw events, as in the file. */
  rawEvents: Record<string, unknown>[];
  /** Whether the file lacked its closing and was read up to its last whole line. */
  truncated: boolean;
  /** The closing's `polledData`, when present. */
  polledData?: Record<string, unknown>;
}

const REQUIRED_CONSTANTS = [
  "logFormatVersion",
  "logEventTypes",
  "logEventPhase",
  "logSourceType",
  "clientInfo",
  "loadFlag",
  "netError",
  "addressFamily",
  "timeTickOffset",
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a log's text. A file without its closing (a crash) is cut after its last whole
 * event line and closed, as the viewer does.
 *
 * @param text The file's content.
 * @returns The log with names resolved.
 * @throws {SyntaxError} When the text is not a net log, naming what is wrong.
 *
 * @example
 * ```ts
 * import { parseNetLog } from "./read_net_log.ts";
 * const constants = {
 *   logEventTypes: { REQUEST_ALIVE: 1 }, logSourceType: { URL_REQUEST: 1 },
 *   logEventPhase: { PHASE_BEGIN: 1 }, timeTickOffset: "1000",
 * };
 * const event = { time: "5", source: { id: 1, type: 1, start_time: "5" }, type: 1, phase: 1 };
 * const text = `{"constants": ${JSON.stringify(constants)},\n"events": [\n` +
 *   `${JSON.stringify(event)},\n{"time": "6", "sour`;
 * const log = parseNetLog(text);
 * console.log(log.truncated, log.events[0]?.type, log.events[0]?.time); // true REQUEST_ALIVE 1005
 * ```
 */
export function parseNetLog(text: string): ReadNetLog {
  let parsed: unknown;
  let truncated = false;
  try {
    parsed = JSON.parse(text);
  } catch {
    truncated = true;
    const lastLine = text.lastIndexOf("\n");
    const body = (lastLine < 0 ? text : text.slice(0, lastLine)).trimEnd().replace(/,$/, "");
    try {
      parsed = JSON.parse(`${body}]}`);
    } catch {
      throw new SyntaxError("Cannot read net log: it is not JSON, even cut at its last whole line");
    }
  }
  if (!isObject(parsed) || !isObject(parsed.constants) || !Array.isArray(parsed.events)) {
    throw new SyntaxError('Cannot read net log: "constants" or "events" is missing');
  }
  const constants = parsed.constants;
  const names = (table: unknown) => {
    const map = new Map<number, string>();
    if (isObject(table)) {
      for (const [name, n] of Object.entries(table)) {
        map.set(jsonNumber(n), name);
      }
    }
    return map;
  };
  const types = names(constants.logEventTypes);
  const sources = names(constants.logSourceType);
  const phases = names(constants.logEventPhase);
  const offset = jsonNumber(constants.timeTickOffset ?? 0);
  const rawEvents = parsed.events.filter(isObject);
  const events = rawEvents.map((raw): ReadNetLogEvent => {
    const source = isObject(raw.source) ? raw.source : {};
    return {
      time: jsonNumber(raw.time) + offset,
      type: types.get(jsonNumber(raw.type)) ?? jsonText(raw.type),
      phase: phases.get(jsonNumber(raw.phase)) ?? jsonText(raw.phase),
      source: {
        id: jsonNumber(source.id),
        type: sources.get(jsonNumber(source.type)) ?? jsonText(source.type),
        startTime: jsonNumber(source.start_time) + offset,
      },
      ...(isObject(raw.params) ? { params: raw.params } : {}),
    };
  });
  const polledData = isObject(parsed.polledData) ? parsed.polledData : undefined;
  return {
    constants,
    // An event out of time (not a number, or past ECMAScript's time range of ±8.64e15 ms)
    // cannot be placed on any time axis.
    events: events.filter((event) => Math.abs(event.time) <= 8.64e15),
    rawEvents,
    truncated,
    ...(polledData ? { polledData } : {}),
  };
}

/**
 * What the netlog viewer would reject in a log: missing constants, a `timeTickOffset` that is
 * neither a number nor a numeric string, events whose type, source type or phase the constants do not name, and
 * non-string times.
 *
 * @param log A parsed log.
 * @returns One message per problem; empty when the viewer loads it.
 *
 * @example
 * ```ts
 * import { netLogProblems } from "./read_net_log.ts";
 * const log = { constants: {}, events: [], rawEvents: [], truncated: false };
 * console.log(netLogProblems(log)[0]); // constants.logFormatVersion is missing
 * ```
 */
export function netLogProblems(log: ReadNetLog): string[] {
  const problems: string[] = [];
  const { constants } = log;
  for (const name of REQUIRED_CONSTANTS) {
    if (!(name in constants)) problems.push(`constants.${name} is missing`);
  }
  if (constants.logFormatVersion !== undefined && constants.logFormatVersion !== 1) {
    problems.push(`constants.logFormatVersion is ${jsonText(constants.logFormatVersion)}, not 1`);
  }
  // The viewer's isNetLogNumber: Chromium writes a number (NetLogNumberValue of a value below
  // 2^53), older Chromium and @ses a string of digits.
  const offset = constants.timeTickOffset;
  if (
    offset !== undefined &&
    !(typeof offset === "number" && Number.isFinite(offset)) &&
    !(typeof offset === "string" && /^\d+$/.test(offset))
  ) {
    problems.push("constants.timeTickOffset is not a number or a numeric string");
  }
  const known = (table: unknown) =>
    new Set(isObject(table) ? Object.values(table).map(jsonNumber) : []);
  const types = known(constants.logEventTypes);
  const sources = known(constants.logSourceType);
  const phases = known(constants.logEventPhase);
  log.rawEvents.forEach((raw, index) => {
    const source = isObject(raw.source) ? raw.source : undefined;
    if (typeof raw.time !== "string") problems.push(`event ${index}: time is not a string`);
    else if (!/^-?\d+$/.test(raw.time)) problems.push(`event ${index}: time is not a number`);
    if (!types.has(jsonNumber(raw.type))) {
      problems.push(`event ${index}: unknown type ${jsonText(raw.type)}`);
    }
    if (!phases.has(jsonNumber(raw.phase))) {
      problems.push(`event ${index}: unknown phase ${jsonText(raw.phase)}`);
    }
    if (source === undefined || typeof source.id !== "number") {
      problems.push(`event ${index}: source has no id`);
    } else if (!sources.has(jsonNumber(source.type))) {
      problems.push(`event ${index}: unknown source type ${jsonText(source.type)}`);
    }
  });
  return problems;
}
