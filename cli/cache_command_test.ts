import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { Hono } from "hono";
import { type OriginServer, startOrigin } from "../tests/fixtures/origin_server.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { parseCacheArgs, runCache } from "./cache_command.ts";
import { runFetch } from "./fetch_command.ts";
import { parseFetchArgs } from "./parse_fetch_args.ts";

/** A fresh `session` module per call, like a new `ses` process, on one userData directory. */
function processes() {
  const userData = mkdtempSync(join(tmpdir(), "ses-cli-cache-"));
  return () => {
    const runtime = currentRuntime();
    const app = new App(runtime);
    app.setPath("userData", userData);
    return createSessionModule(app, runtime);
  };
}

function fail(line: string): never {
  throw new Error(`unexpected error output: ${line}`);
}

function quiet() {
  const info: string[] = [];
  const chunks: Uint8Array[] = [];
  const body = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  return {
    info,
    /** What went to standard output (the body, or --json's line). */
    text: () => Buffer.concat(chunks).toString(),
    output: { info: (line: string) => void info.push(line), body },
  };
}

describe("ses cache and ses fetch --cache", () => {
  let origin: OriginServer;
  let hits = 0;
  before(async () => {
    const app = new Hono().get("/cached", (c) => {
      hits++;
      return c.text("stored", 200, { "cache-control": "max-age=3600" });
    });
    origin = await startOrigin(app);
  });
  after(() => origin.close());

  it("parses size and clear with --partition and --json, and rejects the rest", () => {
    assert.deepEqual(parseCacheArgs(["clear", "--partition", "persist:x"]), {
      action: "clear",
      partition: "persist:x",
      json: false,
    });
    assert.throws(() => parseCacheArgs([]), /an action is required/);
    assert.throws(() => parseCacheArgs(["shrink"]), /unknown action "shrink"/);
    assert.throws(() => parseCacheArgs(["size", "extra"]), /unexpected argument "extra"/);
  });

  it("refuses an in-memory partition with exit 2, as ses cookies and ses storage do", async () => {
    const newProcess = processes();
    for (const action of ["size", "clear"]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCache(
        newProcess(),
        parseCacheArgs([action, "--partition", "site", "--json"]),
        { out: (line) => out.push(line), err: (line) => err.push(line) },
      );
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      assert.deepEqual(err, [
        'ses cache: partition "site" lives in memory and ends with this command; ' +
        'use a persistent one like "persist:site"',
      ]);
    }
  });

  it("stores across processes, reports the size and clears it", async () => {
    const newProcess = processes();
    const url = new URL("/cached", origin.url).href;
    const fetchArgs = (...extra: string[]) => parseFetchArgs([...extra, url]);
    const first = newProcess();
    assert.equal(await runFetch(first, fetchArgs(), quiet().output), 0);
    // What a process stores is committed within 20 ms, before it can exit.
    await first.fromPartition("persist:default").cacheIdle();
    assert.equal(hits, 1);
    const missing = quiet();
    assert.equal(
      await runFetch(newProcess(), fetchArgs("--cache", "only-if-cached"), missing.output),
      0,
    );
    assert.equal(hits, 1);
    // --json says which answer came from the cache.
    const json = quiet();
    assert.equal(await runFetch(newProcess(), fetchArgs("--json"), json.output), 0);
    assert.equal(JSON.parse(json.text()).fromCache, true);
    const network = quiet();
    const reloading = newProcess();
    assert.equal(
      await runFetch(reloading, fetchArgs("--json", "--cache", "reload"), network.output),
      0,
    );
    await reloading.fromPartition("persist:default").cacheIdle();
    assert.equal(JSON.parse(network.text()).fromCache, false);
    assert.equal(hits, 2);
    const lines: string[] = [];
    await runCache(newProcess(), parseCacheArgs(["size", "--json"]), {
      out: (line) => lines.push(line),
      err: fail,
    });
    const { size } = JSON.parse(lines[0]!);
    assert.ok(size > "stored".length, `size ${size}`);
    await runCache(newProcess(), parseCacheArgs(["clear"]), {
      out: (line) => lines.push(line),
      err: fail,
    });
    assert.equal(lines[1], "cleared the cache of persist:default");
    await runCache(newProcess(), parseCacheArgs(["size"]), {
      out: (line) => lines.push(line),
      err: fail,
    });
    assert.equal(lines[2], "0 bytes in persist:default");
    const miss = quiet();
    assert.equal(
      await runFetch(newProcess(), fetchArgs("--cache", "only-if-cached"), miss.output),
      1,
    );
    assert.match(miss.info[0]!, /net::ERR_CACHE_MISS/);
    assert.equal(hits, 2);
  });
});
