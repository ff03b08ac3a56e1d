import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Socket } from "node:net";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { Buffer } from "node:buffer";
import { startTinyproxy } from "../tests/fixtures/proxy_servers.ts";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { startRangeOrigin } from "../tests/fixtures/range_origin.ts";
import { EXIT_INTERRUPTED, runDownload } from "./download_command.ts";
import { formatBytes } from "./download_progress.ts";
import { parseDownloadArgs } from "./parse_download_args.ts";
import { assertSameBytes } from "../tests/fixtures/assert_bytes.ts";

const dir = mkdtempSync(join(tmpdir(), "ses-cli-dl-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function sessions() {
  const runtime = currentRuntime();
  const app = new App(runtime);
  app.setPath("userData", join(dir, "userData"));
  return createSessionModule(app, runtime);
}

function io(tty: boolean) {
  const lines: string[] = [];
  const out: string[] = [];
  let drawn = "";
  const stream = Object.assign(
    new Writable({ write: (chunk, _encoding, done) => void (drawn += chunk, done()) }),
    { isTTY: tty, columns: 200, cursorTo: () => true, clearLine: () => true },
  );
  let interrupt: (() => void) | undefined;
  return {
    lines,
    out,
    drawn: () => drawn,
    interrupt: () => interrupt?.(),
    io: {
      info: (line: string) => void lines.push(line),
      out: (line: string) => void out.push(line),
      stream,
      tty,
      cwd: dir,
      onInterrupt: (handler: () => void) => {
        interrupt = handler;
        return () => void (interrupt = undefined);
      },
    },
  };
}

describe("parseDownloadArgs", () => {
  it("reads URL, -o, --partition and --resume, and refuses mixtures", () => {
    assert.deepEqual(parseDownloadArgs(["http://a.test/x"]), {
      url: "http://a.test/x",
      output: undefined,
      partition: "persist:default",
      json: false,
    });
    assert.deepEqual(parseDownloadArgs(["--resume", "x.crdownload", "--partition", "p"]), {
      resume: "x.crdownload",
      partition: "p",
      json: false,
    });
    assert.equal(parseDownloadArgs(["--json", "http://a.test/x"]).json, true);
    assert.throws(() => parseDownloadArgs([]), /a URL is required/);
    assert.throws(() => parseDownloadArgs(["--resume", "x", "http://a.test/"]), /not both/);
    assert.throws(() => parseDownloadArgs(["--resume", "x", "-o", "y"]), /-o does not apply/);
  });

  it("reads -H, -u, -U, -k and --proxy as ses fetch does", () => {
    assert.deepEqual(
      parseDownloadArgs([
        "-H",
        "X-Token: 7",
        "-H",
        "Accept:",
        "-u",
        "ann:s3:cret",
        "-U",
        "pat:",
        "-k",
        "--proxy",
        "http://p:3128",
        "--proxy-bypass",
        "<-loopback>",
        "http://a.test/x",
      ]),
      {
        url: "http://a.test/x",
        output: undefined,
        headers: { "X-Token": "7" },
        partition: "persist:default",
        json: false,
        omitHeaders: ["Accept"],
        proxy: "http://p:3128",
        proxyBypass: "<-loopback>",
        user: { username: "ann", password: "s3:cret" },
        proxyUser: { username: "pat", password: "" },
        insecure: true,
      },
    );
    assert.throws(() => parseDownloadArgs(["-H", "nocolon", "http://a.test/"]), /Name: value/);
    assert.throws(() => parseDownloadArgs(["-u", "ann", "http://a.test/"]), /needs a password/);
    assert.throws(() => parseDownloadArgs(["--proxy-bypass", "x", "http://a.test/"]), /--proxy/);
    assert.throws(
      () => parseDownloadArgs(["--resume", "x", "-H", "X-A: 1"]),
      /-H applies to a new download/,
    );
  });
});

describe("formatBytes", () => {
  it("rounds into the next unit rather than print 1024.0 of the one below", () => {
    assert.equal(formatBytes(1023), "1023 B");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(1024 * 1024 - 1), "1.0 MiB");
    assert.equal(formatBytes(1024 * 1024 - 60), "1023.9 KiB");
    assert.equal(formatBytes(1024 ** 3 - 1), "1.0 GiB");
    assert.equal(formatBytes(1024 ** 4 * 2048), "2048.0 TiB");
  });
});

describe("ses download", () => {
  const body = new Uint8Array(2_000_000).map((_, i) => i % 251);

  it("draws a live bar on a terminal and saves to -o", async () => {
    const origin = await startRangeOrigin({ "/a.bin": { body } });
    try {
      const { io: output, lines, drawn } = io(true);
      const code = await runDownload(sessions(), {
        url: `${origin.url}/a.bin`,
        output: "out.bin",
        partition: "cli-dl-1",
        json: false,
      }, output);
      assert.equal(code, 0, lines.join("\n"));
      assertSameBytes(readFileSync(join(dir, "out.bin")), Buffer.from(body));
      // Labelled with the file written, as Chromium's GetFileNameToReportUser (the target
      // path's base name), not the name the server suggested.
      assert.match(drawn(), /out\.bin \[.*\] 100% \| 1\.9 MiB \/ 1\.9 MiB/);
      assert.doesNotMatch(drawn(), /a\.bin/);
      // The last frame keeps a real rate (the average, as curl ends with) and an ETA of 0s, not
      // the 0 B/s of a finished item nor cli-progress's NULL/INF cut to two letters.
      const last = drawn().split("\x1b[1G").at(-1)!;
      assert.match(last, /100% \| 1\.9 MiB \/ 1\.9 MiB \| \d+(\.\d)? [KMG]?i?B\/s \| ETA 0s(?!\w)/);
      assert.doesNotMatch(last, /\| 0 B\/s/);
      assert.match(lines.at(-1)!, /^saved .*out\.bin \(2000000 bytes\)$/);
    } finally {
      await origin.close();
    }
  });

  it("labels the bar with the file name as it is, braces and all", async () => {
    const origin = await startRangeOrigin({ "/t.bin": { body: body.subarray(0, 1000) } });
    try {
      const { io: output, lines, drawn } = io(true);
      // cli-progress fills {token}s in its format: a name holding one is no format of ours.
      const code = await runDownload(sessions(), {
        url: `${origin.url}/t.bin`,
        output: "{value} of {total}.bin",
        partition: "cli-dl-braces",
        json: false,
      }, output);
      assert.equal(code, 0, lines.join("\n"));
      assert.ok(existsSync(join(dir, "{value} of {total}.bin")));
      assert.match(drawn(), /\{value\} of \{total\}\.bin \[/);
    } finally {
      await origin.close();
    }
  });

  it("a bar of unknown size says '?%', never 100% before the end", async () => {
    const origin = await startRangeOrigin({ "/c.bin": { body, chunked: true, chunkDelayMs: 5 } });
    try {
      const { io: output, lines, drawn } = io(true);
      const code = await runDownload(sessions(), {
        url: `${origin.url}/c.bin`,
        output: "chunked.bin",
        partition: "cli-dl-chunked",
        json: false,
      }, output);
      assert.equal(code, 0, lines.join("\n"));
      const frames = drawn().split("\x1b[1G").filter((frame) => frame.startsWith("chunked.bin"));
      const unknown = frames.filter((frame) => / \/ \? \|/.test(frame));
      assert.ok(unknown.length > 0, drawn());
      for (const frame of unknown) assert.match(frame, /\] \?% \|/);
      assert.match(frames.at(-1)!, /\] 100% \| 1\.9 MiB \/ 1\.9 MiB/);
    } finally {
      await origin.close();
    }
  });

  it("Ctrl-C leaves a resumable .crdownload; --resume finishes it", async () => {
    const partialSize = () => {
      try {
        return statSync(join(dir, "slow.bin.crdownload")).size;
      } catch {
        return 0;
      }
    };
    const origin = await startRangeOrigin({
      "/slow.bin": { body, etag: '"v"', chunkDelayMs: 5 },
    });
    try {
      const first = io(false);
      const running = runDownload(sessions(), {
        url: `${origin.url}/slow.bin`,
        partition: "cli-dl-2",
        json: false,
      }, first.io);
      // Interrupted once some bytes are on disk: a partial file of none resumes from zero,
      // with no Range to ask for (under load the sidecar can come before the first bytes).
      while (!existsSync(join(dir, "slow.bin.crdownload.json")) || partialSize() === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      first.interrupt();
      assert.equal(await running, EXIT_INTERRUPTED);
      assert.match(
        first.lines.at(-1)!,
        /continue with: ses download --resume ".*slow\.bin\.crdownload"/,
      );
      assert.ok(existsSync(join(dir, "slow.bin.crdownload")));

      const second = io(false);
      const code = await runDownload(sessions(), {
        resume: "slow.bin.crdownload",
        partition: "cli-dl-3",
        json: false,
      }, second.io);
      assert.equal(code, 0, second.lines.join("\n"));
      assert.match(second.lines.find((line) => line.startsWith("slow.bin: "))!, /of 1\.9 MiB/);
      assertSameBytes(readFileSync(join(dir, "slow.bin")), Buffer.from(body));
      assert.ok(origin.requests.at(-1)!.headers.range);
    } finally {
      await origin.close();
    }
  });

  it("after Ctrl-C the last progress counts the bytes the pause kept, as its message does", async () => {
    const origin = await startRangeOrigin({
      "/paced.bin": { body: body.subarray(0, 300_000), etag: '"p"', chunkDelayMs: 100 },
    });
    try {
      const plain = io(false);
      const view = plain.io;
      let asked = false;
      const running = runDownload(sessions(), {
        url: `${origin.url}/paced.bin`,
        output: "paced.bin",
        partition: "cli-dl-paced",
        json: false,
      }, {
        ...view,
        // Ctrl-C while the next chunk is on its way: it is saved after the pause's 'updated'.
        info: (line) => {
          view.info(line);
          if (asked || !line.startsWith("paced.bin: ")) return;
          asked = true;
          setTimeout(() => plain.interrupt(), 20);
        },
      });
      assert.equal(await running, EXIT_INTERRUPTED);
      const kept = Number(/paused at (\d+) bytes/.exec(plain.lines.at(-1)!)![1]);
      assert.equal(
        plain.lines.findLast((line) => line.startsWith("paced.bin: "))!.split(" of ")[0],
        `paced.bin: ${formatBytes(kept)}`,
      );
    } finally {
      await origin.close();
    }
  });

  it("beside a partial file another run left at -o, it names its own; --resume saves to -o", async () => {
    const origin = await startRangeOrigin({
      "/held.bin": { body, etag: '"h"', chunkDelayMs: 5 },
    });
    try {
      // A run Ctrl-C stopped left out.bin's partial file, for another URL.
      const stale = join(dir, "held-out.bin.crdownload");
      writeFileSync(stale, "old bytes");
      writeFileSync(`${stale}.json`, "{}");
      const own = join(dir, "held-out.bin (1).crdownload");
      const run = io(false);
      const running = runDownload(sessions(), {
        url: `${origin.url}/held.bin`,
        output: "held-out.bin",
        partition: "cli-dl-held",
        json: false,
      }, run.io);
      while (!existsSync(`${own}.json`) || statSync(own).size === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      run.interrupt();
      assert.equal(await running, EXIT_INTERRUPTED);
      assert.equal(
        run.lines.at(-1)!,
        `paused at ${statSync(own).size} bytes; continue with: ses download --resume ` +
          JSON.stringify(own),
      );
      assert.equal(readFileSync(stale, "utf8"), "old bytes");

      // Resumed where it is, the completed file goes to -o's path, not "held-out.bin (1)".
      const second = io(false);
      const code = await runDownload(sessions(), {
        resume: own,
        partition: "cli-dl-held-2",
        json: false,
      }, second.io);
      assert.equal(code, 0, second.lines.join("\n"));
      assert.equal(second.lines.at(-1), `saved ${join(dir, "held-out.bin")} (2000000 bytes)`);
      assertSameBytes(readFileSync(join(dir, "held-out.bin")), Buffer.from(body));
      assert.ok(!existsSync(join(dir, "held-out.bin (1)")));
      assert.ok(!existsSync(own));
      assert.equal(readFileSync(stale, "utf8"), "old bytes");
    } finally {
      await origin.close();
    }
  });

  it("a --resume ends with this run's average rate, not one since the first run began", async () => {
    const origin = await startRangeOrigin({ "/late.bin": { body, etag: '"v"' } });
    try {
      const partial = join(dir, "late.bin.crdownload");
      const offset = 500_000;
      writeFileSync(partial, body.subarray(0, offset));
      // The first run began a day ago: the 1.5 MB this run adds over a day would be 17 B/s.
      writeFileSync(
        `${partial}.json`,
        JSON.stringify({
          version: 1,
          savePath: join(dir, "late.bin"),
          urlChain: [`${origin.url}/late.bin`],
          mimeType: "",
          totalBytes: body.length,
          offset,
          eTag: '"v"',
          lastModified: "",
          startTime: Date.now() / 1000 - 86_400,
        }),
      );
      const { io: output, lines, drawn } = io(true);
      const began = Date.now();
      const code = await runDownload(sessions(), {
        resume: partial,
        partition: "cli-dl-late",
        json: false,
      }, output);
      const seconds = Math.max((Date.now() - began) / 1000, 0.001);
      assert.equal(code, 0, lines.join("\n"));
      assert.equal(origin.requests.at(-1)!.headers.range, `bytes=${offset}-`);
      const last = drawn().split("\x1b[1G").at(-1)!;
      const [, value, unit] = /\| ([\d.]+) (B|KiB|MiB|GiB)\/s \|/.exec(last) ?? [];
      const shown = Number(value) * 1024 ** ["B", "KiB", "MiB", "GiB"].indexOf(unit!);
      // At least this run's bytes over the time the test saw it run (the bar rounds to 0.1).
      assert.ok(shown >= 0.9 * (body.length - offset) / seconds, last);
    } finally {
      await origin.close();
    }
  });

  it("--json prints one report on standard output, and no progress or message", async () => {
    const origin = await startRangeOrigin({
      "/from": { body: new Uint8Array(1), status: 302, headers: { location: "/j.bin" } },
      "/j.bin": { body, etag: '"j"', headers: { "content-type": "application/octet-stream" } },
    });
    try {
      const done = io(true);
      const code = await runDownload(sessions(), {
        url: `${origin.url}/from`,
        partition: "cli-dl-json",
        json: true,
      }, done.io);
      assert.equal(code, 0);
      assert.deepEqual([done.lines, done.drawn()], [[], ""]);
      assert.equal(done.out.length, 1);
      const report = JSON.parse(done.out[0]!);
      assert.deepEqual(Object.keys(report), [
        "state",
        "savePath",
        "url",
        "urlChain",
        "mimeType",
        "receivedBytes",
        "totalBytes",
        "eTag",
        "lastModified",
        "startTime",
        "endTime",
        "interruptReason",
        "error",
        "resume",
      ]);
      assert.equal(report.state, "completed");
      assert.equal(report.savePath, join(dir, "j.bin"));
      assert.deepEqual(report.urlChain, [`${origin.url}/from`, `${origin.url}/j.bin`]);
      assert.deepEqual([report.receivedBytes, report.totalBytes], [body.length, body.length]);
      assert.deepEqual([report.eTag, report.interruptReason, report.error, report.resume], [
        '"j"',
        "",
        null,
        null,
      ]);
      assert.ok(report.endTime >= report.startTime);
      const refused = io(false);
      assert.equal(
        await runDownload(sessions(), {
          url: "http://127.0.0.1:4/r.bin",
          partition: "x",
          json: true,
        }, refused.io),
        1,
      );
      assert.deepEqual(refused.lines, []);
      const failure = JSON.parse(refused.out[0]!);
      assert.deepEqual(
        [failure.state, failure.interruptReason, failure.error, failure.resume],
        ["interrupted", "NETWORK_FAILED", "net::ERR_CONNECTION_REFUSED", null],
      );
    } finally {
      await origin.close();
    }
  });

  it("reports a failure and a missing sidecar with exit code 1", async () => {
    const { io: output, lines } = io(false);
    assert.equal(
      await runDownload(
        sessions(),
        { resume: "nothing.crdownload", partition: "x", json: false },
        output,
      ),
      1,
    );
    // The partial file is what is missing, not only its sidecar: the message names it.
    assert.equal(
      lines[0],
      `ses download: Cannot resume "${join(dir, "nothing.crdownload")}": the file is missing`,
    );
    writeFileSync(join(dir, "alone.bin.crdownload"), "abc");
    const alone = io(false);
    await runDownload(sessions(), { resume: "alone.bin", partition: "x", json: false }, alone.io);
    assert.equal(
      alone.lines[0],
      `ses download: Cannot resume "${join(dir, "alone.bin.crdownload")}": ` +
        `${join(dir, "alone.bin.crdownload.json")} is missing`,
    );
    const missing = io(false);
    assert.equal(
      await runDownload(
        sessions(),
        { url: `file://${join(dir, "absent")}`, partition: "x", json: false },
        missing.io,
      ),
      1,
    );
    assert.match(missing.lines.at(-1)!, /interrupted \(NETWORK_FAILED: net::ERR_FILE_NOT_FOUND\)/);
  });

  it("names the scheme a URL typed as for curl lacks, as the failure's hint", async () => {
    // curl takes `example.com` as http://example.com; here it was a bare invalid request.
    for (
      const [url, line] of [
        [
          "example.test/x",
          "ses download: interrupted (NETWORK_INVALID_REQUEST: net::ERR_INVALID_URL); " +
          "a URL starts with its scheme, like http://example.test/x",
        ],
        [
          "localhost:8/x",
          "ses download: interrupted (NETWORK_INVALID_REQUEST: net::ERR_UNKNOWN_URL_SCHEME); " +
          "a URL starts with its scheme, like http://localhost:8/x",
        ],
        [
          "mailto:a@b.test",
          "ses download: interrupted (NETWORK_INVALID_REQUEST: net::ERR_UNKNOWN_URL_SCHEME)",
        ],
      ]
    ) {
      const { io: output, lines } = io(false);
      assert.equal(await runDownload(sessions(), { url, partition: "x", json: false }, output), 1);
      assert.equal(lines.at(-1), line);
    }
  });

  it("sends -H, answers the server with -u and a proxy with -U, through --proxy", async () => {
    // An origin that wants X-Token and Basic ann:s3cret; a tinyproxy that wants pat:pw.
    const seen: { auth?: string; token?: string; accept?: string }[] = [];
    const origin = await httpOrigin((request, respond) => {
      seen.push({
        auth: request.headers.authorization,
        token: request.headers["x-token"] as string | undefined,
        accept: request.headers.accept,
      });
      if (request.headers["x-token"] !== "7") return respond(403, {}, "no token");
      if (request.headers.authorization !== `Basic ${btoa("ann:s3cret")}`) {
        return respond(401, { "WWW-Authenticate": 'Basic realm="files"' }, "who?");
      }
      respond(200, { "Content-Type": "application/octet-stream" }, "the secret file");
    });
    const proxy = await startTinyproxy(["pat", "pw"]);
    try {
      const args = parseDownloadArgs([
        "-H",
        "X-Token: 7",
        "-H",
        "Accept:",
        "-u",
        "ann:s3cret",
        "-U",
        "pat:pw",
        "--proxy",
        `http://127.0.0.1:${proxy.port}`,
        "--proxy-bypass",
        "<-loopback>",
        "--partition",
        "dl-request-options",
        "--json",
        "-o",
        "secret.bin",
        `${origin.url}/secret.bin`,
      ]);
      const { io: output, out } = io(false);
      assert.equal(await runDownload(sessions(), args, output), 0);
      assert.equal(readFileSync(join(dir, "secret.bin"), "utf8"), "the secret file");
      // The proxy let it through (it refuses anyone without pat:pw), the server asked first.
      assert.deepEqual(seen.map(({ auth }) => auth !== undefined), [false, true]);
      assert.ok(seen.every(({ token, accept }) => token === "7" && accept === undefined));
      // The report never shows the password.
      const report = JSON.parse(out[0]!);
      assert.equal(report.state, "completed");
      assert.ok(!out[0]!.includes("s3cret"), out[0]);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  it("-u answers a server at an IPv6 literal, whose 'login' host keeps its brackets", async () => {
    const asked: (string | undefined)[] = [];
    const origin = await httpOrigin((request, respond) => {
      asked.push(request.headers.authorization);
      if (request.headers.authorization !== `Basic ${btoa("ann:pw")}`) {
        return respond(401, { "WWW-Authenticate": 'Basic realm="r"' }, "who?");
      }
      respond(200, { "Content-Type": "application/octet-stream" }, "six");
    }, "::1");
    try {
      const args = parseDownloadArgs([
        "--partition",
        "dl-ipv6-user",
        "-u",
        "ann:pw",
        "-o",
        "six.bin",
        `${origin.url}/six.bin`,
      ]);
      const output = io(false);
      assert.equal(await runDownload(sessions(), args, output.io), 0, output.lines.join("\n"));
      assert.equal(readFileSync(join(dir, "six.bin"), "utf8"), "six");
      assert.deepEqual(asked, [undefined, `Basic ${btoa("ann:pw")}`]);
    } finally {
      await origin.close();
    }
  });

  it("--resume with -u answers the server that asks, once", async () => {
    // Past the writer's 1 MiB staging buffer, so the partial file has bytes before Ctrl-C.
    const payload = Buffer.alloc(3_000_000, 7);
    let stalled: ServerResponse | undefined;
    const asked: (string | undefined)[] = [];
    const origin = await httpOrigin((request, respond, raw) => {
      if (stalled === undefined) {
        // The first run: half the body, then nothing until Ctrl-C pauses it.
        stalled = raw;
        raw.writeHead(200, { "Content-Length": payload.length, ETag: '"v1"' });
        raw.write(payload.subarray(0, 1_500_000));
        return;
      }
      asked.push(request.headers.authorization);
      if (request.headers.authorization !== `Basic ${btoa("ann:pw")}`) {
        return respond(401, { "WWW-Authenticate": 'Basic realm="r"' }, "who?");
      }
      const from = Number(/bytes=(\d+)-/.exec(request.headers.range ?? "")?.[1] ?? 0);
      raw.writeHead(206, {
        "Content-Range": `bytes ${from}-${payload.length - 1}/${payload.length}`,
        "Content-Length": payload.length - from,
        ETag: '"v1"',
      });
      raw.end(payload.subarray(from));
    });
    const partial = join(dir, "resumed.bin.crdownload");
    try {
      const first = io(false);
      const running = runDownload(
        sessions(),
        parseDownloadArgs(["--partition", "dl-resume-user", `${origin.url}/resumed.bin`]),
        first.io,
      );
      while (
        !existsSync(`${partial}.json`) || !existsSync(partial) || statSync(partial).size === 0
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      first.interrupt();
      assert.equal(await running, EXIT_INTERRUPTED);
      stalled!.destroy();
      const again = io(false);
      const code = await runDownload(
        sessions(),
        parseDownloadArgs([
          "--partition",
          "dl-resume-user",
          "-u",
          "ann:pw",
          "--resume",
          "resumed.bin.crdownload",
        ]),
        again.io,
      );
      assert.equal(code, 0, again.lines.join("\n"));
      assertSameBytes(new Uint8Array(readFileSync(join(dir, "resumed.bin"))), payload);
      assert.deepEqual(asked, [undefined, `Basic ${btoa("ann:pw")}`]);
    } finally {
      await origin.close();
    }
  });

  it("Ctrl-C during --resume pauses at once while the server has not answered", async () => {
    // A server that takes the request and never answers.
    const sockets: Socket[] = [];
    let asked: () => void;
    const request = new Promise<void>((resolve) => asked = resolve);
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on("data", () => asked());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/mute.bin`;
    const partial = join(dir, "mute.bin.crdownload");
    writeFileSync(partial, "abc");
    writeFileSync(
      `${partial}.json`,
      JSON.stringify({
        version: 1,
        savePath: join(dir, "mute.bin"),
        urlChain: [url],
        mimeType: "",
        totalBytes: 10,
        offset: 3,
        eTag: '"m"',
        lastModified: "",
        startTime: 1,
      }),
    );
    try {
      const run = io(false);
      const running = runDownload(sessions(), {
        resume: "mute.bin.crdownload",
        partition: "cli-dl-mute",
        json: false,
      }, run.io);
      await request;
      run.interrupt();
      const outcome = await Promise.race([
        running,
        new Promise((resolve) => setTimeout(() => resolve("still waiting"), 5_000)),
      ]);
      assert.equal(outcome, EXIT_INTERRUPTED, run.lines.join("\n"));
      assert.match(run.lines.at(-1)!, /^paused at 3 bytes; continue with: ses download --resume /);
      assert.equal(readFileSync(partial, "utf8"), "abc");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses to resume a download only http: and https: can continue, never hanging", async () => {
    const partial = join(dir, "local.bin.crdownload");
    writeFileSync(partial, "abc");
    writeFileSync(
      `${partial}.json`,
      JSON.stringify({
        version: 1,
        savePath: join(dir, "local.bin"),
        urlChain: ["file:///etc/hostname"],
        mimeType: "",
        totalBytes: 10,
        offset: 3,
        eTag: "",
        lastModified: "",
        startTime: 1,
      }),
    );
    const { io: output, lines } = io(false);
    const code = await runDownload(
      sessions(),
      { resume: partial, partition: "x", json: false },
      output,
    );
    assert.equal(code, 1);
    assert.match(lines.at(-1)!, /Cannot resume .*local\.bin\.crdownload.*file:\/\/\/etc\/hostname/);
    assert.equal(readFileSync(partial, "utf8"), "abc");
  });

  it("labels plain progress lines with the name made unique in the directory", async () => {
    const origin = await startRangeOrigin({ "/label.bin": { body } });
    try {
      const folder = mkdtempSync(join(dir, "label-"));
      writeFileSync(join(folder, "label.bin"), "already here");
      const { io: output, lines } = io(false);
      const code = await runDownload(sessions(), {
        url: `${origin.url}/label.bin`,
        output: `${folder}/`,
        partition: "cli-dl-label",
        json: false,
      }, output);
      assert.equal(code, 0, lines.join("\n"));
      assert.ok(lines.length >= 2, lines.join("\n"));
      for (const line of lines.slice(0, -1)) assert.match(line, /^label \(1\)\.bin: /);
      assert.equal(lines.at(-1), `saved ${join(folder, "label (1).bin")} (2000000 bytes)`);
    } finally {
      await origin.close();
    }
  });

  it("an HTTP error draws no progress and names the status line, as curl --fail", async () => {
    const origin = await startRangeOrigin({
      "/gone.bin": { body: new Uint8Array(9), status: 404 },
    });
    try {
      const plain = io(false);
      const args = { url: `${origin.url}/gone.bin`, partition: "x", json: false };
      assert.equal(await runDownload(sessions(), args, plain.io), 1);
      assert.deepEqual(plain.lines, [
        "ses download: interrupted (SERVER_BAD_CONTENT: HTTP/1.1 404 Not Found)",
      ]);
      const terminal = io(true);
      assert.equal(await runDownload(sessions(), args, terminal.io), 1);
      assert.equal(terminal.drawn(), "");
    } finally {
      await origin.close();
    }
  });

  it("a status line with control characters is printed escaped, never drawn on the terminal", async () => {
    // Written by hand: node:http refuses such a reason phrase. A C1 CSI (obs-text, which every
    // runtime's Response takes) and, for the runtimes whose Response takes it, ESC and BEL.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {}).on("close", () => sockets.delete(socket));
      socket.once("data", (request) => {
        const reason = request.toString("latin1").startsWith("GET /c1 ")
          ? "Not\x9b2J Found"
          : "Not\x1b]0;owned\x07\x1b[2J Found";
        socket.end(Buffer.from(`HTTP/1.1 404 ${reason}\r\ncontent-length: 0\r\n\r\n`, "latin1"));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const c1 = io(false);
      const args = { url: `${url}/c1`, partition: "x", json: false };
      assert.equal(await runDownload(sessions(), args, c1.io), 1);
      assert.deepEqual(c1.lines, [
        "ses download: interrupted (SERVER_BAD_CONTENT: HTTP/1.1 404 Not\\x9b2J Found)",
      ]);
      const esc = io(false);
      assert.equal(await runDownload(sessions(), { ...args, url: `${url}/esc` }, esc.io), 1);
      assert.equal(esc.lines.length, 1);
      // deno-lint-ignore no-control-regex -- matching control characters is the point
      assert.doesNotMatch(esc.lines[0]!, /[\x00-\x1f\x7f-\x9f]/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("saves in the current directory or -o's without storing it as the partition's directory", async () => {
    const origin = await startRangeOrigin({ "/kept.bin": { body: body.subarray(0, 1000) } });
    try {
      const userData = join(dir, "userData");
      const folder = mkdtempSync(join(dir, "elsewhere-"));
      for (const output of [undefined, `${folder}/`]) {
        const { io: output_, lines } = io(false);
        const code = await runDownload(sessions(), {
          url: `${origin.url}/kept.bin`,
          output,
          partition: "persist:cli-dl-directory",
          json: false,
        }, output_);
        assert.equal(code, 0, lines.join("\n"));
      }
      assert.ok(existsSync(join(folder, "kept.bin")));
      // Electron's setDownloadPath is stored with the partition; the command's directory is for
      // its run alone, or a program's later downloads of this partition would go where the
      // command last ran.
      const preferences = join(userData, "Partitions", "cli-dl-directory", "Preferences");
      const stored = existsSync(preferences) ? JSON.parse(readFileSync(preferences, "utf8")) : {};
      assert.equal(stored.download, undefined);
    } finally {
      await origin.close();
    }
  });

  it("Ctrl-C before the server answers cancels the download, with a report and exit 130", async () => {
    // A server that takes the request and never answers: the item is not announced yet.
    const sockets: Socket[] = [];
    let connected: () => void;
    const asked = () => new Promise<void>((resolve) => connected = resolve);
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.once("data", () => connected());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      for (const json of [true, false]) {
        const early = io(false);
        const requested = asked();
        const running = runDownload(sessions(), {
          url: `${url}/never-${json}.bin`,
          partition: "cli-dl-early",
          json,
        }, early.io);
        await requested;
        early.interrupt();
        assert.equal(await running, EXIT_INTERRUPTED);
        assert.equal(existsSync(join(dir, `never-${json}.bin.crdownload`)), false);
        assert.equal(existsSync(join(dir, `never-${json}.bin`)), false);
        if (json) {
          assert.deepEqual(early.lines, []);
          assert.equal(early.out.length, 1);
          const report = JSON.parse(early.out[0]!);
          assert.deepEqual([report.state, report.interruptReason, report.url, report.resume], [
            "cancelled",
            "USER_CANCELED",
            `${url}/never-true.bin`,
            null,
          ]);
        } else {
          assert.deepEqual(early.lines, [
            "ses download: cancelled before the server answered (Ctrl-C)",
          ]);
        }
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("offers --resume only when a partial file was left", async () => {
    const refused = io(false);
    assert.equal(
      await runDownload(
        sessions(),
        { url: "http://127.0.0.1:4/nothing.bin", partition: "x", json: false },
        refused.io,
      ),
      1,
    );
    assert.equal(existsSync(join(dir, "nothing.bin.crdownload")), false);
    assert.match(
      refused.lines.at(-1)!,
      /interrupted \(NETWORK_FAILED: net::ERR_CONNECTION_REFUSED\)$/,
    );
  });
});

/** An http: origin whose handler answers with `respond(status, headers, body)`, or raw. */
async function httpOrigin(
  handle: (
    request: IncomingMessage,
    respond: (status: number, headers: Record<string, string>, body: string) => void,
    raw: ServerResponse,
  ) => void,
  host = "127.0.0.1",
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createHttpServer((request, response) => {
    handle(request, (status, headers, body) => {
      response.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(body) });
      response.end(body);
    }, response);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${
      (server.address() as { port: number }).port
    }`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
