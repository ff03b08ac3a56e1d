import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { currentRuntime } from "../runtime/mod.ts";
import type { DownloadItem } from "../downloads/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

function moduleAt(userData: string) {
  const runtime = currentRuntime();
  const app = new App(runtime);
  app.setPath("userData", userData);
  app.setPath("downloads", join(userData, "Downloads"));
  return createSessionModule(app, runtime);
}

// Sets the download path in a process of its own that then ends, as a program's run would.
function setDownloadPathInChild(userData: string, partition: string, path: string): void {
  const module = new URL("./session_module.ts", import.meta.url).href;
  const app = new URL("./app.ts", import.meta.url).href;
  const runtime = new URL("../runtime/mod.ts", import.meta.url).href;
  const script = [
    `const { createSessionModule } = await import(${JSON.stringify(module)});`,
    `const { App } = await import(${JSON.stringify(app)});`,
    `const { currentRuntime } = await import(${JSON.stringify(runtime)});`,
    `const app = new App(currentRuntime());`,
    `app.setPath("userData", ${JSON.stringify(userData)});`,
    `createSessionModule(app, currentRuntime()).fromPartition(${JSON.stringify(partition)})` +
    `.setDownloadPath(${JSON.stringify(path)});`,
    `process.exit(0);`,
  ].join("\n");
  const child = spawnSync(
    process.execPath,
    currentRuntime().name === "deno" ? ["eval", script] : ["-e", script],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(child.status, 0, child.stderr);
}

describe("ses.setDownloadPath across runs", () => {
  let server: Server;
  let base = "";
  before(async () => {
    server = createServer((_request, response) => {
      response.setHeader("content-disposition", "attachment; filename=report.txt");
      response.end("body");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  async function savedPath(ses: Session): Promise<string> {
    const item = new Promise<DownloadItem>((resolve) =>
      ses.once("will-download", (_event, item) => resolve(item))
    );
    ses.downloadURL(`${base}/file`);
    const downloaded = await item;
    const state = await new Promise((resolve) =>
      downloaded.once("done", (_event, state) => resolve(state))
    );
    assert.equal(state, "completed");
    return downloaded.getSavePath();
  }

  it("keeps a persistent session's directory in Preferences for the next run", async () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-download-path-"));
    try {
      const chosen = join(userData, "chosen");
      setDownloadPathInChild(userData, "persist:dl", chosen);
      const preferences = join(userData, "Partitions", "dl", "Preferences");
      assert.deepEqual(JSON.parse(readFileSync(preferences, "utf8")), {
        download: { default_directory: chosen },
      });
      const saved = await savedPath(moduleAt(userData).fromPartition("persist:dl"));
      assert.equal(dirname(saved), chosen);
      assert.equal(readFileSync(saved, "utf8"), "body");
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("keeps the spellchecker's keys in the same file", () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-download-path-"));
    try {
      const partition = join(userData, "Partitions", "dl");
      mkdirSync(partition, { recursive: true });
      const preferences = join(partition, "Preferences");
      writeFileSync(preferences, JSON.stringify({ spellcheck: { dictionaries: ["fr"] } }));
      setDownloadPathInChild(userData, "persist:dl", join(userData, "chosen"));
      assert.deepEqual(JSON.parse(readFileSync(preferences, "utf8")), {
        spellcheck: { dictionaries: ["fr"] },
        download: { default_directory: join(userData, "chosen") },
      });
      assert.deepEqual(
        moduleAt(userData).fromPartition("persist:dl").getSpellCheckerLanguages(),
        ["fr"],
      );
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("uses app.getPath('downloads') when Preferences holds no absolute directory", async () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-download-path-"));
    try {
      const partition = join(userData, "Partitions", "dl");
      mkdirSync(partition, { recursive: true });
      writeFileSync(
        join(partition, "Preferences"),
        JSON.stringify({ download: { default_directory: "relative/dir" } }),
      );
      const saved = await savedPath(moduleAt(userData).fromPartition("persist:dl"));
      assert.equal(dirname(saved), join(userData, "Downloads"));
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("keeps an in-memory session's directory in memory only", async () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-download-path-"));
    try {
      const ses = moduleAt(userData).fromPartition("memory-dl");
      const chosen = join(userData, "chosen");
      ses.setDownloadPath(chosen);
      assert.equal(dirname(await savedPath(ses)), chosen);
      assert.equal(
        dirname(await savedPath(moduleAt(userData).fromPartition("memory-dl"))),
        join(userData, "Downloads"),
      );
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
