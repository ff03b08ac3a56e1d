import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { headerObject, type RawLines } from "./_header_object.ts";

// What Electron's responseHeaders hold, built the plain way, as the reference.
function reference(raw: RawLines): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of raw) {
    if (Object.hasOwn(headers, name)) headers[name]!.push(value);
    else Object.defineProperty(headers, name, { value: [value], ...OWN });
  }
  return headers;
}
const OWN = { writable: true, enumerable: true, configurable: true };

// Each response brings lines of its own: a copy is met as a new response's lines are.
function copy(raw: RawLines): RawLines {
  return raw.map(([name, value]) => [name, value]);
}

function assertSame(actual: Record<string, string[]>, expected: Record<string, string[]>) {
  assert.equal(Object.getPrototypeOf(actual), Object.prototype);
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  for (const name of Object.keys(expected)) {
    assert.ok(Object.hasOwn(actual, name), name);
    assert.deepEqual(actual[name], expected[name], name);
  }
}

describe("headerObject", () => {
  it("builds the same object at every meeting of a list, first and compiled alike", () => {
    const shape = (date: string): RawLines => [
      ["Content-Type", "text/plain"],
      ["set-cookie", "a=1"],
      ["Date", date],
      ["set-cookie", `b=${date}`],
      ["x-empty", ""],
    ];
    const seen: Array<Record<string, string[]>> = [];
    // Past the meetings after which the list gets a builder of its own.
    for (let i = 0; i < 20; i++) {
      const raw = shape(`day ${i}`);
      const headers = headerObject(raw);
      assertSame(headers, reference(raw));
      assert.deepEqual(headers["set-cookie"], ["a=1", `b=day ${i}`]);
      // Fresh arrays every time: a change to one object shows in no other.
      headers["set-cookie"]!.push("changed");
      headers["x-added"] = ["1"];
      seen.push(headers);
    }
    assert.equal(new Set(seen.map((headers) => headers["Content-Type"])).size, 20);
  });

  it("keeps names that Object.prototype has as plain own headers", () => {
    const raw: RawLines = [
      ["__proto__", "p"],
      ["constructor", "c"],
      ["toString", "t"],
      ["hasOwnProperty", "h"],
      ["constructor", "c2"],
      ["42", "n"],
    ];
    for (let i = 0; i < 12; i++) {
      const headers = headerObject(copy(raw));
      assertSame(headers, reference(raw));
      assert.deepEqual(headers.constructor, ["c", "c2"]);
      assert.deepEqual(Object.getOwnPropertyDescriptor(headers, "__proto__")?.value, ["p"]);
      // Names that are array indices come first, as in any plain object.
      assert.deepEqual(Object.keys(headers), [
        "42",
        "__proto__",
        "constructor",
        "toString",
        "hasOwnProperty",
      ]);
    }
  });

  it("quotes names so that none is read as code", () => {
    const raw: RawLines = [['a"]};throw 1;({"', "1"], ["back\\slash", "2"], ["line\u2028sep", "3"]];
    for (let i = 0; i < 12; i++) assertSame(headerObject(copy(raw)), reference(raw));
  });

  it("builds heads of many or long names one by one, response after response", () => {
    const many: RawLines = Array.from({ length: 300 }, (_, i) => [`x-header-${i}`, String(i)]);
    const long: RawLines = [["x-" + "a".repeat(5000), "1"], ["x-b", "2"]];
    for (let i = 0; i < 6; i++) {
      assertSame(headerObject(copy(many)), reference(many));
      assertSame(headerObject(copy(long)), reference(long));
    }
  });

  it("serves many lists that take turns", () => {
    const lists: RawLines[] = Array.from(
      { length: 20 },
      (_, i) => [["x-list", String(i)], [`x-${i % 7}`, "v"], ["x-list", "again"]],
    );
    for (let round = 0; round < 6; round++) {
      for (const raw of lists) assertSame(headerObject(copy(raw)), reference(raw));
    }
  });
});
