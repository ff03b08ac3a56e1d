import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { chromium } from "playwright-core";
import { session } from "../session/mod.ts";
import { runNetlog } from "./netlog_command.ts";
import { CHROMIUM_ARGS } from "../tests/fixtures/chromium_args.ts";

const PAGE = '<!DOCTYPE html><meta charset="utf-8"><title>replayed</title><p>héllo ✓</p>';

describe("ses netlog har, replayed by a real consumer", () => {
  let server: Server;
  let origin = "";
  let dir = "";

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/start") {
        response.writeHead(302, { location: "/page" }).end();
      } else if (request.url === "/page") {
        // Chunked (no Content-Length), in two pieces, and gzip-coded.
        response.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
        const coded = gzipSync(PAGE);
        response.write(coded.subarray(0, 10));
        setTimeout(() => response.destroyed || response.end(coded.subarray(10)), 10);
      } else {
        response.writeHead(200, { "content-type": "application/octet-stream" })
          .end(Buffer.from([0xff, 0x00, 0xfe]));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    dir = await mkdtemp(join(tmpdir(), "ses-netlog-har-"));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function harOf(captureMode: "default" | "everything") {
    const ses = session.fromPartition(`netlog-har-replay-${captureMode}`);
    const logPath = join(dir, `${captureMode}.json`);
    await ses.netLog.startLogging(logPath, { captureMode });
    assert.equal(await (await ses.fetch(`${origin}/start`)).text(), PAGE);
    assert.equal((await (await ses.fetch(`${origin}/binary`)).arrayBuffer()).byteLength, 3);
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
    const harPath = join(dir, `${captureMode}.har`);
    assert.equal(await runNetlog(["har", logPath, "-o", harPath], { info() {}, write() {} }), 0);
    return { harPath, har: JSON.parse(await readFile(harPath, "utf8")) };
  }

  it("gives the decoded body's size in every mode, and the body itself from an everything log", async () => {
    const pageBytes = Buffer.byteLength(PAGE);
    // What gzip made of the page: a page this small grows (compression is negative).
    const codedBytes = gzipSync(PAGE).length;
    const { har: stripped } = await harOf("default");
    const sizes = stripped.log.entries.map((e: { response: { content: unknown } }) =>
      e.response.content
    );
    assert.deepEqual(sizes, [
      { size: 0, mimeType: "" },
      { size: pageBytes, compression: pageBytes - codedBytes, mimeType: "text/html" },
      { size: 3, mimeType: "application/octet-stream" },
    ]);
    // A coded chunked body's wire size is the sum of its reads before decoding
    // (URL_REQUEST_JOB_BYTES_READ); a plain one is its decoded size.
    assert.deepEqual(
      stripped.log.entries.map((e: { response: { bodySize: number } }) => e.response.bodySize),
      [-1, codedBytes, 3],
    );
    const { har } = await harOf("everything");
    const [, page, binary] = har.log.entries;
    assert.deepEqual(page.response.content, {
      size: pageBytes,
      compression: pageBytes - codedBytes,
      mimeType: "text/html",
      text: PAGE,
    });
    assert.deepEqual(binary.response.content, {
      size: 3,
      mimeType: "application/octet-stream",
      text: "/wD+",
      encoding: "base64",
    });
  });

  // Chromium starts in 5-6 s on a loaded machine: past bun test's 5 s default.
  it("serves an everything log's HAR to Chromium through Playwright's routeFromHAR", {
    timeout: 120_000,
  }, async () => {
    const { harPath } = await harOf("everything");
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS],
    });
    try {
      const context = await browser.newContext();
      // Requests the HAR lacks fail, so the page can only come from the archive.
      await context.routeFromHAR(harPath, { notFound: "abort" });
      const page = await context.newPage();
      const response = await page.goto(`${origin}/start`);
      assert.equal(response?.status(), 200);
      assert.equal(page.url(), `${origin}/page`);
      assert.equal(await page.title(), "replayed");
      assert.equal(await page.textContent("p"), "héllo ✓");
      await assert.rejects(page.goto(`${origin}/absent`));
    } finally {
      await browser.close();
    }
  });
});
