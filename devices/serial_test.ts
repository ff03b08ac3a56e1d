import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { platform, tmpdir } from "node:os";
import { join } from "node:path";
import { createLibcSerialIo, currentRuntime, openPtyPair } from "../runtime/mod.ts";
import { ElectronEvent } from "../core/electron_event.ts";
import { isTtyDevice } from "./serial_enumerator.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import {
  Serial,
  type SerialConnectionEvent,
  type SerialDevicePermissionDetails,
  type SerialEvents,
  type SerialPortFilter,
  type SerialPortListEntry,
  type SerialPortRequestOptions,
} from "./serial.ts";
import type { SerialPortRecord } from "./serial_port.ts";

const runtime = currentRuntime();

const USB: SerialPortRecord = {
  path: "/dev/ttyUSB7",
  vendorId: 0x2341,
  productId: 0x43,
  serialNumber: "A1",
  displayName: "Arduino Uno",
};
const NO_SERIAL: SerialPortRecord = { path: "/dev/ttyACM3", vendorId: 0x2341, productId: 0x43 };

function setup(
  records: SerialPortRecord[] = [USB, NO_SERIAL],
  handlers: {
    check?: (origin: string) => boolean;
    device?: ((details: SerialDevicePermissionDetails) => boolean) | null;
  } = {},
) {
  const emitter = new TypedEmitter<SerialEvents>();
  const checks: unknown[] = [];
  const serial = new Serial({
    io: createLibcSerialIo(runtime),
    checkPermission: (permission, origin, details) => {
      checks.push([permission, origin, details]);
      return handlers.check?.(origin) ?? true;
    },
    devicePermissionHandler: () => handlers.device ?? null,
    dispatch: (name, ...args) => {
      const event = new ElectronEvent();
      // The event map ties the arguments to the name.
      (emitter.emit as (name: string, ...args: unknown[]) => boolean)(name, event, ...args);
      return event;
    },
    listenerCount: (name) => emitter.listenerCount(name),
    enumerate: () => Promise.resolve(records),
  });
  return { serial, emitter, checks };
}

function choose(
  emitter: TypedEmitter<SerialEvents>,
  pick: (list: SerialPortListEntry[]) => string,
) {
  const lists: SerialPortListEntry[][] = [];
  emitter.on("select-serial-port", (_event, portList, webContents, callback) => {
    assert.equal(webContents, null);
    lists.push(portList);
    callback(pick(portList));
  });
  return lists;
}

function isNotSelected(error: unknown): boolean {
  assert.ok(error instanceof DOMException);
  assert.equal(error.name, "NotFoundError");
  assert.equal(
    error.message,
    "Failed to execute 'requestPort' on 'Serial': No port selected by the user.",
  );
  return true;
}

describe("Serial", () => {
  it("lists ports sorted by name with Electron's entry shape and checks 'serial' first", async () => {
    const { serial, emitter, checks } = setup();
    const lists = choose(emitter, (list) => list[1]!.portId);
    const port = await serial.requestPort({}, { origin: "HTTPS://a.test:443/page" });
    // CheckSerialAccessPermission: the origin's URL as securityOrigin, the frame's URL.
    assert.deepEqual(checks[0], ["serial", "https://a.test", {
      securityOrigin: "https://a.test/",
      requestingUrl: "https://a.test/page",
      isMainFrame: true,
    }]);
    const [acm, usb] = lists[0]!;
    assert.match(acm!.portId, /^[0-9A-F]{32}$/);
    assert.deepEqual({ ...acm, portId: "" }, {
      portId: "",
      portName: "ttyACM3",
      vendorId: "9025",
      productId: "67",
    });
    assert.deepEqual({ ...usb, portId: "" }, {
      portId: "",
      portName: "ttyUSB7",
      displayName: "Arduino Uno",
      vendorId: "9025",
      productId: "67",
      serialNumber: "A1",
    });
    assert.deepEqual(port.getInfo(), { usbVendorId: 0x2341, usbProductId: 0x43 });
    assert.deepEqual(await serial.getPorts({ origin: "https://a.test" }), [port]);
    assert.deepEqual(await serial.getPorts({ origin: "https://b.test" }), []);
  });

  it("lists and offers ports by port name, not by path", async () => {
    const { serial, emitter } = setup([
      { path: "/dev/serial/by-id/usb-Z" },
      { path: "/dev/ttyS1" },
      { path: "/tmp/b/ttyS1" },
      { path: "/tmp/a/ttyS1" },
    ]);
    const names = ["ttyS1", "ttyS1", "ttyS1", "usb-Z"];
    assert.deepEqual((await serial.listPorts()).map((port) => port.portName), names);
    const lists = choose(emitter, () => "");
    await assert.rejects(serial.requestPort(), isNotSelected);
    assert.deepEqual(lists[0]!.map((port) => port.portName), names);
    // Equal names keep one order, by path.
    assert.deepEqual(
      lists[0]!.map((port) => port.portId),
      (await serial.listPorts()).map((port) => port.portId),
    );
  });

  it("applies filters and Chromium's filter TypeErrors", async () => {
    const { serial, emitter } = setup();
    const lists = choose(emitter, () => "");
    await assert.rejects(
      serial.requestPort({ filters: [{ usbVendorId: 0x2341, usbProductId: 1 }] }),
      isNotSelected,
    );
    assert.deepEqual(lists[0], []);
    await assert.rejects(
      serial.requestPort({ filters: [{ usbProductId: 1 }] }),
      new TypeError(
        "Failed to execute 'requestPort' on 'Serial': A filter containing a usbProductId must also specify a usbVendorId.",
      ),
    );
    await assert.rejects(serial.getPorts({ origin: 5 as unknown as string }), {
      name: "TypeError",
      message: "Invalid origin: 5",
    });
    const bare = "https://a.test" as unknown as { origin: string };
    await assert.rejects(serial.requestPort({}, bare), {
      name: "TypeError",
      message: 'Invalid origin options: "https://a.test" (an object like {origin} was expected)',
    });
    await assert.rejects(serial.getPorts(bare), { name: "TypeError" });
    await assert.rejects(
      serial.requestPort({ filters: [{}] }),
      new TypeError(
        "Failed to execute 'requestPort' on 'Serial': A filter must provide a property to filter by.",
      ),
    );
  });

  it("converts filter ids as WebIDL unsigned shorts, so the portList's strings match", async () => {
    const { serial, emitter } = setup();
    const lists = choose(emitter, () => "");
    // portList gives ids as decimal strings; Blink converts them back to numbers.
    const filters = [
      [{ usbVendorId: "9025", usbProductId: "67" }],
      [{ usbVendorId: 0x10000 + 0x2341 }],
      new Set([{ usbVendorId: (0x2341).toString() }]),
    ];
    for (const filter of filters) {
      await assert.rejects(
        serial.requestPort({ filters: filter as unknown as SerialPortFilter[] }),
        isNotSelected,
      );
    }
    assert.deepEqual(lists.map((list) => list.map((port) => port.portName)), [
      ["ttyACM3", "ttyUSB7"],
      ["ttyACM3", "ttyUSB7"],
      ["ttyACM3", "ttyUSB7"],
    ]);
    await assert.rejects(
      serial.requestPort({ filters: [5] as unknown as SerialPortFilter[] }),
      new TypeError(
        "Failed to execute 'requestPort' on 'Serial': Failed to read the 'filters' property from " +
          "'SerialPortRequestOptions': The provided value is not of type 'SerialPortFilter'.",
      ),
    );
    await assert.rejects(
      serial.requestPort(5 as unknown as SerialPortRequestOptions),
      new TypeError(
        "Failed to execute 'requestPort' on 'Serial': The provided value is not of type " +
          "'SerialPortRequestOptions'.",
      ),
    );
  });

  it("cancels without a listener, on denial, on '' and on an unknown id", async () => {
    const denied = setup([USB], { check: () => false });
    let fired = false;
    denied.emitter.on("select-serial-port", () => fired = true);
    await assert.rejects(denied.serial.requestPort(), isNotSelected);
    assert.equal(fired, false);
    assert.deepEqual(await denied.serial.getPorts(), []);

    await assert.rejects(setup().serial.requestPort(), isNotSelected);
    const unknown = setup();
    choose(unknown.emitter, () => "0123");
    await assert.rejects(unknown.serial.requestPort(), isNotSelected);
  });

  it("rejects with the error a select-serial-port listener throws", async () => {
    const { serial, emitter } = setup();
    emitter.on("select-serial-port", () => {
      throw new Error("listener bug");
    });
    await assert.rejects(serial.requestPort(), /listener bug/);
    // A listener that answered before throwing keeps its answer.
    const answered = setup();
    answered.emitter.on("select-serial-port", (_event, list, _w, callback) => {
      callback(list[0]!.portId);
      throw new Error("after the answer");
    });
    const port = await answered.serial.requestPort();
    assert.deepEqual(await answered.serial.getPorts(), [port]);
  });

  it("lists granted ports whatever the check handler says: only requestPort asks it", async () => {
    let allow = true;
    const { serial, emitter, checks } = setup([USB], { check: () => allow });
    choose(emitter, (list) => list[0]!.portId);
    const port = await serial.requestPort({}, { origin: "https://a.test" });
    assert.equal(checks.length, 1);
    allow = false;
    // Chromium's SerialService::GetPorts asks only HasPortPermission (the grants).
    assert.deepEqual(await serial.getPorts({ origin: "https://a.test" }), [port]);
    assert.equal(checks.length, 1);
  });

  it("needs preventDefault() for a later callback", async () => {
    const late = setup();
    late.emitter.on("select-serial-port", (_event, list, _w, callback) => {
      setTimeout(() => callback(list[0]!.portId), 5);
    });
    await assert.rejects(late.serial.requestPort(), isNotSelected);

    const waited = setup();
    waited.emitter.on("select-serial-port", (event, list, _w, callback) => {
      event.preventDefault();
      setTimeout(() => callback(list[0]!.portId), 5);
    });
    const port = await waited.serial.requestPort();
    assert.deepEqual(await waited.serial.getPorts(), [port]);
  });

  it("asks the device handler only for persistable ports, ephemeral grants first", async () => {
    const asked: SerialDevicePermissionDetails[] = [];
    const { serial, emitter } = setup([USB, NO_SERIAL], {
      device: (details) => {
        asked.push(details);
        return details.device.serial_number === "A1";
      },
    });
    // Without any choice, the handler alone grants the persistable port.
    assert.deepEqual(
      (await serial.getPorts({ origin: "https://a.test" })).map((port) => port.path),
      [
        "/dev/ttyUSB7",
      ],
    );
    assert.deepEqual(asked, [{
      deviceType: "serial",
      origin: "https://a.test",
      device: { name: "Arduino Uno", vendor_id: 0x2341, product_id: 0x43, serial_number: "A1" },
    }]);
    // Electron's PortInfoToValue is a base::Value dictionary: its keys arrive sorted.
    assert.deepEqual(Object.keys(asked[0]!.device), [
      "name",
      "product_id",
      "serial_number",
      "vendor_id",
    ]);
    // The port without a serial number never reaches the handler; picking it grants it for
    // as long as it stays plugged in.
    choose(emitter, (list) => list[0]!.portId);
    const acm = await serial.requestPort({}, { origin: "https://a.test" });
    assert.equal(acm.path, "/dev/ttyACM3");
    asked.length = 0;
    assert.equal((await serial.getPorts({ origin: "https://a.test" })).length, 2);
    assert.equal(asked.length, 1);
  });

  it(
    "leaves a chosen persistable port to the device handler, which open() asks again",
    { skip: platform() === "linux" ? false : "needs Linux" },
    async () => {
      const pty = await openPtyPair(runtime);
      let allow = false;
      const { serial, emitter } = setup([{ ...USB, path: pty.path }], { device: () => allow });
      try {
        choose(emitter, (list) => list[0]!.portId);
        const port = await serial.requestPort({}, { origin: "https://a.test" });
        // Electron's SerialChooserContext::GrantPortPermission hands a persistable port to the
        // permission manager, which stores nothing while a device handler decides.
        assert.deepEqual(await serial.getPorts({ origin: "https://a.test" }), []);
        // Chromium's SerialService::OpenPort asks HasPortPermission first.
        await assert.rejects(port.open({ baudRate: 9600 }), (error: unknown) => {
          assert.ok(error instanceof DOMException);
          assert.equal(error.name, "NetworkError");
          assert.equal(error.message, "Failed to open serial port.");
          return true;
        });
        allow = true;
        assert.deepEqual(await serial.getPorts({ origin: "https://a.test" }), [port]);
        await port.open({ baudRate: 9600 });
        await port.close();
      } finally {
        pty.main.close();
        serial.close();
      }
    },
  );

  it("lists an added path only while it is a tty (not a file, a directory or /dev/null)", async () => {
    const { serial } = setup([]);
    const dir = mkdtempSync(join(tmpdir(), "ses-serial-"));
    const pty = await openPtyPair(currentRuntime());
    try {
      writeFileSync(join(dir, "ttyFILE"), "");
      serial.addPortPath(join(dir, "ttyFILE"));
      serial.addPortPath(dir);
      serial.addPortPath("/dev/null");
      serial.addPortPath(pty.path);
      const name = pty.path.split("/").at(-1)!;
      assert.deepEqual((await serial.listPorts()).map((port) => port.portName), [name]);
    } finally {
      pty.main.close();
      rmSync(dir, { recursive: true });
    }
  });

  it("tells a tty from another character device by sysfs class, and a pty by its major", async () => {
    // /dev/tty is 5:0, sysfs's tty class; /dev/null and /dev/zero are the mem class.
    assert.equal(await isTtyDevice("/dev/tty"), true);
    assert.equal(await isTtyDevice("/dev/null"), false);
    assert.equal(await isTtyDevice("/dev/zero"), false);
    assert.equal(await isTtyDevice("/dev/ses-no-such-device"), false);
    // Without sysfs, only a pty (devpts, no sysfs node) is still known to be one.
    const pty = await openPtyPair(runtime);
    try {
      assert.equal(await isTtyDevice(pty.path, "/nonexistent"), true);
      assert.equal(await isTtyDevice("/dev/tty", "/nonexistent"), false);
    } finally {
      pty.main.close();
    }
  });

  it("gives serial-port-removed the port's portId, as the chooser listed it", async () => {
    const records = [USB, NO_SERIAL];
    const { serial, emitter } = setup(records);
    let listed: SerialPortListEntry[] = [];
    let chosen: ((portId: string) => void) | undefined;
    emitter.on("select-serial-port", (event, list, _w, callback) => {
      event.preventDefault();
      listed = list;
      chosen = callback;
    });
    const removed: SerialPortListEntry[] = [];
    emitter.on("serial-port-removed", (_event, port) => removed.push(port));
    const request = serial.requestPort({}, { origin: "https://a.test" });
    while (chosen === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    records.splice(records.indexOf(USB), 1);
    await serial.listPorts();
    assert.deepEqual(removed, [listed.find((entry) => entry.portName === "ttyUSB7")]);
    chosen("");
    await assert.rejects(request, isNotSelected);
  });

  it("reports a throwing serial-port-added/-removed listener on console.error and finishes the scan", async () => {
    const records = [USB, NO_SERIAL];
    const { serial, emitter } = setup(records);
    const ORIGIN = "https://a.test";
    // NO_SERIAL has no serial number: its grant ends when it is unplugged.
    const picks = [(list: SerialPortListEntry[]) => list[0]!.portId];
    let chosen: ((portId: string) => void) | undefined;
    emitter.on("select-serial-port", (event, list, _w, callback) => {
      event.preventDefault();
      const pick = picks.shift();
      if (pick) callback(pick(list));
      else chosen = callback;
    });
    const seen: string[] = [];
    emitter.on("serial-port-added", (_e, port) => {
      seen.push(`added ${port.portName}`);
      throw new Error("added listener bug");
    });
    emitter.on("serial-port-removed", (_e, port) => {
      seen.push(`removed ${port.portName}`);
      throw new Error("removed listener bug");
    });
    const port = await serial.requestPort({}, { origin: ORIGIN });
    assert.equal(port.path, NO_SERIAL.path);
    const disconnected: string[] = [];
    serial.addEventListener("disconnect", (e) => {
      disconnected.push((e as SerialConnectionEvent).port.path);
    });
    const reported: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      const request = serial.requestPort({}, { origin: ORIGIN });
      while (chosen === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
      records.splice(records.indexOf(NO_SERIAL), 1);
      records.push({ path: "/dev/ttyUSB8" }, { path: "/dev/ttyUSB9" });
      // The scan that finds the changes ends normally: no listener error reaches listPorts.
      const listed = await serial.listPorts();
      assert.deepEqual(listed.map((entry) => entry.portName), ["ttyUSB7", "ttyUSB8", "ttyUSB9"]);
      assert.deepEqual(seen.sort(), ["added ttyUSB8", "added ttyUSB9", "removed ttyACM3"]);
      assert.deepEqual(disconnected, [NO_SERIAL.path]);
      assert.deepEqual(await serial.getPorts({ origin: ORIGIN }), []);
      assert.deepEqual(
        reported.map((args) => [args[0], (args[1] as Error).message]).sort(),
        [
          ["Session 'serial-port-added' listener failed:", "added listener bug"],
          ["Session 'serial-port-added' listener failed:", "added listener bug"],
          ["Session 'serial-port-removed' listener failed:", "removed listener bug"],
        ],
      );
      chosen("");
      await assert.rejects(request, isNotSelected);
    } finally {
      console.error = consoleError;
    }
  });

  it("forget() revokes the grant and emits serial-port-revoked", async () => {
    const { serial, emitter } = setup();
    choose(emitter, (list) => list[1]!.portId);
    const port = await serial.requestPort({}, { origin: "https://a.test" });
    const revoked: unknown[] = [];
    emitter.on("serial-port-revoked", (_event, details) => revoked.push(details));
    await port.forget();
    assert.deepEqual(await serial.getPorts({ origin: "https://a.test" }), []);
    assert.equal(revoked.length, 1);
    const details = revoked[0] as { port: SerialPortListEntry; frame: null; origin: string };
    assert.equal(details.port.portName, "ttyUSB7");
    assert.equal(details.frame, null);
    assert.equal(details.origin, "https://a.test");
  });

  it(
    "reports ptys added and removed while the chooser is open",
    { skip: platform() === "linux" ? false : "needs Linux" },
    async () => {
      const { serial, emitter } = setup([]);
      const first = await openPtyPair(runtime);
      serial.addPortPath(first.path);
      const second = await openPtyPair(runtime);
      try {
        const events: string[] = [];
        let chosen: ((portId: string) => void) | undefined;
        let listed: SerialPortListEntry[] = [];
        emitter.on("select-serial-port", (event, list, _w, callback) => {
          event.preventDefault();
          listed = list;
          chosen = callback;
        });
        emitter.on("serial-port-added", (_e, port) => events.push(`added ${port.portName}`));
        emitter.on("serial-port-removed", (_e, port) => events.push(`removed ${port.portName}`));
        const request = serial.requestPort({}, { origin: "https://a.test" });
        while (chosen === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        assert.deepEqual(listed.map((port) => port.portName), [first.path.split("/").at(-1)]);
        serial.addPortPath(second.path);
        first.main.close();
        const deadline = Date.now() + 5000;
        while (events.length < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.deepEqual(events.sort(), [
          `added ${second.path.split("/").at(-1)}`,
          `removed ${first.path.split("/").at(-1)}`,
        ]);
        // By name: the freed pty number may already belong to another process's new pty.
        const secondName = second.path.split("/").at(-1);
        const ports = await serial.listPorts();
        chosen(ports.find((entry) => entry.portName === secondName)!.portId);
        const port = await request;
        assert.equal(port.path, second.path);
        await port.open({ baudRate: 9600 });
        await port.close();
      } finally {
        first.main.close();
        second.main.close();
        serial.close();
      }
    },
  );

  it(
    "ends an open port's streams at the unplug, an idle writer's included; close() then resolves",
    { skip: platform() === "linux" ? false : "needs Linux" },
    async () => {
      const { serial, emitter } = setup([]);
      const pty = await openPtyPair(runtime);
      const other = await openPtyPair(runtime);
      try {
        serial.addPortPath(pty.path);
        choose(emitter, (list) => list[0]!.portId);
        const port = await serial.requestPort({}, { origin: "https://a.test" });
        await port.open({ baudRate: 9600 });
        const writer = port.writable!.getWriter();
        const reader = port.readable!.getReader();
        pty.main.close();
        // Adding a path makes the watcher rescan and find the pty gone (its timer does not
        // keep the program running, so the test waits with one of its own).
        serial.addPortPath(other.path);
        const deadline = Date.now() + 5000;
        while (port.connected && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(port.connected, false);
        // Chromium's SerialPort::OnConnectionError errors both at once: no write is needed.
        const lost = (error: unknown) =>
          error instanceof DOMException && error.name === "NetworkError" &&
          error.message === "The device has been lost.";
        await assert.rejects(writer.closed, lost);
        await assert.rejects(reader.read(), lost);
        assert.equal(port.readable, null);
        assert.equal(port.writable, null);
        await port.close();
      } finally {
        pty.main.close();
        other.main.close();
        serial.close();
      }
    },
  );

  it(
    "emits disconnect for a granted pty that goes away, and connect for a port the handler allows",
    { skip: platform() === "linux" ? false : "needs Linux" },
    async () => {
      const records: SerialPortRecord[] = [];
      const { serial, emitter } = setup(records, {
        device: (details) => details.device.serial_number === "A1",
      });
      const pty = await openPtyPair(runtime);
      const other = await openPtyPair(runtime);
      try {
        serial.addPortPath(pty.path);
        choose(emitter, (list) => list[0]!.portId);
        const port = await serial.requestPort({}, { origin: "https://a.test" });
        const events: string[] = [];
        serial.addEventListener("connect", (event) => {
          const { port, origin } = event as SerialConnectionEvent;
          events.push(`connect ${origin} ${port.path}`);
        });
        serial.addEventListener("disconnect", (event) => {
          const { port, origin } = event as SerialConnectionEvent;
          events.push(`disconnect ${origin} ${port.path}`);
        });
        let portEvents = 0;
        port.addEventListener("disconnect", () => portEvents++);
        pty.main.close();
        // A USB device the handler allows appears; adding a path makes the watcher rescan.
        records.push(USB);
        serial.addPortPath(other.path);
        const deadline = Date.now() + 5000;
        while (events.length < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.deepEqual(events.sort(), [
          "connect https://a.test /dev/ttyUSB7",
          `disconnect https://a.test ${pty.path}`,
        ]);
        assert.equal(portEvents, 1);
        assert.equal(port.connected, false);
        assert.deepEqual((await serial.getPorts({ origin: "https://a.test" })).map((p) => p.path), [
          "/dev/ttyUSB7",
        ]);
      } finally {
        pty.main.close();
        other.main.close();
        serial.close();
      }
    },
  );
});
