/**
 * The directories `app.getPath` knows, with Electron's defaults for Linux.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import type { Runtime } from "../core/runtime.ts";

/**
 * The path names `app.getPath` and `app.setPath` accept: `appData` (the per-user application
 * data directory), `userData` (`appData/ses`), `sessionData` (where sessions keep their data;
 * `userData` unless set), `home`, `temp` and `downloads`.
 */
export type AppPathName = "home" | "appData" | "userData" | "sessionData" | "temp" | "downloads";

const PATH_NAMES: readonly AppPathName[] = [
  "home",
  "appData",
  "userData",
  "sessionData",
  "temp",
  "downloads",
];

/**
 * Holds the app's well-known directories: defaults come from the environment, `setPath`
 * overrides them for the rest of the process.
 *
 * @example
 * ```ts
 * import { AppPaths } from "./app_paths.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const paths = new AppPaths(currentRuntime());
 * paths.setPath("userData", "/tmp/ses-example");
 * console.log(paths.getPath("userData")); // /tmp/ses-example
 * ```
 */
export class AppPaths {
  #runtime: Runtime;
  #overrides = new Map<AppPathName, string>();

  /**
   * Creates the path table with no overrides.
   *
   * @param runtime Supplies the environment and home directory.
   */
  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /**
   * Returns a directory by name.
   *
   * @param name `home`, `appData`, `userData`, `sessionData`, `temp` or `downloads`.
   * @returns The absolute path.
   * @throws {Error} `Failed to get 'NAME' path` for an unknown name, as Electron does.
   */
  getPath(name: AppPathName): string {
    if (!isPathName(name)) throw new Error(`Failed to get '${String(name)}' path`);
    return this.#overrides.get(name) ?? this.#defaultPath(name);
  }

  /**
   * Overrides a directory for the rest of the process. The directory is not created here.
   *
   * @param name `home`, `appData`, `userData`, `sessionData`, `temp` or `downloads`.
   * @param path An absolute path.
   * @throws {TypeError} `Path must be absolute` for a relative path, as Electron does.
   */
  setPath(name: AppPathName, path: string): void {
    if (!isPathName(name)) throw new Error(`Failed to set path`);
    if (typeof path !== "string" || !isAbsolute(path)) {
      throw new TypeError("Path must be absolute");
    }
    this.#overrides.set(name, path);
  }

  #defaultPath(name: AppPathName): string {
    const runtime = this.#runtime;
    switch (name) {
      case "home":
        return runtime.homeDir();
      case "temp":
        return runtime.tempDir();
      case "downloads":
        return join(this.getPath("home"), "Downloads");
      case "appData": {
        // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        const xdg = runtime.env("XDG_CONFIG_HOME");
        return xdg && isAbsolute(xdg) ? xdg : join(this.getPath("home"), ".config");
      }
      case "userData":
        return join(this.getPath("appData"), "ses");
      case "sessionData":
        return this.getPath("userData");
    }
  }
}

function isPathName(name: unknown): name is AppPathName {
  return PATH_NAMES.includes(name as AppPathName);
}
