import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { session } from "../session/mod.ts";
import { runNetlog } from "./netlog_command.ts";
import { CHROMIUM_ARGS } from "../tests/fixtures/chromium_args.ts";

describe("ses netlog view", () => {
  let server: Server;
  let origin = "";

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/a") response.writeHead(302, { location: "/b" }).end();
      else response.writeHead(200, { "cache-control": "max-age=60" }).end("page");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Chromium starts in 5-6 s on a loaded machine: past bun test's 5 s default.
  it("renders a row for every request of a recorded log in Chromium", {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "ses-netlog-view-"));
    const logPath = join(dir, "log.json");
    const ses = session.fromPartition("netlog-view");
    await ses.netLog.startLogging(logPath);
    await (await ses.fetch(`${origin}/a`)).text();
    await (await ses.fetch(`${origin}/b`)).text();
    await (await ses.fetch(`${origin}/b?${"long=query&".repeat(30)}`)).text();
    await assert.rejects(ses.fetch("http://127.0.0.1:4/refused"));
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();

    const htmlPath = join(dir, "report.html");
    const messages: string[] = [];
    const code = await runNetlog(["view", logPath, "-o", htmlPath], {
      info: (line) => messages.push(line),
      write: () => {},
    });
    assert.equal(code, 0, messages.join("\n"));
    const html = await readFile(htmlPath, "utf8");
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, "nothing loaded from outside");

    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(htmlPath).href);
      // The redirect's two hops, the cache hit, a long URL and the failure.
      const rows = page.locator("tr.request");
      assert.equal(await rows.count(), 5);
      const texts = await rows.allInnerTexts();
      assert.match(texts[0]!, new RegExp(`GET ${origin}/a\\s+302`));
      assert.match(texts[1]!, new RegExp(`GET ${origin}/b\\s+200`));
      assert.match(texts[2]!, /cache/);
      assert.match(texts[4]!, /ERR_CONNECTION_REFUSED/);
      assert.ok(await page.locator("tr.request").first().locator(".bar").count() > 0);
      // Each row is one line, however long its URL or narrow the window ("0 B" was two).
      await page.setViewportSize({ width: 700, height: 600 });
      const heights = await rows.evaluateAll((list) => list.map((row) => row.clientHeight));
      const line = await page.locator("thead tr").evaluate((row) => row.clientHeight);
      assert.ok(Math.max(...heights) < 1.5 * line, `rows ${heights.join(", ")}, header ${line}`);
      const detail = page.locator("tr.detail").first();
      assert.equal(await detail.isVisible(), false);
      await rows.first().click();
      assert.equal(await detail.isVisible(), true);
      const screenshot = join(dir, "report.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      assert.ok((await stat(screenshot)).size > 1000);
    } finally {
      await browser.close();
    }
  });
});
