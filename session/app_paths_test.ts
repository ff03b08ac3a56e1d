import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execPath } from "node:process";
import type { Runtime } from "../core/runtime.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { AppPaths } from "./app_paths.ts";

/** The real runtime with a chosen environment, so defaults can be checked. */
function runtimeWithEnv(env: Record<string, string>, home = "/home/tester"): Runtime {
  const real = currentRuntime();
  return Object.assign(Object.create(real), {
    env: (name: string) => env[name],
    homeDir: () => home,
  });
}

describe("AppPaths", () => {
  it("defaults userData to $XDG_CONFIG_HOME/ses", () => {
    const paths = new AppPaths(runtimeWithEnv({ XDG_CONFIG_HOME: "/xdg" }));
    assert.equal(paths.getPath("userData"), "/xdg/ses");
  });

  it("falls back to ~/.config/ses when XDG_CONFIG_HOME is unset or relative", () => {
    assert.equal(new AppPaths(runtimeWithEnv({})).getPath("userData"), "/home/tester/.config/ses");
    assert.equal(
      new AppPaths(runtimeWithEnv({ XDG_CONFIG_HOME: "rel" })).getPath("userData"),
      "/home/tester/.config/ses",
    );
  });

  it("defaults downloads, home and temp", () => {
    const runtime = currentRuntime();
    const paths = new AppPaths(runtime);
    assert.equal(paths.getPath("home"), runtime.homeDir());
    assert.equal(paths.getPath("downloads"), join(runtime.homeDir(), "Downloads"));
    assert.equal(paths.getPath("temp"), runtime.tempDir());
  });

  it("derives defaults from an overridden home", () => {
    const paths = new AppPaths(runtimeWithEnv({}));
    paths.setPath("home", "/elsewhere");
    assert.equal(paths.getPath("downloads"), "/elsewhere/Downloads");
    assert.equal(paths.getPath("userData"), "/elsewhere/.config/ses");
  });

  it("setPath overrides, and rejects a relative path leaving the old value", () => {
    const paths = new AppPaths(runtimeWithEnv({}));
    paths.setPath("userData", "/data/ses");
    assert.equal(paths.getPath("userData"), "/data/ses");
    assert.throws(() => paths.setPath("userData", "data"), {
      name: "Error",
      message: "Path must be absolute",
    });
    assert.equal(paths.getPath("userData"), "/data/ses");
    // Electron's App::SetPath checks the path before the name.
    assert.throws(() => paths.setPath("nope" as "home", "data"), {
      name: "Error",
      message: "Path must be absolute",
    });
  });

  it("has Electron's other Linux paths: cache, logs, crashDumps, exe, module", () => {
    const home = mkdtempSync(join(tmpdir(), "ses-home-"));
    try {
      const paths = new AppPaths(runtimeWithEnv({ XDG_CACHE_HOME: "/xdg-cache" }, home));
      assert.equal(paths.getPath("cache"), "/xdg-cache");
      assert.equal(new AppPaths(runtimeWithEnv({}, home)).getPath("cache"), join(home, ".cache"));
      assert.equal(paths.getPath("crashDumps"), join(home, ".config/ses/Crashpad"));
      assert.equal(paths.getPath("exe"), execPath);
      assert.equal(paths.getPath("module"), execPath);
      // logs is made when asked for, as Electron's path provider makes it.
      assert.equal(existsSync(join(home, ".config/ses/logs")), false);
      assert.equal(paths.getPath("logs"), join(home, ".config/ses/logs"));
      assert.equal(statSync(join(home, ".config/ses/logs")).isDirectory(), true);
      paths.setPath("userData", join(home, "ud"));
      assert.equal(paths.getPath("logs"), join(home, "ud/logs"));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("reads the XDG user directories from user-dirs.dirs, else home's folders", () => {
    const home = mkdtempSync(join(tmpdir(), "ses-home-"));
    try {
      const paths = new AppPaths(runtimeWithEnv({}, home));
      const names = ["desktop", "userDesktop", "documents", "downloads", "music", "pictures"];
      const folders = ["Desktop", "Desktop", "Documents", "Downloads", "Music", "Pictures"];
      assert.deepEqual(
        names.map((name) => paths.getPath(name as "home")),
        folders.map((f) => join(home, f)),
      );
      mkdirSync(join(home, ".config"));
      writeFileSync(
        join(home, ".config/user-dirs.dirs"),
        '# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n' +
          'XDG_MUSIC_DIR="/srv/music/"\nXDG_VIDEOS_DIR="videos"\n',
      );
      assert.equal(paths.getPath("downloads"), join(home, "Téléchargements"));
      assert.equal(paths.getPath("music"), "/srv/music");
      assert.equal(paths.getPath("videos"), join(home, "Videos"));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("has Electron's appData and sessionData, userData and sessionData following them", () => {
    const paths = new AppPaths(runtimeWithEnv({ XDG_CONFIG_HOME: "/xdg" }));
    assert.equal(paths.getPath("appData"), "/xdg");
    assert.equal(paths.getPath("sessionData"), "/xdg/ses");
    paths.setPath("appData", "/appdata");
    assert.equal(paths.getPath("userData"), "/appdata/ses");
    assert.equal(paths.getPath("sessionData"), "/appdata/ses");
    paths.setPath("userData", "/user");
    assert.equal(paths.getPath("sessionData"), "/user");
    paths.setPath("sessionData", "/sessions");
    assert.equal(paths.getPath("sessionData"), "/sessions");
    assert.equal(paths.getPath("userData"), "/user");
    assert.equal(new AppPaths(runtimeWithEnv({})).getPath("appData"), "/home/tester/.config");
  });

  it("rejects unknown names with Electron's messages", () => {
    const paths = new AppPaths(runtimeWithEnv({}));
    assert.throws(() => paths.getPath("nope" as "home"), { message: "Failed to get 'nope' path" });
    assert.throws(() => paths.setPath("nope" as "home", "/x"), { message: "Failed to set path" });
  });

  it("refuses arguments of the wrong type as Electron's gin binding of App does", () => {
    const paths = new AppPaths(runtimeWithEnv({}));
    const loose = paths as unknown as {
      getPath(...args: unknown[]): string;
      setPath(...args: unknown[]): void;
    };
    const from = (index: number, what: string) => ({
      name: "TypeError",
      message: `Error processing argument at index ${index}, conversion failure from ${what}`,
    });
    const insufficient = { name: "TypeError", message: "Insufficient number of arguments." };
    assert.throws(() => loose.getPath(5), from(0, ""));
    assert.throws(() => loose.getPath(), insufficient);
    assert.throws(() => loose.setPath("userData", null), from(1, "null"));
    assert.throws(() => loose.setPath("userData"), insufficient);
  });
});
