import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { FRENCH_BDIC } from "../tests/fixtures/test_bdic.ts";
import { parseSpellArgs, runSpell } from "./spell_command.ts";

/** A session module whose sessions live under `userData` (by default the app's own). */
function sessionModule(userData?: string) {
  const runtime = currentRuntime();
  const app = new App(runtime);
  if (userData !== undefined) app.setPath("userData", userData);
  return createSessionModule(app, runtime);
}

async function run(argv: string[], stdin = "", session = sessionModule()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSpell(
    session,
    parseSpellArgs(argv),
    {
      readStdin: () => Promise.resolve(stdin),
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  return { code, out, err };
}

describe("ses spell", () => {
  it("parses its arguments", () => {
    assert.deepEqual(parseSpellArgs(["a b", "--lang", "en-US", "--lang", "en-GB"]), {
      text: "a b",
      languages: ["en-US", "en-GB"],
      json: false,
      partition: "ses-spell-cli",
      dictionaryUrl: undefined,
    });
    assert.throws(() => parseSpellArgs([]), {
      message: "ses spell: missing text (or - for stdin)",
    });
    assert.throws(() => parseSpellArgs(["a", "b"]), {
      message: 'ses spell: unexpected argument "b"',
    });
  });

  it("prints each misspelling with its UTF-16 range and exits 1", async () => {
    const { code, out } = await run(["A smal tset"]);
    assert.equal(code, 1);
    assert.deepEqual(out.map((line) => line.split(":")[0]), ["2-6 smal", "7-11 tset"]);
    assert.match(out[1]!, /: .*\btest\b/);
  });

  it("reads standard input with -, prints JSON, exits 0 when all is right", async () => {
    const wrong = await run(["-", "--json"], "one two thre\n");
    assert.deepEqual(JSON.parse(wrong.out.join("\n")).map((m: { word: string }) => m.word), [
      "thre",
    ]);
    assert.deepEqual(await run(["-"], "all good here"), { code: 0, out: [], err: [] });
  });

  it("exits 2 with Electron's message for an unknown language code", async () => {
    const { code, err } = await run(["text", "--lang", "xx-YY"]);
    assert.equal(code, 2);
    assert.deepEqual(err, [
      'ses spell: Invalid language code provided: "xx-YY" is not a valid language code',
    ]);
  });

  it("exits 2 with Electron's message for an unknown language code in a persistent partition too", async () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-spell-cli-"));
    try {
      const session = sessionModule(userData);
      const argv = ["text", "--lang", "en-US", "--lang", "xx", "--partition", "persist:p"];
      const { code, out, err } = await run(argv, "", session);
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      assert.deepEqual(err, [
        'ses spell: Invalid language code provided: "xx" is not a valid language code',
      ]);
      const ses = session.fromPartition("persist:p");
      await ses.storageReady();
      await ses.spellcheckDictionaries.idle();
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });

  for (
    const [title, lang, file] of [
      ["selects --lang languages for the run, downloading their dictionaries", "fr", "fr-fr-3-0"],
      // The French test dictionary stands in for Hungarian: only the file name matters here.
      [
        "takes a --lang region as setSpellCheckerLanguages does (hu-HU selects hu)",
        "hu-HU",
        "hu-hu-3-0",
      ],
    ] as const
  ) {
    it(title, async () => {
      const server = createServer((request, response) => {
        if (request.url === `/${file}.bdic`) response.end(FRENCH_BDIC);
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const userData = mkdtempSync(join(tmpdir(), "ses-spell-cli-"));
      try {
        const session = sessionModule(userData);
        const { port } = server.address() as { port: number };
        session.defaultSession.setSpellCheckerDictionaryDownloadURL(`http://127.0.0.1:${port}/`);
        const { code, out, err } = await run(["bonjour chatt", "--lang", lang], "", session);
        assert.deepEqual(err, [
          `ses spell: downloading the "${lang === "fr" ? "fr" : "hu"}" dictionary`,
        ]);
        assert.equal(code, 1);
        assert.deepEqual(out.map((line) => line.split(":")[0]), ["8-13 chatt"]);
      } finally {
        server.close();
        rmSync(userData, { recursive: true, force: true });
      }
    });
  }

  it("leaves a persistent partition's languages alone", async () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-spell-cli-"));
    try {
      const session = sessionModule(userData);
      session.fromPartition("persist:p").setSpellCheckerLanguages(["en-US"]);
      const argv = ["text", "--lang", "en-GB", "--partition", "persist:p"];
      const { code, err } = await run(argv, "", session);
      // A check that could not run is trouble (2), as grep's, never "misspelled" (1).
      assert.equal(code, 2);
      assert.match(err[0]!, /^ses spell: Spellcheck language "en-GB" is not selected/);
      const ses = session.fromPartition("persist:p");
      assert.deepEqual(ses.getSpellCheckerLanguages(), ["en-US"]);
      // The partition's stores open, and its dictionaries load, in the background: removing
      // userData must not race them (ENOTEMPTY under load).
      await ses.storageReady();
      await ses.spellcheckDictionaries.idle();
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("fails (exit 2) naming the language when no selected dictionary could be had, not exit 0", async () => {
    const server = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const userData = mkdtempSync(join(tmpdir(), "ses-spell-cli-"));
    try {
      const { port } = server.address() as { port: number };
      // One program selects French; the next (a new process: a new session module) checks.
      for (const phase of ["select", "check"]) {
        const session = sessionModule(userData);
        session.defaultSession.setSpellCheckerDictionaryDownloadURL(`http://127.0.0.1:${port}/`);
        const ses = session.fromPartition("persist:p");
        if (phase === "select") {
          ses.setSpellCheckerLanguages(["fr"]);
          await ses.spellcheckDictionaries.idle();
          continue;
        }
        const { code, out, err } = await run(
          ["Helo wrold", "--partition", "persist:p"],
          "",
          session,
        );
        await ses.spellcheckDictionaries.idle();
        assert.deepEqual({ code, out }, { code: 2, out: [] });
        assert.deepEqual(err, [
          'ses spell: downloading the "fr" dictionary',
          'ses spell: the "fr" dictionary could not be downloaded',
          "ses spell: no dictionary to check with (--dictionary-url sets where they come from)",
        ]);
      }
    } finally {
      server.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("downloads from --dictionary-url, saying so on standard error", async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url!);
      if (request.url === "/dicts/fr-fr-3-0.bdic") response.end(FRENCH_BDIC);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const userData = mkdtempSync(join(tmpdir(), "ses-spell-cli-"));
    try {
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/dicts/`;
      const argv = ["bonjour chatt", "--lang", "fr", "--dictionary-url", url];
      assert.equal(parseSpellArgs(argv).dictionaryUrl, url);
      const { code, out, err } = await run(argv, "", sessionModule(userData));
      assert.deepEqual({ code, out: out.map((line) => line.split(":")[0]) }, {
        code: 1,
        out: ["8-13 chatt"],
      });
      assert.deepEqual(err, ['ses spell: downloading the "fr" dictionary']);
      assert.deepEqual(requests, ["/dicts/fr-fr-3-0.bdic"]);
    } finally {
      server.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("draws a download's progress through the io's progress view, then ends it", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-length": String(FRENCH_BDIC.length) });
      response.end(FRENCH_BDIC);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const userData = mkdtempSync(join(tmpdir(), "ses-spell-cli-"));
    try {
      const { port } = server.address() as { port: number };
      const drawn: string[] = [];
      const code = await runSpell(
        sessionModule(userData),
        parseSpellArgs(["chat", "--lang", "fr", "--dictionary-url", `http://127.0.0.1:${port}/`]),
        {
          readStdin: () => Promise.resolve(""),
          out: () => {},
          err: () => {},
          progress: (name) => {
            drawn.push(`start ${name}`);
            return {
              update: (received, total) => drawn.push(`${received}/${total}`),
              stop: () => drawn.push("stop"),
            };
          },
        },
      );
      assert.equal(code, 0);
      const size = FRENCH_BDIC.length;
      assert.deepEqual([drawn[0], ...drawn.slice(-2)], [
        'start "fr" dictionary',
        `${size}/${size}`,
        "stop",
      ]);
    } finally {
      server.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it("exits 2 with Electron's message for a --dictionary-url that is not a URL", async () => {
    const { code, err } = await run(["text", "--dictionary-url", "dicts/"]);
    assert.deepEqual({ code, err }, {
      code: 2,
      err: [
        "ses spell: The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid URL",
      ],
    });
  });

  it("reads a pipe when run as a program", () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const args = "Deno" in globalThis ? ["run", "-A", main, "spell", "-"] : [main, "spell", "-"];
    const result = spawnSync(process.execPath, args, { input: "Helo world", encoding: "utf8" });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^0-4 Helo: /);
  });
});
