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
