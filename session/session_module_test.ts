import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { Session } from "./session.ts";
import { createSessionModule } from "./session_module.ts";
import { app as sharedApp, session as sharedSession } from "./mod.ts";

function freshModule() {
  const runtime = currentRuntime();
  const app = new App(runtime);
  const userData = mkdtempSync(join(tmpdir(), "ses-registry-"));
  app.setPath("userData", userData);
  return { app, userData, session: createSessionModule(app, runtime) };
}

describe("session.fromPartition", () => {
  it("returns the same object for the same partition and a new one for another", () => {
    const { session } = freshModule();
    const a = session.fromPartition("persist:work");
    assert.equal(session.fromPartition("persist:work"), a);
    assert.notEqual(session.fromPartition("persist:home"), a);
    assert.notEqual(session.fromPartition("work"), a);
  });

  it("treats the empty partition as the default session, stored in userData", async () => {
    const { session, userData } = freshModule();
    const ses = session.fromPartition("");
    assert.equal(ses, session.defaultSession);
    assert.equal(ses.isPersistent(), true);
    assert.equal(ses.storagePath, userData);
    await ses.storageReady();
    assert.ok(statSync(userData).isDirectory());
  });

  it("stores persist: partitions in userData/Partitions/NAME, created on first use", async () => {
    const { session, userData } = freshModule();
    const ses = session.fromPartition("persist:my work/1");
    const expected = join(userData, "Partitions", "my%20work%2F1");
    assert.equal(ses.storagePath, expected);
    assert.equal(ses.getStoragePath(), expected);
    assert.equal(ses.isPersistent(), true);
    await ses.storageReady();
    assert.ok(statSync(expected).isDirectory());
  });

  it("keeps names like '..' inside Partitions/", () => {
    const { session, userData } = freshModule();
    assert.equal(
      session.fromPartition("persist:..").storagePath,
      join(userData, "Partitions", "%2E%2E"),
    );
    assert.equal(
      session.fromPartition("persist:%").storagePath,
      join(userData, "Partitions", "%25"),
    );
  });

  it("refuses a persist: name whose directory name would pass 255 bytes", () => {
    const { session, userData } = freshModule();
    const longest = "persist:" + "é".repeat(42); // 42 × "%C3%A9" = 252 bytes
    assert.equal(
      session.fromPartition(longest).storagePath,
      join(userData, "Partitions", "%C3%A9".repeat(42)),
    );
    const tooLong = longest + "é";
    assert.throws(() => session.fromPartition(tooLong), {
      name: "TypeError",
      message: `Invalid partition ${
        JSON.stringify(tooLong)
      }: its directory name would be 258 bytes, more than the 255 a file name may have`,
    });
    // In memory, any length will do.
    assert.equal(session.fromPartition("é".repeat(1000)).isPersistent(), false);
  });

  it("gives distinct directories to partitions Electron keeps apart", () => {
    const { session } = freshModule();
    const names = ["persist:a", "persist:a.b", "persist:a%2Eb", "persist:a/b", "persist:a%2Fb", ""];
    const paths = names.map((name) => session.fromPartition(name).storagePath);
    assert.equal(new Set(paths).size, names.length);
  });

  it("names the directory as Electron does: lower-cased, so persist:Work shares work's", () => {
    const { session, userData } = freshModule();
    const upper = session.fromPartition("persist:Work:1");
    const lower = session.fromPartition("persist:work:1");
    // Two sessions, as Electron's browser context map is keyed by the name as given.
    assert.notEqual(upper, lower);
    assert.equal(upper.storagePath, join(userData, "Partitions", "work%3A1"));
    assert.equal(lower.storagePath, upper.storagePath);
  });

  it("moves a partition's directory from 0.1.0's name to Electron's, keeping its data", () => {
    const { session, userData } = freshModule();
    const legacy = join(userData, "Partitions", "My%20Work%2E1");
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, "Cookies"), "kept");
    const ses = session.fromPartition("persist:My Work.1");
    assert.equal(ses.storagePath, join(userData, "Partitions", "my%20work.1"));
    assert.equal(readFileSync(join(ses.storagePath ?? "", "Cookies"), "utf8"), "kept");
    assert.equal(existsSync(legacy), false);
  });

  it("gives the default session for 'persist:', as Electron's empty persistent name", () => {
    const { session, userData } = freshModule();
    const ses = session.fromPartition("persist:");
    assert.equal(ses, session.defaultSession);
    assert.equal(ses.storagePath, userData);
    assert.equal(session.fromPartition("persist:"), ses);
  });

  it("keeps other partitions in memory with no storage path", async () => {
    const { session, userData } = freshModule();
    const ses = session.fromPartition("scratch");
    assert.equal(ses.isPersistent(), false);
    assert.equal(ses.storagePath, null);
    assert.equal(ses.getStoragePath(), null);
    await ses.storageReady();
    assert.equal(existsSync(join(userData, "Partitions")), false);
  });

  it("applies options only at first creation", () => {
    const { session } = freshModule();
    const ses = session.fromPartition("cacheless", { cache: false });
    assert.equal(ses.cacheEnabled, false);
    assert.equal(session.fromPartition("cacheless", { cache: true }).cacheEnabled, false);
    assert.equal(session.fromPartition("cached").cacheEnabled, true);
  });

  it("rejects a non-string partition with a TypeError", () => {
    const { session } = freshModule();
    for (const bad of [1, null, undefined, {}, ["persist:x"]]) {
      assert.throws(
        () => session.fromPartition(bad as unknown as string),
        (error: unknown) =>
          error instanceof TypeError &&
          /Error processing argument at index 0, conversion failure/.test(error.message),
      );
    }
    // The module's functions are bound through Electron's gin_helper, which names the type.
    assert.throws(() => session.fromPartition(1 as unknown as string), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from Number",
    });
    assert.throws(() => (session.fromPath as (...args: unknown[]) => unknown)(), {
      name: "TypeError",
      message: "Insufficient number of arguments.",
    });
  });

  it("takes options that are not an object as none, as Electron's args->GetNext does", async () => {
    const { session } = freshModule();
    const loose = session as unknown as Record<
      "fromPartition" | "fromPath",
      (
        ...args: unknown[]
      ) => Session
    >;
    for (const options of [null, "cache", 5, [{ cache: false }]]) {
      const ses = loose.fromPartition(`loose-${String(options)}`, options);
      assert.equal(ses.cacheEnabled, true, String(options));
      assert.equal(ses.isPersistent(), false);
    }
    const parent = mkdtempSync(join(tmpdir(), "ses-loose-"));
    const dir = join(parent, "profile");
    const ses = loose.fromPath(dir, null);
    assert.equal(ses.storagePath, dir);
    await ses.storageReady();
    rmSync(parent, { recursive: true, force: true });
  });

  it("uses the userData in force when the session is created", () => {
    const { app, session } = freshModule();
    const other = mkdtempSync(join(tmpdir(), "ses-registry-other-"));
    app.setPath("userData", other);
    assert.equal(
      session.fromPartition("persist:late").storagePath,
      join(other, "Partitions", "late"),
    );
  });

  it("keeps sessions under sessionData when it is set apart from userData", () => {
    const { app, userData, session } = freshModule();
    const sessions = mkdtempSync(join(tmpdir(), "ses-registry-sessions-"));
    app.setPath("sessionData", sessions);
    assert.equal(app.getPath("userData"), userData);
    assert.equal(session.fromPartition("persist:s").storagePath, join(sessions, "Partitions", "s"));
    assert.equal(session.defaultSession.storagePath, sessions);
  });
});

describe("session.fromPath", () => {
  it("stores at exactly the given absolute path", async () => {
    const { session } = freshModule();
    const dir = join(mkdtempSync(join(tmpdir(), "ses-frompath-")), "profile");
    const ses = session.fromPath(dir);
    assert.equal(ses.storagePath, dir);
    assert.equal(ses.isPersistent(), true);
    assert.equal(session.fromPath(dir), ses);
    assert.equal(session.fromPath(`${dir}/`), ses);
    await ses.storageReady();
    assert.ok(statSync(dir).isDirectory());
  });

  it("throws Electron's TypeErrors for empty and relative paths", () => {
    const { session } = freshModule();
    assert.throws(() => session.fromPath(""), {
      name: "TypeError",
      message: "An empty path was specified",
    });
    assert.throws(() => session.fromPath("relative/dir"), {
      name: "TypeError",
      message: "An absolute path was not provided",
    });
    assert.throws(() => session.fromPath(42 as unknown as string), TypeError);
  });

  it("refuses a path with a NUL byte, which no directory can have", () => {
    const { session, app, userData } = freshModule();
    const bad = join(userData, "a\0b");
    assert.throws(() => session.fromPath(bad), {
      name: "TypeError",
      message: `Invalid path ${JSON.stringify(bad)}: it contains a NUL byte`,
    });
    assert.throws(() => app.setPath("userData", bad), {
      name: "Error",
      message: `Invalid path ${JSON.stringify(bad)}: it contains a NUL byte`,
    });
    assert.equal(app.getPath("userData"), userData);
  });
});

describe("Session construction", () => {
  it("cannot be built with new, with Electron's Error (Session::New)", () => {
    const electronError = {
      name: "Error",
      message: "Session objects cannot be created with 'new'",
    };
    assert.throws(() => new Session(), electronError);
    const { session } = freshModule();
    const Ctor = session.fromPartition("ctor").constructor as new () => Session;
    assert.throws(() => new Ctor(), electronError);
  });

  it("emits app 'session-created' once per new session, with the session alone", () => {
    const { app, session } = freshModule();
    const seen: unknown[][] = [];
    app.on("session-created", (...args) => seen.push(args));
    const ses = session.fromPartition("created");
    session.fromPartition("created");
    assert.deepEqual(seen, [[ses]]);
  });

  it("has the new session registered when 'session-created' runs", () => {
    // Electron's browser context map and Session::FromBrowserContext know the session before
    // it is announced: a listener asking for it gets that object (it used to get another
    // session on the same directory, and the listener ran again for that one).
    const { app, session, userData } = freshModule();
    const inside: [Session, Session][] = [];
    app.on("session-created", (created) => {
      inside.push([
        created,
        created.storagePath === userData
          ? session.defaultSession
          : session.fromPath(created.storagePath!),
      ]);
    });
    const ses = session.defaultSession;
    const byPath = session.fromPath(join(userData, "elsewhere"));
    assert.deepEqual(inside.map(([created, got]) => created === got), [true, true]);
    assert.deepEqual(inside.map(([created]) => created), [ses, byPath]);
  });

  it("reports a throwing 'session-created' listener and still returns the session", () => {
    // Electron emits it from C++: a listener's error is reported, fromPartition returns.
    const { app, session } = freshModule();
    let calls = 0;
    app.on("session-created", () => {
      calls++;
      throw new Error("listener bug");
    });
    const reported: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    let ses: Session;
    try {
      ses = session.fromPartition("persist:throwing");
      assert.equal(session.fromPartition("persist:throwing"), ses);
    } finally {
      console.error = original;
    }
    assert.equal(calls, 1);
    assert.equal(reported.length, 1);
    assert.equal(reported[0]![0], "app 'session-created' listener failed:");
    assert.equal((reported[0]![1] as Error).message, "listener bug");
  });
});

describe("the shared module", () => {
  it("exports one app and one session module wired together", () => {
    const seen: Session[] = [];
    const listener = (created: Session) => seen.push(created);
    sharedApp.on("session-created", listener);
    const ses = sharedSession.fromPartition(`shared-${crypto.randomUUID()}`);
    sharedApp.off("session-created", listener);
    assert.deepEqual(seen, [ses]);
  });
});
