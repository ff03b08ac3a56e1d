/**
 * The directories `app.getPath` knows, with Electron's defaults for Linux.
 *
 * @module
 */

import { mkdirSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { execPath } from "node:process";
import type { Runtime } from "../core/runtime.ts";
import { methodArgumentError } from "../core/conversion_error.ts";
import { xdgUserDir } from "./xdg_user_dirs.ts";

/**
 * The path names `app.getPath` and `app.setPath` accept: `appData` (the per-user application
 * data directory), `userData` (`appData/ses`), `sessionData` (where sessions keep their data;
 * `userData` unless set), `home`, `temp`, `cache` (`$XDG_CACHE_HOME` or `~/.cache`), `logs`
 * (`userData/logs`, made when asked for), `crashDumps` (`userData/Crashpad`), `exe` and `module`
 * (the running Deno or Bun executable), and the XDG user directories `desktop` (also
 * `userDesktop`), `documents`, `downloads`, `music`, `pictures` and `videos`
 * (`~/.config/user-dirs.dirs`, else `~/Desktop`, `~/Documents`, ...).
 */
export type AppPathName =
  | "home"
  | "appData"
  | "userData"
  | "sessionData"
  | "temp"
  | "cache"
  | "logs"
  | "crashDumps"
  | "exe"
  | "module"
  | "desktop"
  | "userDesktop"
  | "documents"
  | "downloads"
  | "music"
  | "pictures"
  | "videos";

const PATH_NAMES: readonly AppPathName[] = [
  "home",
  "appData",
  "userData",
  "sessionData",
  "temp",
  "cache",
  "logs",
  "crashDumps",
  "exe",
  "module",
  "desktop",
  "userDesktop",
  "documents",
  "downloads",
  "music",
  "pictures",
  "videos",
];

// Electron's user directories on Linux: XDG name and the folder under home used without one.
const USER_DIRS: Partial<Record<AppPathName, [string, string]>> = {
  desktop: ["DESKTOP", "Desktop"],
  userDesktop: ["DESKTOP", "Desktop"],
  documents: ["DOCUMENTS", "Documents"],
  downloads: ["DOWNLOAD", "Downloads"],
  music: ["MUSIC", "Music"],
  pictures: ["PICTURES", "Pictures"],
  videos: ["VIDEOS", "Videos"],
};

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
   * Returns a directory (or, for `exe` and `module`, a file) by name. `logs` is made when it
   * does not exist yet, as Electron's path provider makes it.
   *
   * @param name One of {@linkcode AppPathName}.
   * @returns The absolute path.
   * @throws {Error} `Failed to get 'NAME' path` for an unknown name, or when `logs` cannot be
   * made, as Electron does.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a name that is not a string, `Insufficient number of arguments.` for none (Chromium
   * gin's words: Electron binds App's methods with gin).
   */
  getPath(name: AppPathName): string {
    if (typeof name !== "string") throw methodArgumentError(0, name, arguments.length);
    if (!isPathName(name)) throw new Error(`Failed to get '${String(name)}' path`);
    const path = this.#overrides.get(name) ?? this.#defaultPath(name);
    if (name === "logs") {
      try {
        mkdirSync(path, { recursive: true });
      } catch (error) {
        throw new Error(`Failed to get '${name}' path`, { cause: error });
      }
    }
    return path;
  }

  /**
   * Overrides a path for the rest of the process. The directory is not created here.
   *
   * @param name One of {@linkcode AppPathName}.
   * @param path An absolute path.
   * @throws {Error} `Path must be absolute` for a relative path, checked first, then
   * `Failed to set path` for an unknown name, as Electron's `App::SetPath` does;
   * `Invalid path "<path>": it contains a NUL byte`, which no directory can have.
   * @throws {TypeError} `Error processing argument at index N, conversion failure from <value>`
   * for a name or path that is not a string, `Insufficient number of arguments.` for fewer than
   * two (Chromium gin's words).
   */
  setPath(name: AppPathName, path: string): void {
    if (typeof name !== "string") throw methodArgumentError(0, name, arguments.length);
    if (typeof path !== "string") throw methodArgumentError(1, path, arguments.length);
    if (!isAbsolute(path)) throw new Error("Path must be absolute");
    if (path.includes("\0")) {
      throw new Error(`Invalid path ${JSON.stringify(path)}: it contains a NUL byte`);
    }
    if (!isPathName(name)) throw new Error("Failed to set path");
    this.#overrides.set(name, path);
  }

  #defaultPath(name: AppPathName): string {
    const runtime = this.#runtime;
    switch (name) {
      case "home":
        return runtime.homeDir();
      case "temp":
        return runtime.tempDir();
      case "appData":
        return this.#xdgBase("XDG_CONFIG_HOME", ".config");
      case "cache":
        return this.#xdgBase("XDG_CACHE_HOME", ".cache");
      case "userData":
        return join(this.getPath("appData"), "ses");
      case "sessionData":
        return this.getPath("userData");
      case "logs":
        return join(this.getPath("userData"), "logs");
      case "crashDumps":
        return join(this.getPath("userData"), "Crashpad");
      case "exe":
      case "module":
        return execPath;
      default: {
        const [xdgName, fallback] = USER_DIRS[name]!;
        const home = this.getPath("home");
        return xdgUserDir(this.#userDirsFile(), xdgName, home) ?? join(home, fallback);
      }
    }
  }

  #xdgBase(variable: string, fallback: string): string {
    // XDG says a relative base directory is invalid and must be ignored.
    const xdg = this.#runtime.env(variable);
    return xdg && isAbsolute(xdg) ? xdg : join(this.getPath("home"), fallback);
  }

  // Read on every look-up: the user may move a directory while the program runs.
  #userDirsFile(): string {
    try {
      return readFileSync(
        join(this.#xdgBase("XDG_CONFIG_HOME", ".config"), "user-dirs.dirs"),
        "utf8",
      );
    } catch {
      return "";
    }
  }
}

function isPathName(name: unknown): name is AppPathName {
  return PATH_NAMES.includes(name as AppPathName);
}
