import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { NetLog } from "./net_log.ts";
import { netLogProblems, parseNetLog } from "./read_net_log.ts";
import { chromiumNetLogConstants } from "../tests/fixtures/chromium_net_log_constants.ts";
import { netLogToHar } from "./net_log_to_har.ts";

const EXIT_WRITER = fileURLToPath(
  new URL("../tests/fixtures/net_log_exit_writer.ts", import.meta.url),
);

async function tempPath(name: string): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "ses-netlog-")), name);
}

function headersEvent(netLog: NetLog) {
  const source = netLog.newSource("URL_REQUEST");
  netLog.add({ type: "REQUEST_ALIVE", phase: "PHASE_BEGIN", source });
  netLog.add({
    type: "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: {
      line: "GET / HTTP/1.1\r\n",
      headers: ["Host: a.test", "Cookie: secret=1", "Authorization: Basic dXNlcjpwdw=="],
    },
  });
  netLog.add({
    type: "SOCKET_BYTES_SENT",
    phase: "PHASE_NONE",
    source,
    params: { byte_count: 3, bytes: new Uint8Array([97, 98, 99]) },
  });
  netLog.add({ type: "REQUEST_ALIVE", phase: "PHASE_END", source, params: { net_error: -105 } });
}

describe("NetLog", () => {
  it("throws Electron's errors", async () => {
    const netLog = new NetLog();
    assert.throws(() => netLog.startLogging(""), {
      name: "TypeError",
      message: "The first parameter must be a valid string",
    });
    const path = await tempPath("a.json");
    assert.throws(
      () => netLog.startLogging(path, { captureMode: "bogus" as "default" }),
      { name: "TypeError", message: "Invalid value for captureMode" },
    );
    await assert.rejects(netLog.stopLogging(), { message: "No net log in progress" });
    assert.equal(netLog.capturing, false);
    await netLog.startLogging(path);
    assert.throws(() => netLog.startLogging(path), {
      message: "There is already a net log running",
    });
    assert.equal(netLog.currentlyLogging, true);
    await netLog.stopLogging();
    assert.equal(netLog.currentlyLogging, false);
  });

  it("words a path of the wrong type as gin converts base::FilePath: null is an empty path", () => {
    const netLog = new NetLog() as unknown as { startLogging: (...args: unknown[]) => unknown };
    assert.throws(() => netLog.startLogging(), {
      name: "TypeError",
      message: "Insufficient number of arguments.",
    });
    const wrong: [unknown, string][] = [[undefined, "undefined"], [5, ""], [{}, ""], [["a"], ""]];
    for (const [path, what] of wrong) {
      assert.throws(() => netLog.startLogging(path), {
        name: "TypeError",
        message: `Error processing argument at index 0, conversion failure from ${what}`,
      });
    }
    // Electron's FilePath converter takes null as an empty path, which StartLogging refuses.
    assert.throws(() => netLog.startLogging(null), {
      name: "TypeError",
      message: "The first parameter must be a valid string",
    });
  });

  it("checks the options as Electron's binding: a key present must convert, any number is a size", async () => {
    const netLog = new NetLog();
    const path = await tempPath("options.json");
    for (const options of [{ captureMode: undefined }, { captureMode: null }, { captureMode: 1 }]) {
      assert.throws(() => netLog.startLogging(path, options as object), {
        name: "TypeError",
        message: "Invalid value for captureMode",
      });
    }
    for (
      const options of [{ maxFileSize: undefined }, { maxFileSize: null }, { maxFileSize: "9" }]
    ) {
      assert.throws(() => netLog.startLogging(path, options as object), {
        name: "TypeError",
        message: "Invalid value for maxFileSize",
      });
    }
    assert.equal(netLog.currentlyLogging, false);
    // gin's uint64 conversion: -1 is Chromium's kUnlimitedFileSize, 0 and NaN a bound of 0
    // (the latest events only); an options argument that is not an object is ignored.
    for (const options of [{ maxFileSize: -1 }, { maxFileSize: 0 }, { maxFileSize: NaN }, "x", 5]) {
      await netLog.startLogging(path, options as object);
      for (let i = 0; i < 20; i++) headersEvent(netLog);
      await netLog.stopLogging();
      const log = parseNetLog(await readFile(path, "utf8"));
      assert.deepEqual(netLogProblems(log), []);
      const bounded = typeof options === "object" && options.maxFileSize !== -1;
      assert.equal(log.events.length < 80, bounded, JSON.stringify(options));
    }
  });

  it("rejects with Chromium's file error name, as Electron, when the file cannot be created", async () => {
    const netLog = new NetLog();
    const path = join(await tempPath("missing"), "log.json");
    const named = (message: string, code: string) => (error: unknown) =>
      error instanceof Error && error.message === message &&
      (error.cause as { code?: string }).code === code;
    await assert.rejects(netLog.startLogging(path), named("FILE_ERROR_NOT_FOUND", "ENOENT"));
    await assert.rejects(
      netLog.startLogging(path, { maxFileSize: 1000 }),
      named("FILE_ERROR_NOT_FOUND", "ENOENT"),
    );
    await assert.rejects(
      netLog.startLogging(tmpdir()),
      named("FILE_ERROR_ACCESS_DENIED", "EISDIR"),
    );
    assert.equal(netLog.currentlyLogging, false);
    await netLog.startLogging(await tempPath("then.json"));
    await netLog.stopLogging();
  });

  it("writes Chromium's format that the viewer accepts, one event per line", async () => {
    const netLog = new NetLog();
    const path = await tempPath("log.json");
    await netLog.startLogging(path);
    headersEvent(netLog);
    await netLog.stopLogging();
    const text = await readFile(path, "utf8");
    const log = parseNetLog(text);
    // Chromium's WriteConstantsToFile, byte for byte.
    assert.match(text, /^\{"constants":\{.*\},\n"events": \[\n/);
    assert.equal(log.constants.logCaptureMode, "Default");
    // Chromium's GetPlatformConstantsForNetLog: the OS as "name: version (architecture)", the
    // command line, and the embedder's channel string (Electron's is "Electron <version>").
    const client = log.constants.clientInfo as Record<string, string>;
    assert.match(client.os_type!, /^\S+: \S+ \(\S+\)$/);
    assert.ok(client.command_line!.startsWith(process.argv[0]!), client.command_line);
    assert.match(client.version_mod!, /^@ses\/session \d+\.\d+\.\d+/);
    // Chromium's RewindIfWroteEventBytes and WritePolledDataToFile: the last event's ",\n"
    // gives way to the closing.
    assert.ok(text.endsWith('"phase":2,"params":{"net_error":-105}}]}\n'), text.slice(-80));
    const lines = text.split("\n");
    assert.equal(lines.length, 2 + 4 + 1);
    assert.deepEqual(netLogProblems(log), []);
    assert.equal(log.truncated, false);
    assert.deepEqual(log.events.map((e) => `${e.type}/${e.phase}`), [
      "REQUEST_ALIVE/PHASE_BEGIN",
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS/PHASE_NONE",
      "SOCKET_BYTES_SENT/PHASE_NONE",
      "REQUEST_ALIVE/PHASE_END",
    ]);
    assert.equal(typeof log.rawEvents[0]?.time, "string");
    assert.equal(
      log.constants.netError && (log.constants.netError as Record<string, number>)
        .ERR_NAME_NOT_RESOLVED,
      -105,
    );
    // Tick 0 is this thread's time origin: event times are its performance.now().
    assert.equal(log.constants.timeTickOffset, String(Math.round(performance.timeOrigin)));
    // default mode strips cookies, credentials (their scheme too, as Chromium) and socket bytes.
    assert.deepEqual(log.events[1]?.params?.headers, [
      "Host: a.test",
      "Cookie: [8 bytes were stripped]",
      "Authorization: [18 bytes were stripped]",
    ]);
    assert.deepEqual(log.events[2]?.params, { byte_count: 3 });
  });

  it("keeps cookies with includeSensitive and socket bytes with everything", async () => {
    for (const [captureMode, bytes] of [["includeSensitive", undefined], ["everything", "YWJj"]]) {
      const netLog = new NetLog();
      const path = await tempPath("log.json");
      await netLog.startLogging(path, { captureMode: captureMode as "everything" });
      headersEvent(netLog);
      await netLog.stopLogging();
      const log = parseNetLog(await readFile(path, "utf8"));
      assert.ok((log.events[1]?.params?.headers as string[]).includes("Cookie: secret=1"));
      assert.equal(log.events[2]?.params?.bytes, bytes);
    }
  });

  it("bounds the events by maxFileSize, keeping the latest as Chromium's bounded writer", async () => {
    const netLog = new NetLog();
    const path = await tempPath("small.json");
    const maxFileSize = 20_000;
    await netLog.startLogging(path, { maxFileSize });
    // While logging, the events go to ten event files beside the log.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 500; i++) headersEvent(netLog);
    // The writes follow within the 20 ms batch delay; a loaded machine may take longer.
    const expected = Array.from({ length: 10 }, (_, i) => `event_file_${i}.json`).sort();
    let files: string[] = [];
    for (let waited = 0; waited < 10_000; waited += 25) {
      files = (await readdir(`${path}.inprogress`)).sort();
      if (files.length === expected.length) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(files, expected);
    await netLog.stopLogging();
    await assert.rejects(stat(`${path}.inprogress`), { code: "ENOENT" });
    const text = await readFile(path, "utf8");
    const log = parseNetLog(text);
    assert.deepEqual(netLogProblems(log), []);
    // The events' bytes stay within the bound plus at most one event per event file (a soft
    // limit, as Chromium's); the constants and the closing come on top.
    const eventBytes = Buffer.byteLength(text.slice(text.indexOf('\n"events": [\n') + 13));
    assert.ok(eventBytes <= maxFileSize + 10 * 400, `${eventBytes} event bytes`);
    assert.ok(eventBytes > maxFileSize * 0.8, `${eventBytes} event bytes`);
    assert.ok(log.events.length > 0 && log.events.length < 2000);
    // The latest events are the ones kept: the last source's four, at the end, in order.
    const sources = log.events.map((event) => event.source.id);
    assert.equal(sources.at(-1), 500);
    assert.deepEqual(sources, [...sources].sort((a, b) => a - b));
    assert.ok(sources[0]! > 1);
    assert.deepEqual(log.events.slice(-4).map((e) => e.type), [
      "REQUEST_ALIVE",
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
      "SOCKET_BYTES_SENT",
      "REQUEST_ALIVE",
    ]);
    assert.equal(log.polledData?.droppedEvents, 2000 - log.events.length);
  });

  it("makes the log readable by its owner only, as Chromium's base::File creates it", async () => {
    // A log holds URLs, headers and (includeSensitive) cookies: base::File opens with
    // S_IRUSR | S_IWUSR and base::CreateDirectory makes 0700, whatever the umask allows.
    if (process.platform === "win32") return;
    const netLog = new NetLog();
    const path = await tempPath("private.json");
    await netLog.startLogging(path, { maxFileSize: 1_000_000 });
    headersEvent(netLog);
    let files: string[] = [];
    for (let waited = 0; waited < 10_000 && files.length === 0; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      files = await readdir(`${path}.inprogress`);
    }
    assert.equal((await stat(`${path}.inprogress`)).mode & 0o777, 0o700);
    assert.equal((await stat(join(`${path}.inprogress`, files[0]!))).mode & 0o777, 0o600);
    await netLog.stopLogging();
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const unbounded = await tempPath("private.json");
    await netLog.startLogging(unbounded, { captureMode: "includeSensitive" });
    await netLog.stopLogging();
    assert.equal((await stat(unbounded)).mode & 0o777, 0o600);
  });

  it("starts a log on the file of one still closing once that one is complete", async () => {
    for (const options of [{ maxFileSize: 1_000_000 }, {}]) {
      const first = new NetLog();
      const second = new NetLog();
      const path = await tempPath("reused.json");
      await first.startLogging(path, options);
      for (let i = 0; i < 200; i++) headersEvent(first);
      // Not awaited: the second log starts while the first stitches and closes the file.
      const stopped = first.stopLogging();
      const started = second.startLogging(path, options);
      headersEvent(second);
      await stopped;
      await started;
      await second.stopLogging();
      const log = parseNetLog(await readFile(path, "utf8"));
      assert.equal(log.truncated, false);
      assert.deepEqual(netLogProblems(log), []);
      assert.equal(log.events.length, 4, JSON.stringify(options));
    }
  });

  it("keeps every event when the bound is never reached", async () => {
    const netLog = new NetLog();
    const path = await tempPath("roomy.json");
    await netLog.startLogging(path, { maxFileSize: 10_000_000 });
    for (let i = 0; i < 20; i++) headersEvent(netLog);
    await netLog.stopLogging();
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual(netLogProblems(log), []);
    assert.equal(log.events.length, 80);
    assert.equal(log.polledData, undefined);
  });

  it("reads a log cut by a crash up to its last whole line", async () => {
    const netLog = new NetLog();
    const path = await tempPath("cut.json");
    await netLog.startLogging(path);
    headersEvent(netLog);
    // Let the batch reach the file, then copy it as a crash would leave it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const partial = await readFile(path, "utf8");
    await netLog.stopLogging();
    await writeFile(path, `${partial}{"time": "12", "sou`);
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.equal(log.truncated, true);
    assert.equal(log.events.length, 4);
    assert.deepEqual(netLogProblems(log), []);
    assert.throws(() => parseNetLog("nonsense"), SyntaxError);
  });

  it("reads a log written by Chromium itself, whose timeTickOffset is a number", () => {
    // The shape of `chromium --log-net-log` (Chromium 156): NetLogNumberValue writes the offset
    // as a number below 2^53; event times stay strings.
    const event = (type: number, phase: number, time: string, params?: object) =>
      JSON.stringify({
        ...(params ? { params } : {}),
        phase,
        source: { id: 103, start_time: "50970906", type: 1 },
        time,
        type,
      });
    const text = `{"constants":${
      JSON.stringify(chromiumNetLogConstants(1795994288158))
    },\n"events": [\n${
      [
        event(2, 1, "50970906", { priority: "HIGHEST", url: "http://127.0.0.1:8765/c" }),
        event(136, 1, "50970907", { method: "GET", url: "http://127.0.0.1:8765/c" }),
        event(240, 0, "50970908", {
          headers: ["Host: 127.0.0.1:8765", "Cookie: sid=secret123"],
          line: "GET /c HTTP/1.1\r\n",
        }),
        event(245, 0, "50970916", {
          headers: ["HTTP/1.1 200 OK", "Transfer-Encoding: chunked"],
        }),
        event(136, 2, "50970917"),
        event(150, 0, "50970917", { byte_count: 6 }),
        event(150, 0, "50970917", { byte_count: 5 }),
        event(2, 2, "50970918"),
      ].join(",\n")
    }],\n"polledData": {"proxySettings": {}}\n}\n`;
    const log = parseNetLog(text);
    assert.deepEqual(netLogProblems(log), []);
    assert.equal(log.events[0]!.time, 1795994288158 + 50970906);
    const [entry] = netLogToHar(log).log.entries;
    assert.equal(entry!.startedDateTime, new Date(1795994288158 + 50970907).toISOString());
    // The decoded size, from the bytes Chromium logs as the body is read (any capture mode).
    assert.deepEqual([entry!.response.status, entry!.response.content.size], [200, 11]);
    assert.deepEqual(entry!.request.cookies, [{ name: "sid", value: "secret123" }]);
    assert.deepEqual(
      netLogProblems({ ...log, constants: { ...log.constants, timeTickOffset: "12ab" } }),
      ["constants.timeTickOffset is not a number or a numeric string"],
    );
  });

  it("logs from the startLogging call, as Electron's currentlyLogging says, and a stop waits for the start", async () => {
    const netLog = new NetLog();
    const path = await tempPath("early.json");
    // Electron's own example starts without awaiting: the exporter exists at once.
    const started = netLog.startLogging(path);
    assert.equal(netLog.currentlyLogging, true);
    assert.equal(netLog.capturing, true);
    assert.throws(() => netLog.startLogging(path), {
      name: "TypeError",
      message: "There is already a net log running",
    });
    headersEvent(netLog);
    const stopped = netLog.stopLogging();
    assert.equal(netLog.currentlyLogging, false);
    headersEvent(netLog); // after the stop: not in the file
    await started;
    await stopped;
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.equal(log.truncated, false);
    assert.equal(log.events.length, 4);
    assert.deepEqual(netLogProblems(log), []);
    // The next log is a new file, and a stop of a start that failed says none ran.
    const missing = join(await tempPath("gone"), "log.json");
    const failed = netLog.startLogging(missing);
    const stopFailed = netLog.stopLogging();
    await assert.rejects(failed, { message: "FILE_ERROR_NOT_FOUND" });
    await assert.rejects(stopFailed, { message: "No net log in progress" });
    assert.equal(netLog.currentlyLogging, false);
  });

  it("forgets a start that failed: currentlyLogging is false once it rejects", async () => {
    const netLog = new NetLog();
    const missing = join(await tempPath("gone"), "log.json");
    const failed = netLog.startLogging(missing);
    assert.equal(netLog.currentlyLogging, true);
    await assert.rejects(failed, { message: "FILE_ERROR_NOT_FOUND" });
    assert.equal(netLog.currentlyLogging, false);
    await assert.rejects(netLog.stopLogging(), { message: "No net log in progress" });
  });

  it("completes a log still running when the process exits, as Electron", async () => {
    for (const bound of [undefined, "4000"]) {
      const path = await tempPath("exit.json");
      const code = await new Promise<number | null>((resolve, reject) => {
        const args = "Deno" in globalThis ? ["run", "-A", EXIT_WRITER] : [EXIT_WRITER];
        const child = spawn(process.execPath, [...args, path, ...(bound ? [bound] : [])], {
          stdio: ["ignore", "inherit", "inherit"],
        });
        child.once("error", reject);
        child.once("exit", resolve);
      });
      assert.equal(code, 0);
      const log = parseNetLog(await readFile(path, "utf8"));
      assert.equal(log.truncated, false, `a complete log (maxFileSize ${bound})`);
      assert.deepEqual(netLogProblems(log), []);
      if (bound === undefined) assert.equal(log.events.length, 400);
      else {
        assert.ok(log.events.length > 0 && log.events.length < 400);
        // The latest events are the ones kept.
        assert.equal(log.events.at(-1)!.source.id, 200);
        await assert.rejects(stat(`${path}.inprogress`), { code: "ENOENT" });
      }
    }
  });

  it("completes a log when the process dies of an uncaught error, and only then", async () => {
    for (const end of ["throw", "reject", "handled"]) {
      const path = await tempPath(`${end}.json`);
      const stderr: string[] = [];
      const code = await new Promise<number | null>((resolve, reject) => {
        const args = "Deno" in globalThis ? ["run", "-A", EXIT_WRITER] : [EXIT_WRITER];
        const child = spawn(process.execPath, [...args, path, "-", end], {
          stdio: ["ignore", "inherit", "pipe"],
        });
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
        child.once("error", reject);
        child.once("exit", resolve);
      });
      const log = parseNetLog(await readFile(path, "utf8"));
      assert.equal(log.truncated, false, `a complete log (${end})`);
      assert.deepEqual(netLogProblems(log), []);
      if (end === "handled") {
        // The program went on: the log kept recording until its own stopLogging.
        assert.equal(code, 0);
        assert.equal(log.events.length, 600);
      } else {
        // It still dies of its own error.
        assert.equal(code, 1);
        assert.match(stderr.join(""), /the program's own bug/);
        assert.equal(log.events.length, 400);
      }
    }
  });

  it("completes a log when a signal ends the process, as Chromium's clean shutdown", async () => {
    const path = await tempPath("signal.json");
    const signal = await new Promise<string | null>((resolve, reject) => {
      const args = "Deno" in globalThis ? ["run", "-A", EXIT_WRITER] : [EXIT_WRITER];
      const child = spawn(process.execPath, [...args, path, "-", "signal"], {
        stdio: ["ignore", "inherit", "inherit"],
      });
      child.once("error", reject);
      child.once("exit", (_code, signal) => resolve(signal));
    });
    // The signal still ends it.
    assert.equal(signal, "SIGTERM");
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.equal(log.truncated, false);
    assert.deepEqual(netLogProblems(log), []);
    assert.equal(log.events.length, 400);
  });

  it("builds nothing while not logging", () => {
    const netLog = new NetLog();
    assert.equal(netLog.capturing, false);
    headersEvent(netLog);
  });
});
