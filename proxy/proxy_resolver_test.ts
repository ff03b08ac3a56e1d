import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SessionError } from "../core/session_error.ts";
import { MAX_PAC_BYTES, ProxyResolver } from "./proxy_resolver.ts";
import { settingsFromEnvironment } from "./proxy_settings.ts";

const PAC = `function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".direct.test")) return "DIRECT";
  return "PROXY pac-proxy:3128; SOCKS5 backup:1080; DIRECT";
}`;

function dataUrl(script: string): string {
  return `data:application/x-ns-proxy-autoconfig,${encodeURIComponent(script)}`;
}

describe("ProxyResolver", () => {
  let server: Server;
  let origin = "";
  let hits = 0;
  let script = PAC;

  before(async () => {
    server = createServer((request, response) => {
      hits++;
      if (request.url === "/huge.pac") {
        response.writeHead(200);
        // A working script, but past Chromium's 1 MiB limit for PAC files.
        response.end(
          `function FindProxyForURL() { return "PROXY huge:1"; }//${"x".repeat(1 << 20)}`,
        );
        return;
      }
      if (request.url === "/missing.pac") {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "application/x-ns-proxy-autoconfig" });
      response.end(script);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers each scheme and host by the rules in force, however requests alternate", async () => {
    const resolver = new ProxyResolver();
    const schemes = (url: string) => {
      const list = resolver.resolveProxies(new URL(url));
      assert.ok(Array.isArray(list));
      return list.map((proxy) => proxy.scheme).join(",");
    };
    await resolver.setProxy({ proxyRules: "http=p.test:1", proxyBypassRules: "a.test, *:8080" });
    assert.equal(schemes("http://a.test/"), "direct");
    assert.equal(schemes("http://b.test/"), "http");
    assert.equal(schemes("http://a.test/x"), "direct");
    assert.equal(schemes("http://b.test:8080/"), "direct");
    assert.equal(schemes("http://b.test/"), "http");
    await resolver.setProxy({ proxyRules: "http=p.test:1", proxyBypassRules: "b.test" });
    assert.equal(schemes("http://b.test/"), "direct", "the new rules, not the last answer");
    assert.equal(schemes("http://a.test/"), "http");
  });

  it("infers the mode and rejects an unknown one with Electron's message", async () => {
    const resolver = new ProxyResolver();
    assert.equal(await resolver.resolveProxy("http://a.test/"), "DIRECT");
    await resolver.setProxy({ proxyRules: "p:1" });
    assert.equal(await resolver.resolveProxy("http://a.test/"), "PROXY p:1");
    // pacScript wins over proxyRules when no mode is given.
    await resolver.setProxy({ pacScript: dataUrl(PAC), proxyRules: "p:1" });
    assert.equal(
      await resolver.resolveProxy("http://a.test/"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    await assert.rejects(resolver.setProxy({ mode: "bogus" as "direct" }), {
      message:
        "Invalid mode, must be one of direct, auto_detect, pac_script, fixed_servers or system",
    });
    // A rejected config leaves the previous one in place.
    assert.equal(await resolver.resolveProxy("http://a.direct.test/"), "DIRECT");
    await resolver.setProxy({ mode: "direct", proxyRules: "p:1" });
    assert.equal(await resolver.resolveProxy("http://a.test/"), "DIRECT");
    // A PAC URL that does not parse means DIRECT, not a failing PAC (Chromium's
    // PrefProxyConfigTrackerImpl: "Invalid proxy PAC url", falling back to direct).
    for (const pacScript of ["", "proxy.pac", "not a url", "http://"]) {
      await resolver.setProxy({ mode: "pac_script", pacScript, proxyRules: "p:1" });
      assert.equal(await resolver.resolveProxy("http://a.test/"), "DIRECT", pacScript);
    }
    await resolver.setProxy({ pacScript: "proxy.pac", proxyRules: "p:1" });
    assert.equal(await resolver.resolveProxy("http://a.test/"), "DIRECT");
    // Electron reads `mode` as a string or not at all: any other value infers the mode.
    for (const mode of [5, null, true, { toString: () => "direct" }]) {
      await resolver.setProxy({ mode: mode as unknown as "direct", proxyRules: "q:2" });
      assert.equal(await resolver.resolveProxy("http://a.test/"), "PROXY q:2", String(mode));
    }
  });

  it("answers fixed rules synchronously, with bypass and implicit rules", async () => {
    const resolver = new ProxyResolver();
    await resolver.setProxy({
      mode: "fixed_servers",
      proxyRules: "http=h:80;https=s:443;socks=f",
      proxyBypassRules: ".corp.test, 10.0.0.0/8",
    });
    assert.deepEqual(resolver.resolveProxies(new URL("http://a.test/")), [
      { scheme: "http", host: "h", port: 80 },
    ]);
    assert.equal(await resolver.resolveProxy("ftp://a.test/"), "SOCKS f:1080");
    assert.equal(await resolver.resolveProxy("http://x.corp.test/"), "DIRECT");
    assert.equal(await resolver.resolveProxy("http://10.2.3.4/"), "DIRECT");
    assert.equal(await resolver.resolveProxy("http://localhost:8080/"), "DIRECT");
    assert.equal(await resolver.resolveProxy("not a url"), "");
  });

  it("applies the rules and the PAC script to URLs of any scheme, as Chromium's ResolveProxy", async () => {
    // ProxyRules::Apply and the PAC script see every URL ses.resolveProxy is given: a single
    // list serves any scheme, socks= any scheme without a list of its own.
    const resolver = new ProxyResolver();
    await resolver.setProxy({ proxyRules: "p:1" });
    for (const url of ["gopher://a.test/", "file:///etc/hosts", "chrome-extension://abc/x"]) {
      assert.equal(await resolver.resolveProxy(url), "PROXY p:1", url);
    }
    await resolver.setProxy({ proxyRules: "http=h:1;socks=s:2" });
    assert.equal(await resolver.resolveProxy("gopher://a.test/"), "SOCKS s:2");
    await resolver.setProxy({ proxyRules: "http=h:1" });
    assert.equal(await resolver.resolveProxy("gopher://a.test/"), "DIRECT");
    // The script sees the URL as Chromium's SanitizeUrl leaves it: no credentials, no fragment.
    await resolver.setProxy({
      pacScript: dataUrl(
        "function FindProxyForURL(url) {\n" +
          "  return url === 'data:,x' || url === 'gopher://a.test/x' ? 'PROXY ok:1' : 'DIRECT';\n}",
      ),
    });
    assert.equal(await resolver.resolveProxy("data:,x#frag"), "PROXY ok:1");
    assert.equal(await resolver.resolveProxy("gopher://u:p@a.test/x#f"), "PROXY ok:1");
  });

  it("loads PAC scripts from http:, file: and data: URLs, once per change", async () => {
    const resolver = new ProxyResolver({ fetchPac: (url, init) => fetch(url, init) });
    hits = 0;
    await resolver.setProxy({ mode: "pac_script", pacScript: `${origin}/proxy.pac` });
    assert.equal(await resolver.resolveProxy("http://a.direct.test/"), "DIRECT");
    assert.equal(
      await resolver.resolveProxy("https://b.test/x"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    assert.equal(hits, 1);
    // The implicit bypass applies in PAC mode too.
    assert.equal(await resolver.resolveProxy("http://127.0.0.1/"), "DIRECT");

    script = `function FindProxyForURL() { return "HTTPS changed:8443"; }`;
    assert.equal(
      await resolver.resolveProxy("http://b.test/"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    await resolver.forceReloadProxyConfig();
    assert.equal(hits, 2);
    assert.equal(await resolver.resolveProxy("http://b.test/"), "HTTPS changed:8443");
    script = PAC;

    const dir = await mkdtemp(join(tmpdir(), "ses-pac-"));
    const file = join(dir, "proxy.pac");
    await writeFile(file, `function FindProxyForURL() { return "SOCKS file:1"; }`);
    await resolver.setProxy({ pacScript: pathToFileURL(file).href });
    assert.equal(await resolver.resolveProxy("http://b.test/"), "SOCKS file:1");
    await rm(dir, { recursive: true });
  });

  it("logs a PAC script's alerts and errors on the request's net log, as Chromium's bindings", async () => {
    const resolver = new ProxyResolver();
    await resolver.setProxy({
      pacScript: dataUrl(
        "alert('loaded');\nfunction FindProxyForURL(url, host) {\n  alert('for ' + host);\n" +
          "  if (host === 'bad.test') return null.x;\n  if (host === 'num.test') return 5;\n" +
          "  return 'PROXY p:1';\n}",
      ),
    });
    const entries: { type: string; phase: string; params?: unknown }[] = [];
    const source = { id: 7, type: "URL_REQUEST", startTime: 0 };
    const netLog = {
      sink: {
        capturing: true,
        newSource: () => source,
        add: (entry: (typeof entries)[number]) => void entries.push(entry),
      },
      source,
    };
    const logged = () => entries.splice(0).map(({ type, params }) => [type, params]);
    assert.deepEqual(await resolver.resolveProxies(new URL("http://ok.test/"), undefined, netLog), [
      { scheme: "http", host: "p", port: 1 },
    ]);
    // The top level's alert is the load's, not the request's.
    assert.deepEqual(logged(), [["PAC_JAVASCRIPT_ALERT", { message: "for ok.test" }]]);
    const failed = (error: unknown) =>
      SessionError.is(error) && error.code === "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED";
    await assert.rejects(
      Promise.resolve(resolver.resolveProxies(new URL("http://bad.test/"), undefined, netLog)),
      failed,
    );
    // Then the failed resolution, as Chromium's DidFinishResolvingProxy logs it.
    const scriptFailed = ["PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST", { net_error: -327 }];
    assert.deepEqual(logged(), [
      ["PAC_JAVASCRIPT_ALERT", { message: "for bad.test" }],
      [
        "PAC_JAVASCRIPT_ERROR",
        { line_number: 4, message: "Uncaught TypeError: cannot read property 'x' of null" },
      ],
      scriptFailed,
    ]);
    await assert.rejects(
      Promise.resolve(resolver.resolveProxies(new URL("http://num.test/"), undefined, netLog)),
      failed,
    );
    assert.deepEqual(logged(), [
      ["PAC_JAVASCRIPT_ALERT", { message: "for num.test" }],
      ["PAC_JAVASCRIPT_ERROR", {
        line_number: -1,
        message: "FindProxyForURL() did not return a string.",
      }],
      scriptFailed,
    ]);
    // Nothing is logged where no log captures.
    await resolver.resolveProxies(new URL("http://ok.test/"), undefined, {
      ...netLog,
      sink: { ...netLog.sink, capturing: false },
    });
    await resolver.resolveProxies(new URL("http://ok.test/"));
    assert.deepEqual(entries, []);
  });

  it("logs why a PAC script failed to load as a global PAC_JAVASCRIPT_ERROR, as Chromium's bindings", async () => {
    const entries: { type: string; phase: string; source: { type: string }; params?: unknown }[] =
      [];
    let ids = 0;
    const netLog = {
      capturing: true,
      newSource: (type: string) => ({ id: ++ids, type, startTime: 0 }),
      // The script's events; each fetch's PAC_FILE_DECIDER events are another test's.
      add: (entry: (typeof entries)[number]) =>
        void (entry.source.type !== "PAC_FILE_DECIDER" && entries.push(entry)),
    };
    const resolver = new ProxyResolver({ netLog });
    const loadErrors = async (script: string) => {
      await resolver.setProxy({ pacScript: dataUrl(script) });
      await resolver.forceReloadProxyConfig();
      // Logged once per load (setProxy, then the reload), not per look-up.
      assert.equal(await resolver.resolveProxy("http://a.test/"), "");
      return entries.splice(0).map(({ type, phase, source, params }) => [
        type,
        phase,
        source.type,
        params,
      ]);
    };
    const logged = (line_number: number, message: string) =>
      Array(2).fill(["PAC_JAVASCRIPT_ERROR", "PHASE_NONE", "NONE", { line_number, message }]);
    // The thrown error with the line it left from, in V8's form ("Uncaught ...").
    assert.deepEqual(
      await loadErrors("var a = 1;\nthrow new Error('boom');\nfunction FindProxyForURL() {}"),
      logged(2, "Uncaught Error: boom"),
    );
    assert.deepEqual(
      await loadErrors("var a = 1;\nnull.x;\nfunction FindProxyForURL() {}"),
      logged(2, "Uncaught TypeError: cannot read property 'x' of null"),
    );
    assert.deepEqual(
      await loadErrors("function FindProxyForURL() {\n  return 'DIRECT';\n"),
      logged(3, "Uncaught SyntaxError: unexpected token in expression: ''"),
    );
    // Chromium's words (ProxyResolverV8::Context::InitV8), at no line.
    assert.deepEqual(
      await loadErrors("var FindProxyForURL = 5;"),
      logged(-1, "FindProxyForURL() is undefined."),
    );
    // A script that loads logs nothing; a script that could not be fetched is no script error.
    await resolver.setProxy({ pacScript: dataUrl(PAC) });
    assert.equal(
      await resolver.resolveProxy("http://a.test/"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    await resolver.setProxy({ pacScript: `${origin}/missing.pac` });
    assert.equal(await resolver.resolveProxy("http://a.test/"), "");
    assert.deepEqual(entries, []);
  });

  it("logs the alerts a PAC script makes while it loads as global entries, as Chromium's bindings", async () => {
    const entries: { type: string; source: { type: string }; params?: unknown }[] = [];
    let ids = 200;
    const netLog = {
      capturing: true,
      newSource: (type: string) => ({ id: ++ids, type, startTime: 0 }),
      // The script's events; each fetch's PAC_FILE_DECIDER events are another test's.
      add: (entry: (typeof entries)[number]) =>
        void (entry.source.type !== "PAC_FILE_DECIDER" && entries.push(entry)),
    };
    const resolver = new ProxyResolver({
      netLog,
      pac: { lookup: () => Promise.resolve(["10.0.0.7"]) },
    });
    const logged = () =>
      entries.splice(0).map(({ type, source, params }) => [type, source.type, params]);
    // A top level that looks a name up is loaded again with the answer: its alerts are heard once.
    await resolver.setProxy({
      pacScript: dataUrl(
        "alert('loading');\nvar ip = dnsResolve('proxy.corp.test');\nalert('proxy at ' + ip);\n" +
          "function FindProxyForURL() { return 'PROXY ' + ip + ':1'; }",
      ),
    });
    assert.equal(await resolver.resolveProxy("http://a.test/"), "PROXY 10.0.0.7:1");
    assert.deepEqual(logged(), [
      ["PAC_JAVASCRIPT_ALERT", "NONE", { message: "loading" }],
      ["PAC_JAVASCRIPT_ALERT", "NONE", { message: "proxy at 10.0.0.7" }],
    ]);
    // Alerts made before the load failed come before its error.
    await resolver.setProxy({
      pacScript: dataUrl("alert('v2');\nthrow new Error('b');\nfunction FindProxyForURL() {}"),
    });
    assert.equal(await resolver.resolveProxy("http://a.test/"), "");
    assert.deepEqual(logged(), [
      ["PAC_JAVASCRIPT_ALERT", "NONE", { message: "v2" }],
      ["PAC_JAVASCRIPT_ERROR", "NONE", { line_number: 2, message: "Uncaught Error: b" }],
    ]);
  });

  it("logs each fetch of the PAC script as Chromium's PacFileDecider, and runs no text that is not one", async () => {
    const entries: {
      type: string;
      phase: string;
      source: { id: number; type: string };
      params?: unknown;
    }[] = [];
    let ids = 300;
    const netLog = {
      capturing: true,
      newSource: (type: string) => ({ id: ++ids, type, startTime: 0 }),
      add: (entry: (typeof entries)[number]) => void entries.push(entry),
    };
    const resolver = new ProxyResolver({ netLog, fetchPac: (url, init) => fetch(url, init) });
    const decided = async (pacScript: string) => {
      await resolver.setProxy({ pacScript });
      await resolver.forceReloadProxyConfig();
      const logged = entries.splice(0);
      // Each fetch (setProxy's, the reload's) on a PAC_FILE_DECIDER source of its own.
      const sources = [...new Set(logged.map(({ source }) => source.id))];
      assert.equal(sources.length, 2);
      return logged.filter(({ source }) => source.id === sources[0]).map((
        { type, phase, source, params },
      ) => [type, phase, source.type, params]);
    };
    const fetched = (url: string, end?: unknown) => [
      ["PAC_FILE_DECIDER", "PHASE_BEGIN", "PAC_FILE_DECIDER", undefined],
      ["PAC_FILE_DECIDER_FETCH_PAC_SCRIPT", "PHASE_BEGIN", "PAC_FILE_DECIDER", {
        source: `Custom PAC URL: ${url}`,
      }],
      ["PAC_FILE_DECIDER_FETCH_PAC_SCRIPT", "PHASE_END", "PAC_FILE_DECIDER", end],
      ["PAC_FILE_DECIDER", "PHASE_END", "PAC_FILE_DECIDER", undefined],
    ];
    assert.deepEqual(await decided(`${origin}/proxy.pac`), fetched(`${origin}/proxy.pac`));
    // Only a 200 is a PAC file: ERR_HTTP_RESPONSE_CODE_FAILURE, as Chromium's PacFileFetcherImpl.
    assert.deepEqual(
      await decided(`${origin}/missing.pac`),
      fetched(`${origin}/missing.pac`, { net_error: -379 }),
    );
    // Fetched, but no PAC script (PacFileDecider::DoVerifyPacScript looks for FindProxyForURL):
    // the text is never run, so its top level logs no error and looks no name up.
    const notPac = dataUrl("<html>dnsResolve('portal.test'); alert('ran')</html>");
    assert.deepEqual(await decided(notPac), fetched(notPac));
    assert.equal(await resolver.resolveProxy("http://a.test/"), "");
    assert.deepEqual(entries, []);
  });

  it("logs a look-up's PAC alerts and errors as global entries too, ses.resolveProxy's included", async () => {
    const entries: { type: string; source: { id: number; type: string }; params?: unknown }[] = [];
    let ids = 100;
    const netLog = {
      capturing: true,
      newSource: (type: string) => ({ id: ++ids, type, startTime: 0 }),
      // The script's events; each fetch's PAC_FILE_DECIDER events are another test's.
      add: (entry: (typeof entries)[number]) =>
        void (entry.source.type !== "PAC_FILE_DECIDER" && entries.push(entry)),
    };
    const resolver = new ProxyResolver({ netLog });
    await resolver.setProxy({
      pacScript: dataUrl("function FindProxyForURL(url, host) {\n  alert(host);\n  return x;\n}"),
    });
    // resolveProxy has no request to log on (Chromium's ProxyLookupRequest logs nothing), but
    // Chromium's ProxyResolverMojo adds both to the log's global entries.
    assert.equal(await resolver.resolveProxy("http://a.test/"), "");
    const error = {
      line_number: 3,
      message: "Uncaught ReferenceError: 'x' is not defined",
    };
    assert.deepEqual(
      entries.splice(0).map(({ type, source, params }) => [type, source.type, params]),
      [
        ["PAC_JAVASCRIPT_ALERT", "NONE", { message: "a.test" }],
        ["PAC_JAVASCRIPT_ERROR", "NONE", error],
      ],
    );
    // A request's look-up logs them on the request, and as global entries.
    const source = { id: 1, type: "URL_REQUEST", startTime: 0 };
    await assert.rejects(
      Promise.resolve(resolver.resolveProxies(new URL("http://b.test/"), undefined, {
        sink: netLog,
        source,
      })),
    );
    assert.deepEqual(
      entries.map(({ type, source, params }) => [type, source.type, params]),
      [
        ["PAC_JAVASCRIPT_ALERT", "URL_REQUEST", { message: "b.test" }],
        ["PAC_JAVASCRIPT_ALERT", "NONE", { message: "b.test" }],
        ["PAC_JAVASCRIPT_ERROR", "URL_REQUEST", error],
        ["PAC_JAVASCRIPT_ERROR", "NONE", error],
        ["PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST", "URL_REQUEST", { net_error: -327 }],
      ],
    );
  });

  it("fails look-ups when a mandatory PAC cannot load; WPAD failures go DIRECT", async () => {
    const resolver = new ProxyResolver({ fetchPac: (url, init) => fetch(url, init) });
    await resolver.setProxy({ mode: "pac_script", pacScript: `${origin}/missing.pac` });
    assert.equal(await resolver.resolveProxy("http://b.test/"), "");
    const entries: { type: string; params?: unknown }[] = [];
    const source = { id: 8, type: "URL_REQUEST", startTime: 0 };
    const netLog = {
      sink: { capturing: true, newSource: () => source, add: (e: never) => void entries.push(e) },
      source,
    };
    await assert.rejects(
      Promise.resolve(resolver.resolveProxies(new URL("http://b.test/"), undefined, netLog)),
      (error: unknown) =>
        SessionError.is(error) && error.code === "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED",
    );
    // A mandatory script that could not be had fails each look-up with Chromium's
    // permanent_error_, logged as the resolved list's error.
    assert.deepEqual(entries.map(({ type, params }) => [type, params]), [
      ["PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST", { net_error: -131 }],
    ]);
    await resolver.setProxy({ pacScript: `${origin}/huge.pac` });
    assert.equal(await resolver.resolveProxy("http://b.test/"), "");
    // Only a 200 is a PAC file (Chromium's PacFileFetcherImpl::OnResponseStarted), though a
    // working script comes with this 203.
    const only200 = new ProxyResolver({
      fetchPac: () => Promise.resolve(new Response(PAC, { status: 203 })),
    });
    await only200.setProxy({ pacScript: "http://pac.test/proxy.pac" });
    assert.equal(await only200.resolveProxy("http://b.test/"), "");
    await resolver.setProxy({ pacScript: dataUrl("function FindProxyForURL() { throw 1; }") });
    assert.equal(await resolver.resolveProxy("http://b.test/"), "");
    await resolver.setProxy({ pacScript: dataUrl("not javascript {") });
    assert.equal(await resolver.resolveProxy("http://b.test/"), "");

    // A file: PAC is read only up to the limit, not whole: /dev/zero never ends.
    const dir = await mkdtemp(join(tmpdir(), "ses-pac-"));
    const big = join(dir, "big.pac");
    await writeFile(big, `// ${"x".repeat(MAX_PAC_BYTES)}\nfunction FindProxyForURL() {}`);
    for (const path of ["/dev/zero", big]) {
      await resolver.setProxy({ pacScript: pathToFileURL(path).href });
      await assert.rejects(
        Promise.resolve(resolver.resolveProxies(new URL("http://b.test/"))),
        (error: unknown) =>
          SessionError.is(error) && error.cause instanceof RangeError &&
          error.cause.message.includes(`larger than ${MAX_PAC_BYTES} bytes`),
        path,
      );
    }
    await rm(dir, { recursive: true });

    const wpad: string[] = [];
    const autodetect = new ProxyResolver({
      fetchPac: (url) => {
        wpad.push(url);
        return Promise.resolve(new Response("", { status: 404 }));
      },
    });
    await autodetect.setProxy({ mode: "auto_detect" });
    assert.equal(await autodetect.resolveProxy("http://b.test/"), "DIRECT");
    assert.deepEqual(wpad, ["http://wpad/wpad.dat"]);
  });

  it("fetches the PAC script again as Chromium's poller does: 8 s, 32 s, 2 min after failures, 12 h after success", async () => {
    let now = 5_000_000;
    let answer: Response | undefined;
    let fetches = 0;
    let fetched = () => {};
    const resolver = new ProxyResolver({
      now: () => now,
      fetchPac: () => {
        fetches++;
        fetched();
        return Promise.resolve(answer ?? new Response("", { status: 503 }));
      },
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    await resolver.setProxy({ pacScript: "http://pac.test/proxy.pac" });
    assert.equal(await resolver.resolveProxy("http://b.test/"), "");
    assert.equal(fetches, 1);
    // Still failing: the look-up that finds a poll due waits for it; the delays grow.
    const delays = [8_000, 32_000, 120_000, 4 * 3600_000, 4 * 3600_000];
    for (const [polls, delay] of delays.entries()) {
      now += delay - 1;
      assert.equal(await resolver.resolveProxy("http://b.test/"), "");
      assert.equal(fetches, 1 + polls);
      now += 1;
      assert.equal(await resolver.resolveProxy("http://b.test/"), "");
      assert.equal(fetches, 2 + polls);
    }
    // The server is back: the next due poll brings the script in for the look-up that waited.
    answer = new Response('function FindProxyForURL() { return "PROXY one:1"; }');
    now += 4 * 3600_000;
    assert.equal(await resolver.resolveProxy("http://b.test/"), "PROXY one:1");
    // A working script is fetched again 12 h later, behind the look-ups, which keep it meanwhile.
    answer = new Response('function FindProxyForURL() { return "PROXY two:2"; }');
    const count = fetches;
    now += 12 * 3600_000 - 1;
    assert.equal(await resolver.resolveProxy("http://b.test/"), "PROXY one:1");
    assert.equal(fetches, count);
    now += 1;
    const polled = new Promise<void>((resolve) => fetched = resolve);
    assert.equal(await resolver.resolveProxy("http://b.test/"), "PROXY one:1");
    await polled;
    await settle();
    assert.equal(await resolver.resolveProxy("http://b.test/"), "PROXY two:2");
    assert.equal(fetches, count + 1);
  });

  it("logs a PAC fetch that ran past its deadline as ERR_TIMED_OUT, as PacFileFetcherImpl::OnTimeout", async () => {
    const ends: unknown[] = [];
    const netLog = {
      capturing: true,
      newSource: (type: string) => ({ id: 1, type, startTime: 0 }),
      add: (entry: { type: string; phase: string; params?: unknown }) => {
        if (entry.type === "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT" && entry.phase === "PHASE_END") {
          ends.push(entry.params);
        }
      },
    };
    // What the fetch rejects with when its AbortSignal.timeout fires, in both runtimes.
    const resolver = new ProxyResolver({
      netLog,
      fetchPac: () => Promise.reject(new DOMException("The operation timed out.", "TimeoutError")),
    });
    await resolver.setProxy({ pacScript: "http://pac.test/slow.pac" });
    await resolver.resolveProxy("http://b.test/").catch(() => {});
    assert.deepEqual(ends, [{ net_error: -7 }]);
  });

  it("gives up a pending PAC look-up when its signal aborts", async () => {
    // The PAC file never arrives: only the abort can end the look-up.
    const resolver = new ProxyResolver({ fetchPac: () => new Promise<Response>(() => {}) });
    await resolver.setProxy({ pacScript: "http://pac.test/never.pac" });
    const controller = new AbortController();
    const pending = Promise.resolve(
      resolver.resolveProxies(new URL("http://b.test/"), controller.signal),
    );
    controller.abort(new Error("caller gave up"));
    // Without the abort the look-up never settles; the timer only keeps a failure from hanging.
    let guard: ReturnType<typeof setTimeout> | undefined;
    const stillPending = new Promise((resolve) => guard = setTimeout(resolve, 10_000, "pending"));
    await assert.rejects(
      Promise.race([pending, stillPending]).finally(() => clearTimeout(guard)),
      (error: unknown) =>
        SessionError.is(error) && error.code === "ERR_ABORTED" &&
        (error.cause as Error).message === "caller gave up",
    );
    await assert.rejects(
      Promise.resolve(resolver.resolveProxies(new URL("http://b.test/"), controller.signal)),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_ABORTED",
      "an aborted signal fails at once",
    );
  });

  it("a look-up waiting for its PAC script when the settings change is answered by the new ones", async () => {
    // Chromium's ResetProxyConfig suspends pending requests and restarts them under the new
    // config, so a request made just before setProxy does not go through the old proxies.
    const releases: (() => void)[] = [];
    const resolver = new ProxyResolver({
      fetchPac: (url) =>
        new Promise<Response>((resolve) => {
          const name = new URL(url).pathname.slice(1, -4);
          const text = `function FindProxyForURL() { return "PROXY ${name}:1"; }`;
          releases.push(() => resolve(new Response(text, { status: 200 })));
        }),
    });
    await resolver.setProxy({ pacScript: "http://pac.test/old.pac" });
    const toRules = resolver.resolveProxy("http://b.test/");
    await resolver.setProxy({ proxyRules: "rules:1" });
    for (const release of releases.splice(0)) release();
    assert.equal(await toRules, "PROXY rules:1");

    await resolver.setProxy({ pacScript: "http://pac.test/first.pac" });
    const toPac = resolver.resolveProxy("http://b.test/");
    await resolver.setProxy({ pacScript: "http://pac.test/second.pac" });
    for (const release of releases.splice(0)) release();
    assert.equal(await toPac, "PROXY second:1");
  });

  it("follows the environment until setProxy, as Electron falls back to the system's", async () => {
    // Electron's docs: with no proxy configuration a session uses the system settings (on
    // Linux outside a desktop, the environment), unlike `direct`.
    const env: Record<string, string> = {
      https_proxy: "http://envproxy:3128",
      no_proxy: "skip.test",
    };
    const resolver = new ProxyResolver({ env: (name) => env[name] });
    assert.equal(await resolver.resolveProxy("https://a.test/"), "PROXY envproxy:3128");
    assert.equal(await resolver.resolveProxy("http://a.test/"), "DIRECT");
    assert.equal(await resolver.resolveProxy("https://skip.test/"), "DIRECT");
    await resolver.setProxy({ mode: "direct" });
    assert.equal(await resolver.resolveProxy("https://a.test/"), "DIRECT");
    assert.equal(await new ProxyResolver().resolveProxy("https://a.test/"), "DIRECT");
  });

  it("reads the environment in system mode", async () => {
    const env: Record<string, string> = {
      http_proxy: "http://user:pw@envproxy:3128/",
      HTTPS_PROXY: "socks5://secure:1080",
      NO_PROXY: "example.org,.skip.test",
    };
    const resolver = new ProxyResolver({ env: (name) => env[name] });
    await resolver.setProxy({ mode: "system" });
    assert.deepEqual(resolver.resolveProxies(new URL("http://a.test/")), [
      { scheme: "http", host: "envproxy", port: 3128, username: "user", password: "pw" },
    ]);
    assert.equal(await resolver.resolveProxy("https://a.test/"), "SOCKS5 secure:1080");
    assert.equal(await resolver.resolveProxy("http://www.example.org/"), "DIRECT");
    assert.equal(await resolver.resolveProxy("http://a.skip.test/"), "DIRECT");
    env.http_proxy = "http://other:8080";
    assert.equal(await resolver.resolveProxy("http://a.test/"), "PROXY envproxy:3128");
    await resolver.forceReloadProxyConfig();
    assert.equal(await resolver.resolveProxy("http://a.test/"), "PROXY other:8080");

    assert.equal(settingsFromEnvironment(() => undefined).kind, "direct");
    const all: Record<string, string> = { ALL_PROXY: "socks://s", http_proxy: "h" };
    const settings = settingsFromEnvironment((name) => all[name]);
    assert.ok(settings.kind === "fixed" && settings.rules.type === "single");
    const socks: Record<string, string> = { SOCKS_SERVER: "s:9", SOCKS_VERSION: "4" };
    assert.deepEqual(settingsFromEnvironment((name) => socks[name]), {
      kind: "fixed",
      rules: { type: "single", proxies: [{ scheme: "socks4", host: "s", port: 9 }] },
      bypass: { rules: [], problems: [] },
    });
    // Each name is read as given, then in the other case, as Chromium's base::Environment
    // GetVar does: socks_server and socks_version count as SOCKS_SERVER and SOCKS_VERSION.
    const lower: Record<string, string> = { socks_server: "s:9", socks_version: "4" };
    assert.deepEqual(
      settingsFromEnvironment((name) => lower[name]),
      settingsFromEnvironment((name) => socks[name]),
    );
  });

  it("tries a failed proxy last for 5 minutes", async () => {
    let now = 1_000_000;
    const resolver = new ProxyResolver({ now: () => now });
    await resolver.setProxy({ proxyRules: "a:1,b:2,direct://" });
    resolver.reportFailure({ scheme: "http", host: "a", port: 1 });
    assert.equal(await resolver.resolveProxy("http://x.test/"), "PROXY b:2;DIRECT;PROXY a:1");
    now += 5 * 60 * 1000 - 1;
    assert.equal(await resolver.resolveProxy("http://x.test/"), "PROXY b:2;DIRECT;PROXY a:1");
    now += 1;
    assert.equal(await resolver.resolveProxy("http://x.test/"), "PROXY a:1;PROXY b:2;DIRECT");
    resolver.reportFailure({ scheme: "http", host: "b", port: 2 });
    await resolver.forceReloadProxyConfig();
    assert.equal(await resolver.resolveProxy("http://x.test/"), "PROXY a:1;PROXY b:2;DIRECT");
  });

  it("forgets failed proxies when setProxy changes the settings, not when it repeats them", async () => {
    const resolver = new ProxyResolver();
    await resolver.setProxy({ proxyRules: "a:1,direct://" });
    resolver.reportFailure({ scheme: "http", host: "a", port: 1 });
    // The same settings, written differently: Chromium's ProxyConfig::Equals finds no change.
    await resolver.setProxy({ mode: "fixed_servers", proxyRules: " A:1 , direct:// " });
    assert.equal(await resolver.resolveProxy("http://x.test/"), "DIRECT;PROXY a:1");
    // New settings reset the proxy service, and its retry info with it.
    await resolver.setProxy({ proxyRules: "a:1,direct://", proxyBypassRules: "y.test" });
    assert.equal(await resolver.resolveProxy("http://x.test/"), "PROXY a:1;DIRECT");
    resolver.reportFailure({ scheme: "http", host: "a", port: 1 });
    await resolver.setProxy({ mode: "direct" });
    await resolver.setProxy({ proxyRules: "a:1,direct://", proxyBypassRules: "y.test" });
    assert.equal(await resolver.resolveProxy("http://x.test/"), "PROXY a:1;DIRECT");
  });

  it("decodes a PAC file as Chromium's PacFileFetcherImpl: its charset, else a byte order mark, else ISO-8859-1", async () => {
    // The script answers the code of its first character after "PROXY c": é is 233.
    const script = 'function FindProxyForURL() { return "PROXY c" + "é".charCodeAt(0) + ":1"; }';
    const utf8 = new TextEncoder().encode(script);
    const latin1 = Uint8Array.from(script, (char) => char.charCodeAt(0));
    const utf16 = (littleEndian: boolean) => {
      const bytes = new Uint8Array(2 + script.length * 2);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, 0xfeff, littleEndian);
      for (let i = 0; i < script.length; i++) {
        view.setUint16(2 + i * 2, script.charCodeAt(i), littleEndian);
      }
      return bytes;
    };
    const pac = "application/x-ns-proxy-autoconfig";
    const cases: [string, Uint8Array, string | undefined, string][] = [
      ["UTF-8 with its charset", utf8, `${pac}; charset=UTF-8`, "PROXY c233:1"],
      ["UTF-8 with a quoted charset", utf8, `${pac};charset="utf-8"`, "PROXY c233:1"],
      ["ISO-8859-1, no charset", latin1, pac, "PROXY c233:1"],
      ["UTF-8, no charset (read as ISO-8859-1: Ã©)", utf8, undefined, "PROXY c195:1"],
      ["UTF-8 with a BOM", Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8), pac, "PROXY c233:1"],
      ["UTF-16LE with a BOM", utf16(true), undefined, "PROXY c233:1"],
      ["UTF-16BE with a BOM", utf16(false), pac, "PROXY c233:1"],
    ];
    for (const [name, bytes, contentType, expected] of cases) {
      const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
      const resolver = new ProxyResolver({
        fetchPac: () => Promise.resolve(new Response(bytes.slice(), { status: 200, headers })),
      });
      await resolver.setProxy({ pacScript: "http://pac.test/proxy.pac" });
      assert.equal(await resolver.resolveProxy("http://b.test/"), expected, name);
    }
  });

  it("refetches a PAC script on setProxy only when its settings change", async () => {
    const resolver = new ProxyResolver({ fetchPac: (url, init) => fetch(url, init) });
    hits = 0;
    await resolver.setProxy({ pacScript: `${origin}/proxy.pac` });
    assert.equal(
      await resolver.resolveProxy("http://b.test/"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    await resolver.setProxy({ mode: "pac_script", pacScript: `${origin}/proxy.pac` });
    assert.equal(
      await resolver.resolveProxy("http://b.test/"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    assert.equal(hits, 1);
    await resolver.setProxy({ pacScript: `${origin}/proxy.pac?2` });
    assert.equal(
      await resolver.resolveProxy("http://b.test/"),
      "PROXY pac-proxy:3128;SOCKS5 backup:1080;DIRECT",
    );
    assert.equal(hits, 2);
  });
});
