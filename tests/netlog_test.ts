import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type Session } from "../session/mod.ts";
import { netLogProblems, netLogToHar, parseNetLog, type ReadNetLog } from "../netlog/mod.ts";
import type { CaptureMode, NetLog, StartLoggingOptions } from "../mod.ts";
import { type RunningServer, startTinyproxy } from "./fixtures/proxy_servers.ts";
import { makeTestCertificates } from "./fixtures/tls_certs.ts";

let partitions = 0;
function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(`netlog-${++partitions}`);
}

/** The events of each URL_REQUEST source, as `TYPE PHASE` lines. */
function requests(log: ReadNetLog): Map<number, string[]> {
  const bySource = new Map<number, string[]>();
  for (const event of log.events) {
    if (event.source.type !== "URL_REQUEST") continue;
    const list = bySource.get(event.source.id) ?? [];
    list.push(`${event.type} ${event.phase}`);
    bySource.set(event.source.id, list);
  }
  return bySource;
}

function paramsOf(log: ReadNetLog, id: number, type: string): Record<string, unknown>[] {
  return log.events.filter((e) => e.source.id === id && e.type === type).map((e) => e.params ?? {});
}

describe("net log of ses.fetch", () => {
  let server: Server;
  // Bodies of /streamed waiting for the next /held request.
  const afterHeld: Array<() => void> = [];
  let origin = "";
  let proxy: RunningServer;
  let secure: HttpsServer;
  let secureOrigin = "";
  let serverCertificate: X509Certificate;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/redirect") {
        response.writeHead(302, { location: "/final" }).end();
      } else if (request.url === "/cookies") {
        response.writeHead(200, {
          "set-cookie": [
            "ok=1",
            "elsewhere=1; Path=/elsewhere",
            "none=1; SameSite=None",
            "foreign=1; Domain=other.test",
            "__Host-x=1",
          ],
        }).end("set");
      } else if (request.url === "/cached") {
        response.writeHead(200, { "cache-control": "max-age=3600" }).end("cached");
      } else if (request.url === "/auth") {
        if (request.headers.authorization === `Basic ${btoa("user:pw")}`) {
          response.writeHead(200, { "set-cookie": "session=secret-value" }).end("welcome");
        } else {
          response.writeHead(401, { "www-authenticate": 'Basic realm="r"' }).end("who?");
        }
      } else if (request.url === "/streamed") {
        // The head first, the body 10 ms later: a body that streams in after its head.
        response.writeHead(200, { "content-length": "8" });
        response.flushHeaders();
        setTimeout(() => response.destroyed || response.end("streamed"), 10);
      } else if (request.url === "/streamed-until-held") {
        // The same, its body sent once the client asks for /held (or 5 s later): never in
        // the head's read, however loaded the machine.
        response.writeHead(200, { "content-length": "8" });
        response.flushHeaders();
        const end = () => response.destroyed || response.end("streamed");
        const timer = setTimeout(end, 5000);
        afterHeld.push(() => {
          clearTimeout(timer);
          end();
        });
      } else if (request.url === "/held") {
        for (const release of afterHeld.splice(0)) release();
        // The head, then a body that comes only if the client is still there 5 s later: a
        // body the test cancels before any of it came, however loaded the machine.
        response.writeHead(200, { "content-length": "4" });
        response.flushHeaders();
        const timer = setTimeout(() => response.destroyed || response.end("held"), 5000);
        response.on("close", () => clearTimeout(timer));
      } else if (request.url === "/chunked") {
        // No length: chunked transfer coding, two chunks.
        response.write("first,");
        setTimeout(() => response.destroyed || response.end("second"), 10);
      } else {
        // One write, head and body together: a response that arrives whole.
        response.end("final");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    proxy = await startTinyproxy();
    const tls = makeTestCertificates().server;
    serverCertificate = new X509Certificate(tls.cert);
    secure = createHttpsServer(tls, (_request, response) => {
      response.end("secure");
    });
    await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
    secureOrigin = `https://127.0.0.1:${(secure.address() as { port: number }).port}`;
  });
  after(async () => {
    secure.closeAllConnections();
    await new Promise<void>((resolve) => secure.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await proxy.stop();
  });

  it("records redirected, cached, authenticated, proxied and failed requests in a log the viewer loads", async () => {
    const ses = newSession();
    ses.on("login", (event, _details, _authInfo, callback) => {
      event.preventDefault();
      callback("user", "pw");
    });
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
    await ses.netLog.startLogging(path);
    assert.equal(await (await ses.fetch(`${origin}/redirect`)).text(), "final");
    await (await ses.fetch(`${origin}/cached`)).text();
    assert.equal(await (await ses.fetch(`${origin}/cached`)).text(), "cached");
    assert.equal(await (await ses.fetch(`${origin}/auth`)).text(), "welcome");
    await assert.rejects(ses.fetch("http://127.0.0.1:4/"), { code: "ERR_CONNECTION_REFUSED" });
    ses.setCertificateVerifyProc((_request, callback) => callback(0));
    assert.equal(await (await ses.fetch(secureOrigin)).text(), "secure");
    ses.webRequest.onBeforeRequest({ urls: ["*://*/blocked"] }, (_details, callback) => {
      callback({ cancel: true });
    });
    await assert.rejects(ses.fetch(`${origin}/blocked`), { code: "ERR_BLOCKED_BY_CLIENT" });
    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${proxy.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(await (await ses.fetch(`${origin}/proxied`)).text(), "final");
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();

    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual(netLogProblems(log), []);
    assert.equal(log.truncated, false);
    // The state at the stop, as Electron's exporter writes it (Chromium's GetNetInfo).
    const polled = log.polledData as Record<string, Record<string, unknown>>;
    const proxySettings = {
      single_proxy: [`127.0.0.1:${proxy.port}`],
      bypass_list: ["<-loopback>"],
    };
    assert.deepEqual(polled.proxySettings, { original: proxySettings, effective: proxySettings });
    assert.deepEqual(polled.badProxies, []);
    const [pool] = polled.socketPoolInfo as unknown as Record<string, unknown>[];
    assert.equal(pool?.name, "transport_socket_pool");
    assert.equal(pool?.max_sockets_per_group, 6);
    assert.ok((pool?.idle_socket_count as number) >= 1, "the proxied request's socket is idle");
    const stats = polled.httpCacheInfo!.stats as Record<string, string>;
    assert.equal(stats["Cache type"], "Memory Cache");
    assert.ok(Number(stats["Current size"]) > 0, "the cached response is counted");
    assert.deepEqual(polled.spdyStatus, { enable_http2: false });
    // The host cache (empty: every request went to an IP literal), as HostCache::GetList.
    assert.deepEqual(polled.hostResolverInfo, {
      cache: { capacity: 1000, network_changes: 0, entries: [] },
    });
    const [redirected, stored, cached, authenticated, failed, tls, blocked, proxied] = [
      ...requests(log).entries(),
    ];
    assert.ok(proxied, `eight requests, got ${requests(log).size}`);

    // Redirected: two jobs with URL_REQUEST_REDIRECTED between them, inside REQUEST_ALIVE.
    const [redirectId, redirectEvents] = redirected!;
    assert.equal(redirectEvents[0], "REQUEST_ALIVE PHASE_BEGIN");
    assert.equal(redirectEvents.at(-1), "REQUEST_ALIVE PHASE_END");
    assert.equal(redirectEvents.filter((e) => e === "URL_REQUEST_START_JOB PHASE_BEGIN").length, 2);
    assert.deepEqual(paramsOf(log, redirectId, "URL_REQUEST_REDIRECTED"), [
      { location: `${origin}/final` },
    ]);
    // Inside the first job, as Chromium's URLRequest::Redirect logs it before
    // PrepareToRestart ends URL_REQUEST_START_JOB.
    const redirectAt = redirectEvents.indexOf("URL_REQUEST_REDIRECTED PHASE_NONE");
    assert.equal(redirectEvents[redirectAt + 1], "URL_REQUEST_START_JOB PHASE_END");
    // The viewer lists a URL_REQUEST by its first event's url (source_entry.js,
    // getStartEntry_): REQUEST_ALIVE begins with NetLogURLRequestConstructorParams.
    // Its priority is RequestPriorityToString's name of the request's net priority: IDLE, the
    // network::ResourceRequest default that Electron's net.fetch leaves (it passes no hint).
    assert.deepEqual(paramsOf(log, redirectId, "REQUEST_ALIVE")[0], {
      url: `${origin}/redirect`,
      priority: "IDLE",
      traffic_annotation: 0,
    });
    // Each job begins with Chromium 156's NetLogURLRequestStartParams (no priority: that is
    // REQUEST_ALIVE's), of the request Electron's net.fetch makes: an IsolationInfo of type
    // "other" for the first URL's site (the browser's URLLoaderFactory assigns it, and a
    // redirect keeps it), the site for cookies of that URL, no initiator without an Origin.
    const jobs = paramsOf(log, redirectId, "URL_REQUEST_START_JOB").filter((p) => "url" in p);
    const start = {
      method: "GET",
      load_flags: 0,
      network_isolation_key: "http://127.0.0.1 http://127.0.0.1",
      request_type: "other",
      site_for_cookies: "SiteForCookies: {site=http://127.0.0.1; schemefully_same=true}",
      initiator: "not an origin",
    };
    assert.deepEqual(jobs, [
      { url: `${origin}/redirect`, ...start },
      { url: `${origin}/final`, ...start },
    ]);
    for (
      const type of [
        "PROXY_RESOLUTION_SERVICE PHASE_BEGIN",
        "HOST_RESOLVER_MANAGER_REQUEST PHASE_BEGIN",
        "TCP_CONNECT PHASE_END",
        "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
        "HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE",
      ]
    ) assert.ok(redirectEvents.includes(type), type);
    // The second hop reuses the first one's connection.
    assert.ok(redirectEvents.includes("SOCKET_POOL_REUSED_AN_EXISTING_SOCKET PHASE_NONE"));
    // With how long it lay idle, as Chromium's ClientSocketPool logs {idle_ms}.
    const [reuse] = paramsOf(log, redirectId, "SOCKET_POOL_REUSED_AN_EXISTING_SOCKET");
    assert.ok(Number.isInteger(reuse?.idle_ms) && (reuse!.idle_ms as number) >= 0, String(reuse));

    // Stored, then answered from the cache without a transaction.
    // As chromium --log-net-log (156) writes a store and a hit: the backend, the entry created
    // or opened, joined, then the head and body written, or the head and body read.
    const cacheSteps = (events: string[]) => events.filter((e) => e.startsWith("HTTP_CACHE_"));
    const pair = (type: string) => [`${type} PHASE_BEGIN`, `${type} PHASE_END`];
    const opened = [
      ...pair("HTTP_CACHE_GET_BACKEND"),
      ...pair("HTTP_CACHE_OPEN_OR_CREATE_ENTRY"),
      ...pair("HTTP_CACHE_ADD_TO_ENTRY"),
    ];
    assert.deepEqual(cacheSteps(stored![1]), [
      ...opened,
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_WRITE_DATA"),
    ]);
    assert.deepEqual(paramsOf(log, stored![0], "HTTP_CACHE_OPEN_OR_CREATE_ENTRY"), [
      {},
      { result: "created" },
    ]);
    assert.ok(stored![1].includes("HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE"));
    // The body read from the entry: its bytes, then the read that finds its end.
    assert.deepEqual(cacheSteps(cached![1]), [
      ...opened,
      ...pair("HTTP_CACHE_READ_INFO"),
      ...pair("HTTP_CACHE_READ_DATA"),
      ...pair("HTTP_CACHE_READ_DATA"),
    ]);
    assert.deepEqual(
      paramsOf(log, cached![0], "HTTP_CACHE_OPEN_OR_CREATE_ENTRY").at(-1),
      { result: "opened" },
    );
    assert.ok(!cached![1].includes("HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE"));

    // Authenticated: the 401, then the retry; default mode strips the credentials and cookie.
    const [authId] = authenticated!;
    const sent = paramsOf(log, authId, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS");
    assert.equal(sent.length, 2);
    assert.ok(
      (sent[1]!.headers as string[]).includes("Authorization: [18 bytes were stripped]"),
    );
    // The auth controller logs on a source of its own, bound to the request, with the events
    // and params `chromium --log-net-log` (156) writes for a Basic challenge answered; the
    // challenge text only in a mode that keeps credentials.
    const [bound] = paramsOf(log, authId, "AUTH_BOUND_TO_CONTROLLER");
    const controller = (bound?.source_dependency as { id: number; type: number }).id;
    const sourceTypes = log.constants.logSourceType as Record<string, number>;
    assert.deepEqual(bound, {
      source_dependency: { id: controller, type: sourceTypes.HTTP_AUTH_CONTROLLER },
    });
    const requestDependency = { source_dependency: { id: authId, type: sourceTypes.URL_REQUEST } };
    assert.deepEqual(
      log.events.filter((e) => e.source.id === controller).map((e) => [
        e.source.type,
        e.type,
        e.phase,
        e.params,
      ]),
      [
        ["AUTH_CONTROLLER", "PHASE_BEGIN", { target: "server", url: `${origin}/auth` }],
        ["AUTH_HANDLE_CHALLENGE", "PHASE_BEGIN", requestDependency],
        ["AUTH_HANDLER_INIT", "PHASE_BEGIN", {}],
        ["AUTH_HANDLER_INIT", "PHASE_END", { allows_default_credentials: false, succeeded: true }],
        ["AUTH_HANDLER_CREATE_RESULT", "PHASE_NONE", {
          allows_default_credentials: false,
          origin,
          scheme: "basic",
        }],
        ["AUTH_HANDLE_CHALLENGE", "PHASE_END", {}],
        ["AUTH_GENERATE_TOKEN", "PHASE_BEGIN", requestDependency],
        ["AUTH_GENERATE_TOKEN", "PHASE_BEGIN", {}],
        ["AUTH_GENERATE_TOKEN", "PHASE_END", {}],
        ["AUTH_GENERATE_TOKEN", "PHASE_END", {}],
        ["AUTH_CONTROLLER", "PHASE_END", {}],
      ].map((event) => ["HTTP_AUTH_CONTROLLER", ...event]),
    );
    const received = paramsOf(log, authId, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS");
    assert.equal((received[0]!.headers as string[])[0], "HTTP/1.1 401 Unauthorized");
    assert.ok(
      (received[1]!.headers as string[]).some((line) =>
        /^set-cookie: \[\d+ bytes were stripped\]$/i.test(line)
      ),
    );
    assert.ok(!JSON.stringify(log.rawEvents).includes("secret-value"));

    // Failed: net_error on the attempt, the connect, the job and REQUEST_ALIVE.
    const [failedId, failedEvents] = failed!;
    assert.equal(failedEvents.at(-1), "REQUEST_ALIVE PHASE_END");
    assert.deepEqual(paramsOf(log, failedId, "REQUEST_ALIVE").at(-1), { net_error: -102 });
    assert.deepEqual(paramsOf(log, failedId, "TCP_CONNECT").at(-1), { net_error: -102 });

    // TLS: SSL_CONNECT ends with Chromium's NetLogSSLInfoParams (its version names, the IANA
    // suite number, TLS 1.3's too, and "unknown" when ALPN chose nothing), and the server's
    // certificate is logged as PEM.
    const [tlsId] = tls!;
    const sslInfo = paramsOf(log, tlsId, "SSL_CONNECT").at(-1)!;
    assert.match(String(sslInfo.version), /^TLS 1\.[23]$/);
    assert.ok((sslInfo.cipher_suite as number) > 0, `cipher_suite ${sslInfo.cipher_suite}`);
    assert.equal(sslInfo.is_resumed, false);
    assert.match(String(sslInfo.next_proto), /^(http\/1\.1|unknown)$/);
    // The plaintext of a TLS connection is the SSL socket's bytes (Chromium's
    // SSLClientSocketImpl logs SSL_SOCKET_BYTES_*); a plain connection's are SOCKET_BYTES_*.
    const [, tlsEvents] = tls!;
    assert.ok(tlsEvents.includes("SSL_SOCKET_BYTES_SENT PHASE_NONE"), tlsEvents.join("\n"));
    assert.ok(tlsEvents.includes("SSL_SOCKET_BYTES_RECEIVED PHASE_NONE"), tlsEvents.join("\n"));
    assert.ok(!tlsEvents.some((e) => e.startsWith("SOCKET_BYTES_")), tlsEvents.join("\n"));
    assert.ok(redirectEvents.includes("SOCKET_BYTES_SENT PHASE_NONE"));
    assert.ok(!redirectEvents.some((e) => e.startsWith("SSL_SOCKET_BYTES_")));
    const [certificates] = paramsOf(log, tlsId, "SSL_CERTIFICATES_RECEIVED");
    const [leaf] = certificates!.certificates as string[];
    assert.match(
      leaf!,
      /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/,
    );
    assert.equal(new X509Certificate(leaf!).fingerprint256, serverCertificate.fingerprint256);

    // Cancelled by webRequest: the delegate step and the request end with ERR_BLOCKED_BY_CLIENT.
    const [blockedId] = blocked!;
    assert.deepEqual(paramsOf(log, blockedId, "NETWORK_DELEGATE_BEFORE_URL_REQUEST").at(-1), {
      net_error: -20,
    });
    assert.deepEqual(paramsOf(log, blockedId, "REQUEST_ALIVE").at(-1), { net_error: -20 });

    // Proxied: the resolved list names tinyproxy and the request goes to it in absolute form;
    // it sends the cookie the authenticated request stored, unnamed in default mode.
    const [proxiedId] = proxied!;
    assert.deepEqual(paramsOf(log, proxiedId, "COOKIE_INCLUSION_STATUS"), [
      { operation: "send", status: "INCLUDE, DO_NOT_WARN, NO_EXEMPTION", partition_key: "(none)" },
    ]);
    assert.deepEqual(paramsOf(log, proxiedId, "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST"), [
      { proxy_info: `PROXY 127.0.0.1:${proxy.port}` },
    ]);
    // The route as Chromium's ProxyChain::ToDebugString: an HTTP proxy without its scheme.
    assert.equal(
      paramsOf(log, proxiedId, "HTTP_STREAM_REQUEST").at(-1)!.proxy_chain,
      `[127.0.0.1:${proxy.port}]`,
    );
    assert.equal(
      paramsOf(log, proxiedId, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS")[0]!.line,
      `GET ${origin}/proxied HTTP/1.1\r\n`,
    );
  });

  it("ends REQUEST_ALIVE at once for a body that arrived whole, else once it is read or cancelled", async () => {
    const ses = newSession();
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
    await ses.netLog.startLogging(path);
    // Chromium's URLLoader completes, and its URLRequest goes, once the body is in the data
    // pipe: a body that arrived whole ends the request before it is read.
    const whole = await ses.fetch(`${origin}/final`);
    const read = await ses.fetch(`${origin}/streamed-until-held`);
    const cancelled = await ses.fetch(`${origin}/held`);
    assert.equal(await read.text(), "streamed");
    await cancelled.body!.cancel();
    assert.equal(await whole.text(), "final");
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
    const log = parseNetLog(await readFile(path, "utf8"));
    const alive = log.events.filter((e) => e.type === "REQUEST_ALIVE").map((e) =>
      `${e.source.id} ${e.phase} ${JSON.stringify(e.params?.net_error ?? null)}`
    );
    assert.deepEqual(alive, [
      "1 PHASE_BEGIN null",
      "1 PHASE_END null",
      "2 PHASE_BEGIN null",
      "3 PHASE_BEGIN null",
      "2 PHASE_END null",
      "3 PHASE_END -3",
    ]);
  });

  it("logs each cookie sent, stored or left out, with Chromium's exclusion reasons", async () => {
    const paths = [];
    for (const captureMode of ["includeSensitive", "default"] as const) {
      const ses = newSession();
      const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
      paths.push(path);
      await ses.netLog.startLogging(path, { captureMode });
      await (await ses.fetch(`${origin}/cookies`)).text();
      await (await ses.fetch(`${origin}/final`)).text();
      await ses.netLog.stopLogging();
      await ses.closeAllConnections();
    }
    const [sensitive, stripped] = await Promise.all(
      paths.map(async (path) => parseNetLog(await readFile(path, "utf8"))),
    );
    const statuses = (log: ReadNetLog) =>
      log.events.filter((e) => e.type === "COOKIE_INCLUSION_STATUS").map((e) => e.params);
    const host = "127.0.0.1";
    const status = (reason: string) => `${reason}, DO_NOT_WARN, NO_EXEMPTION`;
    assert.deepEqual(
      statuses(sensitive!),
      [
        { operation: "store", status: status("INCLUDE"), name: "ok", domain: host, path: "/" },
        {
          operation: "store",
          status: status("INCLUDE"),
          name: "elsewhere",
          domain: host,
          path: "/elsewhere",
        },
        {
          operation: "store",
          status: status("EXCLUDE_SAMESITE_NONE_INSECURE"),
          name: "none",
          domain: host,
          path: "/",
        },
        {
          operation: "store",
          status: status("EXCLUDE_INVALID_DOMAIN"),
          name: "foreign",
          domain: "other.test",
          path: "/",
        },
        {
          operation: "store",
          status: status("EXCLUDE_INVALID_PREFIX"),
          name: "__Host-x",
          domain: host,
          path: "/",
        },
        {
          operation: "send",
          status: status("EXCLUDE_NOT_ON_PATH"),
          name: "elsewhere",
          domain: host,
          path: "/elsewhere",
        },
        { operation: "send", status: status("INCLUDE"), name: "ok", domain: host, path: "/" },
        // CookieInclusionStatusNetLogParams' partition key, in every mode: "(none)" for a
        // cookie without one, as every cookie of a session with no top-level site.
      ].map((params) => ({ ...params, partition_key: "(none)" })),
    );
    // Default mode keeps the decisions and drops what names the cookies.
    assert.deepEqual(
      statuses(stripped!),
      statuses(sensitive!).map((params) => ({
        operation: params!.operation,
        status: params!.status,
        partition_key: "(none)",
      })),
    );
  });

  it("logs socket byte counts, and the bytes themselves in everything mode", async () => {
    const logs: ReadNetLog[] = [];
    for (const captureMode of ["everything", "default"] as const) {
      const ses = newSession();
      const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
      await ses.netLog.startLogging(path, { captureMode });
      await (await ses.fetch(`${origin}/final`, { method: "POST", body: "sent body" })).text();
      await ses.netLog.stopLogging();
      await ses.closeAllConnections();
      logs.push(parseNetLog(await readFile(path, "utf8")));
    }
    const [everything, stripped] = logs;
    const bytesOf = (log: ReadNetLog, type: string) =>
      log.events.filter((e) => e.type === type).map((e) => e.params!);
    const sent = bytesOf(everything!, "SOCKET_BYTES_SENT");
    const sentText = sent.map((p) => Buffer.from(p.bytes as string, "base64").toString("latin1"))
      .join("");
    assert.match(sentText, /^POST \/final HTTP\/1\.1\r\n[^]*\r\n\r\nsent body$/);
    const received = bytesOf(everything!, "SOCKET_BYTES_RECEIVED");
    const receivedText = received.map((p) =>
      Buffer.from(p.bytes as string, "base64").toString("latin1")
    ).join("");
    assert.match(receivedText, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nfinal$/);
    for (const params of [...sent, ...received]) {
      assert.equal(params.byte_count, Buffer.from(params.bytes as string, "base64").length);
    }
    // Default mode: the same events with their counts only.
    assert.deepEqual(
      bytesOf(stripped!, "SOCKET_BYTES_SENT").map((p) => Object.keys(p)),
      sent.map(() => ["byte_count"]),
    );
    assert.equal(
      bytesOf(stripped!, "SOCKET_BYTES_RECEIVED").reduce((n, p) => n + (p.byte_count as number), 0),
      receivedText.length,
    );
  });

  it("logs the body's framing header and HTTP_TRANSACTION_SEND_REQUEST_BODY, as Chromium", async () => {
    const ses = newSession();
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
    await ses.netLog.startLogging(path);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    });
    const big = "x".repeat(20000);
    for (
      const init of [
        { method: "POST", body: "sent body" },
        { method: "PUT", body: stream, duplex: "half" },
        { method: "POST" },
        { method: "GET" },
        { method: "POST", body: big, headers: { origin: "https://app.example" } },
      ] as RequestInit[]
    ) {
      await (await ses.fetch(`${origin}/final`, init)).text();
    }
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual(netLogProblems(log), []);
    const ids = [...requests(log).keys()];
    const framing = ids.map((id) =>
      (paramsOf(log, id, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS")[0]!.headers as string[])
        .filter((line) => /^(content-length|transfer-encoding):/i.test(line))
    );
    assert.deepEqual(framing, [
      ["Content-Length: 9"],
      ["Transfer-Encoding: chunked"],
      ["Content-Length: 0"],
      [],
      ["Content-Length: 20000"],
    ]);
    assert.deepEqual(ids.map((id) => paramsOf(log, id, "HTTP_TRANSACTION_SEND_REQUEST_BODY")), [
      [{ length: 9, is_chunked: false, did_merge: true }],
      [{ length: 0, is_chunked: true, did_merge: false }],
      [],
      [],
      [{ length: 20000, is_chunked: false, did_merge: false }],
    ]);
    // A job with a body names its upload (NetLogURLRequestStartParams' upload_id: the
    // ResourceRequestBody's identifier, 0 as Electron's net.fetch makes it), and an Origin
    // header is the request's initiator.
    assert.deepEqual(
      ids.map((id) => {
        const { upload_id, initiator } = paramsOf(log, id, "URL_REQUEST_START_JOB")[0]!;
        return [upload_id, initiator];
      }),
      [
        ["0", "not an origin"],
        ["0", "not an origin"],
        [undefined, "not an origin"],
        [undefined, "not an origin"],
        ["0", "https://app.example"],
      ],
    );
    // The body's event follows the headers' and the read of the body merged with them, as
    // HttpStreamParser::SendRequest logs them.
    const events = requests(log).get(ids[0]!)!;
    const headersAt = events.indexOf("HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE");
    assert.deepEqual(events.slice(headersAt + 1, headersAt + 4), [
      "UPLOAD_DATA_STREAM_READ PHASE_BEGIN",
      "UPLOAD_DATA_STREAM_READ PHASE_END",
      "HTTP_TRANSACTION_SEND_REQUEST_BODY PHASE_NONE",
    ]);
  });

  it("logs the head of an answer made without the network, so a HAR of it has its status", async () => {
    const ses = newSession();
    const dir = await mkdtemp(join(tmpdir(), "ses-netlog-"));
    const path = join(dir, "log.json");
    await writeFile(join(dir, "page.txt"), "from disk");
    ses.protocol.handle(
      "app",
      () => new Response("from app", { status: 201, headers: { "content-type": "text/x-app" } }),
    );
    ses.webRequest.onBeforeRequest({ urls: ["*://*/moved"] }, (_details, callback) => {
      callback({ redirectURL: `${origin}/final` });
    });
    await ses.netLog.startLogging(path);
    for (const url of ["app://host/x", `file://${join(dir, "page.txt")}`, `${origin}/moved`]) {
      await (await ses.fetch(url)).text();
    }
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual(netLogProblems(log), []);
    const ids = [...requests(log).keys()];
    const heads = ids.map((id) =>
      paramsOf(log, id, "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED").map((p) =>
        (p.headers as string[])[0]
      )
    );
    // The webRequest redirect's hop is made up; the hop it leads to comes from the network.
    assert.deepEqual(heads, [
      ["HTTP/1.1 201 Created"],
      ["HTTP/1.1 200 OK"],
      ["HTTP/1.1 307 Internal Redirect"],
    ]);
    assert.deepEqual(
      paramsOf(log, ids[0]!, "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED")[0]!.headers,
      ["HTTP/1.1 201 Created", "content-type: text/x-app"],
    );
    const entries = netLogToHar(log).log.entries;
    assert.deepEqual(entries.map((e) => [e.request.url.split(":")[0], e.response.status]), [
      ["app", 201],
      ["file", 200],
      ["http", 307],
      ["http", 200],
    ]);
    assert.equal(entries[0]!.response.content.mimeType, "text/x-app");
  });

  it("logs each read of the body as URL_REQUEST_JOB_FILTERED_BYTES_READ, the bytes in everything mode", async () => {
    for (const captureMode of ["default", "everything"] as const) {
      const ses = newSession();
      const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
      await ses.netLog.startLogging(path, { captureMode });
      // Whole with its head, streamed after it, and chunked in two pieces.
      for (const [route, body] of [["final", "final"], ["streamed", "streamed"]]) {
        assert.equal(await (await ses.fetch(`${origin}/${route}`)).text(), body);
      }
      assert.equal(await (await ses.fetch(`${origin}/chunked`)).text(), "first,second");
      // A body never read has no reads.
      await (await ses.fetch(`${origin}/held`)).body!.cancel();
      await ses.netLog.stopLogging();
      await ses.closeAllConnections();
      const log = parseNetLog(await readFile(path, "utf8"));
      assert.deepEqual(netLogProblems(log), []);
      const ids = [...requests(log).keys()];
      assert.equal(ids.length, 4);
      const reads = ids.map((id) => paramsOf(log, id, "URL_REQUEST_JOB_FILTERED_BYTES_READ"));
      assert.deepEqual(
        reads.map((list) => list.reduce((n, p) => n + (p.byte_count as number), 0)),
        [5, 8, 12, 0],
      );
      for (const list of reads) {
        for (const params of list) {
          if (captureMode === "default") assert.deepEqual(Object.keys(params), ["byte_count"]);
          else {
            assert.equal(params.byte_count, Buffer.from(params.bytes as string, "base64").length);
          }
        }
      }
      if (captureMode === "everything") {
        const text = reads[2]!.map((p) => Buffer.from(p.bytes as string, "base64").toString())
          .join("");
        assert.equal(text, "first,second");
      }
      // Each read comes before the end of REQUEST_ALIVE, as Chromium's URLRequest logs them.
      const events = requests(log).get(ids[1]!)!;
      assert.ok(
        events.indexOf("URL_REQUEST_JOB_FILTERED_BYTES_READ PHASE_NONE") <
          events.indexOf("REQUEST_ALIVE PHASE_END"),
        events.join("\n"),
      );
    }
  });

  it("logs emulated latency as THROTTLING_REQUEST and an offline failure", async () => {
    const ses = newSession();
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
    await ses.netLog.startLogging(path);
    ses.enableNetworkEmulation({ latency: 40, downloadThroughput: 1_000_000 });
    await (await ses.fetch(`${origin}/final`)).text();
    ses.enableNetworkEmulation({ offline: true });
    await assert.rejects(ses.fetch(`${origin}/final`), { code: "ERR_INTERNET_DISCONNECTED" });
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual(netLogProblems(log), []);
    const throttled = log.events.filter((e) => e.type === "THROTTLING_REQUEST");
    assert.deepEqual(throttled.map((e) => [e.source.id, e.phase, e.params]), [
      [1, "PHASE_BEGIN", { latency_ms: 40, download_throughput: 1_000_000, upload_throughput: 0 }],
      [1, "PHASE_END", undefined],
    ]);
    // The wait is the latency (timer granularity aside).
    assert.ok(throttled[1]!.time - throttled[0]!.time >= 35, "the latency shows");
    assert.deepEqual(
      log.events.filter((e) => e.type === "THROTTLING_DISCONNECTED_REQUEST").map((e) => [
        e.source.id,
        e.params,
      ]),
      [[2, { net_error: -106 }]],
    );
    assert.deepEqual(paramsOf(log, 2, "REQUEST_ALIVE").at(-1), { net_error: -106 });
  });

  it("logs the first request of Electron's example, which does not await startLogging", async () => {
    const ses = newSession();
    const netLog: NetLog = ses.netLog;
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
    const options: StartLoggingOptions = { captureMode: "default" satisfies CaptureMode };
    void netLog.startLogging(path, options);
    assert.equal(netLog.currentlyLogging, true);
    await (await ses.fetch(`${origin}/final`)).text();
    await netLog.stopLogging();
    await ses.closeAllConnections();
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual([...requests(log).keys()], [1]);
    assert.deepEqual(paramsOf(log, 1, "URL_REQUEST_START_JOB")[0]?.url, `${origin}/final`);
  });

  it("builds no sources while no log runs", async () => {
    const ses = newSession();
    const path = join(await mkdtemp(join(tmpdir(), "ses-netlog-")), "log.json");
    await (await ses.fetch(`${origin}/final`)).text();
    await ses.netLog.startLogging(path);
    await (await ses.fetch(`${origin}/final`)).text();
    await ses.netLog.stopLogging();
    await (await ses.fetch(`${origin}/final`)).text();
    await ses.closeAllConnections();
    const log = parseNetLog(await readFile(path, "utf8"));
    assert.deepEqual([...requests(log).keys()], [1]);
  });
});
