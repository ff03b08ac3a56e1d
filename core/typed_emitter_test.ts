import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ElectronEvent } from "./electron_event.ts";
import { TypedEmitter } from "./typed_emitter.ts";

type Events = {
  tick: (event: ElectronEvent, n: number) => void;
  other: () => void;
};

describe("TypedEmitter", () => {
  it("calls listeners in order with the emitted arguments", () => {
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    emitter.on("tick", (_e, n) => seen.push(`a${n}`));
    emitter.addListener("tick", (_e, n) => seen.push(`b${n}`));
    assert.equal(emitter.emit("tick", new ElectronEvent(), 1), true);
    assert.equal(emitter.emit("other"), false);
    assert.deepEqual(seen, ["a1", "b1"]);
  });

  it("once listeners run once, even when emit re-enters", () => {
    const emitter = new TypedEmitter<Events>();
    let count = 0;
    emitter.once("tick", () => {
      count++;
      emitter.emit("tick", new ElectronEvent(), 2);
    });
    emitter.emit("tick", new ElectronEvent(), 1);
    assert.equal(count, 1);
    assert.equal(emitter.listenerCount("tick"), 0);
  });

  it("off removes one registration; a listener added while emitting waits for the next emit", () => {
    const emitter = new TypedEmitter<Events>();
    let late = 0;
    const listener = () => emitter.on("other", () => late++);
    emitter.on("other", listener);
    emitter.emit("other");
    assert.equal(late, 0);
    emitter.off("other", listener);
    emitter.emit("other");
    assert.equal(late, 1);
  });

  it("propagates a listener's error to the emitter's caller", () => {
    const emitter = new TypedEmitter<Events>();
    emitter.on("other", () => {
      throw new Error("boom");
    });
    assert.throws(() => emitter.emit("other"), /boom/);
  });

  it("rejects a listener that is not a function", () => {
    const emitter = new TypedEmitter<Events>();
    assert.throws(() => emitter.on("other", "x" as unknown as () => void), TypeError);
  });

  it("ElectronEvent records preventDefault", () => {
    const event = new ElectronEvent();
    assert.equal(event.defaultPrevented, false);
    event.preventDefault();
    assert.equal(event.defaultPrevented, true);
  });
});
