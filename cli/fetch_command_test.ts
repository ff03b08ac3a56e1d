import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { createTestApp, type OriginServer, startOrigin } from "../tests/fixtures/origin_server.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { startMicrosocks, startTinyproxy } from "../tests/fixtures/proxy_servers.ts";
import { type AuthOrigin, startAuthOrigin } from "../tests/fixtures/auth_origin.ts";
import { runFetch } from "./fetch_command.ts";
import { parseFetchArgs } from "./parse_fetch_args.ts";
import { makeTestCertificates } from "../tests/fixtures/tls_certs.ts";
import { startTlsServer } from "../tests/fixtures/tls_servers.ts";

function collect() {
  const info: string[] = [];
  const chunks: Uint8Array[] = [];
  const body = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  const text = () => new TextDecoder().decode(Buffer.concat(chunks));
  return { info, output: { info: (line: string) => void info.push(line), body }, text };
}

function sessions() {
  const runtime = currentRuntime();
  const app = new App(runtime);
  app.setPath("userData", mkdtempSync(join(tmpdir(), "ses-cli-")));
  return createSessionModule(app, runtime);
}

describe("ses fetch", () => {
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin(createTestApp());
  });
  after(() => origin.close());

  it("names the scheme a URL typed as for curl lacks, after the error", async () => {
    // curl takes `example.com` as http://example.com; here the line said only Invalid URL, or
    // net::ERR_UNKNOWN_URL_SCHEME for `localhost:8080`, whose `localhost:` reads as a scheme.
    const hint = (url: string) => `; a URL starts with its scheme, like http://${url}`;
    const host = new URL(origin.url).host;
    for (
      const [url, line] of [
        ["example.test/x", `ses fetch: Invalid URL: 'example.test/x'${hint("example.test/x")}`],
        [
          "localhost:8/x",
          `ses fetch: net::ERR_UNKNOWN_URL_SCHEME (localhost:8/x)${hint("localhost:8/x")}`,
        ],
        ["mailto:a@b.test", "ses fetch: net::ERR_UNKNOWN_URL_SCHEME (mailto:a@b.test)"],
        ["/x", "ses fetch: Invalid URL: '/x'"],
      ] as const
    ) {
      const { info, output } = collect();
      assert.equal(await runFetch(sessions(), parseFetchArgs([url]), output), 1);
      assert.deepEqual(info, [line]);
    }
    const { output } = collect();
    assert.equal(await runFetch(sessions(), parseFetchArgs([`http://${host}/`]), output), 0);
  });

  it("sends method, headers and data, and prints headers with -i", async () => {
    const { info, output, text } = collect();
    const args = parseFetchArgs([
      "-i",
      "-X",
      "PUT",
      "-H",
      "x-cli: yes",
      "-d",
      "payload",
      new URL("/echo", origin.url).href,
    ]);
    assert.equal(await runFetch(sessions(), args, output), 0);
    assert.equal(info[0], "HTTP/1.1 200 OK");
    assert.ok(info.some((line) => /^content-type: application\/json/i.test(line)));
    const echoed = JSON.parse(text());
    assert.equal(echoed.method, "PUT");
    assert.equal(echoed.body, "payload");
    assert.equal(echoed.headers["x-cli"], "yes");
  });

  it("prints -i's status line and header lines as the server sent them, as curl -i does", async () => {
    // A raw origin: node:http servers regroup header lines in some runtimes.
    const server = createNetServer((socket) => {
      socket.once("data", () => {
        socket.end(
          "HTTP/1.1 200 Fine Thanks\r\nX-Z: 1\r\nSet-Cookie: b=2\r\ncontent-TYPE: c/d\r\n" +
            "Set-Cookie: a=1\r\nContent-Length: 0\r\n\r\n",
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { info, output } = collect();
      const port = (server.address() as AddressInfo).port;
      const args = parseFetchArgs(["-i", "--partition", "headers", `http://127.0.0.1:${port}/`]);
      assert.equal(await runFetch(sessions(), args, output), 0);
      assert.deepEqual(info.slice(0, 5), [
        "HTTP/1.1 200 Fine Thanks",
        "X-Z: 1",
        "Set-Cookie: b=2",
        "content-TYPE: c/d",
        "Set-Cookie: a=1",
      ]);
      assert.equal(info.at(-1), "");
    } finally {
      server.close();
    }
  });

  it("sends -d pieces joined with &, @FILE without its newlines, --data-binary @FILE and @- as they are", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-cli-data-"));
    const file = join(dir, "données ü.txt");
    writeFileSync(file, "x=1\r\ny=2\n");
    const binary = join(dir, "bytes.bin");
    writeFileSync(binary, new Uint8Array([0, 13, 10, 0xc3, 0xa9]));
    const url = new URL("/echo", origin.url).href;
    const cases: [string[], string][] = [
      [["-d", "a=1", "-d", `@${file}`, url], "a=1&x=1y=2"],
      [["--data-binary", `@${file}`, url], "x=1\r\ny=2\n"],
      [["--data-binary", `@${binary}`, url], "\u0000\r\né"],
      [["-d", "@-", "--data-binary", "@-", url], "input&in\nput\n"],
    ];
    for (const [argv, sent] of cases) {
      const { info, output, text } = collect();
      const readStdin = () => Promise.resolve(new TextEncoder().encode("in\nput\n"));
      const args = parseFetchArgs(argv);
      assert.equal(await runFetch(sessions(), args, { ...output, readStdin }), 0, info.join("\n"));
      const echoed = JSON.parse(text());
      assert.equal(echoed.body, sent, argv.join(" "));
      assert.equal(echoed.headers["content-type"], "application/x-www-form-urlencoded");
    }
    const { info, output } = collect();
    const missing = parseFetchArgs(["-d", `@${join(dir, "absent")}`, url]);
    assert.equal(await runFetch(sessions(), missing, output), 1);
    assert.match(info[0]!, /^ses fetch: ENOENT: .*absent/);
  });

  it("sends -H 'Name;' empty and leaves out -H 'Name:', the session's own header too", async () => {
    const { output, text } = collect();
    const args = parseFetchArgs([
      ...["-H", "X-Empty;", "-H", "User-Agent:", "-H", "accept:", "-H", "X-Gone:"],
      new URL("/echo", origin.url).href,
    ]);
    assert.equal(await runFetch(sessions(), args, output), 0);
    const { headers } = JSON.parse(text());
    assert.equal(headers["x-empty"], "");
    for (const name of ["user-agent", "accept", "x-gone"]) assert.equal(name in headers, false);
    assert.equal(headers["accept-language"], "en-US");
  });

  it("writes the body to a file with -o", async () => {
    const { output } = collect();
    const file = join(mkdtempSync(join(tmpdir(), "ses-cli-out-")), "body.bin");
    const args = parseFetchArgs(["-o", file, new URL("/bytes/5000", origin.url).href]);
    assert.equal(await runFetch(sessions(), args, output), 0);
    assert.equal(readFileSync(file).length, 5000);
  });

  it("ends, exit 0, for a response with no body (HEAD, 204), and -o makes an empty file", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(_request.url === "/none" ? 204 : 200, { "Content-Length": "5" });
      response.end(_request.method === "HEAD" ? undefined : "hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const file = join(mkdtempSync(join(tmpdir(), "ses-cli-out-")), "empty.bin");
      const cases = [
        ["-i", "-X", "HEAD", `http://127.0.0.1:${port}/`],
        ["-X", "head", "-o", file, `http://127.0.0.1:${port}/`],
        [`http://127.0.0.1:${port}/none`],
      ];
      for (const argv of cases) {
        const { info, output, text } = collect();
        const args = parseFetchArgs(["--partition", "bodiless", ...argv]);
        // A body that never ends would leave the command waiting forever.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hung = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve("still waiting after 10 s"), 10_000);
        });
        const code = await Promise.race([runFetch(sessions(), args, output), hung]);
        clearTimeout(timer);
        assert.equal(code, 0, `${argv.join(" ")}: ${info.join("\n")}`);
        assert.equal(text(), "");
        if (argv[0] === "-i") assert.equal(info[0], "HTTP/1.1 200 OK");
      }
      assert.equal(readFileSync(file).length, 0);
    } finally {
      server.close();
    }
  });

  it("stops at Ctrl-C with exit 130, a whole --netlog log and the bytes received in -o", async () => {
    let sent = 0;
    const server = createServer((_request, response) => {
      response.writeHead(200, { "Content-Length": String(1 << 20) });
      response.write(Buffer.alloc(1000, 97), () => void (sent = 1000));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const dir = mkdtempSync(join(tmpdir(), "ses-cli-int-"));
      const [file, log] = [join(dir, "part.bin"), join(dir, "log.json")];
      const port = (server.address() as AddressInfo).port;
      const { info, output } = collect();
      let interrupt = () => {};
      let registered = 0;
      const onInterrupt = (handler: () => void) => {
        interrupt = handler;
        registered++;
        return () => void registered--;
      };
      const args = parseFetchArgs(["-o", file, "--netlog", log, `http://127.0.0.1:${port}/`]);
      const running = runFetch(sessions(), args, { ...output, onInterrupt });
      while (sent === 0 || !existsSync(file) || statSync(file).size < 1000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      interrupt();
      assert.equal(await running, 130);
      assert.deepEqual(info, [`ses fetch: interrupted; ${file} is incomplete`]);
      assert.equal(registered, 0);
      assert.equal(readFileSync(file).length, 1000);
      // Closed by stopLogging, not cut off: the whole file is one JSON document.
      const events = JSON.parse(readFileSync(log, "utf8")).events;
      assert.ok(events.length > 0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("at Ctrl-C before the head, calls no -o file incomplete: none was made", async () => {
    // A server that takes the request and never answers.
    let asked = false;
    const server = createNetServer((socket) => socket.once("data", () => asked = true));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const file = join(mkdtempSync(join(tmpdir(), "ses-cli-nohead-")), "none.bin");
      const { info, output } = collect();
      let interrupt = () => {};
      const onInterrupt = (handler: () => void) => {
        interrupt = handler;
        return () => {};
      };
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const running = runFetch(sessions(), parseFetchArgs(["-o", file, url]), {
        ...output,
        onInterrupt,
      });
      while (!asked) await new Promise((resolve) => setTimeout(resolve, 10));
      interrupt();
      assert.equal(await running, 130);
      assert.deepEqual(info, ["ses fetch: interrupted"]);
      assert.equal(existsSync(file), false);
    } finally {
      server.close();
    }
  });

  it("still prints --json's one line at Ctrl-C: the URL and net::ERR_ABORTED, exit 130", async () => {
    let sent = false;
    const server = createServer((_request, response) => {
      response.writeHead(200, { "Content-Length": String(1 << 20) });
      response.write(Buffer.alloc(1000, 97), () => void (sent = true));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      for (const file of [undefined, join(mkdtempSync(join(tmpdir(), "ses-cli-j-")), "p.bin")]) {
        sent = false;
        const { info, output, text } = collect();
        let interrupt = () => {};
        const onInterrupt = (handler: () => void) => {
          interrupt = handler;
          return () => {};
        };
        const args = parseFetchArgs(["--json", ...(file ? ["-o", file] : []), url]);
        const running = runFetch(sessions(), args, { ...output, onInterrupt });
        while (!sent || (file !== undefined && (!existsSync(file) || statSync(file).size < 1000))) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        // The body is on its way: --json is waiting for the rest of it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        interrupt();
        assert.equal(await running, 130);
        assert.deepEqual(JSON.parse(text()), { url, error: "net::ERR_ABORTED" });
        assert.equal(text().split("\n").length, 2, "one line");
        assert.match(info[0]!, /^ses fetch: interrupted/);
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("cancels requests --block matches, with net::ERR_BLOCKED_BY_CLIENT and exit code 1", async () => {
    const { info, output } = collect();
    const url = new URL("/bytes/10", origin.url).href;
    const blocked = parseFetchArgs(["--partition", "blocking", "--block", "*://*/bytes/*", url]);
    assert.equal(await runFetch(sessions(), blocked, output), 1);
    assert.match(info[0]!, /^ses fetch: net::ERR_BLOCKED_BY_CLIENT/);
    const allowed = parseFetchArgs(["--partition", "blocking", "--block", "*://*/other/*", url]);
    assert.equal(await runFetch(sessions(), allowed, output), 0);
    const bad = parseFetchArgs(["--partition", "blocking", "--block", "ads.test", url]);
    assert.equal(await runFetch(sessions(), bad, output), 2);
    assert.equal(
      info.at(-1),
      "ses fetch: --block: Invalid url pattern ads.test: Missing scheme separator.",
    );
  });

  it("prints one JSON object with --json: final URL, head, body as text or base64, or the -o file", async () => {
    const server = createServer((request, response) => {
      if (request.url === "/r") response.writeHead(302, { location: "/t" }).end();
      else if (request.url === "/t") response.writeHead(200, { "x-a": "1" }).end("héllo");
      else response.end(new Uint8Array([0xff, 0xfe, 0]));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const module = sessions();
      const run = async (argv: string[]) => {
        const { info, output, text } = collect();
        const code = await runFetch(module, parseFetchArgs(["--json", ...argv]), output);
        assert.equal(code, 0, info.join("\n"));
        assert.equal(text().split("\n").length, 2, "one line");
        return JSON.parse(text());
      };
      const redirected = await run([`${base}/r`]);
      assert.deepEqual(Object.keys(redirected), [
        "url",
        "status",
        "statusText",
        "redirected",
        "fromCache",
        "headers",
        "bodySize",
        "body",
      ]);
      assert.equal(redirected.url, `${base}/t`);
      assert.equal(redirected.status, 200);
      assert.equal(redirected.statusText, "OK");
      assert.equal(redirected.redirected, true);
      assert.deepEqual(redirected.headers.find(([name]: string[]) => name === "x-a"), ["x-a", "1"]);
      assert.equal(redirected.body, "héllo");
      assert.equal(redirected.bodySize, 6);
      const binary = await run([`${base}/b`]);
      assert.equal(binary.bodyBase64, "//4A");
      assert.equal(binary.body, undefined);
      const file = join(mkdtempSync(join(tmpdir(), "ses-cli-json-")), "out");
      const saved = await run(["-o", file, `${base}/t`]);
      assert.equal(saved.output, file);
      assert.equal(saved.bodySize, 6);
      assert.equal(readFileSync(file, "utf8"), "héllo");
      const { info, output, text } = collect();
      const refused = parseFetchArgs(["--json", "http://127.0.0.1:4/"]);
      assert.equal(await runFetch(module, refused, output), 1);
      assert.deepEqual(JSON.parse(text()), {
        url: "http://127.0.0.1:4/",
        error: "net::ERR_CONNECTION_REFUSED",
      });
      assert.match(info[0]!, /^ses fetch: net::ERR_CONNECTION_REFUSED/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("names the hop that failed after a redirect, in the line and in --json", async () => {
    // curl names the host it could not reach; after a redirect that is not the URL given.
    const server = createServer((request, response) => {
      if (request.url === "/away") {
        response.writeHead(302, { location: "http://127.0.0.1:4/gone" }).end();
      } else if (request.url === "/twice") response.writeHead(302, { location: "/away" }).end();
      else response.writeHead(302, { location: "app://bundle/" }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const module = sessions();
      const run = async (argv: string[]) => {
        const { info, output, text } = collect();
        assert.equal(await runFetch(module, parseFetchArgs(argv), output), 1);
        return { line: info.at(-1), json: text() === "" ? undefined : JSON.parse(text()) };
      };
      assert.equal(
        (await run([`${base}/twice`])).line,
        `ses fetch: net::ERR_CONNECTION_REFUSED (http://127.0.0.1:4/gone, redirected from ${base}/twice)`,
      );
      assert.deepEqual((await run(["--json", `${base}/away`])).json, {
        url: `${base}/away`,
        failedUrl: "http://127.0.0.1:4/gone",
        error: "net::ERR_CONNECTION_REFUSED",
      });
      // A redirect the session refuses names where it led.
      assert.equal(
        (await run([`${base}/unsafe`])).line,
        `ses fetch: net::ERR_UNSAFE_REDIRECT (app://bundle/, redirected from ${base}/unsafe)`,
      );
      // A failure of the URL given says it alone, as before.
      assert.equal(
        (await run(["http://127.0.0.1:4/"])).line,
        "ses fetch: net::ERR_CONNECTION_REFUSED (http://127.0.0.1:4/)",
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("says an -o file is incomplete when the body fails midway, keeping the bytes received", async () => {
    // A Content-Length of 100 and 10 bytes, then the connection closes.
    const server = createNetServer((socket) => {
      socket.once("data", () => {
        socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const file = join(mkdtempSync(join(tmpdir(), "ses-cli-cut-")), "cut.bin");
      for (const json of [false, true]) {
        const { info, output } = collect();
        const args = parseFetchArgs([...(json ? ["--json"] : []), "-o", file, url]);
        assert.equal(await runFetch(sessions(), args, output), 1);
        assert.equal(
          info.at(-1),
          `ses fetch: net::ERR_CONTENT_LENGTH_MISMATCH (${url}); ${file} is incomplete`,
        );
        assert.equal(readFileSync(file, "utf8"), "0123456789");
      }
      // Refused before any head: no file was written, nothing is said of it.
      const { info, output } = collect();
      const missing = join(mkdtempSync(join(tmpdir(), "ses-cli-cut-")), "none.bin");
      const refused = parseFetchArgs(["-o", missing, "http://127.0.0.1:4/"]);
      assert.equal(await runFetch(sessions(), refused, output), 1);
      assert.equal(info.at(-1), "ses fetch: net::ERR_CONNECTION_REFUSED (http://127.0.0.1:4/)");
      assert.equal(existsSync(missing), false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reports a network failure with Chromium's name and exit code 1", async () => {
    const { info, output } = collect();
    const args = parseFetchArgs(["--partition", "scratch", "http://does-not-exist.invalid/"]);
    assert.equal(await runFetch(sessions(), args, output), 1);
    assert.match(info[0]!, /^ses fetch: net::ERR_NAME_NOT_RESOLVED/);
  });

  it("takes a certificate it cannot trust only with -k, and keeps to --tls-max", async () => {
    const certs = makeTestCertificates();
    await using selfSigned = await startOrigin({ fetch: () => new Response("secret") }, {
      tls: certs.selfSigned,
    });
    const url = `https://127.0.0.1:${selfSigned.port}/`;
    const refused = collect();
    const ses = sessions();
    assert.equal(
      await runFetch(ses, parseFetchArgs(["--partition", "tls", url]), refused.output),
      1,
    );
    assert.match(refused.info[0]!, /^ses fetch: net::ERR_CERT_AUTHORITY_INVALID/);
    const insecure = collect();
    assert.equal(
      await runFetch(ses, parseFetchArgs(["-k", "--partition", "tls", url]), insecure.output),
      0,
    );
    assert.equal(insecure.text(), "secret");
    // The server speaks TLS 1.3 only: a TLS 1.2 ceiling finds no version in common.
    await using tls13 = await startTlsServer({ ...certs.selfSigned, minVersion: "TLSv1.3" });
    const capped = collect();
    const cappedArgs = parseFetchArgs([
      "-k",
      "--tls-max",
      "1.2",
      "--partition",
      "tls",
      `https://127.0.0.1:${tls13.port}/`,
    ]);
    assert.equal(await runFetch(sessions(), cappedArgs, capped.output), 1);
    assert.match(capped.info[0]!, /^ses fetch: net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH/);
  });

  it("keeps to --limit-rate, curl's download rate, as emulated throughput", async () => {
    const server = createServer((_request, response) => response.end(Buffer.alloc(64 * 1024)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const { output, text } = collect();
      const started = performance.now();
      const args = parseFetchArgs(["--limit-rate", "64K", "--partition", "rate", url]);
      assert.equal(await runFetch(sessions(), args, output), 0);
      // 64 KiB at 64 KiB/s: about a second; the limit is never exceeded (wide lower bound).
      assert.ok(performance.now() - started >= 700, "the body came faster than the limit");
      assert.equal(text().length, 64 * 1024);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reports arguments that make the request invalid with a message and exit code 1", async () => {
    const cases: [string[], RegExp][] = [
      [["not-a-url"], /^ses fetch: .*not-a-url/],
      [["-X", "BAD METHOD", origin.url.href], /^ses fetch: .*[Mm]ethod/],
      [["-X", "GET", "-d", "x", origin.url.href], /^ses fetch: .*GET/],
      [["-H", "Bad Name: x", origin.url.href], /^ses fetch: .*header/i],
      [["-o", "/nonexistent/dir/file", origin.url.href], /^ses fetch: .*ENOENT/],
      [
        ["--netlog", "/nonexistent/dir/log.json", origin.url.href],
        /^ses fetch: --netlog: .*ENOENT/,
      ],
    ];
    const module = sessions();
    for (const [argv, message] of cases) {
      const { info, output } = collect();
      const args = parseFetchArgs(["--partition", "scratch", ...argv]);
      assert.equal(await runFetch(module, args, output), 1, argv.join(" "));
      assert.match(info.join("\n"), message);
      assert.equal(module.fromPartition("scratch").netLog.currentlyLogging, false);
    }
  });
});

describe("ses fetch -u, against an origin that asks", () => {
  let auth: AuthOrigin;
  before(async () => {
    auth = await startAuthOrigin();
  });
  after(() => auth.close());

  it("answers the server's Basic or Digest challenge, never before it asks", async () => {
    for (
      const [path, expected] of [
        ["/basic/u", "hello al@ce"],
        ["/digest/md5/u", "digest al@ce"],
      ] as const
    ) {
      const { output, text } = collect();
      const mark = auth.seen.length;
      // Split at the first colon, as curl does; the rest, colons and % included, is the password.
      const args = parseFetchArgs(["--partition", "user", "-u", "al@ce:p:ss%", auth.base + path]);
      assert.equal(await runFetch(sessions(), args, output), 0);
      assert.ok(text().startsWith(expected), text());
      assert.deepEqual(auth.seen.slice(mark).map((seen) => seen.status), [401, 200]);
      assert.equal(auth.seen[mark]!.authorization, undefined);
    }
  });

  it("a wrong password gets the server's 401, a response: exit 0 as curl without -f", async () => {
    const { output, text } = collect();
    const args = parseFetchArgs([
      "--partition",
      "user",
      "--user",
      "alice:nope",
      `${auth.base}/basic/w`,
    ]);
    assert.equal(await runFetch(sessions(), args, output), 0);
    assert.equal(text(), "denied");
  });

  it("sends nothing to another origin a redirect leads to", async () => {
    const other = await startAuthOrigin();
    try {
      const { output } = collect();
      const to = encodeURIComponent(`${other.base}/basic/x`);
      const args = parseFetchArgs([
        "--partition",
        "user",
        "-u",
        "alice:wonder land",
        `${auth.base}/redirect?to=${to}`,
      ]);
      assert.equal(await runFetch(sessions(), args, output), 0);
      assert.deepEqual(other.seen.map((seen) => [seen.status, seen.authorization]), [
        [401, undefined],
      ]);
    } finally {
      await other.close();
    }
  });
});

describe("ses fetch --proxy, through real proxies", () => {
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin(createTestApp());
  });
  after(() => origin.close());

  it("goes through tinyproxy, once the implicit loopback bypass is taken back", async () => {
    const tinyproxy = await startTinyproxy();
    try {
      const url = new URL("/echo", origin.url).href;
      const rules = `http://127.0.0.1:${tinyproxy.port}`;
      const proxied = collect();
      const args = parseFetchArgs(["--proxy", rules, "--proxy-bypass", "<-loopback>", url]);
      assert.equal(await runFetch(sessions(), args, proxied.output), 0);
      // tinyproxy names itself in the Via header of what it forwards.
      assert.match(JSON.parse(proxied.text()).headers.via, /tinyproxy/);
      // Loopback bypasses every proxy unless the rules say otherwise, as in Chromium.
      const direct = collect();
      assert.equal(
        await runFetch(sessions(), parseFetchArgs(["--proxy", rules, url]), direct.output),
        0,
      );
      assert.equal(JSON.parse(direct.text()).headers.via, undefined);
    } finally {
      await tinyproxy.stop();
    }
  });

  it("answers an asking proxy with -U USER:PASSWORD (curl's --proxy-user), never the server", async () => {
    const tinyproxy = await startTinyproxy(["alice", "s3cret"]);
    const auth = await startAuthOrigin();
    const certs = makeTestCertificates();
    await using secure = await startOrigin({ fetch: () => new Response("secret") }, {
      tls: certs.selfSigned,
    });
    try {
      const proxied = (...rest: string[]) =>
        parseFetchArgs([
          "--proxy",
          `http://127.0.0.1:${tinyproxy.port}`,
          "--proxy-bypass",
          "<-loopback>",
          ...rest,
        ]);
      const url = new URL("/echo", origin.url).href;
      // Without it the proxy's 407 is the answer, as curl prints it.
      const asked = collect();
      assert.equal(await runFetch(sessions(), proxied("--json", url), asked.output), 0);
      assert.equal(JSON.parse(asked.text()).status, 407);
      const through = collect();
      assert.equal(
        await runFetch(sessions(), proxied("-U", "alice:s3cret", url), through.output),
        0,
      );
      assert.match(JSON.parse(through.text()).headers.via, /tinyproxy/);
      // Through a CONNECT tunnel too.
      const tunnelled = collect();
      const https = `https://127.0.0.1:${secure.port}/`;
      assert.equal(
        await runFetch(
          sessions(),
          proxied("-k", "--proxy-user", "alice:s3cret", https),
          tunnelled.output,
        ),
        0,
      );
      assert.equal(tunnelled.text(), "secret");
      // The server's own challenge is not answered with the proxy's credentials.
      const server = collect();
      assert.equal(
        await runFetch(
          sessions(),
          proxied("-U", "alice:s3cret", `${auth.base}/basic/p`),
          server.output,
        ),
        0,
      );
      assert.equal(server.text(), "denied");
      assert.deepEqual(auth.seen.map((seen) => seen.authorization), [undefined]);
    } finally {
      await tinyproxy.stop();
      await auth.close();
    }
  });

  it("goes through microsocks (SOCKS5), and fails with Chromium's error once it is gone", async () => {
    const microsocks = await startMicrosocks();
    const url = new URL("/hello", origin.url).href;
    const args = parseFetchArgs([
      "--proxy",
      `socks5://127.0.0.1:${microsocks.port}`,
      "--proxy-bypass",
      "<-loopback>",
      url,
    ]);
    const through = collect();
    try {
      assert.equal(await runFetch(sessions(), args, through.output), 0);
      assert.equal(through.text(), "hello");
    } finally {
      await microsocks.stop();
    }
    const gone = collect();
    assert.equal(await runFetch(sessions(), args, gone.output), 1);
    assert.match(gone.info[0]!, /^ses fetch: net::ERR_PROXY_CONNECTION_FAILED/);
  });
});
