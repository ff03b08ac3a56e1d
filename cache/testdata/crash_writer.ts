/**
 * Writes cache entries as fast as it can until killed, for the crash test. Prints `ready` once
 * the store is open. Each body is `crashBody(id, version, length)`, and the head says which.
 *
 * Run: `deno run -A cache/testdata/crash_writer.ts DIR SEED` or `bun ... DIR SEED`.
 *
 * @module
 */

import process from "node:process";
import { DiskCacheStore } from "../disk_cache_store.ts";
import { currentRuntime } from "../../runtime/mod.ts";
import { crashBody, crashEntry } from "./crash_entries.ts";

const [dir, seedText] = process.argv.slice(2);
let seed = Number(seedText);
const random = () => {
  // xorshift32: reproducible runs for a given seed.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const store = await DiskCacheStore.open(currentRuntime(), dir!);
console.log("ready");
for (let i = 0;; i++) {
  const id = Math.floor(random() * 50);
  // Half the bodies fit in the index row, half go to files.
  const length = random() < 0.5 ? Math.floor(random() * 4000) : Math.floor(random() * 100_000);
  const version = i + Number(seedText) * 1_000_000;
  store.put(crashEntry(id, version, crashBody(id, version, length)));
  if (random() < 0.02) store.deleteUrl(crashEntry(id, 0, new Uint8Array()).url);
  if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
}
