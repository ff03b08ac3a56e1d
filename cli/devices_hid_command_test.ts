import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RecordedHidBackend } from "../session/mod.ts";
import { currentRuntime, openHidapiBackend } from "../runtime/mod.ts";
import { runDevicesHid } from "./devices_hid_command.ts";
import { DUALSHOCK3, UNIFYING_VENDOR } from "../tests/fixtures/hid_descriptors.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) },
  };
}

const backend = new RecordedHidBackend([
  {
    path: "/dev/hidraw2",
    vendorId: 0x046d,
    productId: 0xc52b,
    manufacturerName: "Logitech",
    productName: "USB Receiver",
    interfaceNumber: 2,
    reportDescriptor: UNIFYING_VENDOR,
  },
  {
    path: "/dev/hidraw3",
    vendorId: 0x054c,
    productId: 0x0268,
    productName: "PLAYSTATION(R)3 Controller",
    serialNumber: "00:19:c1:aa:bb:cc",
    busType: "bluetooth",
    interfaceNumber: -1,
    reportDescriptor: DUALSHOCK3,
  },
]);

describe("ses devices hid", () => {
  it("prints one line per interface with its top-level collections", async () => {
    const { out, err, output } = capture();
    assert.equal(await runDevicesHid(() => Promise.resolve(backend), [], output), 0);
    assert.deepEqual(err, []);
    assert.deepEqual(out, [
      "/dev/hidraw2  046d:c52b  Logitech USB Receiver  usb if 2  collections ff00:0001 ff00:0002 ff00:0004",
      "/dev/hidraw3  054c:0268  PLAYSTATION(R)3 Controller  serial 00:19:c1:aa:bb:cc  bluetooth  collections 0001:0004",
    ]);
  });

  it("escapes the control characters of a device's own strings instead of printing them", async () => {
    const hostile = new RecordedHidBackend([{
      path: "/dev/hidraw4",
      vendorId: 0x1234,
      productId: 0x5678,
      manufacturerName: "Evil\x1b]0;owned\x07",
      productName: "Pad\x1b[2J",
      serialNumber: "1\r2",
      interfaceNumber: 0,
      reportDescriptor: UNIFYING_VENDOR,
    }]);
    const { out, output } = capture();
    assert.equal(await runDevicesHid(() => Promise.resolve(hostile), [], output), 0);
    assert.equal(
      out[0],
      "/dev/hidraw4  1234:5678  Evil\\x1b]0;owned\\x07 Pad\\x1b[2J  serial 1\\x0d2  usb if 0  collections ff00:0001 ff00:0002 ff00:0004",
    );
  });

  it("prints JSON with --json", async () => {
    const { out, output } = capture();
    assert.equal(await runDevicesHid(() => Promise.resolve(backend), ["--json"], output), 0);
    const listed = JSON.parse(out.join("\n"));
    assert.equal(listed.backend, "recorded");
    assert.equal(listed.devices.length, 2);
    assert.deepEqual(listed.devices[1].collections, [{ usagePage: 1, usage: 4 }]);
    assert.equal(listed.devices[1].reportDescriptorLength, DUALSHOCK3.length);
    assert.equal("reportDescriptor" in listed.devices[1], false);
  });

  it("lists what the real hidapi library sees", async () => {
    const { out, output } = capture();
    const code = await runDevicesHid(() => openHidapiBackend(currentRuntime()), ["--json"], output);
    assert.equal(code, 0);
    assert.match(JSON.parse(out.join("\n")).backend, /^hidapi \d+\.\d+/);
  });

  it("exits 1 naming the Debian package when hidapi is missing, 2 for bad arguments", async () => {
    const missing = capture();
    const load = () => openHidapiBackend(currentRuntime(), { libraryPath: "libhidapi-nope.so" });
    assert.equal(await runDevicesHid(load, [], missing.output), 1);
    assert.match(missing.err[0] ?? "", /install the Debian package libhidapi-hidraw0/);
    const bad = capture();
    assert.equal(await runDevicesHid(load, ["extra"], bad.output), 2);
    assert.match(bad.err[0] ?? "", /unexpected argument "extra"/);
  });
});
