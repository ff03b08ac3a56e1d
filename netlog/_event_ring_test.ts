import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NetLogEntry } from "../core/net_log_sink.ts";
import { EventRingReader, EventRingWriter, newEventRing, RING_UNITS } from "./_event_ring.ts";
import type { CaptureMode } from "./capture_mode.ts";
import { eventLine } from "./event_line.ts";

const decoder = new TextDecoder();

function ringLines(
  writer: EventRingWriter,
  reader: EventRingReader,
  entries: NetLogEntry[],
  time: number,
  oneByOne = false,
): string[] {
  for (const entry of entries) assert.equal(writer.write(entry, time), true);
  const lines: string[] = [];
  let counted = 0;
  reader.drain((bytes, count) => {
    lines.push(...decoder.decode(bytes).split(/(?<=\n)/));
    counted += count;
  }, oneByOne);
  assert.equal(counted, lines.length);
  return lines;
}

// Values JSON.stringify treats in all its ways.
const source = { id: 42, type: "URL_REQUEST", startTime: performance.timeOrigin + 1234.4 };
const tricky: NetLogEntry[] = [
  { type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source },
  {
    type: "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: {
      line: 'GET /"q"\\path HTTP/1.1\r\n',
      headers: [
        "Host: a.test",
        "Cookie: secret=1",
        "X-Text: caf\u00e9 \u4e2d \u{1f600}\t\b\f\u0001\u001f\u007f",
      ],
    },
  },
  {
    type: "SOCKET_BYTES_RECEIVED",
    phase: "PHASE_NONE",
    source,
    params: { byte_count: 3, bytes: new Uint8Array([0, 255, 97]) },
  },
  {
    type: "COOKIE_INCLUSION_STATUS",
    phase: "PHASE_NONE",
    source,
    params: { operation: "send", status: "INCLUDE", name: "a", value: "b", domain: "a.test" },
  },
  {
    type: "URL_REQUEST_START_JOB",
    phase: "PHASE_END",
    source,
    params: {
      net_error: -105,
      numbers: [0, -0, 1.5, -2.25, 1e21, 2 ** 53, NaN, Infinity, -Infinity, 123456789012],
      flags: [true, false, null, undefined, () => 1],
      nested: { a: { b: [{ c: "d" }, []] }, empty: {}, gone: undefined, fn: () => 1 },
      when: new Date(0),
      lone: "\ud800x\udc00",
    },
  },
];

describe("event ring", () => {
  for (const mode of ["default", "includeSensitive", "everything"] as CaptureMode[]) {
    it(`writes the same lines as eventLine in ${mode} mode`, () => {
      const ring = newEventRing();
      const lines = ringLines(
        new EventRingWriter(ring, mode),
        new EventRingReader(ring),
        tricky,
        77.6,
      );
      assert.deepEqual(lines, tricky.map((entry) => eventLine(entry, mode, "78")));
    });
  }

  it("hands lines over one by one, and wraps around the end of the ring", () => {
    const ring = newEventRing();
    const writer = new EventRingWriter(ring, "default");
    const reader = new EventRingReader(ring);
    const big: NetLogEntry = {
      type: "HTTP_TRANSACTION_READ_RESPONSE_HEADERS",
      phase: "PHASE_NONE",
      source,
      params: { headers: ["x".repeat(RING_UNITS / 3)] },
    };
    const expected = eventLine(big, "default", "5");
    // Four records of a third of the ring each: the fourth wraps around its end.
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(ringLines(writer, reader, [big], 5, true), [expected]);
    }
    assert.equal(reader.drain(() => assert.fail("nothing is left"), false), 0);
  });

  it("refuses events the constants do not name, and a record larger than the ring", () => {
    const ring = newEventRing();
    const writer = new EventRingWriter(ring, "default");
    assert.equal(writer.write({ type: "NO_SUCH_EVENT", phase: "PHASE_NONE", source }, 1), false);
    const other = { ...source, type: "NO_SUCH_SOURCE" };
    assert.equal(
      writer.write({ type: "REQUEST_ALIVE", phase: "PHASE_NONE", source: other }, 1),
      false,
    );
    const huge = { headers: ["x".repeat(RING_UNITS)] };
    assert.equal(
      writer.write({ type: "REQUEST_ALIVE", phase: "PHASE_NONE", source, params: huge }, 1),
      false,
    );
    assert.equal(new EventRingReader(ring).drain(() => {}, false), 0);
  });
});
