// A net log given to `ses netlog view` / `har` is untrusted input: whatever it holds, reading
// it gives a report or a SyntaxError naming the problem, and the report stays inert HTML.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseNetLog } from "./read_net_log.ts";
import { netLogToHar } from "./net_log_to_har.ts";
import { netLogView } from "./net_log_view.ts";
import { chromiumNetLogConstants } from "../tests/fixtures/chromium_net_log_constants.ts";

const CONSTANTS = chromiumNetLogConstants("1795994288158");

// One request, as Chromium writes it, with the source id and response header lines given.
function requestEvents(id: number, responseHeaders: string[] = ["HTTP/1.1 200 OK"]) {
  const event = (type: number, phase: number, time: string, params?: object) => ({
    ...(params ? { params } : {}),
    phase,
    source: { id, start_time: "100", type: 1 },
    time,
    type,
  });
  return [
    event(2, 1, "100", { url: "http://a.test/c" }),
    event(136, 1, "101", { method: "GET", url: "http://a.test/c" }),
    event(240, 0, "102", { headers: ["Host: a.test"], line: "GET /c HTTP/1.1\r\n" }),
    event(245, 0, "103", { headers: responseHeaders }),
    event(136, 2, "104"),
    event(150, 0, "104", { byte_count: 6 }),
    event(2, 2, "105"),
  ];
}

function report(log: unknown): { har: string; html: string } {
  const read = parseNetLog(typeof log === "string" ? log : JSON.stringify(log));
  return { har: JSON.stringify(netLogToHar(read)), html: netLogView(read, "log.json") };
}

const MARKUP = /<script|<img|<svg|<iframe/gi;

describe("a hostile net log", () => {
  it("makes a report whatever any field of a request holds, with no markup of its own", () => {
    const base = { constants: CONSTANTS, events: requestEvents(7) };
    const evil = fc.constantFrom(
      "</script><script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "<svg onload=alert(1)>",
    );
    // A JSON object may carry `toString` or `valueOf` keys that are not functions.
    const trap = fc.constantFrom({ toString: "x" }, { valueOf: 1 }, { toString: { a: 1 } });
    const value = fc.oneof(evil, trap, fc.jsonValue(), fc.constantFrom("9".repeat(400), 1e308));
    const leaves: (string | number)[][] = [];
    const walk = (node: unknown, path: (string | number)[]) => {
      leaves.push(path);
      if (typeof node === "object" && node !== null) {
        for (const [key, child] of Object.entries(node)) {
          walk(child, [...path, Array.isArray(node) ? Number(key) : key]);
        }
      }
    };
    walk(base, []);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...leaves.slice(1)), value), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const log = structuredClone(base) as unknown as Record<string | number, unknown>;
          for (const [path, replacement] of edits) {
            let node: Record<string | number, unknown> | undefined = log;
            for (const key of path.slice(0, -1)) {
              const next: unknown = node?.[key];
              node = typeof next === "object" && next !== null
                ? next as Record<string | number, unknown>
                : undefined;
            }
            if (node !== undefined) node[path.at(-1)!] = structuredClone(replacement);
          }
          let html: string;
          try {
            ({ html } = report(log));
          } catch (error) {
            assert.ok(error instanceof SyntaxError, String(error));
            assert.match(error.message, /^Cannot read net log/);
            return;
          }
          assert.deepEqual(html.match(MARKUP), ["<script"]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("gives a cookie whose Max-Age passes the last Date the last Date", () => {
    const events = requestEvents(7, [
      "HTTP/1.1 200 OK",
      "Set-Cookie: a=1; Max-Age=99999999999999999999",
      "Set-Cookie: b=1; Max-Age=-99999999999999999999",
    ]);
    const { har } = report({ constants: CONSTANTS, events });
    const cookies = JSON.parse(har).log.entries[0].response.cookies;
    assert.deepEqual(cookies.map((c: { expires: string }) => c.expires), [
      new Date(8.64e15).toISOString(),
      new Date(Number(CONSTANTS.timeTickOffset) + 101).toISOString(),
    ]);
  });

  it("renders a log of more requests than a call takes arguments", { timeout: 120_000 }, () => {
    // V8 refuses a spread of about 125 000 arguments.
    const events = Array.from({ length: 130_000 }, (_, i) => requestEvents(i + 1)[1]!);
    const read = parseNetLog(JSON.stringify({ constants: CONSTANTS, events }));
    assert.ok(netLogView(read, "big.json").includes("130000 requests"));
  });
});
