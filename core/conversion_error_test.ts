import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { conversionError, methodArgumentError } from "./conversion_error.ts";

const from = (value: unknown) => conversionError(2, value, 3).message.split(" from ")[1];
const ginFrom = (value: unknown) =>
  methodArgumentError(1, value, 2).message.split("conversion failure from")[1];

describe("conversionError (gin_helper: module functions)", () => {
  it("says what Electron's V8TypeAsString says of each kind of value", () => {
    assert.equal(
      conversionError(2, 5, 3).message,
      "Error processing argument at index 2, conversion failure from Number",
    );
    assert.ok(conversionError(0, 5, 1) instanceof TypeError);
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

  it("says the call was short when no argument was passed at the index", () => {
    assert.equal(conversionError(0, undefined, 0).message, "Insufficient number of arguments.");
    assert.equal(conversionError(1, undefined, 1).message, "Insufficient number of arguments.");
    assert.equal(from(undefined), "undefined");
  });
});

describe("methodArgumentError (Chromium gin: methods of Electron's objects)", () => {
  it("prints undefined, null and a string's own text, nothing for other values", () => {
    assert.equal(
      methodArgumentError(1, "str", 2).message,
      "Error processing argument at index 1, conversion failure from str",
    );
    assert.ok(methodArgumentError(0, 5, 1) instanceof TypeError);
    assert.equal(ginFrom(undefined), " undefined");
    assert.equal(ginFrom(null), " null");
    assert.equal(ginFrom(""), " ");
    for (const value of [5, true, 10n, Symbol("s"), {}, [1], () => {}, new String("s")]) {
      assert.equal(ginFrom(value), " ", String(typeof value));
    }
  });

  it("says the call was short when no argument was passed at the index", () => {
    assert.equal(methodArgumentError(0, undefined, 0).message, "Insufficient number of arguments.");
    assert.equal(methodArgumentError(1, undefined, 1).message, "Insufficient number of arguments.");
    assert.equal(ginFrom(undefined), " undefined");
  });
});
