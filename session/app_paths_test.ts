import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
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
      name: "TypeError",
      message: "Path must be absolute",
    });
    assert.equal(paths.getPath("userData"), "/data/ses");
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
});
