import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { conversionError } from "./conversion_error.ts";

const from = (value: unknown) => conversionError(2, value).message.split(" from ")[1];

describe("conversionError", () => {
  it("says what Electron's V8TypeAsString says of each kind of value", () => {
    assert.equal(
      conversionError(2, 5).message,
      "Error processing argument at index 2, conversion failure from Number",
    );
    assert.ok(conversionError(0, 5) instanceof TypeError);
    assert.equal(from(undefined), "undefined");
    assert.equal(from(null), "null");
    assert.equal(from("x"), '"x"');
    assert.equal(from(true), "Boolean");
    assert.equal(from(10n), "Bigint");
    assert.equal(from(Symbol("s")), "Symbol");
    assert.equal(from({}), "Object");
    assert.equal(from([1]), "Array");
    assert.equal(from(() => {}), "Function");
    assert.equal(from(new Map()), "Map");
  });

  it("never throws for hostile objects, and ignores an own constructor property", () => {
    assert.equal(from(Object.create(null)), "Object");
    assert.equal(from({ constructor: { name: "Fake" } }), "Object");
    const trap = new Proxy({}, {
      getPrototypeOf() {
        throw new Error("trap");
      },
    });
    assert.equal(from(trap), "Object");
  });
});
