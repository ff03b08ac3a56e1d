import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime } from "../runtime/mod.ts";
import { ElectronEvent } from "../core/electron_event.ts";
import { App } from "./app.ts";

describe("app start-up", () => {
  it("emits 'ready' once after the script's synchronous part, then whenReady resolves", async () => {
    const app = new App(currentRuntime());
    const seen: unknown[] = [];
    assert.equal(app.isReady(), false);
    // Electron's main-script pattern: listen at top level, the event comes later.
    app.on("ready", (event, launchInfo) => {
      seen.push(event instanceof ElectronEvent, launchInfo, app.isReady());
    });
    await Promise.resolve();
    assert.deepEqual(seen, []);
    await app.whenReady();
    assert.deepEqual(seen, [true, {}, true]);
    assert.equal(app.isReady(), true);
    // Later waits resolve at once; 'ready' is not emitted again.
    await app.whenReady();
    assert.equal(seen.length, 3);
  });
});

describe("app.getPath and app.setPath arguments", () => {
  it("say gin's Insufficient number of arguments. for a call short of one, as Electron's app", async () => {
    // App forwarded its parameters, so the paths saw `undefined` passed and said "conversion
    // failure from undefined" for a call that gave none.
    const app = new App(currentRuntime());
    await app.whenReady();
    const loose = app as unknown as {
      getPath(...args: unknown[]): string;
      setPath(...args: unknown[]): void;
    };
    const insufficient = { name: "TypeError", message: "Insufficient number of arguments." };
    assert.throws(() => loose.getPath(), insufficient);
    assert.throws(() => loose.setPath(), insufficient);
    assert.throws(() => loose.setPath("temp"), insufficient);
    assert.throws(() => loose.getPath(undefined), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from undefined",
    });
    assert.throws(() => loose.setPath("temp", 5), {
      name: "TypeError",
      message: "Error processing argument at index 1, conversion failure from ",
    });
  });
});
