/**
 * The `ses` command line: `ses demo` walks through a session's features.
 *
 * @module
 */

import { join } from "node:path";
import { tmpdir } from "node:os";
import { mkdtempSync } from "node:fs";
import process from "node:process";
import { app, session } from "../mod.ts";

/**
 * Runs the demo: creates sessions in a temporary userData and shows what each one is.
 *
 * @param write Where lines go.
 *
 * @example
 * ```ts
 * import { runDemo } from "./main.ts";
 * runDemo(console.log);
 * ```
 */
export function runDemo(write: (line: string) => void): void {
  app.setPath("userData", mkdtempSync(join(tmpdir(), "ses-demo-")));
  app.on(
    "session-created",
    (created) =>
      write(`session-created: persistent=${created.isPersistent()} at ${created.storagePath}`),
  );
  const work = session.fromPartition("persist:work");
  const scratch = session.fromPartition("scratch");
  work.setUserAgent(work.getUserAgent(), "en-US,fr,de");
  write(`default user agent: ${scratch.getUserAgent()}`);
  write(`persist:work stores in ${work.getStoragePath()}`);
  write(`scratch lives in memory: ${scratch.getStoragePath() === null}`);
  write(`same partition, same object: ${session.fromPartition("persist:work") === work}`);
}

if (import.meta.main) {
  const [command = "demo"] = process.argv.slice(2);
  if (command !== "demo") {
    console.error(`ses: unknown command "${command}" (try: ses demo)`);
    process.exit(2);
  }
  runDemo(console.log);
}
