import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { requestContext } from "../core/middleware.ts";
import { responseDetails } from "./details.ts";

describe("responseDetails", () => {
  it("lists a stage-made response's headers in one order in both runtimes", () => {
    // Bun's Headers iterates set-cookie after every other name; Deno's sorts it in.
    const response = new Response("x", {
      headers: [["X-Z", "1"], ["Set-Cookie", "a=1"], ["Content-Type", "t/p"], [
        "Set-Cookie",
        "b=2",
      ]],
    });
    const details = responseDetails(new Request("http://a.test/"), response, requestContext());
    assert.deepEqual(Object.entries(details.responseHeaders ?? {}), [
      ["content-type", ["t/p"]],
      ["set-cookie", ["a=1", "b=2"]],
      ["x-z", ["1"]],
    ]);
  });
});
