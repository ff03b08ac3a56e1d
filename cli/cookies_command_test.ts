import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type OriginServer, startOrigin } from "../tests/fixtures/origin_server.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type SessionModule } from "../session/mod.ts";
import { cookieTable, runCookies } from "./cookies_command.ts";
import { parseCookiesArgs } from "./parse_cookies_args.ts";

function sessions(userData = mkdtempSync(join(tmpdir(), "ses-cli-cookies-"))) {
  const runtime = currentRuntime();
  const app = new App(runtime);
  app.setPath("userData", userData);
  return { module: createSessionModule(app, runtime), userData };
}

async function run(session: SessionModule, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCookies(session, parseCookiesArgs(argv), {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
  });
  return { code, out, err };
}

const LATER = String(Math.floor(Date.now() / 1000) + 86_400);

describe("ses cookies", () => {
  let origin: OriginServer;
  before(async () => {
    const app = createTestApp();
    app.get("/set-unreachable-cookies", (c) => {
      c.header("set-cookie", "s=1; Path=/a b; Max-Age=600", { append: true });
      c.header("set-cookie", 't=1; Path=/a"b; Max-Age=600', { append: true });
      return c.text("set");
    });
    origin = await startOrigin(app);
  });
  after(() => origin.close());

  it("sets, lists as a table and as JSON, gets by URL and name, removes, clears", async () => {
    const { module } = sessions();
    assert.equal(
      (await run(module, "set", "--url", "https://a.test/", "id=7", "--expires", LATER)).code,
      0,
    );
    await run(module, "set", "--url", "https://b.test/", "k=v", "--http-only", "--expires", LATER);
    const table = await run(module, "list");
    assert.match(table.out[0]!, /^NAME +VALUE +DOMAIN +PATH +EXPIRES +FLAGS$/);
    assert.equal(table.out.length, 3);
    assert.match(
      table.out.find((line) => line.startsWith("k "))!,
      /b\.test .*HttpOnly SameSite=lax$/,
    );
    const json = await run(module, "get", "--url", "https://a.test/", "--json");
    assert.deepEqual(JSON.parse(json.out.join("\n")).map((c: { name: string }) => c.name), ["id"]);
    assert.deepEqual(
      JSON.parse(
        (await run(module, "get", "--url", "https://a.test/", "nope", "--json")).out.join(""),
      ),
      [],
    );
    // By name alone, in every site, as Electron's cookies.get({name}).
    await run(module, "set", "--url", "https://b.test/", "id=8", "--expires", LATER);
    const byName = await run(module, "get", "id", "--json");
    assert.deepEqual(
      JSON.parse(byName.out.join("\n")).map((c: { domain: string }) => c.domain).sort(),
      ["a.test", "b.test"],
    );
    await run(module, "remove", "--url", "https://b.test/", "id");
    await run(module, "remove", "--url", "https://a.test/", "id");
    assert.deepEqual(JSON.parse((await run(module, "list", "--json")).out.join("")).length, 1);
    const cleared = await run(module, "clear");
    assert.deepEqual(cleared.err, ["ses cookies clear: removed 1"]);
    assert.deepEqual(JSON.parse((await run(module, "list", "--json")).out.join("")), []);
  });

  it("prints JSON for set, remove and clear with --json", async () => {
    const { module } = sessions();
    const url = ["--url", "https://a.test/"];
    const set = await run(module, "set", "id=1", ...url, "--expires", LATER, "--json");
    assert.equal(set.code, 0);
    const cookie = JSON.parse(set.out.join("\n"));
    assert.equal(cookie.name, "id");
    assert.equal(cookie.value, "1");
    assert.equal(cookie.domain, "a.test");
    await run(module, "set", "other=2", ...url, "--expires", LATER);
    const expired = await run(module, "set", "gone=1", ...url, "--expires", "1", "--json");
    assert.equal(JSON.parse(expired.out.join("\n")), null);
    assert.deepEqual(
      JSON.parse((await run(module, "remove", "id", ...url, "--json")).out.join("")),
      {
        removed: 1,
      },
    );
    assert.deepEqual(
      JSON.parse((await run(module, "remove", "id", ...url, "--json")).out.join("")),
      {
        removed: 0,
      },
    );
    assert.deepEqual(JSON.parse((await run(module, "clear", "--json")).out.join("")), {
      removed: 1,
    });
  });

  it("clears cookies of IPv6 hosts and counts only what it removed", async () => {
    const { module } = sessions();
    await run(module, "set", "--url", "https://[::1]:8443/", "v6=1", "--expires", LATER);
    await run(module, "set", "--url", "http://a.test/", "v4=1", "--expires", LATER);
    const cleared = await run(module, "clear", "--json");
    assert.deepEqual(JSON.parse((await run(module, "list", "--json")).out.join("")), []);
    assert.deepEqual(JSON.parse(cleared.out.join("")), { removed: 2 });
  });

  it("clears cookies whose path no URL reaches (a space, a quote)", async () => {
    const { module } = sessions();
    // A server's Path is stored as sent; a URL spells these paths percent-encoded, so no
    // cookies.remove(url, name) reaches them.
    const response = await module.fromPartition("persist:default").fetch(
      new URL("/set-unreachable-cookies", origin.url),
    );
    await response.text();
    const listed = await run(module, "list", "--json");
    assert.deepEqual(JSON.parse(listed.out.join("")).map((c: { path: string }) => c.path).sort(), [
      "/a b",
      '/a"b',
    ]);
    const cleared = await run(module, "clear", "--json");
    assert.deepEqual(JSON.parse((await run(module, "list", "--json")).out.join("")), []);
    assert.deepEqual(JSON.parse(cleared.out.join("")), { removed: 2 });
  });

  it("refuses an in-memory partition, whose cookies would end with the command", async () => {
    const { module } = sessions();
    const result = await run(
      module,
      "set",
      "--partition",
      "work",
      "--url",
      "http://a.test/",
      "a=1",
    );
    assert.equal(result.code, 2);
    assert.deepEqual(result.err, [
      'ses cookies: partition "work" lives in memory and ends with this command; use a persistent one like "persist:work"',
    ]);
    assert.deepEqual(await module.fromPartition("work").cookies.get({}), []);
  });

  it("keeps cookies on disk for the next process (a new session module)", async () => {
    const first = sessions();
    await run(first.module, "set", "--url", "https://a.test/", "kept=1", "--expires", LATER);
    const second = sessions(first.userData);
    const listed = await run(second.module, "list", "--json");
    assert.deepEqual(JSON.parse(listed.out.join("")).map((c: { name: string }) => c.name), [
      "kept",
    ]);
  });

  it("shows a cookie an origin set through ses fetch's partition", async () => {
    const { module } = sessions();
    await (await module.fromPartition("persist:default").fetch(new URL("/set-cookie", origin.url)))
      .text();
    const listed = await run(module, "get", "--url", origin.url.href, "--json");
    assert.deepEqual(JSON.parse(listed.out.join("")).map((c: { name: string }) => c.name), ["foo"]);
  });

  it("reports a rejected set with Electron's message and exit code 1", async () => {
    const { module } = sessions();
    const result = await run(module, "set", "--url", "http://a.test/", "s=1", "--secure");
    assert.equal(result.code, 1);
    assert.deepEqual(result.err, [
      "ses cookies set: Failed to set cookie - The cookie was Secure, but the URL was not allowed to access Secure cookies.",
    ]);
  });

  it("refuses malformed command lines", () => {
    assert.throws(
      () => parseCookiesArgs([]),
      /an action is required \(list, get, set, remove, clear\)/,
    );
    assert.throws(
      () => parseCookiesArgs(["show"]),
      /the action must be one of list, get, set, remove, clear, got "show"/,
    );
    assert.throws(() => parseCookiesArgs(["get"]), /a cookie name or --url is required/);
    assert.throws(() => parseCookiesArgs(["remove", "id"]), /--url is required/);
    assert.throws(
      () => parseCookiesArgs(["list", "--url", "nope"]),
      /^TypeError: ses cookies list: --url "nope" is not a valid URL$/,
    );
    assert.throws(
      () => parseCookiesArgs(["set", "--url", "http://a.test/", "novalue"]),
      /NAME=VALUE/,
    );
    assert.throws(
      () => parseCookiesArgs(["remove", "--url", "http://a.test/"]),
      /name is required/,
    );
    assert.throws(() => parseCookiesArgs(["list", "extra"]), /unexpected argument "extra"/);
    assert.throws(
      () => parseCookiesArgs(["set", "--url", "http://a.test/", "a=b", "--expires", "soon"]),
      /--expires "soon" is not a number/,
    );
    // Number("") is 0, the epoch: an empty --expires must not quietly delete the cookie.
    for (const empty of ["", " "]) {
      assert.throws(
        () => parseCookiesArgs(["set", "--url", "http://a.test/", "a=b", "--expires", empty]),
        /--expires ".*" is not a number of seconds/,
      );
    }
    assert.throws(() => parseCookiesArgs(["list", "--bogus"]), /bogus/);
    // A usage mistake like --expires's (exit 2), named before any session opens.
    assert.throws(
      () => parseCookiesArgs(["set", "--url", "http://a.test/", "a=b", "--same-site", "Lax"]),
      /^TypeError: ses cookies set: --same-site "Lax" must be one of unspecified, no_restriction, lax, strict$/,
    );
    assert.equal(
      parseCookiesArgs(["set", "--url", "http://a.test/", "a=b", "--same-site", "lax"]).sameSite,
      "lax",
    );
  });

  it("aligns the table columns", () => {
    const lines = cookieTable([{
      name: "n",
      value: "a-long-value",
      domain: ".example.com",
      hostOnly: false,
      path: "/",
      secure: true,
      httpOnly: false,
      session: true,
      sameSite: "no_restriction",
    }]);
    assert.equal(lines[0]!.indexOf("VALUE"), lines[1]!.indexOf("a-long-value"));
    assert.match(lines[1]!, /session +Secure SameSite=no_restriction$/);
  });
});
