import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NetLog } from "./net_log.ts";
import { netLogProblems } from "./read_net_log.ts";
import { readNetLogFile } from "./read_net_log_file.ts";

function request(netLog: NetLog): void {
  const source = netLog.newSource("URL_REQUEST");
  netLog.add({ type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source, params: { url: "x" } });
  netLog.add({ type: "REQUEST_ALIVE", phase: "PHASE_END", source });
}

// Waits until the bounded writer's event files exist (its 20 ms batches; longer under load).
async function eventFiles(directory: string, count: number): Promise<string[]> {
  let files: string[] = [];
  for (let waited = 0; waited < 10_000 && files.length < count; waited += 25) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    files = await readdir(directory);
  }
  return files;
}

describe("readNetLogFile", () => {
  it("reads a bounded log whose process died from its in-progress event files, latest last", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-read-")), "bounded.json");
    const netLog = new NetLog();
    await netLog.startLogging(path, { maxFileSize: 2000 });
    // Batches apart, so the event files are written in turn and some are reused.
    for (let batch = 0; batch < 6; batch++) {
      for (let i = 0; i < 15; i++) request(netLog);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    assert.equal((await eventFiles(`${path}.inprogress`, 10)).length, 10);
    // The state a crash leaves: the file holds the constants, the events are beside it (the
    // last batch reaches its file within the writer's 20 ms delay; longer under load).
    let log = await readNetLogFile(path);
    for (let waited = 0; waited < 10_000 && log.events.at(-1)?.source.id !== 90; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      log = await readNetLogFile(path);
    }
    assert.equal(log.truncated, true);
    assert.deepEqual(netLogProblems(log), []);
    assert.ok(log.events.length > 20 && log.events.length < 180, `${log.events.length}`);
    // Oldest first: source ids rise through the stitched files, and the last request is there.
    const ids = log.events.map((event) => event.source.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(ids.at(-1), 90);
    // Once stopped, the file is complete and read as it is.
    await netLog.stopLogging();
    const stopped = await readNetLogFile(path);
    assert.equal(stopped.truncated, false);
    assert.deepEqual(stopped.events.map((event) => event.source.id), ids);
  });

  it("reads an unbounded log, complete or not, as parseNetLog does", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-read-")), "plain.json");
    const netLog = new NetLog();
    await netLog.startLogging(path);
    for (let i = 0; i < 5; i++) request(netLog);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const running = await readNetLogFile(path);
    assert.equal(running.truncated, true);
    await netLog.stopLogging();
    const log = await readNetLogFile(path);
    assert.equal(log.truncated, false);
    assert.equal(log.events.length, 10);
    await assert.rejects(readNetLogFile(join(path, "absent")), { code: "ENOTDIR" });
  });
});
