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
  /** Event parameters; the sink strips what the capture mode must not keep. */
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
