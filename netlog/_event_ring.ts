/**
 * The ring through which the main thread hands net log events to the log's thread
 * (`_net_log_worker.ts`): a `SharedArrayBuffer` of UTF-16 code units, written by one thread and
 * read by the other, with no message and no copy of an object per event. An event is recorded
 * in compact form (its event and source type numbers, phase, source id, times as numbers, its
 * parameters, as the capture mode keeps them, as tagged values whose strings are copied code
 * unit by code unit); the log's thread turns each record straight into the bytes of its
 * Chromium event line (net/log/net_log_entry.cc `NetLogEntry::ToDict`'s keys, JSON as
 * `JSON.stringify` writes it), with no object or string made per event.
 *
 * Layout: `RING_CONTROL_SLOTS` Int32 slots (`write`, `read`: code units ever written and read,
 * wrapping at 2³²), then `RING_UNITS` code units. A record is its length (two units), then its
 * fields; `write` moves past a record only once it is whole.
 *
 * @module
 */

import type { NetLogEntry } from "../core/net_log_sink.ts";
import { type CaptureMode, paramsForMode } from "./capture_mode.ts";
import { eventTypeNumber, NET_LOG_EVENT_TYPES, sourceTypeNumber } from "./net_log_constants.ts";

/** The ring's Int32 control slots. */
export const RING_SLOTS = {
  /** Code units written, wrapping at 2³² (set by the main thread once a record is whole). */
  write: 0,
  /** Code units read, wrapping at 2³² (set by the log's thread once it decoded them). */
  read: 1,
} as const;

/** Int32 slots before the code units. */
export const RING_CONTROL_SLOTS = 4;

/** Code units in the ring (8 MiB): about 4,000 requests' events at 2 KB each. */
export const RING_UNITS = 1 << 22;

const MASK = RING_UNITS - 1;
// How long the main thread waits for room in a full ring before it gives up on the log's
// thread (which then is gone or stuck), in milliseconds.
const GIVE_UP_MS = 5_000;

// Value tags.
const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUMBER = 4;
const STRING = 5;
const ARRAY = 6;
const OBJECT = 7;

/**
 * Makes the shared buffer of a ring.
 *
 * @returns A zeroed buffer for {@linkcode EventRingWriter} and {@linkcode EventRingReader}.
 *
 * @example
 * ```ts
 * import { newEventRing, RING_UNITS } from "./_event_ring.ts";
 * console.log(newEventRing().byteLength > RING_UNITS * 2); // true
 * ```
 */
export function newEventRing(): SharedArrayBuffer {
  return new SharedArrayBuffer(RING_CONTROL_SLOTS * 4 + RING_UNITS * 2);
}

/**
 * The main thread's end: records events into the ring.
 *
 * @example
 * ```ts
 * import { EventRingReader, EventRingWriter, newEventRing } from "./_event_ring.ts";
 * const ring = newEventRing();
 * const writer = new EventRingWriter(ring, "default");
 * const source = { id: 1, type: "URL_REQUEST", startTime: performance.timeOrigin + 2 };
 * writer.write({ type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source, params: { a: [1, "b"] } }, 3);
 * new EventRingReader(ring).drain((line) => console.log(new TextDecoder().decode(line)), true);
 * // {"time":"3","source":{"id":1,"type":1,"start_time":"2"},"type":1,"phase":1,"params":{"a":[1,"b"]}},
 * ```
 */
export class EventRingWriter {
  #control: Int32Array;
  #units: Uint16Array;
  #written = 0;
  #mode: CaptureMode;
  #timeOrigin = performance.timeOrigin;
  // A record is built here, then copied into the ring once its length is known.
  #scratch = new Uint16Array(1 << 12);
  #length = 0;
  #number = new Float64Array(1);
  #numberUnits = new Uint16Array(this.#number.buffer);
  #failed = false;

  /**
   * @param ring The buffer from {@linkcode newEventRing}.
   * @param mode The capture mode, applied to the parameters before they are recorded.
   */
  constructor(ring: SharedArrayBuffer, mode: CaptureMode) {
    this.#control = new Int32Array(ring, 0, RING_CONTROL_SLOTS);
    this.#units = new Uint16Array(ring, RING_CONTROL_SLOTS * 4, RING_UNITS);
    this.#mode = mode;
  }

  /**
   * Records one event. When the ring is full it waits (blocking, as the log's thread empties
   * it in milliseconds) for room.
   *
   * @param entry The event.
   * @param time Its time in ticks (milliseconds since this thread's `performance.timeOrigin`).
   * @returns `false` when the event was not recorded: the constants do not name its event or
   * source type, or the log's thread has not made room for five seconds (it is gone; every
   * later event is refused too).
   */
  write(entry: NetLogEntry, time: number): boolean {
    const type = eventTypeNumber(entry.type);
    const sourceType = sourceTypeNumber(entry.source.type);
    if (type === undefined || sourceType === undefined || this.#failed) return false;
    this.#length = 2;
    this.#reserve(16);
    const scratch = this.#scratch;
    const phase = entry.phase;
    scratch[2] = type;
    scratch[3] = phase === "PHASE_BEGIN" ? 1 : phase === "PHASE_END" ? 2 : 0;
    scratch[4] = sourceType;
    this.#length = 5;
    this.#putNumber(entry.source.id);
    this.#putNumber(entry.source.startTime - this.#timeOrigin);
    this.#putNumber(time);
    const params = entry.params;
    if (params === undefined) this.#scratch[this.#length++] = UNDEFINED;
    else this.#putObject(paramsForMode(params, this.#mode));
    const length = this.#length;
    this.#scratch[0] = length & 0xffff;
    this.#scratch[1] = length >>> 16;
    return this.#publish(length);
  }

  #publish(length: number): boolean {
    const control = this.#control;
    const written = this.#written;
    if (length > RING_UNITS) return false;
    let waitedFrom: number | undefined;
    for (;;) {
      const read = Atomics.load(control, RING_SLOTS.read);
      if (RING_UNITS - ((written - read) | 0) >= length) break;
      const now = performance.now();
      waitedFrom ??= now;
      if (now - waitedFrom > GIVE_UP_MS) {
        this.#failed = true;
        return false;
      }
      Atomics.wait(control, RING_SLOTS.read, read, 10);
    }
    const at = written & MASK;
    const first = Math.min(length, RING_UNITS - at);
    const record = this.#scratch.subarray(0, length);
    if (first === length) this.#units.set(record, at);
    else {
      this.#units.set(record.subarray(0, first), at);
      this.#units.set(record.subarray(first), 0);
    }
    this.#written = (written + length) | 0;
    Atomics.store(control, RING_SLOTS.write, this.#written);
    return true;
  }

  #reserve(units: number): void {
    const needed = this.#length + units;
    if (needed <= this.#scratch.length) return;
    let size = this.#scratch.length * 2;
    while (size < needed) size *= 2;
    const larger = new Uint16Array(size);
    larger.set(this.#scratch.subarray(0, this.#length));
    this.#scratch = larger;
  }

  #putNumber(value: number): void {
    this.#number[0] = value;
    const units = this.#numberUnits;
    const scratch = this.#scratch;
    const at = this.#length;
    scratch[at] = units[0]!;
    scratch[at + 1] = units[1]!;
    scratch[at + 2] = units[2]!;
    scratch[at + 3] = units[3]!;
    this.#length = at + 4;
  }

  #putCount(count: number): void {
    const at = this.#length;
    this.#scratch[at] = count & 0xffff;
    this.#scratch[at + 1] = count >>> 16;
    this.#length = at + 2;
  }

  #putString(text: string): void {
    const count = text.length;
    this.#reserve(count + 3);
    const scratch = this.#scratch;
    scratch[this.#length++] = STRING;
    this.#putCount(count);
    let at = this.#length;
    for (let i = 0; i < count; i++) scratch[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  // As JSON.stringify sees values: `toJSON` first; functions, symbols and undefined are
  // undefined (left out of objects, null in arrays); a number that is not finite is null.
  #putValue(value: unknown): void {
    this.#reserve(8);
    switch (typeof value) {
      case "string":
        return this.#putString(value);
      case "number":
        if (!Number.isFinite(value)) {
          this.#scratch[this.#length++] = NULL;
          return;
        }
        this.#scratch[this.#length++] = NUMBER;
        return this.#putNumber(value);
      case "boolean":
        this.#scratch[this.#length++] = value ? TRUE : FALSE;
        return;
      case "object": {
        if (value === null) {
          this.#scratch[this.#length++] = NULL;
          return;
        }
        const toJSON = (value as { toJSON?: unknown }).toJSON;
        if (typeof toJSON === "function") return this.#putValue(toJSON.call(value));
        if (Array.isArray(value)) {
          this.#scratch[this.#length++] = ARRAY;
          this.#putCount(value.length);
          for (const item of value) this.#putValue(item);
          return;
        }
        return this.#putObject(value as Record<string, unknown>);
      }
      case "bigint":
        // JSON.stringify throws on a bigint; the log keeps its digits instead.
        return this.#putString(String(value));
      default:
        this.#scratch[this.#length++] = UNDEFINED;
    }
  }

  #putObject(object: Record<string, unknown>): void {
    this.#reserve(3);
    this.#scratch[this.#length++] = OBJECT;
    const countAt = this.#length;
    this.#length += 2;
    let count = 0;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      this.#putString(key);
      this.#putValue(object[key]);
      count++;
    }
    this.#scratch[countAt] = count & 0xffff;
    this.#scratch[countAt + 1] = count >>> 16;
  }
}

const encoder = new TextEncoder();
// `,"type":N,"phase":P` for each event type, by phase: none, begin, end.
const TYPE_BYTES = NET_LOG_EVENT_TYPES.map((_, type) =>
  [0, 1, 2].map((phase) => encoder.encode(`,"type":${type},"phase":${phase}`))
);
const TIME = encoder.encode('{"time":"');
const SOURCE_ID = encoder.encode('","source":{"id":');
const SOURCE_TYPE = encoder.encode(',"type":');
const START_TIME = encoder.encode(',"start_time":"');
const SOURCE_END = encoder.encode('"}');
const PARAMS = encoder.encode(',"params":');
const LINE_END = encoder.encode("},\n");
const NULL_TEXT = encoder.encode("null");
const FALSE_TEXT = encoder.encode("false");
const TRUE_TEXT = encoder.encode("true");
const HEX = encoder.encode("0123456789abcdef");
// A whole drain's lines are handed over once they reach this many bytes.
const HAND_OVER_BYTES = 1 << 20;

/**
 * The log thread's end: turns the records the main thread published, in order, into the
 * bytes of their event lines, and frees their room.
 *
 * @example
 * ```ts
 * import { EventRingReader, newEventRing } from "./_event_ring.ts";
 * console.log(new EventRingReader(newEventRing()).drain(() => {}, false)); // 0
 * ```
 */
export class EventRingReader {
  #control: Int32Array;
  #units: Uint16Array;
  #record = new Uint16Array(1 << 12);
  #at = 0;
  #number = new Float64Array(1);
  #numberUnits = new Uint16Array(this.#number.buffer);
  #out = new Uint8Array(1 << 16);
  #length = 0;

  /**
   * @param ring The buffer from {@linkcode newEventRing}.
   */
  constructor(ring: SharedArrayBuffer) {
    this.#control = new Int32Array(ring, 0, RING_CONTROL_SLOTS);
    this.#units = new Uint16Array(ring, RING_CONTROL_SLOTS * 4, RING_UNITS);
  }

  /**
   * Turns every whole record published so far into its line and frees its room.
   *
   * @param onLines Receives the UTF-8 bytes of whole lines and how many there are; the bytes
   * are valid only during the call (copy them to keep them).
   * @param oneByOne Whether each line is handed over alone (a bounded log places each one),
   * rather than many at once.
   * @returns How many events were read.
   */
  drain(onLines: (lines: Uint8Array, count: number) => void, oneByOne: boolean): number {
    const control = this.#control;
    const units = this.#units;
    const end = Atomics.load(control, RING_SLOTS.write);
    let read = Atomics.load(control, RING_SLOTS.read);
    let count = 0;
    let lines = 0;
    this.#length = 0;
    while (read !== end) {
      const at = read & MASK;
      const length = units[at]! | (units[(at + 1) & MASK]! << 16);
      if (this.#record.length < length) this.#record = new Uint16Array(length * 2);
      const first = Math.min(length, RING_UNITS - at);
      this.#record.set(units.subarray(at, at + first));
      if (first < length) this.#record.set(units.subarray(0, length - first), first);
      read = (read + length) | 0;
      this.#line();
      count++;
      lines++;
      if (oneByOne || this.#length >= HAND_OVER_BYTES) {
        onLines(this.#out.subarray(0, this.#length), lines);
        this.#length = 0;
        lines = 0;
        // Room is given back as lines are handed over, so a waiting writer goes on.
        this.#release(read);
      }
    }
    if (lines > 0) onLines(this.#out.subarray(0, this.#length), lines);
    this.#length = 0;
    this.#release(read);
    return count;
  }

  #release(read: number): void {
    Atomics.store(this.#control, RING_SLOTS.read, read);
    Atomics.notify(this.#control, RING_SLOTS.read);
  }

  // `{"time":"T","source":{"id":I,"type":S,"start_time":"ST"},"type":N,"phase":P,"params":{…}},\n`
  #line(): void {
    const record = this.#record;
    const type = record[2]!;
    const phase = record[3]!;
    const sourceType = record[4]!;
    this.#at = 5;
    const id = this.#readNumber();
    const startTime = this.#readNumber();
    const time = this.#readNumber();
    this.#bytes(TIME);
    this.#integer(Math.round(time));
    this.#bytes(SOURCE_ID);
    this.#integer(id);
    this.#bytes(SOURCE_TYPE);
    this.#integer(sourceType);
    this.#bytes(START_TIME);
    this.#integer(Math.round(startTime));
    this.#bytes(SOURCE_END);
    this.#bytes(TYPE_BYTES[type]![phase]!);
    if (record[this.#at] !== UNDEFINED) {
      this.#bytes(PARAMS);
      this.#value();
    }
    this.#bytes(LINE_END);
  }

  #readNumber(): number {
    const record = this.#record;
    const units = this.#numberUnits;
    const at = this.#at;
    units[0] = record[at]!;
    units[1] = record[at + 1]!;
    units[2] = record[at + 2]!;
    units[3] = record[at + 3]!;
    this.#at = at + 4;
    return this.#number[0]!;
  }

  #readCount(): number {
    const record = this.#record;
    const at = this.#at;
    this.#at = at + 2;
    return record[at]! + record[at + 1]! * 0x10000;
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#out.length) return;
    let size = this.#out.length * 2;
    while (size < needed) size *= 2;
    const larger = new Uint8Array(size);
    larger.set(this.#out.subarray(0, this.#length));
    this.#out = larger;
  }

  #bytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#out.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  #integer(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      this.#ascii(JSON.stringify(value));
      return;
    }
    this.#reserve(16);
    const out = this.#out;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.#length + digits;
    this.#length = at;
    let rest = value;
    do {
      out[--at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  #ascii(text: string): void {
    this.#reserve(text.length);
    const out = this.#out;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  // A value as JSON.stringify writes it; the record's undefined (a function, a symbol) is
  // null here, in an array, and left out of objects by #value's caller.
  #value(): void {
    const record = this.#record;
    const tag = record[this.#at++];
    switch (tag) {
      case FALSE:
        return this.#bytes(FALSE_TEXT);
      case TRUE:
        return this.#bytes(TRUE_TEXT);
      case NUMBER: {
        const value = this.#readNumber();
        if (Number.isSafeInteger(value) && value >= 0) return this.#integer(value);
        return this.#ascii(JSON.stringify(value));
      }
      case STRING:
        return this.#string();
      case ARRAY: {
        const count = this.#readCount();
        this.#ascii("[");
        for (let i = 0; i < count; i++) {
          if (i > 0) this.#ascii(",");
          this.#value();
        }
        return this.#ascii("]");
      }
      case OBJECT: {
        const count = this.#readCount();
        this.#ascii("{");
        let first = true;
        for (let i = 0; i < count; i++) {
          this.#at++; // A key is always a string.
          const keyAt = this.#at;
          const keyLength = this.#readCount();
          this.#at += keyLength;
          if (record[this.#at] === UNDEFINED) {
            this.#at++;
            continue;
          }
          if (!first) this.#ascii(",");
          first = false;
          const valueAt = this.#at;
          this.#at = keyAt;
          this.#string();
          this.#ascii(":");
          this.#at = valueAt;
          this.#value();
        }
        return this.#ascii("}");
      }
      default:
        return this.#bytes(NULL_TEXT);
    }
  }

  // A string's code units as JSON.stringify quotes them (`"`, `\`, and control characters
  // escaped, `\u00XX` in lower-case hex; a lone surrogate as `\udXXX`), in UTF-8.
  #string(): void {
    const count = this.#readCount();
    const record = this.#record;
    const start = this.#at;
    const end = start + count;
    this.#at = end;
    // At most six bytes per code unit (`\u00XX`, or a lone surrogate's escape), and quotes.
    this.#reserve(count * 6 + 2);
    const out = this.#out;
    let at = this.#length;
    out[at++] = 0x22;
    for (let i = start; i < end; i++) {
      const unit = record[i]!;
      if (unit >= 0x20 && unit < 0x80) {
        if (unit === 0x22 || unit === 0x5c) out[at++] = 0x5c;
        out[at++] = unit;
      } else if (unit < 0x20) {
        out[at++] = 0x5c;
        const short = unit === 8
          ? 0x62
          : unit === 9
          ? 0x74
          : unit === 10
          ? 0x6e
          : unit === 12
          ? 0x66
          : unit === 13
          ? 0x72
          : 0;
        if (short !== 0) out[at++] = short;
        else {
          out[at++] = 0x75;
          out[at++] = 0x30;
          out[at++] = 0x30;
          out[at++] = HEX[unit >> 4]!;
          out[at++] = HEX[unit & 15]!;
        }
      } else if (unit < 0x800) {
        out[at++] = 0xc0 | (unit >> 6);
        out[at++] = 0x80 | (unit & 0x3f);
      } else if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = i + 1 < end ? record[i + 1]! : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
          out[at++] = 0xf0 | (point >> 18);
          out[at++] = 0x80 | ((point >> 12) & 0x3f);
          out[at++] = 0x80 | ((point >> 6) & 0x3f);
          out[at++] = 0x80 | (point & 0x3f);
          i++;
        } else {
          out[at++] = 0x5c;
          out[at++] = 0x75;
          out[at++] = HEX[unit >> 12]!;
          out[at++] = HEX[(unit >> 8) & 15]!;
          out[at++] = HEX[(unit >> 4) & 15]!;
          out[at++] = HEX[unit & 15]!;
        }
      } else {
        out[at++] = 0xe0 | (unit >> 12);
        out[at++] = 0x80 | ((unit >> 6) & 0x3f);
        out[at++] = 0x80 | (unit & 0x3f);
      }
    }
    out[at++] = 0x22;
    this.#length = at;
  }
}
