import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Hid, type HIDConnectionEvent, type HidDeviceDetails, HidEvents } from "./hid.ts";
import { Permissions } from "./permissions.ts";
import { RecordedHidBackend, type RecordedHidInterface } from "./recorded_hid_backend.ts";
import {
  BOOT_KEYBOARD,
  DUALSHOCK3,
  FIDO_U2F,
  UNIFYING_VENDOR,
} from "../tests/fixtures/hid_descriptors.ts";

const ORIGIN = "https://app.test";
const RECEIVER = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2";

// A Logitech Unifying receiver: a boot keyboard interface and the vendor interface.
const receiverKeyboard: RecordedHidInterface = {
  path: "/dev/hidraw0",
  vendorId: 0x046d,
  productId: 0xc52b,
  productName: "USB Receiver",
  manufacturerName: "Logitech",
  interfaceNumber: 0,
  physicalDeviceId: RECEIVER,
  reportDescriptor: BOOT_KEYBOARD,
};
const receiverVendor: RecordedHidInterface = {
  ...receiverKeyboard,
  path: "/dev/hidraw2",
  interfaceNumber: 2,
  reportDescriptor: UNIFYING_VENDOR,
};
// A DualShock 3 reports no serial number: only ephemeral grants.
const gamepad: RecordedHidInterface = {
  path: "/dev/hidraw3",
  vendorId: 0x054c,
  productId: 0x0268,
  productName: "PLAYSTATION(R)3 Controller",
  manufacturerName: "Sony",
  physicalDeviceId: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3",
  reportDescriptor: DUALSHOCK3,
};
const securityKey: RecordedHidInterface = {
  path: "/dev/hidraw4",
  vendorId: 0x1050,
  productId: 0x0407,
  productName: "YubiKey OTP+FIDO+CCID",
  serialNumber: "12345678",
  physicalDeviceId: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4",
  reportDescriptor: FIDO_U2F,
};
// A vendor-defined board with a serial number and no name, and no physical id.
const nameless: RecordedHidInterface = {
  path: "/dev/hidraw5",
  vendorId: 0x1209,
  productId: 0x000a,
  serialNumber: "SN-1",
  reportDescriptor: UNIFYING_VENDOR,
};

function setup(interfaces: RecordedHidInterface[] = [
  receiverKeyboard,
  receiverVendor,
  gamepad,
  securityKey,
  nameless,
]) {
  const backend = new RecordedHidBackend(interfaces);
  const permissions = new Permissions();
  const events = new HidEvents();
  const hid = new Hid({ backend: () => Promise.resolve(backend), permissions, events });
  return { backend, permissions, events, hid };
}

type Chooser = (
  deviceList: HidDeviceDetails[],
  callback: (deviceId?: string | null) => void,
) => string | null | undefined | void;

function choose(events: HidEvents, pick: Chooser): HidDeviceDetails[][] {
  const lists: HidDeviceDetails[][] = [];
  events.on("select-hid-device", (_event, details, callback) => {
    assert.equal(details.frame, null);
    lists.push(details.deviceList);
    const id = pick(details.deviceList, callback);
    if (id !== undefined) callback(id);
  });
  return lists;
}

describe("Hid.requestDevice", () => {
  it("offers one entry per physical device, hiding keyboards and FIDO keys", async () => {
    const { events, hid } = setup();
    const lists = choose(events, () => "");
    assert.deepEqual(await hid.requestDevice({ filters: [] }, { origin: ORIGIN }), []);
    const [list] = lists;
    assert.deepEqual(list?.map((entry) => [entry.deviceId, entry.name]), [
      [RECEIVER, "USB Receiver"],
      [gamepad.physicalDeviceId, "PLAYSTATION(R)3 Controller"],
      [list?.[2]?.guid, "Unknown Device (1209:000A)"],
    ]);
    const [receiver, pad, board] = list!;
    assert.equal(receiver?.guid !== undefined, true); // no serial number: guid
    assert.equal(receiver?.serialNumber, undefined);
    assert.equal(pad?.vendorId, 0x054c);
    assert.equal(typeof pad?.productId, "number");
    // Serial number without a name: still no persistent identity.
    assert.equal(board?.serialNumber, undefined);
    // Electron's details are base::Value dictionaries: their keys reach JavaScript sorted.
    assert.deepEqual(Object.keys(receiver!), [
      "collections",
      "deviceId",
      "guid",
      "name",
      "productId",
      "vendorId",
    ]);
    assert.deepEqual(Object.keys(receiver!.collections[0]!), [
      "children",
      "collectionType",
      "featureReports",
      "inputReports",
      "outputReports",
      "usage",
      "usagePage",
    ]);
    assert.deepEqual(Object.keys(receiver!.collections[0]!.inputReports[0]!), [
      "items",
      "reportId",
    ]);
    const itemKeys = Object.keys(receiver!.collections[0]!.inputReports[0]!.items[0]!);
    assert.deepEqual(itemKeys, [...itemKeys].sort());
    assert.equal(itemKeys[0], "hasNull");
    assert.equal(receiver!.collections[0]!.usagePage, 0xff00);
    assert.equal("strings" in receiver!.collections[0]!.inputReports[0]!.items[0]!, false);
  });

  it("grants and returns every offered interface of the chosen physical device", async () => {
    const { events, hid, backend } = setup();
    backend.plug({ ...receiverVendor, path: "/dev/hidraw1", reportDescriptor: UNIFYING_VENDOR });
    choose(events, (list) => list[0]?.deviceId);
    const devices = await hid.requestDevice({ filters: [{ vendorId: 0x046d }] }, {
      origin: ORIGIN,
    });
    // The keyboard interface stays hidden: all its reports are protected.
    assert.equal(devices.length, 2);
    assert.deepEqual(devices.map((device) => device.productName), ["USB Receiver", "USB Receiver"]);
    const again = await hid.getDevices({ origin: ORIGIN });
    assert.deepEqual(again, devices);
    assert.deepEqual(await hid.getDevices({ origin: "https://other.test" }), []);
    assert.deepEqual(await hid.getDevices(), []);
  });

  it("applies filters, then exclusion filters", async () => {
    const { events, hid } = setup();
    const lists = choose(events, () => null);
    await hid.requestDevice({ filters: [{ usagePage: 0xff00 }] });
    await hid.requestDevice({
      filters: [{ usagePage: 0xff00 }],
      exclusionFilters: [{ vendorId: 0x1209, productId: 0x000a }],
    });
    await hid.requestDevice({ filters: [{ vendorId: 0x054c, usagePage: 1, usage: 4 }] });
    assert.deepEqual(lists.map((list) => list.map((entry) => entry.vendorId)), [
      [0x046d, 0x1209],
      [0x046d],
      [0x054c],
    ]);
  });

  it("asks the check handler with (null, 'hid', origin, {securityOrigin, isMainFrame: false})", async () => {
    const { events, hid, permissions } = setup();
    const checks: unknown[][] = [];
    permissions.setPermissionCheckHandler((...args) => {
      checks.push(args);
      return false;
    });
    let selected = 0;
    events.on("select-hid-device", () => selected++);
    assert.deepEqual(await hid.requestDevice({ filters: [] }, { origin: ORIGIN }), []);
    assert.equal(selected, 0);
    // ElectronHidDelegate::CanRequestDevicePermission hands over url::Origin::GetURL().
    assert.deepEqual(checks, [[null, "hid", `${ORIGIN}/`, {
      securityOrigin: `${ORIGIN}/`,
      isMainFrame: false,
    }]]);
    assert.deepEqual(Object.keys(checks[0]![3] as object), ["isMainFrame", "securityOrigin"]);
  });

  it("cancels without a listener, or when the listener neither prevents nor answers at once", async () => {
    const { events, hid } = setup();
    assert.deepEqual(await hid.requestDevice({ filters: [] }), []);
    let late: (() => void) | undefined;
    events.on("select-hid-device", (_event, { deviceList }, callback) => {
      late = () => callback(deviceList[0]?.deviceId);
    });
    assert.deepEqual(await hid.requestDevice({ filters: [] }), []);
    late?.(); // after the cancel: ignored
    assert.deepEqual(await hid.getDevices(), []);
  });

  it("waits for a later answer after preventDefault()", async () => {
    const { events, hid } = setup();
    events.on("select-hid-device", (event, { deviceList }, callback) => {
      event.preventDefault();
      setTimeout(() => callback(deviceList[1]?.deviceId), 5);
    });
    const devices = await hid.requestDevice({ filters: [] });
    assert.deepEqual(devices.map((device) => device.productId), [0x0268]);
  });

  it("warns UnknownHIDDeviceId for an id it did not offer, and grants nothing", async () => {
    const { events, hid } = setup();
    choose(events, () => "no-such-device");
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      assert.deepEqual(await hid.requestDevice({ filters: [] }), []);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(warnings.map((w) => [w.name, w.message]), [
      ["UnknownHIDDeviceId", "The device id no-such-device was not found."],
    ]);
  });

  it("rejects with the error a select-hid-device listener throws, and closes the chooser", async () => {
    const { events, hid, backend } = setup([gamepad]);
    events.on("select-hid-device", () => {
      throw new Error("listener bug");
    });
    let added = 0;
    events.on("hid-device-added", () => added++);
    await assert.rejects(hid.requestDevice({ filters: [] }), /listener bug/);
    backend.plug(receiverVendor);
    await hid.getDevices();
    assert.equal(added, 0);
  });

  it("rejects an origin that is not a non-empty string, and takes null as the default", async () => {
    const { hid, permissions } = setup();
    const origins: string[] = [];
    permissions.setPermissionCheckHandler((_webContents, _permission, origin) => {
      origins.push(origin);
      return false;
    });
    const bad = { origin: 5 } as unknown as { origin: string };
    await assert.rejects(hid.requestDevice({ filters: [] }, bad), {
      name: "TypeError",
      message: "Invalid origin: 5",
    });
    await assert.rejects(hid.getDevices({ origin: "" }), { message: 'Invalid origin: ""' });
    // A bare string is a mistake, not the default origin: granting file:// would be wrong.
    const bare = "https://a.test" as unknown as { origin: string };
    await assert.rejects(hid.requestDevice({ filters: [] }, bare), {
      name: "TypeError",
      message: 'Invalid origin options: "https://a.test" (an object like {origin} was expected)',
    });
    await assert.rejects(hid.getDevices(bare), { name: "TypeError" });
    const none = null as unknown as { origin: string };
    assert.deepEqual(await hid.requestDevice({ filters: [] }, none), []);
    assert.deepEqual(await hid.getDevices(none), []);
    assert.deepEqual(origins, ["file:///"]);
  });

  it("rejects bad filters with Chromium's TypeError", async () => {
    const { hid } = setup();
    await assert.rejects(hid.requestDevice({ filters: [{ productId: 1 }] }), {
      name: "TypeError",
      message:
        "Failed to execute 'requestDevice' on 'HID': A filter containing a productId must also contain a vendorId.",
    });
  });

  it("emits hid-device-added and -removed for filtered devices while the chooser is open", async () => {
    const { events, hid, backend } = setup([gamepad]);
    const seen: string[] = [];
    events.on("hid-device-added", (_e, { device, frame }) => {
      assert.equal(frame, null);
      seen.push(`added ${device.name}`);
    });
    events.on("hid-device-removed", (_e, { device }) => void seen.push(`removed ${device.name}`));
    let answer: ((id?: string) => void) | undefined;
    events.on("select-hid-device", (event, _details, callback) => {
      event.preventDefault();
      answer = callback;
    });
    const request = hid.requestDevice({ filters: [{ usagePage: 0xff00 }] });
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 1));
    backend.plug(receiverVendor);
    backend.plug(securityKey); // filtered out (and a FIDO key)
    await hid.getDevices(); // lets the refresh the plugging started finish
    backend.unplug(receiverVendor.path);
    await hid.getDevices();
    assert.deepEqual(seen, ["added USB Receiver", "removed USB Receiver"]);
    answer();
    assert.deepEqual(await request, []);
    backend.plug({ ...receiverVendor });
    await hid.getDevices();
    assert.equal(seen.length, 2); // the chooser is closed
  });

  it("reports a throwing hid-device-added/-removed listener on console.error and finishes the refresh", async () => {
    const { events, hid, backend } = setup([gamepad]);
    const seen: string[] = [];
    events.on("hid-device-added", (_e, { device }) => {
      seen.push(`added ${device.name}`);
      throw new Error("added listener bug");
    });
    events.on("hid-device-removed", (_e, { device }) => {
      seen.push(`removed ${device.name}`);
      throw new Error("removed listener bug");
    });
    const connected: string[] = [];
    const disconnected: string[] = [];
    hid.addEventListener(
      "connect",
      (e) => connected.push((e as HIDConnectionEvent).device.productName),
    );
    hid.addEventListener("disconnect", (e) => {
      disconnected.push((e as HIDConnectionEvent).device.productName);
    });
    // The first request grants the gamepad, so that its unplugging has a disconnect; the
    // second one stays open while devices come and go.
    let granted = false;
    let answer: ((id?: string) => void) | undefined;
    events.on("select-hid-device", (event, { deviceList }, callback) => {
      event.preventDefault();
      if (granted) answer = callback;
      else callback(deviceList[0]!.deviceId);
      granted = true;
    });
    const reported: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      const [pad] = await hid.requestDevice({ filters: [] }, { origin: ORIGIN });
      assert.ok(pad);
      const request = hid.requestDevice({ filters: [] }, { origin: ORIGIN });
      while (!answer) await new Promise((resolve) => setTimeout(resolve, 1));
      backend.plug(receiverVendor);
      backend.plug(nameless);
      // The refresh that reports the additions ends normally: neither listener error reaches it.
      await hid.getDevices({ origin: ORIGIN });
      assert.equal(seen.filter((line) => line.startsWith("added")).length, 2);
      backend.unplug(gamepad.path);
      const after = await hid.getDevices({ origin: ORIGIN });
      assert.deepEqual(after.map((device) => device.productName), []);
      assert.deepEqual(disconnected, [gamepad.productName]);
      assert.equal(seen.filter((line) => line.startsWith("removed")).length, 1);
      assert.deepEqual(
        reported.map((args) => [args[0], (args[1] as Error).message]).sort(),
        [
          ["Session 'hid-device-added' listener failed:", "added listener bug"],
          ["Session 'hid-device-added' listener failed:", "added listener bug"],
          ["Session 'hid-device-removed' listener failed:", "removed listener bug"],
        ],
      );
      answer!();
      assert.deepEqual(await request, []);
    } finally {
      console.error = consoleError;
    }
    assert.deepEqual(connected, []);
  });

  it("gives added, removed and revoked devices the chooser's deviceId, one removal per interface", async () => {
    const { events, hid, backend } = setup([gamepad]);
    const seen: [string, string | undefined, string][] = [];
    events.on(
      "hid-device-added",
      (_e, { device }) => seen.push(["added", device.deviceId, device.name]),
    );
    events.on("hid-device-removed", (_e, { device }) => {
      seen.push(["removed", device.deviceId, device.name]);
    });
    events.on("hid-device-revoked", (_e, { device }) => {
      seen.push(["revoked", device.deviceId, device.name]);
    });
    let answer: ((id?: string) => void) | undefined;
    events.on("select-hid-device", (event, _details, callback) => {
      event.preventDefault();
      answer = callback;
    });
    const request = hid.requestDevice({ filters: [{ usagePage: 0xff00 }] }, { origin: ORIGIN });
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 1));
    // Two vendor interfaces of one receiver: one added event (a new chooser item), and one
    // removed event per interface, as Electron's HidChooserController::OnDeviceRemoved emits.
    backend.plug(receiverVendor);
    backend.plug({ ...receiverVendor, path: "/dev/hidraw1" });
    await hid.getDevices();
    backend.unplug("/dev/hidraw1");
    await hid.getDevices();
    assert.deepEqual(seen, [
      ["added", RECEIVER, "USB Receiver"],
      ["removed", RECEIVER, "USB Receiver"],
    ]);
    answer(RECEIVER);
    const [device] = await request;
    await device!.forget();
    backend.unplug(receiverVendor.path);
    await hid.getDevices();
    // Only the revocation: the chooser is closed.
    assert.deepEqual(seen.slice(2), [["revoked", RECEIVER, "USB Receiver"]]);
  });
});

describe("Hid grants", () => {
  it("keeps a persistent grant across unplugging; an ephemeral one ends with the device", async () => {
    const named = { ...nameless, productName: "Board" };
    const { events, hid, backend, permissions } = setup([named, gamepad]);
    choose(events, (list) => list[0]?.deviceId);
    const [board] = await hid.requestDevice({ filters: [{ vendorId: 0x1209 }] });
    const [pad] = await hid.requestDevice({ filters: [{ vendorId: 0x054c }] });
    assert.ok(board && pad);
    assert.deepEqual(
      permissions.granted("file://", "hid").map((g) => [g.persistent, "serialNumber" in g.device]),
      [[true, true], [false, false]],
    );
    backend.unplug(named.path);
    backend.unplug(gamepad.path);
    assert.deepEqual(await hid.getDevices(), []);
    backend.plug(named);
    backend.plug(gamepad);
    const back = await hid.getDevices();
    assert.deepEqual(back.map((device) => device.productName), ["Board"]);
    assert.notEqual(back[0], board); // a new connection, a new HIDDevice
  });

  it("lets the device permission handler replace stored grants", async () => {
    const { events, hid, permissions } = setup([{ ...nameless, productName: "Board" }, gamepad]);
    const asked: unknown[] = [];
    permissions.setDevicePermissionHandler((details) => {
      asked.push(details);
      return (details.device as HidDeviceDetails).vendorId === 0x054c;
    });
    const devices = await hid.getDevices({ origin: ORIGIN });
    assert.deepEqual(devices.map((device) => device.vendorId), [0x054c]);
    assert.ok(asked.length >= 2);
    for (const details of asked) {
      assert.deepEqual(Object.keys(details as object), ["deviceType", "origin", "device"]);
    }
    const device =
      (asked as { device: object }[]).find((details) =>
        (details.device as HidDeviceDetails).vendorId === 0x1209
      )!.device;
    assert.deepEqual(Object.keys(device), [
      "collections",
      "name",
      "productId",
      "serialNumber",
      "vendorId",
    ]);
    // The chooser's pick of a persistent device is not stored while the handler decides.
    choose(events, (list) => list[0]?.deviceId);
    const picked = await hid.requestDevice({ filters: [{ vendorId: 0x1209 }] }, { origin: ORIGIN });
    assert.equal(picked.length, 1);
    assert.deepEqual(permissions.granted(ORIGIN, "hid"), []);
    assert.deepEqual((await hid.getDevices({ origin: ORIGIN })).map((d) => d.vendorId), [0x054c]);
    // Chromium's HidService::Connect asks for the permission again: the handler vetoes open().
    await assert.rejects(picked[0]!.open(), (error: unknown) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "NotAllowedError");
      assert.equal(error.message, "Failed to open the device.");
      return true;
    });
    assert.equal(picked[0]!.opened, false);
    permissions.setDevicePermissionHandler(() => true);
    await picked[0]!.open();
    assert.equal(picked[0]!.opened, true);
    await picked[0]!.close();
  });

  it("never lists an interface whose reports are all protected, whatever the handler says", async () => {
    const { hid, backend, permissions } = setup([receiverKeyboard, receiverVendor, securityKey]);
    permissions.setDevicePermissionHandler(() => true);
    const log: string[] = [];
    hid.addEventListener("connect", (event) => {
      log.push((event as HIDConnectionEvent).device.productName);
    });
    // Chromium's HidService::FinishGetDevices drops a device left with no collection once
    // RemoveProtectedReports has taken its protected reports: keyboards, mice, FIDO keys.
    const listed = await hid.getDevices({ origin: ORIGIN });
    assert.deepEqual(listed.map((device) => device.interface.info.path), [receiverVendor.path]);
    // OnDeviceAdded applies the same rule before it tells the page.
    backend.plug({ ...receiverKeyboard, path: "/dev/hidraw8", physicalDeviceId: "kbd2" });
    backend.plug(gamepad);
    await hid.getDevices({ origin: ORIGIN });
    assert.deepEqual(log, [gamepad.productName]);
  });

  it("takes a device permission handler that throws as a refusal of that device alone", async () => {
    const { hid, backend, permissions } = setup([]);
    // A handler written for devices with a serial number throws for one without (guid only).
    permissions.setDevicePermissionHandler(({ device }) =>
      (device as HidDeviceDetails).serialNumber!.startsWith("SN")
    );
    const log: string[] = [];
    hid.addEventListener("connect", (event) => {
      log.push((event as HIDConnectionEvent).device.productName);
    });
    const reported: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      assert.deepEqual(await hid.getDevices({ origin: ORIGIN }), []);
      backend.plug(gamepad);
      backend.plug({ ...nameless, productName: "Board" });
      // Electron's V8FunctionInvoker answers false for a call that threw; the other device
      // is still decided, listed and announced.
      const devices = await hid.getDevices({ origin: ORIGIN });
      assert.deepEqual(devices.map((device) => device.productName), ["Board"]);
      assert.deepEqual(log, ["Board"]);
      assert.ok(reported.length > 0);
      assert.ok(
        reported.every((args) => (args as unknown[]).some((arg) => arg instanceof TypeError)),
      );
    } finally {
      console.error = consoleError;
    }
  });

  it("forget() revokes the whole physical device and emits hid-device-revoked", async () => {
    const { events, hid, backend } = setup([receiverVendor]);
    backend.plug({ ...receiverVendor, path: "/dev/hidraw1" });
    choose(events, (list) => list[0]?.deviceId);
    const devices = await hid.requestDevice({ filters: [] }, { origin: ORIGIN });
    assert.equal(devices.length, 2);
    const revoked: unknown[] = [];
    events.on("hid-device-revoked", (_event, details) => revoked.push(details));
    await devices[0]!.open();
    await devices[0]!.forget();
    assert.equal(devices[0]!.opened, false);
    assert.deepEqual(await hid.getDevices({ origin: ORIGIN }), []);
    assert.equal(revoked.length, 1);
    assert.deepEqual(Object.keys(revoked[0] as object), ["device", "origin"]);
    assert.equal((revoked[0] as { origin: string }).origin, ORIGIN);
    await assert.rejects(devices[1]!.open(), {
      name: "InvalidStateError",
      message: "The device is forgotten.",
    });
  });

  it("fires connect and disconnect for devices an origin may use", async () => {
    const { events, hid, backend } = setup([gamepad]);
    choose(events, (list) => list[0]?.deviceId);
    const [pad] = await hid.requestDevice({ filters: [] }, { origin: ORIGIN });
    const named = { ...nameless, productName: "Board" };
    const log: string[] = [];
    for (const type of ["connect", "disconnect"]) {
      hid.addEventListener(type, (event) => {
        const { device, origin } = event as HIDConnectionEvent;
        log.push(`${type} ${origin} ${device.productName}`);
      });
    }
    backend.unplug(gamepad.path);
    await hid.getDevices({ origin: ORIGIN });
    assert.deepEqual(log, [`disconnect ${ORIGIN} ${pad?.productName}`]);
    backend.plug(named); // no permission: no event
    await hid.getDevices({ origin: ORIGIN });
    assert.equal(log.length, 1);
  });

  it("fires no connect for the devices already present at the first enumeration", async () => {
    const { hid, backend, permissions } = setup([gamepad]);
    permissions.setDevicePermissionHandler(() => true);
    const log: string[] = [];
    hid.addEventListener("connect", (event) => {
      log.push((event as HIDConnectionEvent).device.productName);
    });
    assert.equal((await hid.getDevices({ origin: ORIGIN })).length, 1);
    assert.deepEqual(log, []);
    backend.plug({ ...nameless, productName: "Board" });
    await hid.getDevices({ origin: ORIGIN });
    assert.deepEqual(log, ["Board"]);
  });

  it("reports a backend that cannot load, and retries it at the next call", async () => {
    let attempts = 0;
    const hid = new Hid({
      backend: () => {
        attempts++;
        return Promise.reject(new Error("Cannot load hidapi"));
      },
      permissions: new Permissions(),
    });
    await assert.rejects(hid.getDevices(), /Cannot load hidapi/);
    await assert.rejects(hid.getDevices(), /Cannot load hidapi/);
    assert.equal(attempts, 2);
  });
});
