import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CHECK_PERMISSIONS,
  type DeviceGrant,
  type PermissionCheckDetails,
  type PermissionRequestDetails,
  type PermissionRequestOptions,
  Permissions,
  REQUEST_PERMISSIONS,
  requestOrigin,
} from "./permissions.ts";

const sameSerial = (serial: string) => (grant: DeviceGrant) =>
  (grant.device as { serial: string }).serial === serial;

describe("Permissions handlers", () => {
  it("rejects handlers that are neither a function nor null, with Electron's message", () => {
    const permissions = new Permissions();
    for (const bad of [undefined, 1, "x", {}, true]) {
      for (
        const set of [
          permissions.setPermissionRequestHandler,
          permissions.setPermissionCheckHandler,
          permissions.setDevicePermissionHandler,
        ]
      ) {
        assert.throws(() => set.call(permissions, bad as never), {
          name: "TypeError",
          message: "Must pass null or function",
        });
      }
    }
  });

  it("grants every request and passes every check but sync clipboard reads without handlers", async () => {
    const permissions = new Permissions();
    for (const name of REQUEST_PERMISSIONS) assert.equal(await permissions.request(name), true);
    for (const name of CHECK_PERMISSIONS) {
      assert.equal(permissions.check(name), name !== "deprecated-sync-clipboard-read", name);
    }
  });

  it("knows Electron's request and check lists", () => {
    assert.ok(!CHECK_PERMISSIONS.includes("display-capture"));
    assert.ok(!CHECK_PERMISSIONS.includes("unknown"));
    assert.ok(CHECK_PERMISSIONS.includes("hid") && CHECK_PERMISSIONS.includes("serial"));
    assert.ok(!REQUEST_PERMISSIONS.includes("hid"));
    assert.throws(() => new Permissions().request("hid"), {
      name: "TypeError",
      message: 'Unknown permission "hid"',
    });
    assert.throws(() => new Permissions().check("camera"), {
      name: "TypeError",
      message: 'Unknown permission "camera"',
    });
  });

  it("calls the request handler once with (null, permission, callback, details)", async () => {
    const permissions = new Permissions();
    const calls: [unknown, string, PermissionRequestDetails][] = [];
    permissions.setPermissionRequestHandler((webContents, permission, callback, details) => {
      calls.push([webContents, permission, details]);
      setTimeout(() => callback(permission === "media"), 1);
    });
    assert.equal(
      await permissions.request("media", {
        origin: "https://a.test",
        mediaTypes: ["video"],
        securityOrigin: "https://a.test",
      }),
      true,
    );
    assert.equal(await permissions.request("notifications"), false);
    assert.deepEqual(calls, [
      [null, "media", {
        requestingUrl: "https://a.test/",
        isMainFrame: true,
        mediaTypes: ["video"],
        securityOrigin: "https://a.test",
      }],
      [null, "notifications", { requestingUrl: "file:///", isMainFrame: true }],
    ]);
    // Electron's details are a base::Value dictionary: the keys reach the handler sorted.
    assert.deepEqual(Object.keys(calls[0]![2]), [
      "isMainFrame",
      "mediaTypes",
      "requestingUrl",
      "securityOrigin",
    ]);
  });

  it("keeps the first answer, converted as gin converts a bool (truthiness)", async () => {
    const permissions = new Permissions();
    let answers: unknown[] = [];
    permissions.setPermissionRequestHandler((_w, _p, callback) => {
      for (const answer of answers) (callback as (value: unknown) => void)(answer);
    });
    const cases: [unknown[], boolean][] = [
      [["yes", false], true],
      [[1], true],
      [[{}], true],
      [[0, true], false],
      [[""], false],
      [[undefined], false],
      [[null], false],
    ];
    for (const [given, granted] of cases) {
      answers = given;
      assert.equal(await permissions.request("midi"), granted, JSON.stringify(given));
    }
  });

  it("takes a check or device handler's result by truthiness, as gin does", () => {
    const permissions = new Permissions();
    let result: unknown;
    permissions.setPermissionCheckHandler(() => result as boolean);
    permissions.setDevicePermissionHandler(() => result as boolean);
    const details = { deviceType: "hid" as const, origin: "https://a.test", device: {} };
    for (const [value, granted] of [[1, true], ["yes", true], [0, false], ["", false]] as const) {
      result = value;
      assert.equal(permissions.check("midi"), granted, String(value));
      assert.equal(permissions.devicePermission(details, () => false), granted, String(value));
    }
    result = undefined;
    assert.equal(permissions.check("midi"), false);
  });

  it("denies pending requests when the handler is cleared, not when it is replaced", async () => {
    const permissions = new Permissions();
    const late: ((granted: boolean) => void)[] = [];
    permissions.setPermissionRequestHandler((_w, _p, callback) => void late.push(callback));
    const first = permissions.request("geolocation");
    permissions.setPermissionRequestHandler((_w, _p, callback) => callback(true));
    const second = permissions.request("midi");
    assert.equal(await second, true);
    permissions.setPermissionRequestHandler(null);
    assert.equal(await first, false);
    late[0]?.(true); // too late: already denied
    assert.equal(await permissions.request("geolocation"), true); // no handler: granted
  });

  it("names a bad origin, and takes null options as the defaults", async () => {
    const permissions = new Permissions();
    const seen: unknown[] = [];
    permissions.setPermissionRequestHandler((_webContents, _permission, callback, details) => {
      seen.push(details);
      callback(true);
    });
    assert.throws(() => permissions.request("midi", { origin: 42 as unknown as string }), {
      name: "TypeError",
      message: "Invalid origin: 42",
    });
    assert.throws(() => permissions.check("midi", 42 as unknown as string), {
      name: "TypeError",
      message: "Invalid origin: 42",
    });
    const none = null as unknown as PermissionRequestOptions;
    assert.equal(await permissions.request("midi", none), true);
    assert.deepEqual(seen, [{ requestingUrl: "file:///", isMainFrame: true }]);
  });

  it("gives handlers the origin's URL (url::Origin::GetURL) and the frame's URL as GURL spells them", async () => {
    const permissions = new Permissions();
    const seen: unknown[] = [];
    permissions.setPermissionCheckHandler((_webContents, _permission, origin, details) => {
      seen.push([origin, details.requestingUrl]);
      return true;
    });
    permissions.setPermissionRequestHandler((_webContents, _permission, callback, details) => {
      seen.push(details.requestingUrl);
      callback(true);
    });
    permissions.check("midi", "HTTPS://A.test:443/page?q=1");
    permissions.check("midi", "http://a.test:8080");
    permissions.check("midi", "file:///home/me/index.html");
    permissions.check("midi", "data:text/plain,x");
    await permissions.request("midi", { origin: "https://a.test/page" });
    await permissions.request("midi", { origin: "HTTPS://A.test:443" });
    // Electron passes requestingOrigin as a GURL: the origin with a path ("" for an opaque one).
    assert.deepEqual(seen, [
      ["https://a.test/", "https://a.test/page?q=1"],
      ["http://a.test:8080/", "http://a.test:8080/"],
      ["file:///", "file:///home/me/index.html"],
      ["", "data:text/plain,x"],
      "https://a.test/page",
      "https://a.test/",
    ]);
    assert.throws(() => permissions.check("midi", "a.test"), {
      name: "TypeError",
      message: 'Invalid origin: "a.test"',
    });
    assert.throws(() => permissions.request("midi", { origin: "" }), {
      name: "TypeError",
      message: 'Invalid origin: ""',
    });
  });

  it("rejects the request when the handler throws", async () => {
    const permissions = new Permissions();
    permissions.setPermissionRequestHandler(() => {
      throw new Error("handler bug");
    });
    await assert.rejects(permissions.request("fullscreen"), /handler bug/);
  });

  it("takes a throwing check handler as a refusal and reports it, as gin's invoker answers false", () => {
    // Electron runs the check handler through gin_helper's V8FunctionInvoker<bool(...)>, whose
    // answer stays `false` when the call throws: the check fails, nothing throws at the page.
    const permissions = new Permissions();
    permissions.setPermissionCheckHandler(() => {
      throw new Error("handler bug");
    });
    const reported: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      assert.equal(permissions.check("geolocation", "https://a.test"), false);
    } finally {
      console.error = original;
    }
    assert.equal(reported.length, 1);
    assert.equal(reported[0]![0], "Permission check handler failed:");
    assert.equal((reported[0]![1] as Error).message, "handler bug");
  });

  it("calls the check handler with (null, permission, origin, details)", () => {
    const permissions = new Permissions();
    const seen: [unknown, string, string, PermissionCheckDetails][] = [];
    permissions.setPermissionCheckHandler((webContents, permission, origin, details) => {
      seen.push([webContents, permission, origin, details]);
      return permission === "hid";
    });
    assert.equal(
      permissions.check("hid", "https://a.test", { securityOrigin: "https://a.test" }),
      true,
    );
    assert.equal(permissions.check("serial"), false);
    // Electron sets requestingUrl and isMainFrame for every check a frame makes.
    assert.deepEqual(seen, [
      [null, "hid", "https://a.test/", {
        isMainFrame: true,
        requestingUrl: "https://a.test/",
        securityOrigin: "https://a.test",
      }],
      [null, "serial", "file:///", { isMainFrame: true, requestingUrl: "file:///" }],
    ]);
    permissions.setPermissionCheckHandler(null);
    assert.equal(permissions.check("serial"), true);
  });
});

describe("requestOrigin", () => {
  it("refuses an origin given bare instead of as {origin}, rather than act for file://", () => {
    const permissions = new Permissions();
    const bare = "https://a.test" as unknown as { origin: string };
    const message =
      'Invalid origin options: "https://a.test" (an object like {origin} was expected)';
    assert.throws(() => requestOrigin(bare), { name: "TypeError", message });
    assert.throws(() => requestOrigin(5 as unknown as { origin: string }), {
      name: "TypeError",
      message: "Invalid origin options: 5 (an object like {origin} was expected)",
    });
    assert.throws(
      () => permissions.request("midi", bare as unknown as PermissionRequestOptions),
      { name: "TypeError", message },
    );
    assert.equal(requestOrigin(undefined), "file://");
  });

  it("gives a blob: or filesystem: URL its inner URL's origin, as url::Origin::Create does", () => {
    const cases: [string, string][] = [
      ["blob:https://a.test/6c1b1a7e", "https://a.test"],
      ["blob:HTTPS://A.test:443/x", "https://a.test"],
      ["filesystem:https://a.test:8443/temporary/f.txt", "https://a.test:8443"],
      ["blob:null/6c1b1a7e", "null"],
      ["blob:nonsense", "null"],
      ["about:blank", "null"],
      ["data:text/plain,x", "null"],
    ];
    for (const [origin, serialised] of cases) {
      assert.equal(requestOrigin({ origin }), serialised, origin);
    }
  });
});

describe("Permissions device grants", () => {
  it("hands Web Serial a device handler whose exception is a refusal, as Electron's", () => {
    const permissions = new Permissions();
    assert.equal(permissions.devicePermissionHandler, null);
    permissions.setDevicePermissionHandler(({ device }) =>
      (device as { serial_number?: string }).serial_number!.length > 0
    );
    const reported: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      const ask = permissions.devicePermissionHandler!;
      const origin = "https://a.test";
      assert.equal(ask({ deviceType: "serial", origin, device: { name: "ttyUSB0" } }), false);
      assert.equal(reported.length, 1);
      const device = { name: "Board", serial_number: "S1" };
      assert.equal(ask({ deviceType: "serial", origin, device }), true);
      assert.equal(reported.length, 1);
    } finally {
      console.error = consoleError;
    }
  });

  it("keeps grants per origin and type", () => {
    const permissions = new Permissions();
    permissions.grant("https://a.test", "hid", { serial: "A1" }, true);
    permissions.grant("https://a.test", "serial", { serial: "S1" }, false);
    permissions.grant("https://b.test", "hid", { serial: "B1" }, false);
    assert.deepEqual(permissions.granted("https://a.test", "hid"), [
      { origin: "https://a.test", deviceType: "hid", device: { serial: "A1" }, persistent: true },
    ]);
    const details = { deviceType: "hid" as const, origin: "https://a.test", device: {} };
    assert.equal(permissions.devicePermission(details, sameSerial("A1")), true);
    assert.equal(permissions.devicePermission(details, sameSerial("B1")), false);
    assert.equal(
      permissions.devicePermission({ ...details, origin: "https://b.test" }, sameSerial("B1")),
      true,
    );
  });

  it("checks ephemeral grants first, then the handler instead of persistent grants", () => {
    const permissions = new Permissions();
    permissions.grant("https://a.test", "hid", { serial: "P" }, true);
    permissions.grant("https://a.test", "hid", { serial: "E" }, false);
    const asked: object[] = [];
    permissions.setDevicePermissionHandler((details) => {
      asked.push(details);
      return (details.device as { serial: string }).serial === "H";
    });
    const details = (serial: string) => ({
      deviceType: "hid" as const,
      origin: "https://a.test",
      device: { serial },
    });
    assert.equal(permissions.devicePermission(details("E"), sameSerial("E")), true);
    assert.equal(asked.length, 0);
    assert.equal(permissions.devicePermission(details("P"), sameSerial("P")), false);
    assert.equal(permissions.devicePermission(details("H"), sameSerial("H")), true);
    assert.deepEqual(asked, [details("P"), details("H")]);
    // While the handler is set, persistent grants are left to it.
    assert.equal(permissions.grant("https://a.test", "hid", { serial: "Q" }, true), false);
    assert.equal(permissions.grant("https://a.test", "hid", { serial: "R" }, false), true);
    permissions.setDevicePermissionHandler(null);
    assert.equal(permissions.devicePermission(details("P"), sameSerial("P")), true);
    assert.equal(permissions.devicePermission(details("Q"), sameSerial("Q")), false);
  });

  it("revokes grants of one origin, and ephemeral grants of an unplugged device everywhere", () => {
    const permissions = new Permissions();
    permissions.grant("https://a.test", "hid", { serial: "X" }, true);
    permissions.grant("https://a.test", "hid", { serial: "Y" }, false);
    permissions.grant("https://b.test", "hid", { serial: "Y" }, false);
    permissions.grant("https://b.test", "hid", { serial: "X" }, true);
    assert.equal(permissions.revoke("https://a.test", "hid", sameSerial("X")).length, 1);
    assert.equal(permissions.granted("https://b.test", "hid").length, 2);
    assert.equal(permissions.revokeEphemeral("hid", sameSerial("Y")).length, 2);
    assert.equal(permissions.revokeEphemeral("hid", sameSerial("X")).length, 0);
    assert.deepEqual(permissions.granted("https://a.test", "hid"), []);
    assert.equal(permissions.granted("https://b.test", "hid").length, 1);
  });
});
