import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { platform } from "node:os";
import { currentRuntime, openPtyPair } from "../runtime/mod.ts";
import { runFixture } from "../tests/fixtures/run_fixture.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

function newSession(name: string): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(name);
}

describe("Session serial", { skip: platform() === "linux" ? false : "needs Linux" }, () => {
  it("chooses a pty through the session's select-serial-port event and talks to it", async () => {
    const ses = newSession("serial-chooser");
    const pty = await openPtyPair(currentRuntime());
    try {
      ses.serial.addPortPath(pty.path);
      const name = pty.path.split("/").at(-1)!;
      ses.on("select-serial-port", (event, portList, webContents, callback) => {
        assert.equal(webContents, null);
        event.preventDefault();
        queueMicrotask(() => callback(portList.find((port) => port.portName === name)?.portId));
      });
      const port = await ses.serial.requestPort({}, { origin: "https://a.test" });
      assert.deepEqual(await ses.serial.getPorts({ origin: "https://a.test" }), [port]);
      await port.open({ baudRate: 57600 });
      await pty.main.write(new TextEncoder().encode("hello"));
      const reader = port.readable!.getReader();
      let text = "";
      while (text.length < 5) text += new TextDecoder().decode((await reader.read()).value);
      assert.equal(text, "hello");
      reader.releaseLock();
      await port.close();
    } finally {
      pty.main.close();
      ses.serial.close();
    }
  });

  it("lets the program end after a port was granted and its directory changed", async () => {
    // Deno's node:fs watcher is ref'd again after each event it delivers: without care the
    // watch on /dev/pts kept the program running for ever.
    const { code, out } = await runFixture(
      new URL("../tests/fixtures/serial_exit.ts", import.meta.url),
    );
    assert.equal(out.trim(), "read 65");
    assert.equal(code, 0);
  });

  it("keeps the program running while a read waits on an open port, and only then", {
    timeout: 60_000,
  }, async () => {
    // Deno's poll(2) is a nonblocking FFI call, pending only while a read or write waits; Bun's
    // poll worker kept an idle open port's program running for ever.
    const fixture = new URL("../tests/fixtures/serial_exit.ts", import.meta.url);
    const idle = await runFixture(fixture, 20_000, { SERIAL_EXIT: "open" });
    assert.deepEqual([idle.out.trim(), idle.code], ["read 65", 0]);
    // Killed at the limit: a read that waits is work the program has not finished.
    const waiting = await runFixture(fixture, 5_000, { SERIAL_EXIT: "wait" });
    assert.equal(waiting.out.trim(), "read 65");
    assert.equal(waiting.code, "SIGTERM");
  });

  it("asks the permission check handler with Electron's arguments", async () => {
    const ses = newSession("serial-check");
    const calls: unknown[] = [];
    ses.setPermissionCheckHandler((...args) => {
      calls.push(args);
      return false;
    });
    await assert.rejects(ses.serial.requestPort({}, {}), { name: "NotFoundError" });
    // Electron hands the origin over as a URL (url::Origin::GetURL()): file:///.
    assert.deepEqual(calls, [[null, "serial", "file:///", {
      securityOrigin: "file:///",
      requestingUrl: "file:///",
      isMainFrame: true,
    }]]);
  });

  it("takes a throwing check handler as a refusal: the request fails as a denied one", async () => {
    // Electron's check handler answers false when it throws (gin's V8FunctionInvoker), so the
    // page sees the chooser's refusal, not the handler's exception.
    const ses = newSession("serial-check-throws");
    ses.setPermissionCheckHandler(() => {
      throw new Error("handler bug");
    });
    const original = console.error;
    console.error = () => {};
    try {
      await assert.rejects(ses.serial.requestPort({}, {}), {
        name: "NotFoundError",
        message: "Failed to execute 'requestPort' on 'Serial': No port selected by the user.",
      });
    } finally {
      console.error = original;
    }
  });
});
