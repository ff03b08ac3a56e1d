import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createBunRuntime } from "./bun_runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";
import { describeRuntimeContract } from "./testdata/runtime_contract.ts";

const isBun = detectRuntime() === "bun";

describeRuntimeContract("createBunRuntime()", createBunRuntime, {
  skip: isBun ? false : "needs Bun",
});

describe("createBunRuntime() elsewhere", { skip: isBun ? "runs on Bun" : false }, () => {
  it("throws", () => {
    assert.throws(createBunRuntime, new Error("Cannot create the Bun runtime: this is deno"));
  });
});
