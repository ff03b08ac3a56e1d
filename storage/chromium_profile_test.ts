import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createCipheriv, createHash, pbkdf2Sync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { readChromiumProfile } from "./chromium_profile.ts";

const runtime = currentRuntime();
const openDatabase = (path: string) => runtime.openDatabase(path);

// Chromium's `Cookies` schema at meta version 24 (sqlite_persistent_cookie_store.cc).
const SCHEMA = `CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,
top_frame_site_key TEXT NOT NULL,name TEXT NOT NULL,value TEXT NOT NULL,
encrypted_value BLOB NOT NULL,path TEXT NOT NULL,expires_utc INTEGER NOT NULL,
is_secure INTEGER NOT NULL,is_httponly INTEGER NOT NULL,last_access_utc INTEGER NOT NULL,
has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,priority INTEGER NOT NULL,
samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,source_port INTEGER NOT NULL,
last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,
has_cross_site_ancestor INTEGER NOT NULL);`;

// Encrypts like os_crypt_linux.cc with the `v10` key, independently of the code under test.
function v10(plain: Uint8Array): Uint8Array {
  const key = pbkdf2Sync("peanuts", "saltysalt", 1, 16, "sha1");
  const cipher = createCipheriv("aes-128-cbc", key, Buffer.alloc(16, " "));
  return Buffer.concat([Buffer.from("v10"), cipher.update(plain), cipher.final()]);
}

const EXPIRES_MS = Date.UTC(2030, 0, 1);
const toChromium = (ms: number) => BigInt(ms) * 1000n + 11_644_473_600_000_000n;

function buildProfile(dir: string, version: number, network: boolean): void {
  const folder = network ? join(dir, "Network") : dir;
  mkdirSync(folder, { recursive: true });
  const db = openDatabase(join(folder, "Cookies"));
  db.exec(SCHEMA);
  db.prepare("INSERT INTO meta VALUES ('version', ?)").run(String(version));
  const insert = db.prepare(
    "INSERT INTO cookies VALUES (0, ?, '', ?, ?, ?, ?, ?, ?, ?, 0, ?, 1, 1, ?, 2, 443, 0, 0, 0)",
  );
  const bound = (host: string, value: string) =>
    version >= 24
      ? Buffer.concat([createHash("sha256").update(host).digest(), Buffer.from(value)])
      : Buffer.from(value);
  insert.run(
    ".a.test",
    "enc",
    "",
    v10(bound(".a.test", "sécret")),
    "/",
    toChromium(EXPIRES_MS),
    1,
    1,
    1,
    2,
  );
  insert.run("a.test", "plain", "p", new Uint8Array(), "/x", 0n, 0, 0, 0, -1);
  insert.run("b.test", "keyring", "", Buffer.from("v11whatever-encrypted"), "/", 0n, 0, 0, 0, 0);
  insert.run("b.test", "garbage", "", Buffer.from("v10 not a multiple of 16"), "/", 0n, 0, 0, 0, 1);
  db.close();
}

describe("readChromiumProfile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-chromium-profile-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [version, network] of [[24, true], [21, false]] as const) {
    it(`reads clear and v10 values, skips v11 (meta version ${version})`, () => {
      buildProfile(dir, version, network);
      const before = readFileSync(join(dir, network ? "Network" : "", "Cookies"));
      const data = readChromiumProfile(dir, { openDatabase });
      assert.equal(data.skippedKeyring, 1);
      assert.equal(data.skippedUnreadable, 1);
      assert.match(data.localStorageSkipped, /LevelDB/);
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
      assert.deepEqual(readFileSync(join(dir, network ? "Network" : "", "Cookies")), before);
    });
  }

  it("says where it looked when there is no Cookies database", () => {
    assert.throws(() => readChromiumProfile(dir, { openDatabase }), {
      message: `No Cookies database in "${dir}"`,
    });
  });
});
