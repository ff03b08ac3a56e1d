import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { writeBdic } from "./bdic_writer.ts";
import {
  DEFAULT_DICTIONARY_DOWNLOAD_URL,
  DictionaryDownloadUrl,
  loadHunspellDictionary,
  type LoadHunspellDictionaryOptions,
} from "./dictionary_download.ts";

const GERMAN = writeBdic({ aff: "SET UTF-8\n", dic: "2\nHallo\nWelt\n" });

describe("loadHunspellDictionary", () => {
  let server: Server;
  let base = "";
  let handler: (response: ServerResponse) => void = (response) => response.end();
  let dir = "";
  let events: string[] = [];

  before(async () => {
    server = createServer((_request, response) => handler(response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "ses-dictionaries-"));
    events = [];
  });

  const options = (overrides: Partial<LoadHunspellDictionaryOptions> = {}) => ({
    language: "de",
    directory: join(dir, "Dictionaries"),
    baseUrl: base,
    fetch: (url: string, init: RequestInit) => fetch(url, init),
    files: currentRuntime(),
    onEvent: (name: string, language: string) => events.push(`${name} ${language}`),
    ...overrides,
  });

  it("downloads, saves and converts a dictionary", async () => {
    handler = (response) => response.end(GERMAN);
    const files = await loadHunspellDictionary(options());
    assert.equal(new TextDecoder().decode(files?.dic), "2\nHallo\nWelt\n");
    assert.deepEqual(events, [
      "spellcheck-dictionary-download-begin de",
      "spellcheck-dictionary-download-success de",
      "spellcheck-dictionary-initialized de",
    ]);
    assert.ok(existsSync(join(dir, "Dictionaries", "de-DE-3-0.bdic")));
  });

  it("downloads over a FIFO in the file's place instead of waiting on it", async () => {
    handler = (response) => response.end(GERMAN);
    const file = join(dir, "Dictionaries", "de-DE-3-0.bdic");
    mkdirSync(join(dir, "Dictionaries"));
    execFileSync("mkfifo", [file]);
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stuck = new Promise((resolve) => timer = setTimeout(resolve, 30_000, "stuck"));
      const files = await Promise.race([loadHunspellDictionary(options()), stuck]);
      clearTimeout(timer);
      assert.notEqual(files, "stuck");
      assert.deepEqual(events, [
        "spellcheck-dictionary-download-begin de",
        "spellcheck-dictionary-download-success de",
        "spellcheck-dictionary-initialized de",
      ]);
      assert.ok(statSync(file).isFile());
    } finally {
      // Lets go a read left waiting on the FIFO, so no thread stays blocked.
      try {
        closeSync(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader waits, or the FIFO was replaced.
      }
    }
  });

  it("tells the bytes received and the Content-Length as the body arrives", async () => {
    const progress: [number, number][] = [];
    handler = (response) => {
      response.writeHead(200, { "content-length": String(GERMAN.length) });
      response.write(GERMAN.subarray(0, 10));
      // The rest only once the first bytes were told: a fixed delay let a loaded client read
      // both pieces as one.
      const rest = () => {
        if (!progress.some(([received]) => received >= 10)) return void setTimeout(rest, 5);
        response.end(GERMAN.subarray(10));
      };
      rest();
    };
    const files = await loadHunspellDictionary(
      options({ onProgress: (received, total) => progress.push([received, total]) }),
    );
    assert.ok(files !== undefined);
    assert.ok(progress.length >= 2, JSON.stringify(progress));
    assert.deepEqual(progress.at(-1), [GERMAN.length, GERMAN.length]);
    assert.ok(progress.every(([received], i) => i === 0 || received > progress[i - 1]![0]));
  });

  it("fails a body over 64 MiB without keeping it", async () => {
    handler = (response) => {
      response.writeHead(200);
      const chunk = new Uint8Array(1024 * 1024);
      chunk.set(GERMAN.subarray(0, 4));
      let sent = 0;
      const pump = (): void => {
        while (sent < 70) {
          sent++;
          if (!response.write(chunk)) {
            response.once("drain", pump);
            return;
          }
        }
        response.end();
      };
      response.on("error", () => {});
      pump();
    };
    assert.equal(await loadHunspellDictionary(options()), undefined);
    assert.deepEqual(events, [
      "spellcheck-dictionary-download-begin de",
      "spellcheck-dictionary-download-failure de",
    ]);
  });

  it("reports a file that cannot be saved as a failure, then initialized", async () => {
    handler = (response) => response.end(GERMAN);
    writeFileSync(join(dir, "file"), "");
    const files = await loadHunspellDictionary(options({ directory: join(dir, "file") }));
    assert.equal(files, undefined);
    assert.deepEqual(events, [
      "spellcheck-dictionary-download-begin de",
      "spellcheck-dictionary-download-failure de",
      "spellcheck-dictionary-initialized de",
    ]);
  });

  // Without the stall bound this test would wait forever; the test's own timeout makes it fail.
  it("fails a download that receives nothing for the stall timeout, head or body", {
    timeout: 20_000,
  }, async () => {
    // A server that never answers, then one that sends a head and part of the body and stops.
    for (
      const stall of [
        () => {},
        (response: ServerResponse) => {
          response.writeHead(200, { "content-length": String(GERMAN.length) });
          response.write(GERMAN.subarray(0, 8));
        },
      ]
    ) {
      events = [];
      handler = stall;
      const files = await loadHunspellDictionary(options({ stallTimeoutMs: 200 }));
      assert.equal(files, undefined);
      assert.deepEqual(events, [
        "spellcheck-dictionary-download-begin de",
        "spellcheck-dictionary-download-failure de",
      ]);
    }
    server.closeAllConnections();
  });

  it("treats a fetch that throws like a network error", async () => {
    const files = await loadHunspellDictionary(options({
      fetch: () => Promise.reject(new TypeError("boom")),
    }));
    assert.equal(files, undefined);
    assert.deepEqual(events, [
      "spellcheck-dictionary-download-begin de",
      "spellcheck-dictionary-download-failure de",
    ]);
  });
});

describe("DictionaryDownloadUrl", () => {
  it("starts at Chromium's server and keeps a canonical URL", () => {
    const url = new DictionaryDownloadUrl();
    assert.equal(url.get(), DEFAULT_DICTIONARY_DOWNLOAD_URL);
    url.set("https://Example.COM");
    assert.equal(url.get(), "https://example.com/");
    assert.throws(() => url.set("//no-scheme"), {
      message: "The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid URL",
    });
    assert.throws(() => url.set(42 as unknown as string), TypeError);
    assert.equal(url.get(), "https://example.com/");
  });
});
