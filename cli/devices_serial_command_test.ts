import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { platform, tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime, openPtyPair } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { runDevicesSerial } from "./devices_serial_command.ts";

async function run(argv: string[]) {
  const runtime = currentRuntime();
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDevicesSerial(createSessionModule(new App(runtime), runtime), argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe("ses devices serial", { skip: platform() === "linux" ? false : "needs Linux" }, () => {
  it("lists an added pty, as text and as Electron's entries in JSON", async () => {
    const pty = await openPtyPair(currentRuntime());
    try {
      const name = pty.path.split("/").at(-1)!;
      const text = await run(["--add", pty.path]);
      assert.equal(text.code, 0);
      assert.ok(text.out.includes(name), `${name} is listed in ${JSON.stringify(text.out)}`);
      const json = await run(["--add", pty.path, "--json"]);
      const entries = JSON.parse(json.out[0]!) as { portId: string; portName: string }[];
      const entry = entries.find((port) => port.portName === name)!;
      assert.match(entry.portId, /^[0-9A-F]{32}$/);
      assert.deepEqual(Object.keys(entry).sort(), ["portId", "portName"]);
    } finally {
      pty.main.close();
    }
  });

  it("names an added path that does not exist, lists the rest and exits 1", async () => {
    const missing = "/dev/ses-no-such-port";
    const text = await run(["--add", missing]);
    assert.equal(text.code, 1);
    assert.deepEqual(text.err, [`ses devices serial: no device at "${missing}"`]);
    const json = await run(["--add", missing, "--json"]);
    assert.equal(json.code, 1);
    assert.ok(Array.isArray(JSON.parse(json.out[0]!)));
  });

  it("names an added path that is no tty (a file, a directory, /dev/null) and does not list it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-serial-cli-"));
    const file = join(dir, "ttyFILE");
    writeFileSync(file, "");
    try {
      const text = await run(["--add", file, "--add", dir, "--add", "/dev/null"]);
      assert.equal(text.code, 1);
      assert.deepEqual(text.err, [
        `ses devices serial: "${file}" is not a tty device`,
        `ses devices serial: "${dir}" is not a tty device`,
        'ses devices serial: "/dev/null" is not a tty device',
      ]);
      assert.ok(!text.out.some((line) => line.startsWith("ttyFILE")), text.out.join("\n"));
      assert.ok(!text.out.some((line) => line.startsWith("null")), text.out.join("\n"));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("rejects unknown options and relative paths", async () => {
    assert.equal((await run(["--bogus"])).code, 2);
    const relative = await run(["--add", "pts/3"]);
    assert.equal(relative.code, 2);
    assert.deepEqual(relative.err, [
      'ses devices serial: Cannot add serial port path "pts/3": not an absolute path',
    ]);
  });
});
