import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { readChromiumProfile } from "./chromium_profile.ts";
import { buildChromiumProfile, EXPIRES_MS } from "../tests/fixtures/chromium_profile.ts";
import { assertSameBytes } from "../tests/fixtures/assert_bytes.ts";

const runtime = currentRuntime();
const openDatabase = (path: string) => runtime.openDatabase(path);

describe("readChromiumProfile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-chromium-profile-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [version, network] of [[24, true], [21, false]] as const) {
    it(`reads clear and v10 values, skips v11 (meta version ${version})`, () => {
      buildChromiumProfile(openDatabase, dir, version, network);
      const before = readFileSync(join(dir, network ? "Network" : "", "Cookies"));
      const data = readChromiumProfile(dir, { openDatabase });
      assert.equal(data.skippedKeyring, 1);
      assert.equal(data.skippedUnreadable, 1);
      const [enc, plain] = data.cookies;
      assert.deepEqual(enc, {
        name: "enc",
        value: "sécret",
        domain: ".a.test",
        hostOnly: false,
        path: "/",
        secure: true,
        httpOnly: true,
        sameSite: "strict",
        url: "https://a.test/",
        session: false,
        expirationDate: EXPIRES_MS / 1000,
      });
      assert.deepEqual(plain, {
        name: "plain",
        value: "p",
        domain: "a.test",
        hostOnly: true,
        path: "/x",
        secure: false,
        httpOnly: false,
        sameSite: "unspecified",
        url: "http://a.test/x",
        session: true,
      });
      // The profile itself is never written to (no WAL switch, no new rows).
      assertSameBytes(readFileSync(join(dir, network ? "Network" : "", "Cookies")), before);
    });
  }

  it("says where it looked when there is no Cookies database", () => {
    assert.throws(() => readChromiumProfile(dir, { openDatabase }), {
      message: `No Cookies database in "${dir}"`,
    });
  });

  it("names the profiles of a user data directory given in a profile's place", () => {
    // `~/.config/chromium` rather than `~/.config/chromium/Default`: the profiles are in it.
    for (const network of [false, true]) {
      const userData = mkdtempSync(join(tmpdir(), "ses-chromium-user-data-"));
      try {
        buildChromiumProfile(openDatabase, join(userData, "Profile 1"), 21, network);
        buildChromiumProfile(openDatabase, join(userData, "Default"), 21, network);
        assert.throws(() => readChromiumProfile(userData, { openDatabase }), {
          message: `No Cookies database in "${userData}": it holds the profiles ` +
            `"${join(userData, "Default")}" and "${join(userData, "Profile 1")}"; give one of them`,
        });
      } finally {
        rmSync(userData, { recursive: true, force: true });
      }
    }
  });

  it("refuses a FIFO or a device in the Cookies file's place, without hanging or copying it", () => {
    const cookies = join(dir, "Cookies");
    execFileSync("mkfifo", [cookies]);
    assert.throws(() => readChromiumProfile(dir, { openDatabase }), {
      message: `Cookies database "${cookies}" is not a regular file`,
    });
    rmSync(cookies);
    symlinkSync("/dev/zero", cookies);
    assert.throws(() => readChromiumProfile(dir, { openDatabase }), {
      message: `Cookies database "${cookies}" is not a regular file`,
    });
  });

  it("copies no -wal that is not a regular file", () => {
    buildChromiumProfile(openDatabase, dir, 24, false);
    symlinkSync("/dev/zero", join(dir, "Cookies-wal"));
    assert.equal(readChromiumProfile(dir, { openDatabase }).cookies.length, 2);
  });
});
