import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import process from "node:process";
import { currentRuntime } from "./mod.ts";
import { HIDAPI_DEBIAN_PACKAGE, openHidapiBackend } from "./hidapi_backend.ts";

describe("openHidapiBackend", () => {
  it("loads the real libhidapi-hidraw and enumerates (no devices on this machine)", async () => {
    const backend = await openHidapiBackend(currentRuntime());
    assert.match(backend.name, /^hidapi \d+\.\d+\.\d+/);
    const interfaces = await backend.enumerate();
    assert.ok(Array.isArray(interfaces));
    for (const info of interfaces) {
      assert.match(info.path, /^\/dev\/hidraw\d+$/);
      assert.ok(info.vendorId >= 0 && info.vendorId <= 0xffff);
    }
    // Enumerating twice walks and frees the list twice: no double free, same answer.
    assert.equal((await backend.enumerate()).length, interfaces.length);
  });

  it("names the Debian package when the library is missing", async () => {
    await assert.rejects(
      openHidapiBackend(currentRuntime(), { libraryPath: "libhidapi-missing.so.9" }),
      (error: Error) => {
        assert.match(error.message, /^Cannot load hidapi \(libhidapi-missing\.so\.9\): /);
        assert.ok(error.message.endsWith(
          `install the Debian package ${HIDAPI_DEBIAN_PACKAGE} ` +
            `(apt-get install ${HIDAPI_DEBIAN_PACKAGE})`,
        ));
        return true;
      },
    );
  });

  it("rejects opening a path that is not a HID device, with hidapi's reason", async () => {
    const backend = await openHidapiBackend(currentRuntime());
    await assert.rejects(
      backend.open("/dev/hidraw-none"),
      /^Error: Cannot open HID device "\/dev\/hidraw-none": /,
    );
  });

  it("reports a hidraw node appearing in /dev, and stops watching when asked", async () => {
    const backend = await openHidapiBackend(currentRuntime());
    const node = `/dev/hidraw-ses-test-${process.pid}`;
    let changes = 0;
    const changed = new Promise<void>((resolve) => {
      const stop = backend.watch(() => {
        changes++;
        stop();
        resolve();
      });
    });
    // The watch is unref'd by design; a timer keeps the test's event loop alive meanwhile.
    const keepAlive = setTimeout(() => {}, 60_000);
    await writeFile(node, "");
    try {
      await changed;
    } finally {
      clearTimeout(keepAlive);
      await rm(node, { force: true });
    }
    assert.equal(changes, 1);
  });
});
