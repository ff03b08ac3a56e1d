// The package's two manifests describe one package: a program in the project imports
// `@ses/session` (as the README's first example does) and its subpaths by name in Deno, which
// reads deno.json, and in Bun, which reads package.json's `exports`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import {
  type Hid,
  type PermissionRequestDetails,
  type Serial,
  type SerialPortFilter,
  session,
} from "../mod.ts";

const ROOT = new URL("../", import.meta.url);

function manifest(name: string): { name: string; exports: Record<string, string> } {
  return JSON.parse(readFileSync(new URL(name, ROOT), "utf8"));
}

describe("the package manifests", () => {
  it("give package.json the name and exports of deno.json", () => {
    const deno = manifest("deno.json");
    const npm = manifest("package.json");
    assert.equal(npm.name, deno.name);
    assert.deepEqual(npm.exports, deno.exports);
  });

  it("resolve @ses/session and each subpath to its module in this runtime", () => {
    const { name, exports } = manifest("deno.json");
    for (const [subpath, target] of Object.entries(exports)) {
      const specifier = subpath === "." ? name : `${name}${subpath.slice(1)}`;
      assert.equal(import.meta.resolve(specifier), new URL(target, ROOT).href, specifier);
    }
  });
});

describe("npm run ses", () => {
  // What the README tells a new user to type after `npm install`, where no deno is on the PATH
  // but the one npm installed: the command's output and exit code come through npm unchanged.
  it("runs the ses CLI with npm's installed Deno, passing the exit code through", {
    timeout: 60_000,
  }, () => {
    const config = mkdtempSync(join(tmpdir(), "ses-npm-run-"));
    try {
      const npm = (...args: string[]) =>
        spawnSync("npm", ["run", "-s", "ses", "--", ...args], {
          cwd: fileURLToPath(ROOT),
          encoding: "utf8",
          env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: config },
        });
      const help = npm("help", "cache");
      assert.equal(help.status, 0, help.stderr);
      assert.equal(help.stdout, "usage:\n  ses cache size|clear [--partition NAME] [--json]\n");
      const mistake = npm("no-such-command");
      assert.equal(mistake.status, 2);
      assert.match(mistake.stderr, /^ses: unknown command "no-such-command"/);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
});

describe("the entry point", () => {
  it("exports the types of ses.serial, ses.hid and the permission handlers' details", async () => {
    const ses = session.fromPartition("package-metadata-types");
    const serial: Serial = ses.serial;
    const hid: Hid = ses.hid;
    const filter: SerialPortFilter = { usbVendorId: 0x2341 };
    const seen: PermissionRequestDetails[] = [];
    ses.setPermissionRequestHandler((_contents, _permission, callback, details) => {
      seen.push(details);
      callback(false);
    });
    const granted = await ses.permissions.request("notifications", { origin: "https://a.test" });
    assert.equal(granted, false);
    assert.equal(seen.length, 1);
    assert.deepEqual(filter, { usbVendorId: 0x2341 });
    assert.equal(typeof serial.requestPort, "function");
    assert.equal(typeof hid.requestDevice, "function");
  });
});
