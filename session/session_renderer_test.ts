// The renderer-adjacent Session methods: preload scripts, code cache, blobs, service workers.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerBlob, unregisterBlob } from "../core/blob_registry.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";
import type { PreloadScriptRegistration } from "./preload_scripts.ts";

const root = mkdtempSync(join(tmpdir(), "ses-renderer-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function memorySession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(`r${++counter}`);
}

function persistentSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPath(join(root, `p${++counter}`));
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("preload scripts", () => {
  it("registers, lists in order and unregisters", () => {
    const ses = memorySession();
    const id = ses.registerPreloadScript({ type: "frame", filePath: "/app/a.js" });
    assert.match(id, UUID_V4);
    assert.equal(
      ses.registerPreloadScript({ type: "service-worker", filePath: "/app/sw.js", id: "sw" }),
      "sw",
    );
    assert.deepEqual(ses.getPreloadScripts(), [
      { filePath: "/app/a.js", id, type: "frame" },
      { filePath: "/app/sw.js", id: "sw", type: "service-worker" },
    ]);
    ses.unregisterPreloadScript(id);
    assert.deepEqual(ses.getPreloadScripts().map((script) => script.id), ["sw"]);
  });

  it("gives Electron's errors, the existing id first", () => {
    const ses = memorySession();
    ses.registerPreloadScript({ type: "frame", filePath: "/a.js", id: "dup" });
    assert.throws(
      () => ses.registerPreloadScript({ type: "frame", filePath: "relative.js", id: "dup" }),
      { message: "Cannot register preload script with existing ID 'dup'" },
    );
    assert.throws(() => ses.registerPreloadScript({ type: "frame", filePath: "relative.js" }), {
      message: "Preload script must have absolute path: relative.js",
    });
    assert.throws(
      () => ses.registerPreloadScript({ type: "worker" as "frame", filePath: "/a.js" }),
      {
        name: "TypeError",
        message: "Error processing argument at index 0, conversion failure from ",
      },
    );
    assert.throws(
      () => (ses.registerPreloadScript as (...args: unknown[]) => string)(),
      { name: "TypeError", message: "Insufficient number of arguments." },
    );
    assert.throws(() => ses.unregisterPreloadScript("nope"), {
      message: "Cannot unregister preload script with non-existing ID 'nope'",
    });
    assert.throws(() => ses.unregisterPreloadScript(7 as unknown as string), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from ",
    });
    assert.throws(() => (ses.unregisterPreloadScript as (...args: unknown[]) => void)(), {
      name: "TypeError",
      message: "Insufficient number of arguments.",
    });
  });

  it("reads a registration as Electron's PreloadScript converter: an id that is no string gets a UUID, a null filePath is the empty path", () => {
    // shell/browser/preload_script.h: a failed options.Get("id") generates a UUID v4 rather than
    // failing the conversion, and gin's FilePath converter takes null as the empty path, which
    // then fails RegisterPreloadScript's IsAbsolute check.
    const ses = memorySession();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const id of [5, null, { id: "x" }]) {
      const given = {
        type: "frame",
        filePath: "/a.js",
        id,
      } as unknown as PreloadScriptRegistration;
      assert.match(ses.registerPreloadScript(given), uuid);
    }
    assert.equal(ses.getPreloadScripts().length, 3);
    assert.throws(
      () =>
        ses.registerPreloadScript(
          { type: "frame", filePath: null } as unknown as PreloadScriptRegistration,
        ),
      { name: "Error", message: "Preload script must have absolute path: " },
    );
    assert.throws(
      () =>
        ses.registerPreloadScript(
          { type: "frame", filePath: 5 } as unknown as PreloadScriptRegistration,
        ),
      {
        name: "TypeError",
        message: "Error processing argument at index 0, conversion failure from ",
      },
    );
    assert.equal(ses.getPreloadScripts().length, 3);
  });

  it("setPreloads replaces the frame scripts and keeps relative paths", () => {
    const ses = memorySession();
    ses.registerPreloadScript({ type: "service-worker", filePath: "/sw.js", id: "sw" });
    ses.setPreloads(["/one.js", "two.js"]);
    ses.setPreloads(["/three.js", "rel/four.js"]);
    assert.deepEqual(ses.getPreloads(), ["/three.js", "rel/four.js"]);
    assert.deepEqual(
      ses.getPreloadScripts().map((script) => script.type),
      ["service-worker", "frame", "frame"],
    );
    assert.throws(() => ses.setPreloads("x" as unknown as string[]), { name: "TypeError" });
  });

  it("setPreloads and getPreloads print Electron's deprecation notice once per process", () => {
    // The notice is once per process, so a fresh one shows it whatever this file ran before.
    const module = new URL("../mod.ts", import.meta.url).href;
    const code = `import { session } from ${JSON.stringify(module)};
      const ses = session.fromPartition("deprecated-preloads");
      ses.setPreloads(["/a.js"]);
      ses.setPreloads(["/b.js"]);
      console.log(JSON.stringify([ses.getPreloads(), ses.getPreloads()]));`;
    const args = "Deno" in globalThis ? ["eval", "--ext=ts", code] : ["-e", code];
    const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
    assert.equal(child.stdout.trim(), JSON.stringify([["/b.js"], ["/b.js"]]));
    assert.deepEqual(child.stderr.trim().split("\n"), [
      "(electron) 'session.setPreloads' is deprecated and will be removed. Please use " +
      "'session.registerPreloadScript' instead.",
      "(electron) 'session.getPreloads' is deprecated and will be removed. Please use " +
      "'session.getPreloadScripts' instead.",
    ]);
  });
});

describe("code cache", () => {
  it("needs an absolute path", () => {
    const ses = memorySession();
    for (const path of ["relative", "", 7]) {
      assert.throws(() => ses.setCodeCachePath(path as string), {
        name: "TypeError",
        message: "Absolute path must be provided to store code cache.",
      });
    }
  });

  it("makes the directory and clears its entries", async () => {
    const ses = memorySession();
    const dir = join(root, `cache-${++counter}`, "nested");
    ses.setCodeCachePath(dir);
    // A clear for URLs removes nothing (no entry is keyed by URL) but waits for the directory.
    await ses.clearCodeCaches({ urls: ["https://a.test/app.js"] });
    assert.ok(existsSync(dir));
    writeFileSync(join(dir, "entry"), "x");
    await ses.clearCodeCaches({ urls: ["https://a.test/app.js"] });
    assert.deepEqual(readdirSync(dir), ["entry"]);
    await ses.clearCodeCaches({ urls: [] });
    assert.deepEqual(readdirSync(dir), []);
  });

  it("clears every entry when urls is not an array of strings, as Electron's Get fails", async () => {
    const ses = memorySession();
    const dir = join(root, `cache-${++counter}`);
    ses.setCodeCachePath(dir);
    // The directory is made in the background; a clear waits for it.
    await ses.clearCodeCaches({});
    const clear = ses.clearCodeCaches as (options: unknown) => Promise<void>;
    for (const urls of ["https://a.test/app.js", ["https://a.test/app.js", 1], 5]) {
      writeFileSync(join(dir, "entry"), "x");
      await clear.call(ses, { urls });
      assert.deepEqual(readdirSync(dir), [], JSON.stringify(urls));
    }
  });

  it("resolves for an in-memory session with no path", async () => {
    await memorySession().clearCodeCaches({});
  });

  it("defaults to Code Cache in a persistent session's directory", async () => {
    const ses = persistentSession();
    await ses.clearCodeCaches({});
    assert.ok(existsSync(join(ses.storagePath!, "Code Cache")));
  });
});

describe("getBlobData", () => {
  it("reads a registered blob and rejects unknown ids", async () => {
    const ses = memorySession();
    const uuid = registerBlob(new TextEncoder().encode("upload body"));
    const data = await ses.getBlobData(uuid);
    assert.equal(data.toString("utf8"), "upload body");
    unregisterBlob(uuid);
    await assert.rejects(ses.getBlobData(uuid), { message: "Could not get blob data handle" });
  });
});

describe("serviceWorkers", () => {
  it("is Electron's object with an empty registry", async () => {
    const ses = memorySession();
    assert.equal(ses.serviceWorkers, ses.serviceWorkers);
    assert.deepEqual(ses.serviceWorkers.getAllRunning(), {});
    assert.throws(() => ses.serviceWorkers.getInfoFromVersionID(1), {
      message: "Could not find service worker with that version_id",
    });
    assert.throws(() => ses.serviceWorkers.getFromVersionID(1), {
      message: "Could not find service worker with that version_id",
    });
    assert.equal(ses.serviceWorkers.getWorkerFromVersionID(1), undefined);
    await assert.rejects(ses.serviceWorkers.startWorkerForScope("https://a.test/"), {
      message: "Failed to start service worker.",
    });
  });
});

describe("WebUSB and Web Bluetooth handlers", () => {
  it("take a function or null, and throw Electron's TypeError for anything else", () => {
    const ses = memorySession();
    ses.setUSBProtectedClassesHandler((details) =>
      details.protectedClasses.filter((c) => c !== "hid")
    );
    ses.setUSBProtectedClassesHandler(null);
    ses.setBluetoothPairingHandler((details, callback) =>
      callback({ confirmed: details.pairingKind === "confirm" })
    );
    ses.setBluetoothPairingHandler(null);
    for (const bad of [undefined, "handler", 1, {}]) {
      assert.throws(() => ses.setUSBProtectedClassesHandler(bad as never), {
        name: "TypeError",
        message: "Must pass null or function",
      });
      assert.throws(() => ses.setBluetoothPairingHandler(bad as never), {
        name: "TypeError",
        message: "Must pass null or function",
      });
    }
  });
});

describe("shared dictionaries", () => {
  it("has none, and checks the isolation key with Electron's messages", async () => {
    const ses = memorySession();
    const key = { frameOrigin: "https://a.test", topFrameSite: "https://a.test" };
    assert.deepEqual(await ses.getSharedDictionaryUsageInfo(), []);
    assert.deepEqual(await ses.getSharedDictionaryInfo(key), []);
    assert.equal(await ses.clearSharedDictionaryCache(), undefined);
    assert.equal(await ses.clearSharedDictionaryCacheForIsolationKey(key), undefined);
    await assert.rejects(ses.getSharedDictionaryInfo({ frameOrigin: "https://a.test" } as never), {
      message: "Must provide frameOrigin and topFrameSite strings",
    });
    await assert.rejects(ses.clearSharedDictionaryCacheForIsolationKey({} as never), {
      message:
        "Must provide frameOrigin and topFrameSite strings to `clearSharedDictionaryCacheForIsolationKey`",
    });
    // An array is an object to gin's Dictionary converter, so the key check answers.
    await assert.rejects(ses.getSharedDictionaryInfo([] as never), {
      message: "Must provide frameOrigin and topFrameSite strings",
    });
    for (const bad of [{ ...key, topFrameSite: "" }, { ...key, frameOrigin: "not a url" }]) {
      await assert.rejects(ses.getSharedDictionaryInfo(bad), {
        message: "Invalid URLs provided for frameOrigin or topFrameSite",
      });
      await assert.rejects(ses.clearSharedDictionaryCacheForIsolationKey(bad), {
        message: "Invalid URLs provided for frameOrigin or topFrameSite",
      });
    }
  });
});

// The options argument is a gin_helper::Dictionary in Electron's signatures (session.cc), so gin
// refuses a missing argument or one that is not an object before the method runs, synchronously.
describe("methods taking an options object", () => {
  it("throw gin's TypeError for a missing or non-object argument", () => {
    const ses = memorySession();
    const calls = {
      getSharedDictionaryInfo: (...args: unknown[]) =>
        (ses.getSharedDictionaryInfo as (...a: unknown[]) => unknown)(...args),
      clearSharedDictionaryCacheForIsolationKey: (...args: unknown[]) =>
        (ses.clearSharedDictionaryCacheForIsolationKey as (...a: unknown[]) => unknown)(...args),
      clearCodeCaches: (...args: unknown[]) =>
        (ses.clearCodeCaches as (...a: unknown[]) => unknown)(...args),
    };
    for (const [name, call] of Object.entries(calls)) {
      assert.throws(() => call(), {
        name: "TypeError",
        message: "Insufficient number of arguments.",
      }, name);
      for (
        const [value, what] of [[undefined, "undefined"], [null, "null"], ["x", "x"], [5, ""], [
          () => {},
          "",
        ]]
      ) {
        assert.throws(() => call(value), {
          name: "TypeError",
          message: `Error processing argument at index 0, conversion failure from ${what}`,
        }, name);
      }
    }
  });
});
