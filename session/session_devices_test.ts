import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { currentRuntime, openHidapiBackend } from "../runtime/mod.ts";
import { fakeHidapiLibrary } from "../tests/fixtures/fake_hidapi.ts";
import type { HIDInputReportEvent } from "../devices/mod.ts";
import { RecordedHidBackend } from "../devices/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import { UNIFYING_VENDOR } from "../tests/fixtures/hid_descriptors.ts";
import { runFixture } from "../tests/fixtures/run_fixture.ts";

const runtime = currentRuntime();
const session = createSessionModule(new App(runtime), runtime);

describe("Session permissions and HID", () => {
  it("forwards the permission handlers, with Electron's TypeError", async () => {
    const ses = session.fromPartition(`devices-${crypto.randomUUID()}`);
    assert.throws(() => ses.setPermissionRequestHandler(5 as never), {
      name: "TypeError",
      message: "Must pass null or function",
    });
    assert.throws(() => ses.setDevicePermissionHandler({} as never), TypeError);
    // gin refuses a call short of its argument before the setter looks at it; an explicit
    // undefined is an argument, which the setter refuses in its own words.
    const setters = [
      "setPermissionRequestHandler",
      "setPermissionCheckHandler",
      "setDevicePermissionHandler",
      "setUSBProtectedClassesHandler",
      "setBluetoothPairingHandler",
    ] as const;
    for (const name of setters) {
      const setter = ses[name] as (...args: unknown[]) => void;
      assert.throws(() => setter.call(ses), {
        name: "TypeError",
        message: "Insufficient number of arguments.",
      }, name);
      assert.throws(() => setter.call(ses, undefined), {
        name: "TypeError",
        message: "Must pass null or function",
      }, name);
    }
    const origins: string[] = [];
    ses.setPermissionRequestHandler((_w, permission, callback, details) => {
      origins.push(details.requestingUrl);
      callback(permission === "geolocation");
    });
    assert.equal(await ses.permissions.request("geolocation"), true);
    assert.equal(await ses.permissions.request("midi", { origin: "https://a.test" }), false);
    assert.deepEqual(origins, ["file:///", "https://a.test/"]);
    // Electron's requestingOrigin is a GURL: the origin with a path.
    ses.setPermissionCheckHandler((_w, permission, origin) =>
      permission === "hid" && origin === "https://a.test/"
    );
    assert.equal(ses.permissions.check("hid", "https://a.test"), true);
    assert.equal(ses.permissions.check("hid"), false);
  });

  it("forwards the display media handler; programs ask through ses.permissions", async () => {
    const ses = session.fromPartition(`devices-${crypto.randomUUID()}`);
    assert.throws(() => ses.setDisplayMediaRequestHandler(5 as never), {
      name: "TypeError",
      message: "Display media request handler must be null or a function",
    });
    await assert.rejects(ses.permissions.requestDisplayMedia(), { name: "NotSupportedError" });
    ses.setDisplayMediaRequestHandler((request, callback) =>
      callback(
        request.securityOrigin === "https://a.test/"
          ? { video: { id: "window:42:0", name: "Editor" }, audio: "loopbackWithMute" }
          : null,
      )
    );
    assert.deepEqual(
      await ses.permissions.requestDisplayMedia({ origin: "https://a.test", audio: true }),
      {
        video: { id: "window:42:0", name: "Editor" },
        audio: { id: "loopbackWithMute", name: "System audio" },
      },
    );
    await assert.rejects(ses.permissions.requestDisplayMedia(), { name: "AbortError" });
  });

  it("enumerates through the real hidapi library (nothing plugged in here)", async () => {
    const ses = session.fromPartition(`devices-${crypto.randomUUID()}`);
    const devices = await ses.hid.getDevices();
    assert.ok(Array.isArray(devices));
  });

  it(
    "lets the program end after hidapi's watch on /dev saw a change",
    { skip: process.getuid?.() === 0 ? false : "needs root to write in /dev" },
    async () => {
      // Deno's node:fs watcher is ref'd again after each event it delivers.
      const { code, out } = await runFixture(
        new URL("../tests/fixtures/hid_watch_exit.ts", import.meta.url),
      );
      assert.equal(out.trim(), "devices 0");
      assert.equal(code, 0);
    },
  );

  it("emits select-hid-device and hid-device-revoked on the session", async () => {
    const ses = session.fromPartition(`devices-${crypto.randomUUID()}`);
    const backend = new RecordedHidBackend([{
      path: "/dev/hidraw9",
      vendorId: 0x046d,
      productId: 0xc52b,
      productName: "USB Receiver",
      serialNumber: "0123",
      reportDescriptor: UNIFYING_VENDOR,
    }]);
    ses.hid.setBackend(backend);
    ses.on("select-hid-device", (event, { deviceList }, callback) => {
      event.preventDefault();
      queueMicrotask(() => callback(deviceList[0]?.deviceId));
    });
    const revoked: string[] = [];
    ses.on("hid-device-revoked", (_event, { device, origin }) => {
      revoked.push(`${origin} ${device.serialNumber}`);
    });
    const [device] = await ses.hid.requestDevice({ filters: [{ vendorId: 0x046d }] }, {
      origin: "https://a.test",
    });
    assert.equal(device?.productName, "USB Receiver");
    assert.equal(ses.permissions.granted("https://a.test", "hid")[0]?.persistent, true);
    await device!.forget();
    assert.deepEqual(revoked, ["https://a.test 0123"]);
  });

  it("reads input reports through the FFI binding until the device fails (fake hidapi)", async () => {
    const ses = session.fromPartition(`devices-${crypto.randomUUID()}`);
    ses.hid.setBackend(await openHidapiBackend(runtime, { libraryPath: fakeHidapiLibrary() }));
    ses.on("select-hid-device", (_event, { deviceList }, callback) => {
      callback(deviceList.find((entry) => entry.vendorId === 0x054c)?.deviceId);
    });
    const [pad] = await ses.hid.requestDevice({ filters: [{ vendorId: 0x054c }] });
    assert.equal(pad?.productName, "Contr\u00f4leur \u{1F3AE}");
    const report = new Promise<HIDInputReportEvent>((resolve) => pad!.oninputreport = resolve);
    await pad!.open();
    // No report descriptor (no sysfs here): unnumbered, so the whole report is data.
    const { reportId, data } = await report;
    assert.deepEqual([reportId, new Uint8Array(data.buffer)], [0, new Uint8Array([1, 0x10, 0x20])]);
    // The fake's third read fails, as an unplugged hidraw node does: the device closes itself.
    while (pad!.opened) await new Promise((resolve) => setTimeout(resolve, 4));
    await assert.rejects(pad!.sendReport(0, new Uint8Array(1)), { name: "InvalidStateError" });
  });
});
