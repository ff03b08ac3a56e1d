import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { parseProxyArgs, runProxy } from "./proxy_command.ts";

function sessions() {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime);
}

async function run(
  argv: string[],
): Promise<{ code: number; lines: string[]; errors?: string[] }> {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runProxy(sessions(), parseProxyArgs(argv), {
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
  });
  return errors.length > 0 ? { code, lines, errors } : { code, lines };
}

describe("ses proxy resolve", () => {
  it("parses its arguments", () => {
    assert.deepEqual(parseProxyArgs(["resolve", "http://a/", "--rules", "p:1", "--bypass", "x"]), {
      url: "http://a/",
      config: { proxyRules: "p:1", proxyBypassRules: "x" },
      json: false,
    });
    assert.deepEqual(parseProxyArgs(["resolve", "http://a/"]).config, { mode: "system" });
    assert.match(
      parseProxyArgs(["resolve", "http://a/", "--pac", "p.pac"]).config.pacScript!,
      /^file:\/\/.*\/p\.pac$/,
    );
    assert.throws(() => parseProxyArgs(["resolve"]), { message: "ses proxy: missing URL" });
    assert.throws(() => parseProxyArgs(["list"]), {
      message: 'ses proxy: unknown action "list" (resolve)',
    });
    assert.throws(() => parseProxyArgs(["resolve", "a.test"]), {
      message: 'ses proxy: "a.test" is not a URL',
    });
  });

  it("refuses --bypass without --rules, where Electron's setProxy would not use it", () => {
    // Bypass rules belong to fixed_servers: system mode takes no_proxy from the environment and
    // a PAC script decides alone, so the option would be dropped without a word.
    for (const other of [[], ["--pac", "p.pac"]]) {
      assert.throws(() => parseProxyArgs(["resolve", "http://a/", "--bypass", "a", ...other]), {
        message: "ses proxy: --bypass needs --rules (bypass rules apply to fixed proxy rules only)",
      });
    }
  });

  it("refuses --pac with --rules, whose rules Electron's setProxy would ignore", () => {
    // setProxy({pacScript, proxyRules}) applies the PAC script alone.
    for (const extra of [[], ["--bypass", "b"]]) {
      assert.throws(
        () =>
          parseProxyArgs(["resolve", "http://a/", "--pac", "p.pac", "--rules", "q:1", ...extra]),
        {
          message:
            "ses proxy: --pac and --rules cannot be combined (a PAC script ignores proxy rules)",
        },
      );
    }
  });

  it("prints what fixed rules choose", async () => {
    assert.deepEqual(
      await run(["resolve", "https://a.test/", "--rules", "https=socks5://s:9,direct://"]),
      {
        code: 0,
        lines: ["SOCKS5 s:9;DIRECT"],
      },
    );
    assert.deepEqual(
      await run(["resolve", "http://a.corp/", "--rules", "p:1", "--bypass", ".corp", "--json"]),
      { code: 0, lines: ['{"url":"http://a.corp/","result":"DIRECT","entries":["DIRECT"]}'] },
    );
  });

  it("runs a PAC file, and fails cleanly when it is broken", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-proxy-cli-"));
    const good = join(dir, "good.pac");
    writeFileSync(
      good,
      'function FindProxyForURL(url, host) { return "PROXY " + host + ":3128"; }',
    );
    assert.deepEqual(await run(["resolve", "http://a.test/x", "--pac", good]), {
      code: 0,
      lines: ["PROXY a.test:3128"],
    });
    const bad = join(dir, "bad.pac");
    writeFileSync(bad, "function FindProxyForURL( {");
    // The failure goes to standard error: standard output carries results alone. It says
    // what the script's error was, and where.
    const failed = "ses proxy: the proxy look-up failed for http://a.test/: the PAC script " +
      "failed at line 1: Uncaught SyntaxError: invalid property name";
    assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", bad]), {
      code: 1,
      lines: [],
      errors: [failed],
    });
    assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", bad, "--json"]), {
      code: 1,
      lines: ['{"url":"http://a.test/","result":"","entries":[]}'],
      errors: [failed],
    });
    // So does a script that throws for the URL, or defines no FindProxyForURL.
    const throws = join(dir, "throws.pac");
    writeFileSync(throws, "function FindProxyForURL(url, host) {\n  return host.nope();\n}");
    assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", throws]), {
      code: 1,
      lines: [],
      errors: [
        "ses proxy: the proxy look-up failed for http://a.test/: the PAC script failed at " +
        "line 2: Uncaught TypeError: not a function",
      ],
    });
    const none = join(dir, "none.pac");
    writeFileSync(none, "var FindProxyForURL = 1;");
    assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", none]), {
      code: 1,
      lines: [],
      errors: [
        "ses proxy: the proxy look-up failed for http://a.test/: the PAC script failed: " +
        "FindProxyForURL() is undefined.",
      ],
    });
    // A PAC file that cannot be read says so, with the system's reason.
    const missing = join(dir, "missing.pac");
    assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", missing]), {
      code: 1,
      lines: [],
      errors: [`ses proxy: cannot read the PAC file "${missing}" (ENOENT)`],
    });
    // So does a directory given for the file.
    assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", dir]), {
      code: 1,
      lines: [],
      errors: [`ses proxy: cannot read the PAC file "${dir}" (EISDIR)`],
    });
  });

  it("says why a PAC URL could not be fetched, with the fetch's net error", async () => {
    const server = createServer((request, response) => {
      if (request.url === "/page.pac") {
        response.end("<html>Sign in to the network first</html>");
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // A 404 is not a PAC file (Chromium's PacFileFetcherImpl: ERR_HTTP_RESPONSE_CODE_FAILURE).
      assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", `${origin}/gone.pac`]), {
        code: 1,
        lines: [],
        errors: [
          "ses proxy: the proxy look-up failed for http://a.test/: the PAC script could not be " +
          "fetched (net::ERR_HTTP_RESPONSE_CODE_FAILURE)",
        ],
      });
      // Fetched, but no PAC script at all: Chromium's PacFileDecider never runs it.
      assert.deepEqual(await run(["resolve", "http://a.test/", "--pac", `${origin}/page.pac`]), {
        code: 1,
        lines: [],
        errors: [
          "ses proxy: the proxy look-up failed for http://a.test/: the PAC script does not " +
          "define FindProxyForURL",
        ],
      });
    } finally {
      server.close();
    }
  });

  it("says when the rules leave no valid proxy", async () => {
    // Chromium drops entries it cannot parse; a list left empty has no route at all.
    assert.deepEqual(await run(["resolve", "http://a.test/", "--rules", "http://:80"]), {
      code: 1,
      lines: [],
      errors: [
        "ses proxy: the proxy look-up failed for http://a.test/: the rules hold no valid proxy",
      ],
    });
  });

  it("is dispatched from the ses command line", () => {
    const main = new URL("./main.ts", import.meta.url).pathname;
    const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
    const result = spawnSync(deno, [
      "run",
      "-A",
      main,
      "proxy",
      "resolve",
      "ws://a.test/",
      "--rules",
      "https=h:1",
    ], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(result.stdout, "PROXY h:1\n");
    assert.equal(result.status, 0);
  });
});
