import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseFetchArgs } from "./parse_fetch_args.ts";

describe("parseFetchArgs", () => {
  it("reads curl-style options", () => {
    assert.deepEqual(
      parseFetchArgs([
        "-X",
        "PATCH",
        "-H",
        "x-one: 1",
        "--header",
        "X-Two:two words ",
        "-d",
        "body",
        "-o",
        "/tmp/out",
        "-i",
        "--partition",
        "persist:cli",
        "--cache",
        "no-cache",
        "--block",
        "*://ads.test/*",
        "http://a.test/",
      ]),
      {
        url: "http://a.test/",
        method: "PATCH",
        headers: [["x-one", "1"], ["X-Two", "two words"], [
          "Content-Type",
          "application/x-www-form-urlencoded",
        ]],
        data: [{ text: "body" }],
        output: "/tmp/out",
        partition: "persist:cli",
        include: true,
        json: false,
        cache: "no-cache",
        block: ["*://ads.test/*"],
      },
    );
  });

  it("reads -H as curl does: 'Name;' an empty value, 'Name:' a header not to send", () => {
    const parsed = parseFetchArgs([
      ...["-H", "X-Empty;", "-H", "Accept:", "-H", "X-Both:", "-H", "x-both: 1"],
      ...["-H", "Content-Type:", "-d", "a=1", "http://a.test/"],
    ]);
    assert.deepEqual(parsed.headers, [["X-Empty", ""], ["x-both", "1"]]);
    assert.deepEqual(parsed.omitHeaders, ["Accept", "Content-Type"]);
    assert.equal("omitHeaders" in parseFetchArgs(["-H", "a: 1", "http://a.test/"]), false);
    assert.throws(() => parseFetchArgs(["-H", "X;y", "http://a/"]), /or "Name;" for an empty/);
  });

  it("takes -o - for standard output, as curl does", () => {
    assert.equal(parseFetchArgs(["-o", "-", "http://a.test/"]).output, undefined);
    assert.equal(parseFetchArgs(["--output", "-", "--json", "http://a.test/"]).output, undefined);
    assert.equal(parseFetchArgs(["-o", "./-", "http://a.test/"]).output, "./-");
  });

  it("defaults to GET, or POST with data, in persist:default", () => {
    assert.equal(parseFetchArgs(["http://a.test/"]).method, "GET");
    assert.equal(parseFetchArgs(["-d", "x", "http://a.test/"]).method, "POST");
    assert.equal(parseFetchArgs(["http://a.test/"]).partition, "persist:default");
    assert.equal(parseFetchArgs(["http://a.test/"]).cache, "default");
  });

  it("sends -d as a form, as curl does, unless a Content-Type header is given", () => {
    assert.deepEqual(parseFetchArgs(["http://a.test/"]).headers, []);
    assert.deepEqual(parseFetchArgs(["-d", "a=1", "http://a.test/"]).headers, [
      ["Content-Type", "application/x-www-form-urlencoded"],
    ]);
    assert.deepEqual(
      parseFetchArgs(["-d", "{}", "-H", "content-type: application/json", "http://a.test/"])
        .headers,
      [["content-type", "application/json"]],
    );
  });

  it("keeps -d and --data-binary pieces in order, @FILE and @- as files, like curl", () => {
    const parsed = parseFetchArgs([
      "-d",
      "a=1",
      "--data-binary",
      "@body.bin",
      "-d",
      "@-",
      "--data-binary",
      "b=2",
      "http://a.test/",
    ]);
    assert.deepEqual(parsed.data, [
      { text: "a=1" },
      { file: "body.bin", stripNewlines: false },
      { file: "-", stripNewlines: true },
      { text: "b=2" },
    ]);
    assert.equal(parsed.method, "POST");
    assert.equal(parseFetchArgs(["--data-binary", "x", "http://a.test/"]).method, "POST");
    assert.equal("data" in parseFetchArgs(["http://a.test/"]), false);
  });

  it("rejects a missing URL, extra arguments, bad headers and unknown options", () => {
    assert.throws(
      () => parseFetchArgs(["--cache", "sometimes", "http://a/"]),
      /cache mode "sometimes" must be one of default, no-store/,
    );
    assert.throws(() => parseFetchArgs([]), /a URL is required/);
    assert.throws(
      () => parseFetchArgs(["http://a/", "http://b/"]),
      /unexpected argument "http:\/\/b\/"/,
    );
    assert.throws(
      () => parseFetchArgs(["-H", "no-colon", "http://a/"]),
      /must look like "Name: value"/,
    );
    assert.throws(() => parseFetchArgs(["--nope", "http://a/"]), TypeError);
    assert.throws(
      () => parseFetchArgs(["--proxy-bypass", "<local>", "http://a/"]),
      /--proxy-bypass needs --proxy/,
    );
    assert.throws(
      () => parseFetchArgs(["-i", "--json", "http://a/"]),
      /-i and --json cannot be used together/,
    );
    assert.equal(parseFetchArgs(["--json", "http://a/"]).json, true);
  });

  it("reads -U USER:PASSWORD (--proxy-user) as -u, for the proxy", () => {
    assert.deepEqual(parseFetchArgs(["-U", "al@ce:p:ss", "http://a/"]).proxyUser, {
      username: "al@ce",
      password: "p:ss",
    });
    assert.deepEqual(parseFetchArgs(["--proxy-user", "token:", "http://a/"]).proxyUser, {
      username: "token",
      password: "",
    });
    assert.equal("proxyUser" in parseFetchArgs(["http://a/"]), false);
    assert.throws(() => parseFetchArgs(["-U", "alice", "http://a/"]), {
      name: "TypeError",
      message: 'ses fetch: --proxy-user needs a password: USER:PASSWORD (an empty one as "alice:")',
    });
  });

  it("reads -u USER:PASSWORD at the first colon, and refuses a user without a password", () => {
    assert.deepEqual(parseFetchArgs(["-u", "al@ce:p:ss", "http://a/"]).user, {
      username: "al@ce",
      password: "p:ss",
    });
    assert.deepEqual(parseFetchArgs(["--user", "token:", "http://a/"]).user, {
      username: "token",
      password: "",
    });
    assert.equal("user" in parseFetchArgs(["http://a/"]), false);
    assert.throws(
      () => parseFetchArgs(["-u", "alice", "http://a/"]),
      {
        name: "TypeError",
        message: 'ses fetch: --user needs a password: USER:PASSWORD (an empty one as "alice:")',
      },
    );
  });

  it("reads proxy rules and bypass rules", () => {
    const parsed = parseFetchArgs([
      "--proxy",
      "socks5://127.0.0.1:1080",
      "--proxy-bypass",
      "<-loopback>",
      "http://a/",
    ]);
    assert.equal(parsed.proxy, "socks5://127.0.0.1:1080");
    assert.equal(parsed.proxyBypass, "<-loopback>");
    assert.equal("proxy" in parseFetchArgs(["http://a/"]), false);
  });

  it("reads curl's -k, --tlsv1.x and --tls-max as the session's TLS policy for the run", () => {
    assert.equal(parseFetchArgs(["-k", "https://a/"]).insecure, true);
    assert.equal(parseFetchArgs(["--insecure", "https://a/"]).insecure, true);
    assert.equal("insecure" in parseFetchArgs(["https://a/"]), false);
    assert.equal("ssl" in parseFetchArgs(["https://a/"]), false);
    assert.deepEqual(parseFetchArgs(["--tlsv1.3", "https://a/"]).ssl, { minVersion: "tls1.3" });
    // curl's version options set one value: the last one given wins.
    assert.deepEqual(parseFetchArgs(["--tlsv1.3", "--tlsv1.0", "https://a/"]).ssl, {
      minVersion: "tls1",
    });
    assert.deepEqual(parseFetchArgs(["--tlsv1.1", "--tls-max", "1.2", "https://a/"]).ssl, {
      minVersion: "tls1.1",
      maxVersion: "tls1.2",
    });
    assert.deepEqual(parseFetchArgs(["--tls-max", "default", "https://a/"]).ssl, {});
    // Electron's maxVersion is tls1.2 or tls1.3: a lower ceiling is a usage mistake here.
    assert.throws(() => parseFetchArgs(["--tls-max", "1.1", "https://a/"]), {
      name: "TypeError",
      message: 'ses fetch: --tls-max "1.1" must be 1.2, 1.3 or default',
    });
    assert.throws(() => parseFetchArgs(["--tlsv1.3", "--tls-max", "1.2", "https://a/"]), {
      name: "TypeError",
      message: "ses fetch: --tlsv1.3 asks for more than --tls-max 1.2 allows",
    });
  });

  it("reads curl's --limit-rate as bytes per second, K, M and G in 1024s", () => {
    assert.equal(parseFetchArgs(["--limit-rate", "2000", "http://a/"]).limitRate, 2000);
    assert.equal(parseFetchArgs(["--limit-rate", "100K", "http://a/"]).limitRate, 102_400);
    assert.equal(parseFetchArgs(["--limit-rate", "1m", "http://a/"]).limitRate, 1_048_576);
    assert.equal(parseFetchArgs(["--limit-rate", "1G", "http://a/"]).limitRate, 1_073_741_824);
    assert.equal("limitRate" in parseFetchArgs(["http://a/"]), false);
    // 0 is no limit for curl, as a 0 throughput is for Electron's network emulation.
    assert.equal(parseFetchArgs(["--limit-rate", "0", "http://a/"]).limitRate, 0);
    for (const rate of ["", "fast", "-5", "1.5k", "10T"]) {
      assert.throws(() => parseFetchArgs([`--limit-rate=${rate}`, "http://a/"]), {
        name: "TypeError",
        message: `ses fetch: --limit-rate "${rate}" must be a number of bytes per second, ` +
          "with K, M or G after it for 1024s",
      });
    }
  });

  it("reads the net log's capture mode in Electron's names, in any case", () => {
    const withMode = (mode: string) =>
      parseFetchArgs(["--netlog", "log.json", "--netlog-capture-mode", mode, "http://a/"]);
    assert.equal(withMode("everything").netlogCaptureMode, "everything");
    // Chromium's --net-log-capture-mode spelling.
    assert.equal(withMode("IncludeSensitive").netlogCaptureMode, "includeSensitive");
    assert.equal("netlogCaptureMode" in parseFetchArgs(["--netlog", "l.json", "http://a/"]), false);
    assert.throws(
      () => withMode("all"),
      /--netlog-capture-mode "all" must be one of default, includeSensitive, everything/,
    );
    assert.throws(
      () => parseFetchArgs(["--netlog-capture-mode", "everything", "http://a/"]),
      /--netlog-capture-mode needs --netlog/,
    );
  });
});
