import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { detectRuntime } from "./detect_runtime.ts";

describe("detectRuntime()", () => {
  it("names the runtime running the tests", () => {
    assert.equal(detectRuntime(), process.versions.bun === undefined ? "deno" : "bun");
  });

  it("recognises each runtime by its global", () => {
    assert.equal(detectRuntime({ Deno: { version: { deno: "2.9.6" } } }), "deno");
    assert.equal(detectRuntime({ Bun: { version: "1.4.5" } }), "bun");
  });

  it("throws for any other runtime", () => {
    const nodeLike = { process: { versions: { node: "24.0.0" } } };
    const unsupported = new Error(
      "Cannot detect the runtime: @ses/session runs on Deno or Bun, and this is neither",
    );
    assert.throws(() => detectRuntime(nodeLike), unsupported);
    assert.throws(() => detectRuntime({ Deno: {} }), unsupported);
    assert.throws(() => detectRuntime({ Bun: { version: 1 } }), unsupported);
  });
});
