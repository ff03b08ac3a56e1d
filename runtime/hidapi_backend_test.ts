import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import process from "node:process";
import { currentRuntime } from "./mod.ts";
import { HIDAPI_DEBIAN_PACKAGE, openHidapiBackend } from "./hidapi_backend.ts";
import { fakeHidapiLibrary } from "../tests/fixtures/fake_hidapi.ts";

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

  it("reads hid_device_info lists field by field (a fake hidapi with known contents)", async () => {
    const runtime = currentRuntime();
    const libraryPath = fakeHidapiLibrary();
    const backend = await openHidapiBackend(runtime, { libraryPath });
    const probe = await runtime.dlopen(libraryPath, {
      fake_hidapi_frees: { parameters: [], result: "i32" },
    });
    try {
      assert.equal(backend.name, "hidapi 0.13.1");
      const interfaces = await backend.enumerate();
      assert.equal(probe.symbols.fake_hidapi_frees(), 3); // the whole list was freed
      assert.deepEqual(
        interfaces.map(({ reportDescriptor, ...rest }) => ({
          ...rest,
          descriptorLength: reportDescriptor.length,
        })),
        [
          {
            path: "/dev/hidraw-fake0",
            vendorId: 0x046d,
            productId: 0xc52b,
            serialNumber: "",
            releaseNumber: 0x0123,
            manufacturerName: "Logitech",
            productName: "USB Receiver",
            interfaceNumber: 2,
            busType: "usb",
            physicalDeviceId: "",
            descriptorLength: 0,
          },
          {
            path: "/dev/hidraw-fake1",
            vendorId: 0x054c,
            productId: 0x0268,
            serialNumber: "00:19:c1:aa:bb:cc",
            releaseNumber: 0x0123,
            manufacturerName: "Sony",
            productName: "Contr\u00f4leur \u{1F3AE}",
            interfaceNumber: -1,
            busType: "bluetooth",
            physicalDeviceId: "",
            descriptorLength: 0,
          },
        ],
      );
    } finally {
      probe.close();
    }
  });

  it("asks hidapi 0.14 for a report descriptor that sysfs cannot give", async () => {
    const runtime = currentRuntime();
    const backend = await openHidapiBackend(runtime, { libraryPath: fakeHidapiLibrary("0.14") });
    assert.equal(backend.name, "hidapi 0.14.0");
    const interfaces = await backend.enumerate();
    const descriptors = Object.fromEntries(
      interfaces.map(({ path, reportDescriptor }) => [path, [...reportDescriptor]]),
    );
    // Only the Sony node opens in the fake; the other keeps an empty descriptor.
    assert.deepEqual(descriptors, {
      "/dev/hidraw-fake0": [],
      "/dev/hidraw-fake1": [0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0xc0],
    });
  });

  it("opens, reads without blocking, writes and reports hidapi's errors", async () => {
    const backend = await openHidapiBackend(currentRuntime(), { libraryPath: fakeHidapiLibrary() });
    await assert.rejects(backend.open("/dev/hidraw-fake0"), {
      message: 'Cannot open HID device "/dev/hidraw-fake0": fake global error',
    });
    const connection = await backend.open("/dev/hidraw-fake1");
    assert.deepEqual(connection.read(), new Uint8Array([1, 0x10, 0x20]));
    assert.equal(connection.read(), null);
    assert.throws(() => connection.read(), {
      message: 'Cannot read from HID device "/dev/hidraw-fake1": fake device error',
    });
    connection.write(new Uint8Array([2, 0xaa]));
    connection.sendFeatureReport(new Uint8Array([3, 1, 2, 3]));
    assert.deepEqual(connection.getFeatureReport(3, 16), new Uint8Array([3, 3, 2, 1]));
    assert.throws(() => connection.write(new Uint8Array(65)), /fake device error/);
    connection.close();
    assert.throws(() => connection.read(), /it is closed/);
  });
});
