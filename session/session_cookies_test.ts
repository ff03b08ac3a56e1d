import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { Hono } from "hono";
import { type OriginServer, startOrigin } from "../tests/fixtures/origin_server.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";
import type { DownloadItem } from "../downloads/mod.ts";

let counter = 0;
function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(`cookies-${++counter}`);
}

function cookieApp(): Hono {
  const app = new Hono();
  app.get("/set", (c) => {
    for (const line of c.req.queries("c") ?? []) c.header("set-cookie", line, { append: true });
    return c.text("set");
  });
  app.all("/cookie", (c) => c.text(c.req.header("cookie") ?? "(none)"));
  // A redirect to ?url=, setting the ?c= lines on its way.
  app.all("/to", (c) => {
    for (const line of c.req.queries("c") ?? []) c.header("set-cookie", line, { append: true });
    return c.redirect(c.req.query("url") ?? "/", 302);
  });
  // A chain where each hop needs the cookie set by the hop before and sets its own.
  app.get("/chain/1", (c) => {
    c.header("set-cookie", "one=1; Path=/chain");
    return c.redirect("/chain/2", 302);
  });
  app.get("/chain/2", (c) => {
    if (c.req.header("cookie") !== "one=1") {
      return c.text(`hop 2 got ${c.req.header("cookie")}`, 400);
    }
    c.header("set-cookie", "two=2; Path=/chain/3");
    return c.redirect("/chain/3", 301);
  });
  app.get("/chain/3", (c) => {
    c.header("set-cookie", "three=3; Path=/", { append: true });
    return c.redirect("/chain/4", 307);
  });
  app.get("/chain/4", (c) => c.text(c.req.header("cookie") ?? "(none)"));
  // A 401 that sets a cookie the authorized retry must carry (a load balancer's affinity
  // cookie on a login challenge).
  app.get("/auth", (c) => {
    if (c.req.header("authorization") === undefined) {
      c.header("set-cookie", "affinity=a1");
      c.header("www-authenticate", 'Basic realm="r"');
      return c.text("who?", 401);
    }
    return c.text(c.req.header("cookie") ?? "(none)");
  });
  // A stored page revalidated with a 304 that sets a cookie.
  app.get("/revalidate", (c) => {
    if (c.req.header("if-none-match") === '"v1"') {
      c.header("set-cookie", "revalidated=1");
      c.header("etag", '"v1"');
      return c.body(null, 304);
    }
    c.header("etag", '"v1"');
    c.header("cache-control", "no-cache");
    return c.text("page");
  });
  // A server whose clock is an hour slow, setting a cookie for ten minutes of its time.
  app.get("/slow-clock", (c) => {
    const serverNow = Date.now() - 3_600_000;
    c.header("date", new Date(serverNow).toUTCString());
    c.header("set-cookie", `skewed=1; Expires=${new Date(serverNow + 600_000).toUTCString()}`);
    return c.text(c.res.headers.get("date") ?? "");
  });
  app.get("/fail", (c) => {
    c.header("set-cookie", "after_error=1");
    return c.text("boom", 500);
  });
  return app;
}

describe("cookies through ses.fetch", () => {
  let origin: OriginServer;
  let base: string;
  before(async () => {
    origin = await startOrigin(cookieApp());
    base = origin.url.href.replace(/\/$/, "");
  });
  after(() => origin.close());

  const set = (ses: Session, ...lines: string[]) =>
    ses.fetch(`${base}/set?${lines.map((l) => `c=${encodeURIComponent(l)}`).join("&")}`)
      .then((r) => r.text());
  const sent = (ses: Session, init?: RequestInit) =>
    ses.fetch(`${base}/cookie`, init).then((r) => r.text());

  it("stores a Set-Cookie as Electron's cookie object and sends it back", async () => {
    const ses = newSession();
    await set(ses, "foo=bar");
    const [cookie] = await ses.cookies.get({});
    assert.deepEqual(Object.entries(cookie!), [
      ["name", "foo"],
      ["value", "bar"],
      ["domain", "127.0.0.1"],
      ["hostOnly", true],
      ["path", "/"],
      ["secure", false],
      ["httpOnly", false],
      ["session", true],
      ["sameSite", "unspecified"],
    ]);
    assert.equal(await sent(ses), "foo=bar");
  });

  it("sends and stores cookies on every redirect hop", async () => {
    const ses = newSession();
    const response = await ses.fetch(`${base}/chain/1`);
    assert.equal(response.status, 200);
    // Longest path first: two (/chain/3) and one (/chain) before three (/).
    assert.equal(await response.text(), "one=1; three=3");
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["two", "one", "three"]);
  });

  it("stores Set-Cookie of an error status", async () => {
    const ses = newSession();
    assert.equal((await ses.fetch(`${base}/fail`)).status, 500);
    assert.equal(await sent(ses), "after_error=1");
  });

  it("stores the Set-Cookie of a 401 it answers and sends it with the authorized retry", async () => {
    // Chromium's URLRequestHttpJob saves the challenge's cookies and, restarting with
    // credentials, adds the Cookie header anew (RestartTransactionWithAuth).
    const ses = newSession();
    const causes: string[] = [];
    ses.cookies.on("changed", (_event, cookie, cause) => causes.push(`${cookie.name} ${cause}`));
    const url = new URL(`${base}/auth`);
    url.username = "u";
    url.password = "p";
    const response = await ses.fetch(url.href);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "affinity=a1");
    assert.deepEqual(causes, ["affinity inserted"]);
  });

  it("stores the Set-Cookie of a 304 the HTTP cache turns into its stored response", async () => {
    // Chromium's cache updates the stored headers with the 304's (Set-Cookie included, though
    // never persisted), and URLRequestHttpJob saves the cookies of what it is given.
    const ses = newSession();
    assert.equal(await (await ses.fetch(`${base}/revalidate`)).text(), "page");
    const again = await ses.fetch(`${base}/revalidate`);
    assert.equal(await again.text(), "page");
    assert.deepEqual((await ses.cookies.get({})).map((cookie) => cookie.name), ["revalidated"]);
  });

  // Chromium's CanonicalCookie::ParseExpiration moves an Expires date by the difference between
  // the local clock and the response's Date (URLRequestHttpJob passes it as the server time),
  // so a server with a wrong clock still gets the lifetime it meant.
  it("moves an Expires date by the skew between the response's Date and the local clock", async () => {
    const ses = newSession();
    const response = await ses.fetch(`${base}/slow-clock`);
    const date = Date.parse(response.headers.get("date") ?? "");
    assert.ok(Date.now() - date > 3_000_000, `the server sent its slow Date (${date})`);
    await response.text();
    const [cookie] = await ses.cookies.get({ name: "skewed" });
    assert.ok(cookie?.expirationDate !== undefined, "stored for ten minutes, not expired");
    const lifetime = cookie.expirationDate * 1000 - Date.now();
    assert.ok(lifetime > 540_000 && lifetime <= 600_000, `ten minutes left (${lifetime} ms)`);
  });

  it("sends HttpOnly cookies on the wire and lists them", async () => {
    const ses = newSession();
    await set(ses, "h=1; HttpOnly");
    assert.equal(await sent(ses), "h=1");
    assert.equal((await ses.cookies.get({ url: `${base}/` }))[0]?.httpOnly, true);
  });

  describe("SameSite with a cross-site Origin or Referer", () => {
    let ses: Session;
    before(async () => {
      ses = newSession();
      // 127.0.0.1 is a loopback host, which Chromium lets hold Secure cookies over http.
      await set(
        ses,
        "strict=1; SameSite=Strict",
        "lax=1; SameSite=Lax",
        "unspecified=1",
        "none=1; SameSite=None; Secure",
      );
    });

    it("sends all of them same-site", async () => {
      assert.equal(await sent(ses), "strict=1; lax=1; unspecified=1; none=1");
      assert.equal(
        await sent(ses, { headers: { origin: `${base}` } }),
        "strict=1; lax=1; unspecified=1; none=1",
      );
    });

    it("holds back Strict on a cross-site GET", async () => {
      const expected = "lax=1; unspecified=1; none=1";
      // An Origin of another origin needs credentials: "include" for any cookie to go (the
      // default, same-origin, sends none to it).
      assert.equal(
        await sent(ses, { headers: { origin: "http://other.example" }, credentials: "include" }),
        expected,
      );
      assert.equal(
        await sent(ses, { headers: { referer: "https://other.example/page" } }),
        expected,
      );
    });

    it("sends only None, and young unspecified ones, with a cross-site POST", async () => {
      assert.equal(
        await sent(ses, {
          method: "POST",
          body: "x",
          headers: { origin: "http://other.example" },
          credentials: "include",
        }),
        "unspecified=1; none=1",
      );
    });

    it("counts another scheme as another site", async () => {
      assert.equal(
        await sent(ses, {
          method: "POST",
          body: "x",
          headers: { origin: `https://127.0.0.1` },
          credentials: "include",
        }),
        "unspecified=1; none=1",
      );
    });
  });

  describe("SameSite on a redirect to another site", () => {
    // localhost and 127.0.0.1 are two sites (both loopback, so Secure cookies may be set over
    // http); Chromium keeps a request's site for cookies, its first URL's, across redirects.
    let other: string;
    const via = (first: string, to: string, ...lines: string[]) =>
      `${first}/to?url=${encodeURIComponent(to)}${
        lines.map((l) => `&c=${encodeURIComponent(l)}`).join("")
      }`;
    before(() => {
      other = `http://localhost:${origin.url.port}`;
    });
    const all = ["strict=1; SameSite=Strict", "lax=1; SameSite=Lax", "unspecified=1"];
    const none = "none=1; SameSite=None; Secure";

    it("sends only SameSite=None cookies to a hop of another site than the first URL", async () => {
      const ses = newSession();
      await (await ses.fetch(
        `${other}/set?${[...all, none].map((l) => `c=${encodeURIComponent(l)}`).join("&")}`,
      )).text();
      assert.equal(
        await (await ses.fetch(`${other}/cookie`)).text(),
        "strict=1; lax=1; unspecified=1; none=1",
      );
      assert.equal(await (await ses.fetch(via(base, `${other}/cookie`))).text(), "none=1");
      // Back on the first URL's site, the hop is same-site again.
      const home = via(other, via(base, `${other}/cookie`));
      assert.equal(await (await ses.fetch(home)).text(), "strict=1; lax=1; unspecified=1; none=1");
    });

    it("sends every cookie to a download's hop of another site, as Chromium's site for cookies follows a download's redirects", async () => {
      const ses = newSession();
      const dir = mkdtempSync(join(tmpdir(), "ses-cookie-dl-"));
      try {
        ses.setDownloadPath(dir);
        await (await ses.fetch(
          `${other}/set?${[...all, none].map((l) => `c=${encodeURIComponent(l)}`).join("&")}`,
        )).text();
        const item = new Promise<DownloadItem>((resolve) =>
          ses.once("will-download", (_event, item) => resolve(item))
        );
        ses.downloadURL(via(base, `${other}/cookie`));
        const downloaded = await item;
        const state = await new Promise((resolve) =>
          downloaded.once("done", (_event, state) => resolve(state))
        );
        assert.equal(state, "completed");
        assert.equal(
          readFileSync(downloaded.getSavePath(), "utf8"),
          "strict=1; lax=1; unspecified=1; none=1",
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("sends all a download's cookies whatever Origin header it is given (no initiator, credentials include)", async () => {
      const ses = newSession();
      const dir = mkdtempSync(join(tmpdir(), "ses-cookie-dl-"));
      try {
        ses.setDownloadPath(dir);
        await (await ses.fetch(
          `${other}/set?${[...all, none].map((l) => `c=${encodeURIComponent(l)}`).join("&")}`,
        )).text();
        const item = new Promise<DownloadItem>((resolve) =>
          ses.once("will-download", (_event, item) => resolve(item))
        );
        // A browser-initiated download: its Origin header is a header, not a cross-site
        // initiator that would hold Strict and Lax cookies back.
        ses.downloadURL(`${other}/cookie`, { headers: { origin: "http://x.example" } });
        const downloaded = await item;
        await new Promise((resolve) => downloaded.once("done", resolve));
        assert.equal(
          readFileSync(downloaded.getSavePath(), "utf8"),
          "strict=1; lax=1; unspecified=1; none=1",
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("judges every hop by the caller's Origin, though a cross-origin hop's Origin header is null", async () => {
      // Two origins of one site (localhost, two ports): the redirect between them makes the
      // hop's Origin header null, but Chromium's initiator stays the caller's Origin.
      const second = await startOrigin(cookieApp());
      try {
        const ses = newSession();
        await (await ses.fetch(
          `${other}/set?${[...all, none].map((l) => `c=${encodeURIComponent(l)}`).join("&")}`,
        )).text();
        const target = `http://localhost:${second.url.port}/cookie`;
        const response = await ses.fetch(via(other, target), {
          headers: { origin: other },
          credentials: "include",
        });
        assert.equal(await response.text(), "strict=1; lax=1; unspecified=1; none=1");
        // An initiator of another site stays cross-site on every hop: Strict stays home.
        const crossed = await ses.fetch(via(other, target), {
          headers: { origin: "http://other.example" },
          credentials: "include",
        });
        assert.equal(await crossed.text(), "lax=1; unspecified=1; none=1");
      } finally {
        await second.close();
      }
    });

    it("stores only SameSite=None cookies from a hop of another site", async () => {
      const ses = newSession();
      const setThere = `${other}/set?${
        [...all, none].map((l) => `c=${encodeURIComponent(l)}`).join("&")
      }`;
      await (await ses.fetch(via(base, setThere))).text();
      assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["none"]);
      // The redirect's own Set-Cookie is of the first site: stored whatever its SameSite.
      await (await ses.fetch(via(base, `${base}/cookie`, ...all))).text();
      assert.deepEqual(
        (await ses.cookies.get({ url: base })).map((c) => c.name).sort(),
        ["lax", "strict", "unspecified"],
      );
    });
  });

  it("sends and stores nothing with credentials: omit", async () => {
    const ses = newSession();
    await set(ses, "kept=1");
    assert.equal(await sent(ses, { credentials: "omit" }), "(none)");
    await ses.fetch(`${base}/set?c=dropped%3D1`, { credentials: "omit" }).then((r) => r.text());
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["kept"]);
  });

  it("sends and stores cookies with credentials: same-origin only while the request stays at its Origin's origin", async () => {
    // Electron's net.fetch makes the caller's Origin the initiator, and Chromium's CORS layer
    // turns same-origin into omit once a URL (or a redirect through one) is of another origin.
    const ses = newSession();
    await set(ses, "kept=1");
    const other = `http://localhost:${origin.url.port}`;
    assert.equal(await sent(ses, { headers: { origin: other } }), "(none)");
    assert.equal(await sent(ses, { headers: { origin: `${base}/any/path` } }), "kept=1");
    assert.equal(await sent(ses, { headers: { origin: "not a url" } }), "(none)");
    // include, and same-origin without an Origin (Electron's net.fetch makes it include), send.
    assert.equal(await sent(ses, { headers: { origin: other }, credentials: "include" }), "kept=1");
    assert.equal(await sent(ses, { credentials: "same-origin" }), "kept=1");
    await ses.fetch(`${base}/set?c=dropped%3D1`, { headers: { origin: other } }).then((r) =>
      r.text()
    );
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["kept"]);
    // Through another origin and back: tainted for the rest of the request.
    const bounced = `${base}/to?url=${encodeURIComponent(`${other}/to?url=${base}/cookie`)}`;
    assert.equal(await (await ses.fetch(bounced, { headers: { origin: base } })).text(), "(none)");
    assert.equal(await (await ses.fetch(bounced)).text(), "kept=1");
  });

  it("lets a caller's own Cookie header win", async () => {
    const ses = newSession();
    await set(ses, "jar=1");
    assert.equal(await sent(ses, { headers: { cookie: "mine=2" } }), "mine=2");
  });

  it("persists to Chromium's Cookies table and reads it back in a new session", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-cookies-"));
    try {
      const runtime = currentRuntime();
      const first = createSessionModule(new App(runtime), runtime).fromPath(dir);
      await first.fetch(`${base}/set?c=${encodeURIComponent("p=1; Max-Age=3600")}&c=s%3D1`)
        .then((r) => r.text());
      assert.equal(first.flushStorageData(), undefined);
      const db = runtime.openDatabase(join(dir, "Cookies"));
      const rows = db.prepare(
        "SELECT host_key, name, value, path, is_persistent, has_expires, samesite, " +
          "CAST(expires_utc / 1000000 - 11644473600 AS INTEGER) AS unix FROM cookies",
      ).all();
      db.close();
      assert.equal(rows.length, 1, "session cookies are not written");
      assert.equal(rows[0]!.host_key, "127.0.0.1");
      assert.equal(rows[0]!.samesite, -1);
      assert.ok(Math.abs(Number(rows[0]!.unix) - (Date.now() / 1000 + 3600)) < 60);
      const second = createSessionModule(new App(runtime), runtime).fromPath(dir);
      assert.equal(await second.fetch(`${base}/cookie`).then((r) => r.text()), "p=1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps cookies in memory, with a warning, when the cookie database cannot be opened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-cookies-"));
    mkdirSync(join(dir, "Cookies"));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => void warnings.push(message);
    try {
      const runtime = currentRuntime();
      const ses = createSessionModule(new App(runtime), runtime).fromPath(dir);
      await set(ses, "m=1; Max-Age=60");
      assert.equal(await sent(ses), "m=1");
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /Cannot open cookie database ".*Cookies" .*cookies stay in memory/,
      );
    } finally {
      console.warn = warn;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the default session's cookies in userData/Cookies and an in-memory partition's nowhere", async () => {
    const userData = mkdtempSync(join(tmpdir(), "ses-cookies-userdata-"));
    try {
      const runtime = currentRuntime();
      const app = new App(runtime);
      app.setPath("userData", userData);
      const module = createSessionModule(app, runtime);
      const memory = module.fromPartition("memory-only");
      await set(memory, "m=1; Max-Age=600");
      memory.flushStorageData();
      await memory.cookies.flushStore();
      assert.deepEqual(readdirSync(userData), []);
      await set(module.defaultSession, "d=1; Max-Age=600");
      module.defaultSession.flushStorageData();
      assert.ok(readdirSync(userData).includes("Cookies"));
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });
});

describe("non-ASCII cookies through ses.fetch", () => {
  // A raw server, to control the bytes both ways (node:http's Latin-1 handling of header
  // strings differs between runtimes).
  let server: import("node:net").Server;
  let base = "";
  let receivedCookie: Buffer | undefined;
  before(async () => {
    const { createServer } = await import("node:net");
    server = createServer((socket) => {
      let head = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end === -1) return;
        const lines = head.subarray(0, end).toString("latin1").split("\r\n");
        head = head.subarray(end + 4);
        const cookie = lines.find((line) => line.toLowerCase().startsWith("cookie: "));
        receivedCookie = cookie === undefined
          ? undefined
          : Buffer.from(cookie.slice("cookie: ".length), "latin1");
        const setCookie = lines[0]!.startsWith("GET /set ")
          ? Buffer.concat([Buffer.from("Set-Cookie: "), Buffer.from("prénom=José €\r\n", "utf8")])
          : Buffer.alloc(0);
        socket.write(
          Buffer.concat([
            Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"),
            setCookie,
            Buffer.from("\r\nok"),
          ]),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads a UTF-8 Set-Cookie as text and sends the cookie back as the same bytes, as Chromium", async () => {
    const ses = newSession();
    await (await ses.fetch(`${base}/set`)).text();
    const [cookie] = await ses.cookies.get({});
    assert.equal(cookie?.name, "prénom");
    assert.equal(cookie?.value, "José €");
    await (await ses.fetch(`${base}/echo`)).text();
    assert.deepEqual(receivedCookie, Buffer.from("prénom=José €", "utf8"));
    await ses.closeAllConnections();
  });

  it("sends a cookie set through the API as UTF-8 bytes", async () => {
    const ses = newSession();
    await ses.cookies.set({ url: base, name: "city", value: "Zürich" });
    await (await ses.fetch(`${base}/echo`)).text();
    assert.deepEqual(receivedCookie, Buffer.from("city=Zürich", "utf8"));
    await ses.closeAllConnections();
  });
});
