/**
 * The seam between the network code and the net log: events go to a sink that the netlog
 * subsystem implements; with no sink nothing is recorded.
 *
 * @module
 */

/** Chromium's event phases. */
export type NetLogPhase = "PHASE_BEGIN" | "PHASE_END" | "PHASE_NONE";

/** The object an event belongs to (a request, a socket, a connect job). */
export interface NetLogSource {
  /** Unique per sink. */
  readonly id: number;
  /** Chromium's source type, like `URL_REQUEST` or `SOCKET`. */
  readonly type: string;
  /** When the source was created, milliseconds since the epoch. */
  readonly startTime: number;
}

/** One event as the network code reports it. */
export interface NetLogEntry {
  /** Chromium's event type, like `TCP_CONNECT`. */
  type: string;
  /** Begin, end or none. */
  phase: NetLogPhase;
  /** The source it belongs to. */
  source: NetLogSource;
  /**
   * Event parameters; the sink strips what the capture mode must not keep. Socket events'
   * `bytes` are given raw (a `Uint8Array`, or a string of Latin-1 text) and written as base64
   * only by a capture mode that keeps socket bytes.
   */
  params?: Record<string, unknown>;
}

/** Receives net log events. */
export interface NetLogSink {
  /** Whether events are being captured at all, so callers can skip building them. */
  readonly capturing: boolean;
  /** Makes a new source. */
  newSource(type: string): NetLogSource;
  /** Records an event. */
  add(entry: NetLogEntry): void;
}

/**
 * A sink bound to one source, as Chromium's `NetLogWithSource`: what every step of a request
 * (connect jobs, the transaction, stages) receives so it can add events without knowing where
 * they go.
 *
 * @example
 * ```ts
 * import type { NetLogEntry, NetLogWithSource } from "./net_log_sink.ts";
 * const events: NetLogEntry[] = [];
 * const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
 * const netLog: NetLogWithSource = {
 *   sink: { capturing: true, newSource: () => source, add: (entry) => events.push(entry) },
 *   source,
 * };
 * netLog.sink.add({ type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source: netLog.source });
 * console.log(events.length); // 1
 * ```
 */
export interface NetLogWithSource {
  /** Where events go; check `sink.capturing` before building parameters. */
  readonly sink: NetLogSink;
  /** The source the events belong to. */
  readonly source: NetLogSource;
}
