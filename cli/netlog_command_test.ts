import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { session } from "../session/mod.ts";
import { runFetch } from "./fetch_command.ts";
import { runNetlog } from "./netlog_command.ts";
import { parseFetchArgs } from "./parse_fetch_args.ts";

// HAR 1.2's required fields (softwareishard.com/blog/har-12-spec), entry by entry.
const REQUIRED = {
  entry: ["startedDateTime", "time", "request", "response", "cache", "timings"],
  request: [
    "method",
    "url",
    "httpVersion",
    "cookies",
    "headers",
    "queryString",
    "headersSize",
    "bodySize",
  ],
  response: [
    "status",
    "statusText",
    "httpVersion",
    "cookies",
    "headers",
    "content",
    "redirectURL",
    "headersSize",
    "bodySize",
  ],
  timings: ["send", "wait", "receive"],
};

function missing(object: Record<string, unknown>, fields: string[], where: string): string[] {
  return fields.filter((field) => !(field in object)).map((field) => `${where}.${field}`);
}

describe("ses fetch --netlog and ses netlog har", () => {
  let server: Server;
  let origin = "";
  let dir = "";

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/start") response.writeHead(301, { location: "/end?x=1" }).end();
      else response.writeHead(200, { "content-type": "text/plain" }).end("done");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    dir = await mkdtemp(join(tmpdir(), "ses-netlog-cli-"));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("records a fetch and converts its log to a HAR 1.2 archive with the required fields", async () => {
    const logPath = join(dir, "fetch.json");
    const args = parseFetchArgs([
      "--partition",
      "netlog-cli",
      "--netlog",
      logPath,
      `${origin}/start`,
    ]);
    const chunks: Uint8Array[] = [];
    const body = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
    assert.equal(await runFetch(session, args, { info: () => {}, body }), 0);
    assert.equal(Buffer.concat(chunks).toString(), "done");

    const harPath = join(dir, "out.har");
    const messages: string[] = [];
    const code = await runNetlog(["har", logPath, "-o", harPath], {
      info: (line) => messages.push(line),
      write: () => {},
    });
    assert.equal(code, 0, messages.join("\n"));
    const har = JSON.parse(await readFile(harPath, "utf8"));
    assert.equal(har.log.version, "1.2");
    assert.ok(har.log.creator.name && typeof har.log.creator.version === "string");
    const entries = har.log.entries as Record<string, Record<string, unknown>>[];
    assert.deepEqual(entries.map((e) => [e.request!.url, e.response!.status]), [
      [`${origin}/start`, 301],
      [`${origin}/end?x=1`, 200],
    ]);
    const problems = entries.flatMap((entry) => [
      ...missing(entry, REQUIRED.entry, "entry"),
      ...missing(entry.request!, REQUIRED.request, "request"),
      ...missing(entry.response!, REQUIRED.response, "response"),
      ...missing(entry.timings!, REQUIRED.timings, "timings"),
    ]);
    assert.deepEqual(problems, []);
    assert.equal(entries[0]!.response!.redirectURL, `${origin}/end?x=1`);
    assert.deepEqual(entries[1]!.request!.queryString, [{ name: "x", value: "1" }]);
    assert.ok((entries[0]!.timings!.dns as number) >= 0);
    assert.ok((entries[0]!.timings!.connect as number) >= 0);
    assert.equal(entries[1]!.timings!.connect, -1, "the second hop reuses the connection");
    assert.equal(entries[1]!.serverIPAddress ?? "127.0.0.1", "127.0.0.1");
    assert.deepEqual(
      (entries[1]!.response!.content as { mimeType: string }).mimeType,
      "text/plain",
    );
  });

  it("records a log in the capture mode --netlog-capture-mode names, so its HAR has the body", async () => {
    const logPath = join(dir, "everything.json");
    const args = parseFetchArgs([
      "--partition",
      "netlog-cli-everything",
      "--netlog",
      logPath,
      "--netlog-capture-mode",
      "everything",
      "-d",
      "a=1",
      `${origin}/end`,
    ]);
    const body = new WritableStream<Uint8Array>();
    assert.equal(await runFetch(session, args, { info: () => {}, body }), 0);
    let text = "";
    assert.equal(
      await runNetlog(["har", logPath], { info: () => {}, write: (chunk) => text += chunk }),
      0,
    );
    const [entry] = JSON.parse(text).log.entries;
    assert.deepEqual(entry.request.postData, {
      mimeType: "application/x-www-form-urlencoded",
      text: "a=1",
    });
    assert.equal(entry.response.content.text, "done");
  });

  it("gives HAR cookies from a log that keeps them, and a time that is the sum of the timings", async () => {
    const cookieServer = createServer((request, response) => {
      response.writeHead(200, {
        "set-cookie": [
          "sid=s3cret; Path=/app; HttpOnly; Secure; SameSite=Lax",
          `pref=dark; Domain=127.0.0.1; Expires=${new Date(Date.UTC(2030, 0, 1)).toUTCString()}`,
        ],
      }).end(request.headers.cookie ?? "");
    });
    await new Promise<void>((resolve) => cookieServer.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(cookieServer.address() as { port: number }).port}/app`;
    const har = async (captureMode: "default" | "includeSensitive") => {
      const ses = session.fromPartition(`netlog-cli-cookies-${captureMode}`);
      const logPath = join(dir, `cookies-${captureMode}.json`);
      await ses.netLog.startLogging(logPath, { captureMode });
      await (await ses.fetch(url, { headers: { cookie: "mine=1; other=two" } })).text();
      await ses.netLog.stopLogging();
      await ses.closeAllConnections();
      let text = "";
      const code = await runNetlog(["har", logPath], {
        info: () => {},
        write: (chunk) => text += chunk,
      });
      assert.equal(code, 0);
      return JSON.parse(text).log.entries[0];
    };
    try {
      const entry = await har("includeSensitive");
      assert.deepEqual(entry.request.cookies, [
        { name: "mine", value: "1" },
        { name: "other", value: "two" },
      ]);
      assert.deepEqual(entry.response.cookies, [
        {
          name: "sid",
          value: "s3cret",
          path: "/app",
          httpOnly: true,
          secure: true,
          sameSite: "Lax",
        },
        { name: "pref", value: "dark", domain: "127.0.0.1", expires: "2030-01-01T00:00:00.000Z" },
      ]);
      // Chrome's _blocked_proxy is a part of blocked, not a phase of its own.
      const phases = Object.entries(entry.timings as Record<string, number>)
        .filter(([name, ms]) => !name.startsWith("_") && ms >= 0).map(([, ms]) => ms);
      // HAR 1.2: time is the sum of the timings that apply (ssl is inside connect).
      const ssl = Math.max(entry.timings.ssl, 0);
      assert.equal(entry.time, phases.reduce((a, b) => a + b, 0) - ssl);
      assert.ok(entry.timings.blocked >= 0);
      // The default mode strips the values, so there are no cookies to show.
      const stripped = await har("default");
      assert.deepEqual([stripped.request.cookies, stripped.response.cookies], [[], []]);
    } finally {
      await new Promise<void>((resolve) => cookieServer.close(() => resolve()));
    }
  });

  it("gives a request body's size, and its text from an everything log, and every entry's server address", async () => {
    const echo = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => response.end(Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(echo.address() as { port: number }).port}/echo`;
    const entries = async (captureMode: "default" | "everything") => {
      const ses = session.fromPartition(`netlog-cli-upload-${captureMode}`);
      const logPath = join(dir, `upload-${captureMode}.json`);
      await ses.netLog.startLogging(logPath, { captureMode });
      const requests: RequestInit[] = [
        { method: "POST", body: "a=1&b=é", headers: { "content-type": "text/plain" } },
        {
          method: "PUT",
          duplex: "half",
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("first,"));
              controller.enqueue(new TextEncoder().encode("second"));
              controller.close();
            },
          }),
        } as RequestInit,
        { method: "GET" },
      ];
      for (const init of requests) await (await ses.fetch(url, init)).text();
      await ses.netLog.stopLogging();
      await ses.closeAllConnections();
      let text = "";
      const code = await runNetlog(["har", logPath], {
        info: () => {},
        write: (chunk) => text += chunk,
      });
      assert.equal(code, 0);
      return JSON.parse(text).log.entries as {
        request: { bodySize: number; postData?: unknown };
        serverIPAddress?: string;
      }[];
    };
    try {
      const everything = await entries("everything");
      assert.deepEqual(everything.map((e) => [e.request.bodySize, e.request.postData]), [
        [8, { mimeType: "text/plain", text: "a=1&b=é" }],
        [12, { mimeType: "", text: "first,second" }],
        [0, undefined],
      ]);
      // The default mode keeps no bytes: a chunked body's size is not known.
      const stripped = await entries("default");
      assert.deepEqual(stripped.map((e) => [e.request.bodySize, e.request.postData]), [
        [8, undefined],
        [-1, undefined],
        [0, undefined],
      ]);
      // The later requests reuse the connection, and still name the server.
      assert.deepEqual(stripped.map((e) => e.serverIPAddress), [
        "127.0.0.1",
        "127.0.0.1",
        "127.0.0.1",
      ]);
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it("converts a bounded log whose process died, from its in-progress event files", async () => {
    const ses = session.fromPartition("netlog-cli-crashed-bounded");
    const logPath = join(dir, "crashed.json");
    await ses.netLog.startLogging(logPath, { maxFileSize: 1_000_000 });
    await (await ses.fetch(`${origin}/start`)).text();
    // No stop: the file holds its constants and the events wait in LOG.json.inprogress/, as a
    // crash leaves them (the writer's 20 ms batch reaches the event file; longer under load).
    let text = "";
    const messages: string[] = [];
    const output = { info: (line: string) => messages.push(line), write: (t: string) => text = t };
    for (let waited = 0; waited < 10_000; waited += 25) {
      assert.equal(await runNetlog(["har", logPath], output), 0);
      if (JSON.parse(text).log.entries.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const entries = JSON.parse(text).log.entries;
    assert.deepEqual(
      entries.map((e: { request: { url: string } }) => e.request.url),
      [`${origin}/start`, `${origin}/end?x=1`],
    );
    assert.match(messages.at(-1)!, /was cut off/);
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
  });

  it("reports logs it cannot read, and usage errors", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, "not a log");
    const messages: string[] = [];
    const output = { info: (line: string) => messages.push(line), write: () => {} };
    assert.equal(await runNetlog(["har", bad], output), 1);
    assert.match(messages.at(-1)!, /cannot read/);
    assert.equal(await runNetlog(["har", join(dir, "absent.json")], output), 1);
    assert.equal(await runNetlog(["view"], output), 2);
    assert.equal(await runNetlog(["show", bad], output), 2);
    await writeFile(bad, '{"constants": {}, "events": []}');
    assert.equal(await runNetlog(["har", bad], output), 1);
    assert.match(messages.at(-1)!, /constants.logFormatVersion is missing/);
  });

  it("writes to standard output for -o -, as curl does", async () => {
    const log = join(dir, "dash.json");
    const netLog = session.fromPartition("netlog-cli-dash").netLog;
    await netLog.startLogging(log);
    await netLog.stopLogging();
    const previous = process.cwd();
    process.chdir(dir);
    try {
      for (const [action, start] of [["har", '{\n  "log"'], ["view", "<!DOCTYPE html>"]]) {
        let text = "";
        const output = { info: () => {}, write: (chunk: string) => text += chunk };
        assert.equal(await runNetlog([action!, log, "-o", "-"], output), 0);
        assert.ok(text.startsWith(start!), text.slice(0, 40));
      }
      await assert.rejects(stat(join(dir, "-")), { code: "ENOENT" });
    } finally {
      process.chdir(previous);
    }
  });

  it("reads a log piped in as -, the page then on standard output", async () => {
    const log = join(dir, "piped.json");
    const ses = session.fromPartition("netlog-cli-piped");
    await ses.netLog.startLogging(log);
    await (await ses.fetch(`${origin}/end`)).text();
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
    const piped = await readFile(log, "utf8");
    const previous = process.cwd();
    process.chdir(dir);
    try {
      for (const [action, start] of [["har", '{\n  "log"'], ["view", "<!DOCTYPE html>"]]) {
        let text = "";
        const messages: string[] = [];
        const output = {
          info: (line: string) => void messages.push(line),
          write: (chunk: string) => text += chunk,
          readStdin: () => Promise.resolve(piped),
        };
        assert.equal(await runNetlog([action!, "-"], output), 0, messages.join("\n"));
        assert.ok(text.startsWith(start!), text.slice(0, 40));
        assert.ok(text.includes(`${origin}/end`));
      }
      // No file named after standard input.
      await assert.rejects(stat(join(dir, "-.html")), { code: "ENOENT" });
      const output = {
        info: () => {},
        write: () => {},
        readStdin: () => Promise.resolve("nonsense"),
      };
      assert.equal(await runNetlog(["har", "-"], output), 1);
    } finally {
      process.chdir(previous);
    }
  });

  it("reports an output file it cannot write with exit code 1", async () => {
    const log = join(dir, "empty.json");
    const netLog = session.fromPartition("netlog-cli-empty").netLog;
    await netLog.startLogging(log);
    await netLog.stopLogging();
    const messages: string[] = [];
    const output = { info: (line: string) => messages.push(line), write: () => {} };
    const target = join(dir, "absent", "out");
    for (const action of ["har", "view"]) {
      assert.equal(await runNetlog([action, log, "-o", target], output), 1, messages.join("\n"));
      assert.match(messages.at(-1)!, /^ses netlog: cannot write ".*absent\/out": .*ENOENT/);
    }
  });
});
