import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compose, requestContext } from "../core/middleware.ts";
import { responseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { Protocol } from "./protocol.ts";
import { protocolStage } from "./protocol_stage.ts";

function pipeline(protocol: Protocol) {
  const seen: string[] = [];
  const run = compose([protocolStage(protocol)], (request) => {
    seen.push(request.url);
    return Promise.resolve(new Response("network"));
  });
  return { run, seen };
}

describe("protocolStage", () => {
  it("passes requests on untouched while no handler is registered", async () => {
    const { run, seen } = pipeline(new Protocol({ fetch, independentFetch: fetch }));
    const request = new Request("http://a.test/");
    assert.equal(await (await run(request, requestContext())).text(), "network");
    assert.deepEqual(seen, ["http://a.test/"]);
  });

  it("answers a handled scheme with a status line and merges the default headers", async () => {
    const protocol = new Protocol({ fetch, independentFetch: fetch });
    protocol.handle(
      "app",
      (request) => new Response(request.headers.get("user-agent"), { status: 404 }),
    );
    const { run, seen } = pipeline(protocol);
    const context = requestContext({ defaultHeaders: [["user-agent", "stage-test/1"]] });
    const response = await run(new Request("app://x/"), context);
    assert.equal(await response.text(), "stage-test/1");
    assert.equal(responseInfo(response)?.statusLine, "HTTP/1.1 404 Not Found");
    assert.deepEqual(seen, []);
  });

  it("skips handlers for bypassCustomProtocolHandlers and keeps a handler's SessionError", async () => {
    const protocol = new Protocol({ fetch, independentFetch: fetch });
    protocol.handle("http", () => {
      throw new SessionError("ERR_ACCESS_DENIED");
    });
    const { run, seen } = pipeline(protocol);
    const bypass = requestContext({ bypassCustomProtocolHandlers: true });
    assert.equal(await (await run(new Request("http://a.test/"), bypass)).text(), "network");
    await assert.rejects(
      run(new Request("http://a.test/"), requestContext()),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_ACCESS_DENIED",
    );
    assert.deepEqual(seen, ["http://a.test/"]);
  });

  it("offers no registerSchemesAsPrivileged: it is renderer-only", () => {
    assert.equal(
      "registerSchemesAsPrivileged" in new Protocol({ fetch, independentFetch: fetch }),
      false,
    );
  });
});
