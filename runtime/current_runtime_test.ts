import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime } from "./current_runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";

describe("currentRuntime()", () => {
  it("returns one shared runtime for the detected runtime", () => {
    const runtime = currentRuntime();
    assert.equal(runtime.name, detectRuntime());
    assert.equal(currentRuntime(), runtime);
  });
});
