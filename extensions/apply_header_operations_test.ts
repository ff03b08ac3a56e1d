import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyHeaderOperations } from "./apply_header_operations.ts";

describe("modifyHeaders operations", () => {
  it("after remove nothing touches the header", () => {
    const headers = new Headers({ "x-a": "1" });
    applyHeaderOperations(headers, [
      { header: "x-a", operation: "remove", extensionId: "e" },
      { header: "x-a", operation: "append", value: "2", extensionId: "e" },
    ], true);
    assert.equal(headers.get("x-a"), null);
  });

  it("after set only appends of the same extension apply", () => {
    const headers = new Headers();
    applyHeaderOperations(headers, [
      { header: "accept", operation: "set", value: "a", extensionId: "e" },
      { header: "accept", operation: "set", value: "b", extensionId: "e" },
      { header: "accept", operation: "append", value: "c", extensionId: "e" },
      { header: "accept", operation: "append", value: "d", extensionId: "other" },
    ], true);
    assert.equal(headers.get("accept"), "a, c");
  });

  it("after an append, appends of any extension apply, and nothing else", () => {
    const headers = new Headers({ accept: "x/y" });
    applyHeaderOperations(headers, [
      { header: "accept", operation: "append", value: "a", extensionId: "e" },
      { header: "accept", operation: "append", value: "b", extensionId: "other" },
      { header: "accept", operation: "set", value: "c", extensionId: "e" },
      { header: "accept", operation: "remove", extensionId: "other" },
    ], true);
    assert.equal(headers.get("accept"), "x/y, a, b");
  });

  it("joins appended cookies with '; ' on requests", () => {
    const headers = new Headers({ cookie: "a=1" });
    applyHeaderOperations(headers, [
      { header: "cookie", operation: "append", value: "b=2", extensionId: "e" },
    ], true);
    assert.equal(headers.get("cookie"), "a=1; b=2");
  });

  it("adds a line for an appended response header", () => {
    const headers = new Headers({ "set-cookie": "a=1" });
    applyHeaderOperations(headers, [
      { header: "set-cookie", operation: "append", value: "b=2", extensionId: "e" },
    ], false);
    assert.deepEqual(headers.getSetCookie(), ["a=1", "b=2"]);
  });
});
