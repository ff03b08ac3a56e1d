import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { objectSlot } from "./object_slot.ts";

describe("objectSlot", () => {
  it("keeps one value per object and per slot", () => {
    const first = objectSlot<object, string>("first");
    const second = objectSlot<object, string>("second");
    const a = {};
    const b = {};
    first.set(a, "a1");
    second.set(a, "a2");
    first.set(b, "b1");
    assert.equal(first.get(a), "a1");
    assert.equal(second.get(a), "a2");
    assert.equal(first.get(b), "b1");
    assert.equal(second.get(b), undefined);
    first.set(a, "again");
    assert.equal(first.get(a), "again");
  });

  it("stays out of the object's keys, its JSON and for…in", () => {
    const slot = objectSlot<Record<string, number>, string>("hidden");
    const object = { x: 1 };
    slot.set(object, "fact");
    assert.deepEqual(Object.keys(object), ["x"]);
    assert.equal(JSON.stringify(object), '{"x":1}');
    const seen: string[] = [];
    for (const key in object) seen.push(key);
    assert.deepEqual(seen, ["x"]);
  });

  it("works on the runtime's own objects", () => {
    const slot = objectSlot<object, number>("runtime");
    const response = new Response("x");
    const stream = new Blob(["x"]).stream();
    const request = new Request("http://a.test/");
    slot.set(response, 1);
    slot.set(stream, 2);
    slot.set(request, 3);
    assert.deepEqual([slot.get(response), slot.get(stream), slot.get(request)], [1, 2, 3]);
  });

  it("keeps facts about frozen, sealed and non-extensible objects without throwing", () => {
    const slot = objectSlot<object, string>("closed");
    const frozen = Object.freeze({});
    const sealed = Object.seal({});
    const fixed = Object.preventExtensions(new Response("x"));
    slot.set(frozen, "f");
    slot.set(sealed, "s");
    slot.set(fixed, "p");
    assert.deepEqual([slot.get(frozen), slot.get(sealed), slot.get(fixed)], ["f", "s", "p"]);
    assert.equal(slot.get(Object.freeze({})), undefined);
    assert.equal(slot.get({}), undefined);
  });
});
