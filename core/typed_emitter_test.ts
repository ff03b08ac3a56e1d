import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import process from "node:process";
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

  it("prepend methods add before the others; listeners and eventNames list them", () => {
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    const a = () => seen.push("a");
    const b = () => seen.push("b");
    const c = () => seen.push("c");
    emitter.on("other", a);
    emitter.prependListener("other", b);
    emitter.prependOnceListener("other", c);
    emitter.on("tick", () => {});
    assert.deepEqual(emitter.listeners("other"), [c, b, a]);
    assert.deepEqual(emitter.eventNames(), ["other", "tick"]);
    emitter.emit("other");
    emitter.emit("other");
    assert.deepEqual(seen, ["c", "b", "a", "b", "a"]);
    assert.deepEqual(emitter.listeners("other"), [b, a]);
  });

  it("rawListeners gives a once listener's wrapper, as Node's EventEmitter does", () => {
    // The same steps on both: our emitter seen through the Node methods it mirrors.
    type Steps = Pick<EventEmitter, "on" | "once" | "off" | "listeners" | "rawListeners">;
    const ours = new TypedEmitter<Events>() as unknown as Steps;
    for (const emitter of [ours, new EventEmitter()]) {
      const seen: string[] = [];
      const a = () => seen.push("a");
      const b = () => seen.push("b");
      emitter.on("other", a);
      emitter.once("other", b);
      const [first, wrapper] = emitter.rawListeners("other") as Array<
        (() => void) & { listener?: unknown }
      >;
      assert.equal(first, a);
      assert.notEqual(wrapper, b);
      assert.equal(wrapper!.listener, b);
      // Calling the wrapper calls the listener and removes its registration.
      wrapper!();
      assert.deepEqual(seen, ["b"]);
      assert.deepEqual(emitter.listeners("other"), [a]);
      // The wrapper removes its registration through off as well.
      emitter.once("other", b);
      emitter.off("other", emitter.rawListeners("other")[1] as () => void);
      assert.deepEqual(emitter.listeners("other"), [a]);
    }
  });

  it("a fired once registration goes, not a later registration of the same function", () => {
    const emitter = new TypedEmitter<Events>();
    let count = 0;
    const listener = () => count++;
    emitter.once("other", listener);
    emitter.on("other", listener);
    emitter.emit("other");
    emitter.emit("other");
    assert.equal(count, 3);
    assert.equal(emitter.listenerCount("other"), 1);
  });

  it("warns once per event past the listener limit, as Node's EventEmitter", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    const emitter = new TypedEmitter<Events>();
    try {
      assert.equal(emitter.getMaxListeners(), 10);
      for (let i = 0; i < 12; i++) emitter.on("other", () => {});
      const quiet = new TypedEmitter<Events>().setMaxListeners(0);
      for (let i = 0; i < 12; i++) quiet.on("other", () => {});
      // Process warnings arrive on a later tick.
      for (let i = 0; i < 50 && warnings.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(warnings.map(({ name, message }) => [name, message]), [[
      "MaxListenersExceededWarning",
      "Possible EventEmitter memory leak detected. 11 other listeners added to [TypedEmitter]. " +
      "MaxListeners is 10. Use emitter.setMaxListeners() to increase limit",
    ]]);
    assert.throws(() => emitter.setMaxListeners(-1), {
      name: "RangeError",
      message: 'The value of "n" is out of range. It must be a non-negative number. Received -1',
    });
    assert.equal(emitter.setMaxListeners(20).getMaxListeners(), 20);
  });

  it("emitCatching hands each async listener's rejection to its handler, in order", async () => {
    const emitter = new TypedEmitter<Events>();
    const seen: unknown[] = [];
    const first = new Error("first");
    emitter.on("tick", () => Promise.reject(first) as unknown as void);
    emitter.on("tick", (_e, n) => seen.push(n));
    emitter.on("tick", async () => {
      await Promise.resolve();
      throw new Error("second");
    });
    const rejected: unknown[] = [];
    assert.equal(
      emitter.emitCatching("tick", (error) => rejected.push(error), new ElectronEvent(), 7),
      true,
    );
    assert.deepEqual(seen, [7], "every listener ran");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(rejected.map((error) => (error as Error).message), ["first", "second"]);
    assert.equal(emitter.emitCatching("other", () => assert.fail("no listener")), false);
  });

  it("ElectronEvent records preventDefault", () => {
    const event = new ElectronEvent();
    assert.equal(event.defaultPrevented, false);
    event.preventDefault();
    assert.equal(event.defaultPrevented, true);
  });
});
