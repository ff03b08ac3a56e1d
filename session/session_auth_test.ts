import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import {
  type AuthOrigin,
  authParams,
  digestResponseIsRight,
  startAuthOrigin,
} from "../tests/fixtures/auth_origin.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";
import type { AuthInfo, LoginDetails } from "../auth/mod.ts";

let counter = 0;
function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(`auth-${++counter}`);
}

interface LoginCall {
  details: LoginDetails;
  authInfo: AuthInfo;
}

/** Answers every `'login'` with the next of `answers` (the last one repeats). */
function answerLogins(ses: Session, ...answers: Array<[string, string] | []>): LoginCall[] {
  const calls: LoginCall[] = [];
  ses.on("login", (event, details, authInfo, callback) => {
    event.preventDefault();
    calls.push({ details, authInfo });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
    // Later, as a person would.
    setTimeout(() => callback(...answer), 1);
  });
  return calls;
}

describe("HTTP authentication through ses.fetch", () => {
  let origin: AuthOrigin;
  let other: AuthOrigin;
  before(async () => {
    origin = await startAuthOrigin();
    other = await startAuthOrigin();
  });
  after(async () => {
    await origin.close();
    await other.close();
  });

  const since = (server: AuthOrigin, mark: number) => server.seen.slice(mark);

  it("checks the fixture's Digest verifier against RFC 7616 §3.9.1 itself", () => {
    const params = authParams(
      'username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ' +
        'algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
        'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
        'response="8ca523f5e9506fed4657c9700eebdbec"',
    );
    assert.equal(digestResponseIsRight(params, "GET", "Circle of Life"), true);
    assert.equal(digestResponseIsRight(params, "GET", "circle of life"), false);
  });

  it("without a listener returns the 401 as it is, body and challenge intact", async () => {
    const ses = newSession();
    const response = await ses.fetch(`${origin.base}/basic/a`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("www-authenticate"), 'Basic realm="basic-realm"');
    assert.equal(await response.text(), "denied");
  });

  it("asks 'login' with Electron's shapes, retries with Basic and caches for the directory", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/basic/dir/page?q=1`);
    assert.equal(await response.text(), "hello alice");
    // Electron's LoginHandler also sets firstAuthAttempt and the 401's headers (lower-case
    // names, sorted, each with its list of values).
    const { responseHeaders } = calls[0]!.details;
    assert.deepEqual(responseHeaders["www-authenticate"], ['Basic realm="basic-realm"']);
    assert.equal(responseHeaders["date"]?.length, 1);
    assert.deepEqual(Object.keys(responseHeaders), Object.keys(responseHeaders).sort());
    assert.deepEqual(Object.keys(calls[0]!.details), [
      "url",
      "firstAuthAttempt",
      "responseHeaders",
    ]);
    assert.deepEqual(calls, [{
      details: {
        url: `${origin.base}/basic/dir/page?q=1`,
        firstAuthAttempt: true,
        responseHeaders,
      },
      authInfo: {
        isProxy: false,
        scheme: "basic",
        host: "127.0.0.1",
        port: origin.port,
        realm: "basic-realm",
      },
    }]);
    // Pre-emptive in the same directory and below, no second prompt.
    assert.equal(await (await ses.fetch(`${origin.base}/basic/dir/sub/x`)).text(), "hello alice");
    // Outside the directory: challenged first, then answered from the cache without a prompt.
    assert.equal(await (await ses.fetch(`${origin.base}/basic/other`)).text(), "hello alice");
    assert.equal(calls.length, 1);
    const seen = since(origin, mark).map((r) => [r.url, r.status, r.authorization !== undefined]);
    assert.deepEqual(seen, [
      ["/basic/dir/page?q=1", 401, false],
      ["/basic/dir/page?q=1", 200, true],
      ["/basic/dir/sub/x", 200, true],
      ["/basic/other", 401, false],
      ["/basic/other", 200, true],
    ]);
  });

  it("clearAuthCache forgets: the next request is challenged and asks again", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    await (await ses.fetch(`${origin.base}/basic/c/1`)).text();
    assert.equal(ses.openSocketCount, 1);
    await ses.clearAuthCache();
    // Idle connections go too: NTLM may have authenticated them.
    assert.equal(ses.openSocketCount, 0);
    const mark = origin.seen.length;
    assert.equal(await (await ses.fetch(`${origin.base}/basic/c/2`)).text(), "hello alice");
    assert.equal(calls.length, 2);
    assert.equal(since(origin, mark)[0]!.authorization, undefined);
  });

  it("clearAuthCache keeps a connection in use from serving later requests as authenticated", async () => {
    // A server that authenticates connections, as NTLM's do: once a request on a socket sent the
    // right credentials, every later request on it is that user's.
    const authenticated = new WeakSet<object>();
    let finish: (() => void) | undefined;
    const server = createServer((request, response) => {
      if (request.headers.authorization === `Basic ${btoa("alice:wonder land")}`) {
        authenticated.add(request.socket);
      }
      if (!authenticated.has(request.socket)) {
        response.writeHead(401, { "www-authenticate": 'Basic realm="connection"' });
        response.end("who?");
        return;
      }
      if (request.url === "/slow") {
        response.writeHead(200, { "content-length": "4" });
        response.write("sl");
        finish = () => response.end("ow");
        return;
      }
      response.end("still alice");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const ses = newSession();
      answerLogins(ses, ["alice", "wonder land"]);
      const slow = await ses.fetch(`${base}/slow`);
      assert.equal(slow.status, 200);
      // Forgotten while the authenticated connection is still in use.
      await ses.clearAuthCache();
      ses.removeAllListeners("login");
      finish!();
      assert.equal(await slow.text(), "slow");
      // As Chromium's CloseAllConnections retires the sockets in use (a new generation), the
      // connection is not used again: the next request starts unauthenticated.
      const after = await ses.fetch(`${base}/after`);
      assert.equal(after.status, 401);
      await after.body?.cancel();
      await ses.closeAllConnections();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("drops a cached credential the server rejects and asks once more", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"], ["alice", "new password"]);
    await (await ses.fetch(`${origin.base}/basic/r/1`)).text();
    origin.users.set("alice", "new password");
    try {
      const response = await ses.fetch(`${origin.base}/basic/r/2`);
      assert.equal(await response.text(), "hello alice");
      assert.equal(calls.length, 2);
      // The new one is cached now.
      assert.equal(await (await ses.fetch(`${origin.base}/basic/r/3`)).text(), "hello alice");
      assert.equal(calls.length, 2);
    } finally {
      origin.users.set("alice", "wonder land");
    }
  });

  it("keeps a pre-emptive identity that a nested space's other realm asks past", async () => {
    const ses = newSession();
    const calls: string[] = [];
    ses.on("login", (event, _details, authInfo, callback) => {
      event.preventDefault();
      calls.push(authInfo.realm);
      if (authInfo.realm === "inner") callback("al@ce", "p:ss%");
      else callback("alice", "wonder land");
    });
    assert.equal(await (await ses.fetch(`${origin.base}/nested/x`)).text(), "hello alice");
    // alice's goes first (its /nested/ covers the path); the 401 names another realm, which
    // says nothing of alice's: Chromium's AUTHORIZATION_RESULT_DIFFERENT_REALM keeps a
    // PATH_LOOKUP identity cached.
    const mark = origin.seen.length;
    assert.equal(await (await ses.fetch(`${origin.base}/nested/inner/y`)).text(), "hello al@ce");
    assert.equal(since(origin, mark).length, 2);
    assert.equal(await (await ses.fetch(`${origin.base}/nested/z`)).text(), "hello alice");
    assert.deepEqual(calls, ["outer", "inner"]);
  });

  it("gives up after three wrong answers and returns the last 401", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wrong"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/basic/w`);
    assert.equal(response.status, 401);
    assert.equal(await response.text(), "denied");
    assert.deepEqual(calls.map((call) => call.details.firstAuthAttempt), [true, false, false]);
    assert.equal(since(origin, mark).length, 4);
  });

  it("stops a server that refuses everything (no endless 401 loop)", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/never/x`);
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.equal(calls.length, 3);
    assert.ok(since(origin, mark).length <= 4);
  });

  it("a callback with no arguments, or no preventDefault, returns the 401", async () => {
    const ses = newSession();
    ses.once("login", (event, _details, _info, callback) => {
      event.preventDefault();
      callback();
    });
    assert.equal((await ses.fetch(`${origin.base}/basic/n`)).status, 401);
    const ses2 = newSession();
    let asked = 0;
    ses2.on("login", () => asked++);
    assert.equal((await ses2.fetch(`${origin.base}/basic/n`)).status, 401);
    assert.equal(asked, 1);
  });

  it("a 'login' listener that throws is reported and the 401 returned, no credentials sent", async () => {
    // Electron cancels a login whose listener did not prevent the default, and the exception
    // is the main process's; here it goes to console.error, and neither rejects the fetch nor
    // leaves it waiting.
    const reported: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      const bug = new Error("listener bug");
      for (const preventFirst of [false, true]) {
        const ses = newSession();
        ses.on("login", (event) => {
          if (preventFirst) event.preventDefault();
          throw bug;
        });
        const mark = origin.seen.length;
        const response = await ses.fetch(`${origin.base}/basic/throws`);
        assert.equal(response.status, 401);
        assert.equal(await response.text(), "denied");
        assert.deepEqual(since(origin, mark).map((seen) => seen.authorization), [undefined]);
      }
      assert.deepEqual(reported, [
        ["Session 'login' listener failed:", bug],
        ["Session 'login' listener failed:", bug],
      ]);
    } finally {
      console.error = original;
    }
  });

  it("an async 'login' listener that rejects is reported as one that throws, not left unhandled", {
    timeout: 20_000,
  }, async () => {
    // The rejection is the caller's bug, as a throw is: reported on console.error, the login
    // given up (the 401 returned) unless the listener had answered before it failed. Left
    // alone it would be an unhandled rejection, fatal in Deno, and the prevented login would
    // wait forever for a callback that never comes.
    const reported: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      const bug = new Error("async listener bug");
      const ses = newSession();
      ses.on("login", async (event) => {
        event.preventDefault();
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw bug;
      });
      const mark = origin.seen.length;
      const response = await ses.fetch(`${origin.base}/basic/rejects`);
      assert.equal(response.status, 401);
      assert.equal(await response.text(), "denied");
      assert.deepEqual(since(origin, mark).map((seen) => seen.authorization), [undefined]);
      // One that answered first gets its answer used; its later failure is still reported.
      const answered = newSession();
      answered.on("login", async (event, _details, _info, callback) => {
        event.preventDefault();
        callback("alice", "wonder land");
        await Promise.resolve();
        throw bug;
      });
      const ok = await answered.fetch(`${origin.base}/basic/rejects-late`);
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
      assert.deepEqual(reported, [
        ["Session 'login' listener failed:", bug],
        ["Session 'login' listener failed:", bug],
      ]);
    } finally {
      console.error = original;
    }
  });

  it("a callback without a string password cancels, as Electron's LoginHandler", async () => {
    // Electron reads two strings from the callback's arguments; when either read fails the
    // request goes on without credentials: nothing more is sent, the 401 is returned.
    for (const answer of [["alice"], ["alice", 5], [undefined, "wonder land"]]) {
      const ses = newSession();
      let asked = 0;
      ses.on("login", (event, _details, _info, callback) => {
        asked++;
        event.preventDefault();
        (callback as (...args: unknown[]) => void)(...answer);
      });
      origin.seen.length = 0;
      assert.equal((await ses.fetch(`${origin.base}/basic/half`)).status, 401, String(answer));
      assert.equal(asked, 1, String(answer));
      assert.deepEqual(origin.seen.map((seen) => seen.authorization), [undefined]);
    }
  });

  it("uses percent-decoded URL credentials once, keeps them off response.url, caches them", async () => {
    const ses = newSession();
    const response = await ses.fetch(`http://al%40ce:p%3Ass%25@127.0.0.1:${origin.port}/basic/u/1`);
    assert.equal(await response.text(), "hello al@ce");
    assert.equal(response.url, `${origin.base}/basic/u/1`);
    // Cached for the origin and realm (SEMANTICS.md): no URL needed now.
    assert.equal(await (await ses.fetch(`${origin.base}/basic/u/2`)).text(), "hello al@ce");
  });

  it("keeps a URL's credentials out of a default-mode net log; includeSensitive keeps them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ses-auth-log-"));
    try {
      for (const captureMode of ["default", "includeSensitive"] as const) {
        const ses = newSession();
        const path = join(dir, `${captureMode}.json`);
        await ses.netLog.startLogging(path, { captureMode });
        const url = `http://alice:wonder%20land@127.0.0.1:${origin.port}/basic/log`;
        assert.equal(await (await ses.fetch(url)).text(), "hello alice");
        await ses.netLog.stopLogging();
        const text = await readFile(path, "utf8");
        // The request is still there, in default mode as Chromium writes it.
        const logged = captureMode === "default"
          ? `${url.replace("alice:wonder%20land@", "")} (credentials redacted)`
          : url;
        assert.ok(text.includes(`"url":"${logged}"`), captureMode);
        assert.equal(text.includes("wonder%20land"), captureMode !== "default", captureMode);
        assert.equal(text.includes("alice"), captureMode !== "default", captureMode);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("URL credentials win over the cache's: nothing pre-emptive for a URL with a user name", async () => {
    // Chromium's SelectPreemptiveAuth: the URL's identity needs a challenge first.
    const ses = newSession();
    answerLogins(ses, ["alice", "wonder land"]);
    assert.equal(await (await ses.fetch(`${origin.base}/basic/pre/1`)).text(), "hello alice");
    const mark = origin.seen.length;
    const response = await ses.fetch(
      `http://al%40ce:p%3Ass%25@127.0.0.1:${origin.port}/basic/pre/2`,
    );
    assert.equal(await response.text(), "hello al@ce");
    assert.deepEqual(since(origin, mark).map((seen) => [seen.status, seen.authorization]), [
      [401, undefined],
      [200, `Basic ${btoa("al@ce:p:ss%")}`],
    ]);
  });

  it("URL credentials answer a same-origin redirect target and stay off response.url", async () => {
    const ses = newSession();
    const response = await ses.fetch(
      `http://alice:wonder%20land@127.0.0.1:${origin.port}/redirect?to=/basic/same`,
    );
    assert.equal(await response.text(), "hello alice");
    assert.equal(response.url, `${origin.base}/basic/same`);
    assert.equal(response.redirected, true);
  });

  it("wrong URL credentials then ask 'login'", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const response = await ses.fetch(`http://alice:nope@127.0.0.1:${origin.port}/basic/uw`);
    assert.equal(await response.text(), "hello alice");
    assert.equal(calls.length, 1);
  });

  it("credentials: 'omit' sends and asks nothing", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    await (await ses.fetch(`${origin.base}/basic/o/1`)).text();
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/basic/o/2`, { credentials: "omit" });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.equal(calls.length, 1);
    assert.equal(since(origin, mark)[0]!.authorization, undefined);
  });

  it("credentials: 'same-origin' with an Origin of another origin sends and asks nothing", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    await (await ses.fetch(`${origin.base}/basic/x/1`)).text();
    const mark = origin.seen.length;
    // The default mode, judged against the caller's Origin as Chromium's CORS layer does.
    const response = await ses.fetch(`${origin.base}/basic/x/2`, {
      headers: { origin: "http://other.example" },
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.equal(calls.length, 1);
    assert.equal(since(origin, mark)[0]!.authorization, undefined);
    // Of the request's own origin, or with include, they go as before.
    const same = await ses.fetch(`${origin.base}/basic/x/3`, {
      headers: { origin: new URL(origin.base).origin },
    });
    assert.equal(await same.text(), "hello alice");
    const included = await ses.fetch(`${origin.base}/basic/x/4`, {
      headers: { origin: "http://other.example" },
      credentials: "include",
    });
    assert.equal(await included.text(), "hello alice");
  });

  it("returns the 401 of a streamed upload, which cannot be sent again", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data"));
        controller.close();
      },
    });
    const response = await ses.fetch(`${origin.base}/basic/s`, { method: "POST", body });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.equal(calls.length, 0);
    // A byte body is resent.
    const bytes = await ses.fetch(`${origin.base}/basic/s`, { method: "POST", body: "data" });
    assert.equal(await bytes.text(), "hello alice");
  });

  for (const space of ["md5", "md5-sess", "sha256", "sha256-sess", "rfc2069"]) {
    it(`Digest ${space}: answered, then pre-emptive with a counted nonce`, async () => {
      const ses = newSession();
      const calls = answerLogins(ses, ["alice", "wonder land"]);
      const first = await ses.fetch(`${origin.base}/digest/${space}/a`);
      const qop = space !== "rfc2069";
      assert.equal(await first.text(), `digest alice nc=${qop ? "00000001" : "-"}`);
      assert.equal(calls[0]!.authInfo.scheme, "digest");
      if (qop) {
        const mark = origin.seen.length;
        const second = await ses.fetch(`${origin.base}/digest/${space}/b`);
        assert.equal(await second.text(), "digest alice nc=00000002");
        assert.equal(since(origin, mark).length, 1);
      }
      assert.equal(calls.length, 1);
    });
  }

  it("Digest without a realm: asked with realm '', answered with realm=\"\"", async () => {
    // Chromium's HttpAuthHandlerDigest::ParseChallenge lets the realm default to empty (only
    // the nonce is required), for servers that leave it out (crbug.com/20984).
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/digest/no-realm/a`);
    assert.equal(await response.text(), "digest alice nc=00000001");
    assert.deepEqual(calls.map((call) => call.authInfo.realm), [""]);
    const sent = authParams(since(origin, mark)[1]!.authorization!.slice("Digest ".length));
    assert.equal(sent.get("realm"), "");
    assert.equal(
      await (await ses.fetch(`${origin.base}/digest/no-realm/b`)).text(),
      "digest alice nc=00000002",
    );
    assert.equal(calls.length, 1);
  });

  it("Digest sends a non-ASCII user name as UTF-8 and hashes it so, as Chromium does", async () => {
    const ses = newSession();
    const user = "\u7528\u6237 J\u00e4s\u00f8n";
    answerLogins(ses, [user, "p\u00e4ss"]);
    const response = await ses.fetch(`${origin.base}/digest/sha256/unicode`);
    assert.equal(await response.text(), `digest ${user} nc=00000001`);
  });

  it("Digest qop=auth-int offered alone: answered over the body, resent whole", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const post = await ses.fetch(`${origin.base}/digest/auth-int/a`, {
      method: "POST",
      body: "x=1&y=\u00e9",
    });
    assert.equal(await post.text(), "digest alice nc=00000001");
    // Pre-emptive too, over this request's (empty) body.
    const mark = origin.seen.length;
    const get = await ses.fetch(`${origin.base}/digest/auth-int/b`);
    assert.equal(await get.text(), "digest alice nc=00000002");
    assert.equal(since(origin, mark).length, 1);
    assert.equal(calls.length, 1);
  });

  it("Digest stale=true: retried with the same credentials and a new nonce, no prompt", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    await (await ses.fetch(`${origin.base}/digest/sha256/1`)).text();
    origin.expireNonces();
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/digest/sha256/2`);
    assert.equal(await response.text(), "digest alice nc=00000001");
    assert.equal(calls.length, 1);
    assert.deepEqual(since(origin, mark).map((r) => r.status), [401, 200]);
  });

  it("Digest with a wrong password is asked again, then gives up", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "bad"]);
    const response = await ses.fetch(`${origin.base}/digest/md5/x`);
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.equal(calls.length, 3);
  });

  it("prefers Digest to a Basic offered first", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/digest/md5/p?basic`);
    assert.equal(await response.text(), "digest alice nc=00000001");
    assert.deepEqual(calls.map((c) => [c.authInfo.scheme, c.authInfo.realm]), [
      ["digest", "digest-md5"],
    ]);
    assert.match(since(origin, mark)[1]!.authorization ?? "", /^Digest /);
  });

  it("skips Negotiate and NTLM (not allowed) in favour of Basic", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const response = await ses.fetch(`${origin.base}/offer-all/x`);
    assert.equal(await response.text(), "basic alice");
    assert.deepEqual(calls.map((c) => c.authInfo.scheme), ["basic"]);
  });

  it("answers on a redirect target and never sends one origin's credentials to another", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const target = `${other.base}/basic/t`;
    const markA = origin.seen.length;
    const markB = other.seen.length;
    const response = await ses.fetch(
      `http://alice:wonder%20land@127.0.0.1:${origin.port}/redirect?to=${
        encodeURIComponent(target)
      }`,
    );
    assert.equal(await response.text(), "hello alice");
    assert.equal(response.url, target);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.authInfo.port, other.port);
    assert.equal(since(origin, markA)[0]!.authorization, undefined);
    assert.deepEqual(since(other, markB).map((r) => r.authorization === undefined), [true, false]);
    // A caller's Authorization header is dropped on the cross-origin hop too.
    const mark = other.seen.length;
    await (await ses.fetch(
      `${origin.base}/redirect?to=${encodeURIComponent(`${other.base}/open`)}`,
      {
        headers: { authorization: "Bearer secret" },
      },
    )).text();
    assert.equal(since(other, mark)[0]!.authorization, undefined);
  });

  it("a caller's own Authorization is sent as is and its 401 returned, no prompt", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/basic/own`, {
      headers: { authorization: "Bearer mine" },
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.equal(calls.length, 0);
    assert.deepEqual(since(origin, mark).map((r) => r.authorization), ["Bearer mine"]);
  });

  it("a protocol handler's 401 is returned as it is: no 'login', the handler called once", async () => {
    // Electron's handlers answer through their own loader, never through the network stack's
    // HttpAuthController; with cached credentials none reach the handler either.
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const seen: Array<string | null> = [];
    const challenge = (request: Request) => {
      seen.push(request.headers.get("authorization"));
      return new Response("who?", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="handler"' },
      });
    };
    ses.protocol.handle("app", challenge);
    const own = await ses.fetch("app://bundle/index.html");
    assert.equal(own.status, 401);
    assert.equal(await own.text(), "who?");
    // An interceptor of http, after the origin's credentials were cached.
    const first = await ses.fetch(`${origin.base}/basic/handler/a`);
    assert.equal(first.status, 200);
    await first.body?.cancel();
    const asked = calls.length;
    ses.protocol.handle("http", challenge);
    const intercepted = await ses.fetch(`${origin.base}/basic/handler/b`);
    assert.equal(intercepted.status, 401);
    assert.equal(await intercepted.text(), "who?");
    assert.equal(calls.length, asked);
    assert.equal(asked, 1);
    assert.deepEqual(seen, [null, null]);
  });

  it("an abort while 'login' is unanswered rejects at once; a late answer is ignored", async () => {
    const ses = newSession();
    let late: ((username?: string, password?: string) => void) | undefined;
    ses.on("login", (event, _details, _info, callback) => {
      event.preventDefault();
      late = callback;
      controller.abort(new DOMException("stop", "AbortError"));
    });
    const controller = new AbortController();
    const mark = origin.seen.length;
    await assert.rejects(
      ses.fetch(`${origin.base}/basic/abort`, { signal: controller.signal }),
      { name: "AbortError" },
    );
    late?.("alice", "wonder land");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(since(origin, mark).length, 1);
  });

  it("a Digest user name no header can carry fails clearly and frees the connection", async () => {
    const ses = newSession();
    answerLogins(ses, ["alice\r\nX-Injected: 1", "wonder land"]);
    await assert.rejects(ses.fetch(`${origin.base}/digest/md5/crlf`), {
      name: "TypeError",
      message: "Cannot send Digest credentials: the user name contains CR, LF or NUL",
    });
    // The 401's connection is not left on loan behind its unread body: the next request
    // reuses or replaces it, never opens a second one beside it.
    await (await ses.fetch(`${origin.base}/open`)).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(ses.openSocketCount, 1);
  });

  it("a 407 from a server that is no proxy of ours is returned; nothing is sent to it", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["alice", "wonder land"]);
    const mark = origin.seen.length;
    const response = await ses.fetch(`${origin.base}/proxy-ask`);
    assert.equal(response.status, 407);
    assert.equal(await response.text(), "ask");
    assert.equal(calls.length, 0);
    assert.deepEqual(since(origin, mark).map((r) => r.proxyAuthorization), [undefined]);
  });

  it("NTLM: skipped unless allowed; when allowed both legs go on one connection", async () => {
    const ses = newSession();
    const calls = answerLogins(ses, ["EXAMPLE\\alice", "wonder land"]);
    // Not allowed: the Basic offered alongside is used (and fails for this user).
    const basic = await ses.fetch(`${origin.base}/ntlm/a`);
    assert.equal(basic.status, 401);
    await basic.body?.cancel();
    assert.equal(calls[0]!.authInfo.scheme, "basic");
    const before = calls.length;
    ses.allowNTLMCredentialsForDomains("*.test, 127.0.0.*");
    // Fill the pool with idle sockets so a wrong pick is likely without the pin.
    await Promise.all([1, 2, 3].map(async () => (await ses.fetch(`${origin.base}/open`)).text()));
    const response = await ses.fetch(`${origin.base}/ntlm/b`);
    assert.equal(await response.text(), "ntlm EXAMPLE\\alice");
    assert.equal(calls[before]!.authInfo.scheme, "ntlm");
    assert.equal(calls[before]!.authInfo.realm, "");
  });

  it("allowNTLMCredentialsForDomains reads Chromium's rules: <local>, IP blocks, ports, ';'", async () => {
    const port = origin.port;
    const cases: Array<[string, string, string]> = [
      // A name without a dot (an intranet host), as Chromium's `<local>` rule matches.
      ["<local>", "localhost", "ntlm"],
      ["10.0.0.0/8, 127.0.0.0/8", "127.0.0.1", "ntlm"],
      [`a.test; 127.0.0.1:${port}`, "127.0.0.1", "ntlm"],
      [`http://127.0.0.1`, "127.0.0.1", "ntlm"],
      // Another port or scheme is another server.
      ["127.0.0.1:1", "127.0.0.1", "basic"],
      ["https://127.0.0.1", "127.0.0.1", "basic"],
    ];
    for (const [domains, host, scheme] of cases) {
      const ses = newSession();
      const calls = answerLogins(ses, ["EXAMPLE\\alice", "wonder land"]);
      ses.allowNTLMCredentialsForDomains(domains);
      const response = await ses.fetch(`http://${host}:${port}/ntlm/rules`);
      await response.body?.cancel();
      assert.equal(calls[0]?.authInfo.scheme, scheme, domains);
    }
  });

  it("NTLM with URL credentials needs no allowlist", async () => {
    const ses = newSession();
    const response = await ses.fetch(`http://DOM%5Cbob:pw@127.0.0.1:${origin.port}/ntlm/c`);
    assert.equal(await response.text(), "ntlm DOM\\bob");
  });

  it("allowNTLMCredentialsForDomains rejects a non-string as Electron's gin binding does", () => {
    const ses = newSession();
    assert.throws(
      () => ses.allowNTLMCredentialsForDomains(42 as unknown as string),
      {
        name: "TypeError",
        message: "Error processing argument at index 0, conversion failure from ",
      },
    );
    assert.throws(
      () => (ses.allowNTLMCredentialsForDomains as (...args: unknown[]) => void)(),
      { name: "TypeError", message: "Insufficient number of arguments." },
    );
  });
});
