import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type Session } from "../session/mod.ts";
import { netLogProblems, parseNetLog, type ReadNetLog } from "../netlog/mod.ts";
import type { CaptureMode } from "../mod.ts";
import { type AuthOrigin, startAuthOrigin } from "./fixtures/auth_origin.ts";
import { type OriginServer, startOrigin } from "./fixtures/origin_server.ts";
import {
  type RunningServer,
  startScriptedProxy,
  startTinyproxy,
} from "./fixtures/proxy_servers.ts";
import { makeTestCertificates } from "./fixtures/tls_certs.ts";

// The auth controllers' events as `chromium --log-net-log` (156) writes them, through ses.fetch
// against real servers and tinyproxy: each controller on an HTTP_AUTH_CONTROLLER source bound
// to its request.

let partitions = 0;
function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(
    `auth-netlog-${++partitions}`,
  );
}

const trustAll = (_request: unknown, callback: (verdict: number) => void) => callback(0);
const basic = `Basic ${btoa("user:pw")}`;

async function logged(
  ses: Session,
  captureMode: CaptureMode,
  run: () => Promise<void>,
): Promise<ReadNetLog> {
  const path = join(await mkdtemp(join(tmpdir(), "ses-auth-netlog-")), "log.json");
  await ses.netLog.startLogging(path, { captureMode });
  await run();
  await ses.netLog.stopLogging();
  const log = parseNetLog(await readFile(path, "utf8"));
  assert.deepEqual(netLogProblems(log), []);
  return log;
}

/** Each controller's events, `TYPE PHASE` with params, in order, by the request bound to it. */
function controllers(log: ReadNetLog): Array<{ request: number; events: unknown[][] }> {
  const out: Array<{ request: number; events: unknown[][] }> = [];
  const bound = new Set<number>();
  for (const event of log.events) {
    if (event.type !== "AUTH_BOUND_TO_CONTROLLER") continue;
    const id = (event.params?.source_dependency as { id: number }).id;
    // A request is bound again at each challenge: one entry per controller.
    if (bound.has(id)) continue;
    bound.add(id);
    out.push({
      request: event.source.id,
      events: log.events.filter((e) => e.source.id === id).map((e) => {
        assert.equal(e.source.type, "HTTP_AUTH_CONTROLLER");
        return [e.type, e.phase, e.params];
      }),
    });
  }
  return out;
}

function dependency(log: ReadNetLog, request: number) {
  const types = log.constants.logSourceType as Record<string, number>;
  return { source_dependency: { id: request, type: types.URL_REQUEST } };
}

// A new handler (`AUTH_HANDLER_INIT` and `AUTH_HANDLER_CREATE_RESULT`).
function handler(origin: string, scheme: string, challenge?: string): unknown[][] {
  return [
    ["AUTH_HANDLER_INIT", "PHASE_BEGIN", {}],
    ["AUTH_HANDLER_INIT", "PHASE_END", { allows_default_credentials: false, succeeded: true }],
    ["AUTH_HANDLER_CREATE_RESULT", "PHASE_NONE", {
      allows_default_credentials: false,
      ...(challenge === undefined ? {} : { challenge }),
      origin,
      scheme,
    }],
  ];
}

function token(dep: unknown): unknown[][] {
  return [
    ["AUTH_GENERATE_TOKEN", "PHASE_BEGIN", dep],
    ["AUTH_GENERATE_TOKEN", "PHASE_BEGIN", {}],
    ["AUTH_GENERATE_TOKEN", "PHASE_END", {}],
    ["AUTH_GENERATE_TOKEN", "PHASE_END", {}],
  ];
}

describe("net log of HTTP auth", () => {
  let origin: OriginServer;
  let secure: OriginServer;
  let proxy: RunningServer;
  let digest: AuthOrigin;
  // `scheme://host:port`, as the handler's `origin` param.
  let plain = "";
  let tls = "";

  before(async () => {
    const answer = (request: Request) =>
      request.headers.get("authorization") === basic ? new Response("in") : new Response("who?", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="r"' },
      });
    origin = await startOrigin({ fetch: answer });
    secure = await startOrigin({ fetch: answer }, { tls: makeTestCertificates().server });
    proxy = await startTinyproxy(["alice", "s3cret"]);
    digest = await startAuthOrigin();
    plain = origin.url.origin;
    tls = secure.url.origin;
  });
  after(async () => {
    await proxy?.stop();
    await origin?.close();
    await secure?.close();
    await digest?.close();
  });

  it("logs a server challenge and a preemptive answer on controller sources, redacting credentials by default", async () => {
    const ses = newSession();
    const url = `${plain}/private`;
    const withCredentials = url.replace("://", "://user:pw@");
    const log = await logged(ses, "default", async () => {
      assert.equal(await (await ses.fetch(withCredentials)).text(), "in");
      // Cached for the directory: sent before being asked, as Chromium's SelectPreemptiveAuth.
      assert.equal(await (await ses.fetch(url)).text(), "in");
    });
    const [challenged, preemptive, ...rest] = controllers(log);
    assert.deepEqual(rest, []);
    assert.deepEqual(challenged!.events, [
      ["AUTH_CONTROLLER", "PHASE_BEGIN", {
        target: "server",
        url: `${url} (credentials redacted)`,
      }],
      ["AUTH_HANDLE_CHALLENGE", "PHASE_BEGIN", dependency(log, challenged!.request)],
      ...handler(plain, "basic"),
      ["AUTH_HANDLE_CHALLENGE", "PHASE_END", {}],
      ...token(dependency(log, challenged!.request)),
      ["AUTH_CONTROLLER", "PHASE_END", {}],
    ]);
    assert.deepEqual(
      log.events.find((e) => e.source.id === challenged!.request && e.type === "REQUEST_ALIVE")
        ?.params?.url,
      `${url} (credentials redacted)`,
    );
    assert.deepEqual(preemptive!.events, [
      ["AUTH_CONTROLLER", "PHASE_BEGIN", { target: "server", url }],
      ...handler(plain, "basic"),
      ...token(dependency(log, preemptive!.request)),
      ["AUTH_CONTROLLER", "PHASE_END", {}],
    ]);
    // The challenge's body is drained before the answer's token is made and sent, as
    // chromium --log-net-log (156) writes a restart with credentials (HttpNetworkTransaction's
    // STATE_DRAIN_BODY_FOR_AUTH_RESTART, then STATE_GENERATE_SERVER_AUTH_TOKEN).
    const steps = log.events.filter((e) =>
      (e.source.id === challenged!.request &&
        /^HTTP_TRANSACTION_(READ_RESPONSE_HEADERS|DRAIN_BODY_FOR_AUTH_RESTART|SEND_REQUEST_HEADERS)$/
          .test(e.type)) ||
      (e.type === "AUTH_GENERATE_TOKEN" &&
        (e.params?.source_dependency as { id?: number } | undefined)?.id === challenged!.request)
    ).map((e) => `${e.type} ${e.phase}`);
    assert.deepEqual(steps, [
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
      "HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE",
      "HTTP_TRANSACTION_DRAIN_BODY_FOR_AUTH_RESTART PHASE_BEGIN",
      "HTTP_TRANSACTION_DRAIN_BODY_FOR_AUTH_RESTART PHASE_END",
      "AUTH_GENERATE_TOKEN PHASE_BEGIN",
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
      "HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE",
    ]);
    // The preemptive controller is bound before the request's headers are sent.
    const order = log.events.filter((e) => e.source.id === preemptive!.request).map((e) => e.type);
    assert.ok(
      order.indexOf("AUTH_BOUND_TO_CONTROLLER") <
        order.indexOf("HTTP_TRANSACTION_SEND_REQUEST_HEADERS"),
      order.join(" "),
    );
    await ses.closeAllConnections();
  });

  it("restarts the transaction for the answer: no second cache opening, and no new stream on a kept-alive connection", async () => {
    // A server that keeps its 401's connection, and one that closes it.
    const server = createServer((request, response) => {
      if (request.headers.authorization === basic) return void response.end("in");
      if (request.url === "/close") response.setHeader("connection", "close");
      response.writeHead(401, { "www-authenticate": 'Basic realm="r"' });
      response.end("who?");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://user:pw@127.0.0.1:${(server.address() as { port: number }).port}`;
    const ses = newSession();
    try {
      const log = await logged(ses, "default", async () => {
        assert.equal(await (await ses.fetch(`${base}/keep`)).text(), "in");
        assert.equal(await (await ses.fetch(`${base}/close`)).text(), "in");
      });
      // Each request's steps after the drain, up to the answer's send. Chromium's
      // HttpCache::Transaction restarts its network transaction (RestartNetworkRequestWithAuth)
      // on the entry it holds; HttpNetworkTransaction renews a kept-alive stream
      // (RenewStreamForAuth) and asks for a new one otherwise (STATE_CREATE_STREAM), whose
      // proxy resolution is its job controller's.
      const restarts = [
        ...new Set(
          log.events.filter((e) => e.type === "HTTP_TRANSACTION_DRAIN_BODY_FOR_AUTH_RESTART")
            .map((e) => e.source.id),
        ),
      ].map((id) => {
        const types = log.events.filter((e) => e.source.id === id).map((e) => e.type);
        const from = types.lastIndexOf("HTTP_TRANSACTION_DRAIN_BODY_FOR_AUTH_RESTART") + 1;
        return types.slice(from, types.indexOf("HTTP_TRANSACTION_SEND_REQUEST", from))
          .filter((type) => !/^(TCP_CONNECT|HOST_RESOLVER)/.test(type));
      });
      assert.deepEqual(restarts, [
        [],
        ["HTTP_STREAM_REQUEST", "HTTP_STREAM_REQUEST"],
      ]);
    } finally {
      await ses.closeAllConnections();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("keeps the challenge and the URL's credentials with includeSensitive", async () => {
    const ses = newSession();
    const url = `${plain}/private`.replace("://", "://user:pw@");
    const log = await logged(ses, "includeSensitive", async () => {
      assert.equal(await (await ses.fetch(url)).text(), "in");
      assert.equal(await (await ses.fetch(`${plain}/private`)).text(), "in");
    });
    const [challenged, preemptive] = controllers(log);
    assert.deepEqual(challenged!.events[0]?.[2], { target: "server", url });
    assert.deepEqual(
      challenged!.events.filter((e) => e[0] === "AUTH_HANDLER_CREATE_RESULT"),
      [handler(plain, "basic", 'Basic realm="r"')[2]],
    );
    // The cache keeps the challenge its identity answered, as Chromium's HttpAuthCache::Entry.
    assert.deepEqual(
      preemptive!.events.filter((e) => e[0] === "AUTH_HANDLER_CREATE_RESULT"),
      [handler(plain, "basic", 'Basic realm="r"')[2]],
    );
    await ses.closeAllConnections();
  });

  it("logs an unanswered challenge: a handler chosen, no token", async () => {
    const ses = newSession();
    const log = await logged(ses, "default", async () => {
      assert.equal((await ses.fetch(`${plain}/private`.replace("://", "://user:no@"))).status, 401);
    });
    const [controller] = controllers(log);
    // The URL's credentials were tried and rejected; nobody answers the second challenge.
    assert.deepEqual(controller!.events.map((e) => `${e[0]} ${e[1]}`), [
      "AUTH_CONTROLLER PHASE_BEGIN",
      "AUTH_HANDLE_CHALLENGE PHASE_BEGIN",
      "AUTH_HANDLER_INIT PHASE_BEGIN",
      "AUTH_HANDLER_INIT PHASE_END",
      "AUTH_HANDLER_CREATE_RESULT PHASE_NONE",
      "AUTH_HANDLE_CHALLENGE PHASE_END",
      "AUTH_GENERATE_TOKEN PHASE_BEGIN",
      "AUTH_GENERATE_TOKEN PHASE_BEGIN",
      "AUTH_GENERATE_TOKEN PHASE_END",
      "AUTH_GENERATE_TOKEN PHASE_END",
      "AUTH_HANDLE_CHALLENGE PHASE_BEGIN",
      "AUTH_HANDLE_CHALLENGE PHASE_NONE",
      "AUTH_HANDLER_INIT PHASE_BEGIN",
      "AUTH_HANDLER_INIT PHASE_END",
      "AUTH_HANDLER_CREATE_RESULT PHASE_NONE",
      "AUTH_HANDLE_CHALLENGE PHASE_END",
      "AUTH_CONTROLLER PHASE_END",
    ]);
    // What the handler made of the challenge after its answer, as chromium --log-net-log (156)
    // writes HttpAuth::HandleChallengeResponse's result.
    assert.deepEqual(
      controller!.events.find((e) => e[0] === "AUTH_HANDLE_CHALLENGE" && e[1] === "PHASE_NONE"),
      ["AUTH_HANDLE_CHALLENGE", "PHASE_NONE", { authorization_result: "reject" }],
    );
    // The request is bound at each challenge, just before the controller handles it, as
    // chromium --log-net-log (156) writes HttpAuthController::BindToCallingNetLog's events.
    const bindings = log.events.filter((e) =>
      (e.source.id === controller!.request && e.type === "AUTH_BOUND_TO_CONTROLLER") ||
      (e.type === "AUTH_HANDLE_CHALLENGE" && e.phase === "PHASE_BEGIN")
    ).map((e) => e.type);
    assert.deepEqual(bindings, [
      "AUTH_BOUND_TO_CONTROLLER",
      "AUTH_HANDLE_CHALLENGE",
      "AUTH_BOUND_TO_CONTROLLER",
      "AUTH_HANDLE_CHALLENGE",
    ]);
    await ses.closeAllConnections();
  });

  it("logs a stale Digest nonce as a new handler for the same identity", async () => {
    const ses = newSession();
    ses.on("login", (event, _details, _authInfo, callback) => {
      event.preventDefault();
      callback("alice", "wonder land");
    });
    const url = `${digest.base}/digest/md5/stale`;
    assert.equal((await ses.fetch(url)).status, 200);
    digest.expireNonces();
    const log = await logged(ses, "default", async () => {
      assert.equal(await (await ses.fetch(url)).text(), "digest alice nc=00000001");
    });
    const [controller, ...rest] = controllers(log);
    assert.deepEqual(rest, []);
    const origin = new URL(digest.base).origin;
    const dep = dependency(log, controller!.request);
    // Sent before being asked on the cached nonce; the stale=true answer gets a handler of its
    // own (Chromium's AUTHORIZATION_RESULT_STALE drops the old one, INVALIDATE_HANDLER).
    assert.deepEqual(controller!.events, [
      ["AUTH_CONTROLLER", "PHASE_BEGIN", { target: "server", url }],
      ...handler(origin, "digest"),
      ...token(dep),
      ["AUTH_HANDLE_CHALLENGE", "PHASE_BEGIN", dep],
      ["AUTH_HANDLE_CHALLENGE", "PHASE_NONE", { authorization_result: "stale" }],
      ...handler(origin, "digest"),
      ["AUTH_HANDLE_CHALLENGE", "PHASE_END", {}],
      ...token(dep),
      ["AUTH_CONTROLLER", "PHASE_END", {}],
    ]);
    await ses.closeAllConnections();
  });

  it("fails a tunnel whose 407 offers no scheme it supports with ERR_PROXY_AUTH_UNSUPPORTED", async () => {
    // Chromium's HttpAuthController::HandleAuthChallenge, establishing a tunnel, shows no 407
    // it cannot answer (an attacker's page, perhaps): the connect fails, as chromium 156 fails
    // a page through a proxy asking only Negotiate or Bearer.
    const scripted = await startScriptedProxy(() =>
      'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Bearer realm="p"\r\n' +
      "Content-Length: 4\r\n\r\nnope"
    );
    try {
      const ses = newSession();
      let logins = 0;
      ses.on("login", (event, _details, _authInfo, callback) => {
        logins++;
        event.preventDefault();
        callback("u", "p");
      });
      await ses.setProxy({ proxyRules: `127.0.0.1:${scripted.port}` });
      const log = await logged(ses, "default", async () => {
        await assert.rejects(ses.fetch("https://tunnel.test/"), {
          code: "ERR_PROXY_AUTH_UNSUPPORTED",
          message: "net::ERR_PROXY_AUTH_UNSUPPORTED",
        });
      });
      assert.equal(logins, 0);
      const [controller] = controllers(log);
      assert.deepEqual(controller!.events.filter((e) => e[0] === "AUTH_HANDLE_CHALLENGE"), [
        ["AUTH_HANDLE_CHALLENGE", "PHASE_BEGIN", dependency(log, controller!.request)],
        ["AUTH_HANDLE_CHALLENGE", "PHASE_END", { net_error: -115 }],
      ]);
      await ses.closeAllConnections();
    } finally {
      await scripted.stop();
    }
  });

  it("logs a forward proxy's 407 and a tunnel's 407 on proxy controllers (tinyproxy)", async () => {
    const ses = newSession();
    ses.setCertificateVerifyProc(trustAll);
    ses.on("login", (event, _details, authInfo, callback) => {
      event.preventDefault();
      if (authInfo.isProxy) callback("alice", "s3cret");
      else callback("user", "pw");
    });
    await ses.setProxy({
      proxyRules: `127.0.0.1:${proxy.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const proxyUrl = `http://127.0.0.1:${proxy.port}`;
    const log = await logged(ses, "default", async () => {
      assert.equal(await (await ses.fetch(`${plain}/forward`)).text(), "in");
      assert.equal(await (await ses.fetch(`${tls}/tunnel`)).text(), "in");
    });
    const found = controllers(log).map((
      { events },
    ) => [events[0]?.[2], events.find((e) => e[0] === "AUTH_HANDLER_CREATE_RESULT")?.[2]]);
    const proxyController = [{ target: "proxy", url: `${proxyUrl}/` }, {
      allows_default_credentials: false,
      origin: proxyUrl,
      scheme: "basic",
    }];
    // Forward: the proxy's 407, then the server's 401; tunnel: the CONNECT's 407, then the
    // server's 401 inside the tunnel.
    assert.deepEqual(found, [
      proxyController,
      [{ target: "server", url: `${plain}/forward` }, handler(plain, "basic")[2]![2]],
      proxyController,
      [{ target: "server", url: `${tls}/tunnel` }, handler(tls, "basic")[2]![2]],
    ]);
    for (const { events } of controllers(log)) {
      assert.deepEqual(events.at(-1), ["AUTH_CONTROLLER", "PHASE_END", {}]);
    }
    await ses.closeAllConnections();
  });
});
