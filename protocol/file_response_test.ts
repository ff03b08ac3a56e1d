import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { responseInfo } from "../core/response_info.ts";
import { handlerResponse } from "./file_response.ts";

describe("handlerResponse", () => {
  it("records a handler's header lines in one order in both runtimes", () => {
    // Bun's Headers iterates set-cookie after every other name; Deno's sorts it in.
    const response = handlerResponse(
      new Response("x", {
        status: 404,
        headers: [["X-Z", "1"], ["Set-Cookie", "a=1"], ["Content-Type", "t/p"], [
          "Set-Cookie",
          "b=2",
        ]],
      }),
    );
    assert.equal(responseInfo(response)?.statusLine, "HTTP/1.1 404 Not Found");
    assert.deepEqual(responseInfo(response)?.rawHeaders, [
      ["content-type", "t/p"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-z", "1"],
    ]);
  });
});
