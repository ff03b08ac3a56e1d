/**
 * The `session` module: finds or creates `Session` objects by partition or path.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import type { Runtime } from "../core/runtime.ts";
import type { App } from "./app.ts";
import { CONSTRUCT_SESSION } from "./_construct_session.ts";
import { Session, type SessionOptions } from "./session.ts";
import { readStorageStateOption } from "./storage_data.ts";
import { adoptLegacyPartitionDir, partitionDirName } from "./partition_directory.ts";
import { DictionaryDownloadUrl } from "../spellcheck/mod.ts";
import { conversionError } from "../core/conversion_error.ts";

/** Electron's `session` module. */
export interface SessionModule {
  /**
   * Returns the session of a partition, creating it with `options` the first time.
   * `""` (and `"persist:"`) is the default session, `persist:NAME` lives on disk in
   * `Partitions/` of `app.getPath("sessionData")`, in the directory Electron gives it (NAME
   * lower-cased and escaped, so `persist:Work` and `persist:work` are two sessions on one
   * directory, as in Electron; a TypeError when the name would pass 255 bytes), any other name
   * in memory.
   *
   * Options that are not an object (`null`, a string, an array) count as none, as Electron reads
   * them with `args->GetNext` and ignores a failed conversion.
   *
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <type>`
   * for a partition that is not a string, in the words of Electron's gin_helper that binds the
   * module's functions (`Number`, `Object`, `"text"`), and `Insufficient number of arguments.`
   * for none.
   */
  fromPartition(partition: string, options?: SessionOptions): Session;
  /**
   * Returns the session stored at an absolute path, creating it the first time.
   *
   * @throws {TypeError} Electron's `An empty path was specified`, `An absolute path was not
   * provided`, one naming a path with a NUL byte, and the argument errors `fromPartition`
   * throws.
   */
  fromPath(path: string, options?: SessionOptions): Session;
  /** The app's default session, stored in `app.getPath("sessionData")` (`userData` by default). */
  readonly defaultSession: Session;
}

/**
 * Builds a `session` module over an `app` (for `sessionData` and `session-created`).
 *
 * @param app The app whose paths and events the sessions use.
 * @param runtime The runtime services the sessions use.
 * @returns The module.
 *
 * @example
 * ```ts
 * import { App } from "./app.ts";
 * import { createSessionModule } from "./session_module.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const runtime = currentRuntime();
 * const session = createSessionModule(new App(runtime), runtime);
 * console.log(session.fromPartition("a") === session.fromPartition("a")); // true
 * ```
 */
export function createSessionModule(app: App, runtime: Runtime): SessionModule {
  const byPartition = new Map<string, Session>();
  const byPath = new Map<string, Session>();
  // Electron's dictionary download URL is process-wide: one per app here.
  const dictionaryDownloadUrl = new DictionaryDownloadUrl();

  function create(
    storagePath: string | null,
    options: SessionOptions,
    register: (created: Session) => void,
  ): Session {
    // A bad state throws before the session exists, so a retry can create it.
    const state = options.storageState === undefined
      ? undefined
      : readStorageStateOption(options.storageState);
    const created = new Session(CONSTRUCT_SESSION, {
      storagePath,
      cache: options.cache !== false,
      runtime,
      downloadsPath: () => app.getPath("downloads"),
      dictionariesPath: () => join(app.getPath("sessionData"), "Dictionaries"),
      dictionaryDownloadUrl,
    });
    if (state !== undefined) created.storageData.import(state);
    // Registered before it is announced, as Electron's browser context map holds it by then: a
    // listener asking for the same partition or path gets this session, not a second one.
    register(created);
    try {
      app.emit("session-created", created);
    } catch (error) {
      // Electron emits from C++, where a listener's error cannot undo the creation: reported,
      // as a throwing session 'login' listener is, and the session is returned.
      console.error("app 'session-created' listener failed:", error);
    }
    return created;
  }

  function fromPartition(partition: string, given?: SessionOptions): Session {
    if (typeof partition !== "string") throw conversionError(0, partition, arguments.length);
    const options = sessionOptions(given);
    // Electron's FromPartition maps "persist:" to the empty name on disk: the default
    // session's browser context, so the same session.
    if (partition === "persist:") partition = "";
    const existing = byPartition.get(partition);
    if (existing) return existing;
    const key = partition;
    return create(
      partitionStoragePath(app, partition),
      options,
      (created) => byPartition.set(key, created),
    );
  }

  function fromPath(path: string, given?: SessionOptions): Session {
    if (typeof path !== "string") throw conversionError(0, path, arguments.length);
    if (path === "") throw new TypeError("An empty path was specified");
    if (!isAbsolute(path)) throw new TypeError("An absolute path was not provided");
    // A file name cannot hold NUL (Chromium's FilePath would cut the path there instead).
    if (path.includes("\0")) {
      throw new TypeError(`Invalid path ${JSON.stringify(path)}: it contains a NUL byte`);
    }
    const options = sessionOptions(given);
    // "/a/b/" and "/a/./b" are the same directory, so the same session.
    const key = resolve(path);
    const existing = byPath.get(key);
    if (existing) return existing;
    return create(path, options, (created) => byPath.set(key, created));
  }

  return {
    fromPartition,
    fromPath,
    get defaultSession() {
      return fromPartition("");
    },
  };
}

function partitionStoragePath(app: App, partition: string): string | null {
  if (partition === "") return app.getPath("sessionData");
  if (!partition.startsWith("persist:")) return null;
  const dirName = partitionDirName(partition.slice(8));
  // Past NAME_MAX the directory cannot be made, and the session would silently keep its data
  // in memory while calling itself persistent.
  if (dirName.length > NAME_MAX) {
    throw new TypeError(
      `Invalid partition ${JSON.stringify(partition)}: its directory name would be ` +
        `${dirName.length} bytes, more than the ${NAME_MAX} a file name may have`,
    );
  }
  const partitions = join(app.getPath("sessionData"), "Partitions");
  adoptLegacyPartitionDir(partitions, partition.slice(8));
  return join(partitions, dirName);
}

// The longest file name Linux file systems take, in bytes (the encoded name is ASCII).
const NAME_MAX = 255;

// Electron's FromPartition/FromPath read the options with `args->GetNext(&options)` into a
// base::DictValue and ignore its result: anything that is not a dictionary counts as none.
function sessionOptions(options: unknown): SessionOptions {
  return typeof options === "object" && options !== null && !Array.isArray(options)
    ? options as SessionOptions
    : {};
}
