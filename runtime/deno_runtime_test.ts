import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createDenoRuntime } from "./deno_runtime.ts";
import { detectRuntime } from "./detect_runtime.ts";
import { describeRuntimeContract } from "./testdata/runtime_contract.ts";

const isDeno = detectRuntime() === "deno";

describeRuntimeContract("createDenoRuntime()", createDenoRuntime, {
  skip: isDeno ? false : "needs Deno",
});

describe("createDenoRuntime() on Deno", { skip: isDeno ? false : "needs Deno" }, () => {
  it("names the worker", async () => {
    const worker = createDenoRuntime().createWorker(
      new URL("./testdata/echo_worker.ts", import.meta.url),
      { name: "echo" },
    );
    try {
      const reply = new Promise((resolve) => worker.onmessage = (event) => resolve(event.data));
      worker.postMessage("hi");
      assert.deepEqual(await reply, { echo: "hi", name: "echo" });
    } finally {
      worker.terminate();
    }
  });
});

describe("createDenoRuntime() elsewhere", { skip: isDeno ? "runs on Deno" : false }, () => {
  it("throws", () => {
    assert.throws(createDenoRuntime, new Error("Cannot create the Deno runtime: this is bun"));
  });
});
