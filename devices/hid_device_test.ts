import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hid, HidEvents } from "./hid.ts";
import type { HIDInputReportEvent } from "./hid_device.ts";
import { Permissions } from "./permissions.ts";
import { RecordedHidBackend, type RecordedHidInterface } from "./recorded_hid_backend.ts";
import { DUALSHOCK3, UNIFYING_VENDOR } from "../tests/fixtures/hid_descriptors.ts";

// Usage Page (Generic Desktop), Usage (Game Pad), Collection (Application), Report Size (8),
// Report Count (2), Input (Data,Var,Abs), Output (Data,Var,Abs), Feature (Data,Var,Abs), End.
const UNNUMBERED = new Uint8Array([
  0x05,
  0x01,
  0x09,
  0x05,
  0xa1,
  0x01,
  0x75,
  0x08,
  0x95,
  0x02,
  0x81,
  0x02,
  0x91,
  0x02,
  0xb1,
  0x02,
  0xc0,
]);

async function openDevice(entry: Partial<RecordedHidInterface> = {}) {
  const backend = new RecordedHidBackend([{
    path: "/dev/hidraw7",
    vendorId: 0x054c,
    productId: 0x0268,
    productName: "PLAYSTATION(R)3 Controller",
    reportDescriptor: DUALSHOCK3,
    ...entry,
  }]);
  const events = new HidEvents();
  const hid = new Hid({
    backend: () => Promise.resolve(backend),
    permissions: new Permissions(),
    events,
  });
  events.on(
    "select-hid-device",
    (_event, { deviceList }, callback) => callback(deviceList[0]?.deviceId),
  );
  const [device] = await hid.requestDevice({ filters: [] });
  assert.ok(device);
  return { backend, hid, device };
}

function nextReport(device: EventTarget): Promise<HIDInputReportEvent> {
  return new Promise((resolve) =>
    device.addEventListener("inputreport", (event) => resolve(event as HIDInputReportEvent), {
      once: true,
    })
  );
}

describe("HIDDevice", () => {
  it("exposes ids, name and the parsed collections", async () => {
    const { device } = await openDevice();
    assert.deepEqual([device.vendorId, device.productId, device.opened], [0x054c, 0x0268, false]);
    assert.equal(device.productName, "PLAYSTATION(R)3 Controller");
    assert.deepEqual([device.collections[0]?.usagePage, device.collections[0]?.usage], [1, 4]);
    assert.equal(device.collections[0]?.children.length, 4);
  });

  it("shows the page no protected report, and no collection left without reports", async () => {
    // A keyboard (report 1) and consumer control keys (report 2) on one interface.
    const keyboardAndMedia = new Uint8Array([
      ...[0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, 0x01, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02],
      ...[0x91, 0x02, 0xc0],
      ...[0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x02, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02],
      0xc0,
    ]);
    const { device } = await openDevice({ reportDescriptor: keyboardAndMedia });
    // Chromium's HidService::RemoveProtectedReports: the keyboard's reports are the OS's.
    assert.deepEqual(
      device.collections.map((collection) => [
        collection.usagePage,
        collection.usage,
        collection.inputReports.map((report) => report.reportId),
      ]),
      [[0x0c, 0x01, [2]]],
    );
  });

  it("follows Chromium's open/close states and messages", async () => {
    const { device } = await openDevice();
    await assert.rejects(device.sendReport(1, new Uint8Array(1)), {
      name: "InvalidStateError",
      message: "The device must be opened first.",
    });
    const opening = device.open();
    await assert.rejects(device.open(), {
      name: "InvalidStateError",
      message: "An operation that changes the device state is in progress.",
    });
    await opening;
    assert.equal(device.opened, true);
    await assert.rejects(device.open(), {
      name: "InvalidStateError",
      message: "The device is already open.",
    });
    await device.close();
    await device.close();
    assert.equal(device.opened, false);
  });

  it("rejects NotAllowedError when the device cannot be opened", async () => {
    const { device } = await openDevice({ denyOpen: true });
    await assert.rejects(device.open(), {
      name: "NotAllowedError",
      message: "Failed to open the device.",
    });
    assert.equal(device.opened, false);
  });

  it("delivers numbered input reports without the report id byte", async () => {
    const { backend, device } = await openDevice();
    await device.open();
    const got = nextReport(device);
    backend.sendInputReport("/dev/hidraw7", new Uint8Array([1, 0, 0x10, 0x20]));
    const event = await got;
    assert.equal(event.device, device);
    assert.equal(event.reportId, 1);
    assert.deepEqual(new Uint8Array(event.data.buffer), new Uint8Array([0, 0x10, 0x20]));
    await device.close();
  });

  it("delivers unnumbered input reports whole, with report id 0, through oninputreport", async () => {
    const { backend, device } = await openDevice({ reportDescriptor: UNNUMBERED });
    await device.open();
    const got = new Promise<HIDInputReportEvent>((resolve) => device.oninputreport = resolve);
    backend.sendInputReport("/dev/hidraw7", new Uint8Array([7, 9]));
    const event = await got;
    assert.deepEqual([event.reportId, event.data.getUint8(0), event.data.getUint8(1)], [0, 7, 9]);
    device.oninputreport = null;
    await device.close();
  });

  it("keeps timers running while it polls for reports", async () => {
    const { backend, device } = await openDevice();
    await device.open();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const got = nextReport(device);
    setTimeout(() => backend.sendInputReport("/dev/hidraw7", new Uint8Array([1, 2])), 30);
    await got;
    clearInterval(timer);
    assert.ok(ticks > 0, "a 1 ms interval ran while the device was polled");
    await device.close();
  });

  it("writes output and feature reports with the report id first", async () => {
    const { backend, device } = await openDevice();
    await device.open();
    await device.sendReport(1, new Uint8Array([0xaa, 0xbb]));
    await device.sendFeatureReport(0xf4, new Uint8Array([0x42, 0x0c]).buffer);
    const traffic = backend.traffic("/dev/hidraw7");
    assert.deepEqual(traffic.output, [new Uint8Array([1, 0xaa, 0xbb])]);
    assert.deepEqual(traffic.feature, [new Uint8Array([0xf4, 0x42, 0x0c])]);
    await assert.rejects(device.sendReport(256, new Uint8Array()), {
      name: "TypeError",
      message:
        "Failed to execute 'sendReport' on 'HIDDevice': Value is outside the 'octet' value range.",
    });
    await assert.rejects(device.sendReport(1, "x" as unknown as BufferSource), TypeError);
    await device.close();
  });

  it("reads feature reports, keeping the report id byte only for numbered reports", async () => {
    const { backend, device } = await openDevice();
    await device.open();
    backend.setFeatureReport("/dev/hidraw7", 0xf2, new Uint8Array([0xf2, 1, 2, 3]));
    const view = await device.receiveFeatureReport(0xf2);
    assert.deepEqual(
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
      new Uint8Array([0xf2, 1, 2, 3]),
    );
    await assert.rejects(device.receiveFeatureReport(9), {
      name: "NotAllowedError",
      message: "Failed to receive the feature report.",
    });
    await device.close();

    const plain = await openDevice({ reportDescriptor: UNNUMBERED });
    await plain.device.open();
    plain.backend.setFeatureReport("/dev/hidraw7", 0, new Uint8Array([0, 5, 6]));
    const bytes = await plain.device.receiveFeatureReport(0);
    assert.deepEqual([bytes.byteLength, bytes.getUint8(0), bytes.getUint8(1)], [2, 5, 6]);
    await plain.device.close();
  });

  it("refuses what Chromium's HidConnection refuses before the device sees it", async () => {
    const writeFailed = { name: "NotAllowedError", message: "Failed to write the report." };
    const featureFailed = {
      name: "NotAllowedError",
      message: "Failed to write the feature report.",
    };
    const receiveFailed = {
      name: "NotAllowedError",
      message: "Failed to receive the feature report.",
    };
    // The DualShock 3 numbers its reports; its largest output report holds 48 bytes.
    const numbered = await openDevice();
    await numbered.device.open();
    await assert.rejects(numbered.device.sendReport(0, new Uint8Array([1])), writeFailed);
    await assert.rejects(numbered.device.sendReport(1, new Uint8Array(49)), writeFailed);
    await numbered.device.sendReport(1, new Uint8Array(48));
    await assert.rejects(numbered.device.sendFeatureReport(0, new Uint8Array([1])), featureFailed);
    await assert.rejects(numbered.device.receiveFeatureReport(0), receiveFailed);
    assert.deepEqual(numbered.backend.traffic("/dev/hidraw7"), {
      output: [new Uint8Array([1, ...new Uint8Array(48)])],
      feature: [],
    });
    await numbered.device.close();
    // Unnumbered reports of 2 bytes: a report id is refused, and so is a third byte.
    const plain = await openDevice({ reportDescriptor: UNNUMBERED });
    await plain.device.open();
    await assert.rejects(plain.device.sendReport(1, new Uint8Array([1])), writeFailed);
    await assert.rejects(plain.device.sendReport(0, new Uint8Array(3)), writeFailed);
    await assert.rejects(plain.device.sendFeatureReport(2, new Uint8Array([1])), featureFailed);
    await plain.device.sendReport(0, new Uint8Array([7, 8]));
    assert.deepEqual(plain.backend.traffic("/dev/hidraw7").output, [new Uint8Array([0, 7, 8])]);
    await plain.device.close();
    // The Unifying receiver's vendor interface has no feature reports at all.
    const vendor = await openDevice({ reportDescriptor: UNIFYING_VENDOR });
    await vendor.device.open();
    await assert.rejects(vendor.device.sendFeatureReport(0x10, new Uint8Array(6)), featureFailed);
    vendor.backend.setFeatureReport("/dev/hidraw7", 0x10, new Uint8Array([0x10, 1]));
    await assert.rejects(vendor.device.receiveFeatureReport(0x10), receiveFailed);
    assert.deepEqual(vendor.backend.traffic("/dev/hidraw7").feature, []);
    await vendor.device.close();
  });

  it("refuses protected reports: a keyboard's output report is the OS's", async () => {
    // Usage Page (Generic Desktop), Usage (Keyboard), Collection (Application), LED output,
    // Feature report; End Collection.
    const keyboardish = new Uint8Array([
      0x05,
      0x01,
      0x09,
      0x06,
      0xa1,
      0x01,
      0x75,
      0x08,
      0x95,
      0x01,
      0x91,
      0x02,
      0xb1,
      0x02,
      0xc0,
    ]);
    const backend = new RecordedHidBackend([{
      path: "k",
      vendorId: 1,
      productId: 2,
      reportDescriptor: keyboardish,
    }]);
    const permissions = new Permissions();
    permissions.setDevicePermissionHandler(() => true);
    const hid = new Hid({ backend: () => Promise.resolve(backend), permissions });
    const [device] = await hid.getDevices();
    await device!.open();
    await assert.rejects(device!.sendReport(0, new Uint8Array([1])), {
      name: "NotAllowedError",
      message: "Failed to write the report.",
    });
    await device!.sendFeatureReport(0, new Uint8Array([1])); // feature reports are allowed
    assert.deepEqual(backend.traffic("k"), { output: [], feature: [new Uint8Array([0, 1])] });
    await device!.close();
  });

  it("closes and fires disconnect when the device is unplugged while open", async () => {
    const { backend, device, hid } = await openDevice({ reportDescriptor: UNIFYING_VENDOR });
    await device.open();
    const disconnected = new Promise((resolve) => hid.addEventListener("disconnect", resolve));
    backend.unplug("/dev/hidraw7");
    await disconnected;
    assert.equal(device.opened, false);
    await assert.rejects(device.sendReport(0x10, new Uint8Array(6)), {
      name: "InvalidStateError",
    });
  });
});
