import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BodyEndListener, watchableBody, watchBodyEnd } from "./body_end.ts";

function recorder(): { listener: BodyEndListener; told: string[] } {
  const told: string[] = [];
  return {
    told,
    listener: {
      onEnd: () => told.push("end"),
      onError: (error, cancelled) => told.push(`${cancelled ? "cancel" : "error"} ${error}`),
    },
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("watchableBody", () => {
  it("tells its end only once a reader asks for more after the last chunk", async () => {
    const body = watchableBody([bytes("ab"), new Uint8Array(), bytes("c")]);
    const { listener, told } = recorder();
    assert.equal(watchBodyEnd(body, listener), true);
    const reader = body.getReader();
    assert.deepEqual((await reader.read()).value, bytes("ab"));
    assert.deepEqual((await reader.read()).value, bytes("c"));
    assert.deepEqual(told, [], "the last chunk is not yet the end");
    assert.equal((await reader.read()).done, true);
    assert.deepEqual(told, ["end"]);
  });

  it("tells every listener, and a late one at once", async () => {
    const body = watchableBody([]);
    const first = recorder();
    const second = recorder();
    watchBodyEnd(body, first.listener);
    watchBodyEnd(body, second.listener);
    assert.equal(await new Response(body).text(), "");
    const late = recorder();
    watchBodyEnd(body, late.listener);
    assert.deepEqual([first.told, second.told, late.told], [["end"], ["end"], ["end"]]);
  });

  it("tells a cancel with the reader's reason, even after the last chunk was read", async () => {
    const body = watchableBody([bytes("x")]);
    const { listener, told } = recorder();
    watchBodyEnd(body, listener);
    const reader = body.getReader();
    await reader.read();
    await reader.cancel("enough");
    assert.deepEqual(told, ["cancel enough"]);
    const late = recorder();
    watchBodyEnd(body, late.listener);
    assert.deepEqual(late.told, ["cancel enough"]);
  });

  it("stays watchable inside a Response built around it", async () => {
    const body = watchableBody([bytes("kept")]);
    const rebuilt = new Response(new Response(body).body, { status: 201 });
    const { listener, told } = recorder();
    assert.equal(watchBodyEnd(rebuilt.body!, listener), true);
    assert.equal(await rebuilt.text(), "kept");
    assert.deepEqual(told, ["end"]);
  });
});

describe("watchBodyEnd", () => {
  it("refuses a body whose maker cannot tell its end", () => {
    const { listener, told } = recorder();
    assert.equal(watchBodyEnd(new Response("plain").body!, listener), false);
    assert.deepEqual(told, []);
  });
});
