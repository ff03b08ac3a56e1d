import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
// The default partition lives under userData: keep it out of the user's configuration.
const CONFIG = mkdtempSync(join(tmpdir(), "ses-main-"));

function ses(...argv: string[]) {
  const args = "Deno" in globalThis ? ["run", "-A", MAIN, ...argv] : [MAIN, ...argv];
  return spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: CONFIG },
  });
}

describe("ses", () => {
  it("prints the usage on standard output and exits 0 when asked for help", () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const result = ses(...argv);
      assert.equal(result.status, 0, `${argv.join(" ")}: ${result.stderr}`);
      assert.match(result.stdout, /^usage:\n {2}ses demo /);
      assert.equal(result.stderr, "");
    }
  });

  it("prints every command's usage on standard error, exit 2, when given no command", () => {
    const result = ses();
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^usage:\n {2}ses demo /);
  });

  // One process per case: past bun test's 5 s default on a loaded machine.
  it("prints a command's own usage for its --help, naming every option its parser takes", {
    timeout: 120_000,
  }, () => {
    const options: Record<string, string[]> = {
      fetch: [
        ...["-X", "-H", "-d", "-o", "-i", "--request", "--header", "--data", "--output"],
        ...["--include", "--data-binary", "--partition", "--cache", "--block", "--netlog"],
        ...["--proxy", "--proxy-bypass"],
      ],
      netlog: ["har", "view", "--output"],
      cookies: ["--partition", "--url", "--json", "--domain", "--path", "--secure", "--expires"],
      download: ["-o", "--output", "--resume", "--partition", "--json"],
      devices: ["hid [--json]", "serial [--add PATH]"],
    };
    for (const [command, names] of Object.entries(options)) {
      assert.equal(ses("help", command).stdout, ses(command, "-h").stdout);
      const result = ses(command, "--help");
      assert.equal(result.status, 0, result.stderr);
      const lines = result.stdout.trimEnd().split("\n");
      assert.equal(lines[0], "usage:");
      assert.ok(lines.slice(1).every((line) => /^ {2}ses \S|^ {4,}/.test(line)), result.stdout);
      // A terminal's 100 columns, so no line wraps mid-word.
      const long = lines.filter((line) => line.length > 100);
      assert.deepEqual(long, [], `${command}: lines past 100 columns`);
      assert.ok(lines.slice(1).some((line) => line.startsWith(`  ses ${command} `)));
      assert.ok(!result.stdout.includes("ses demo"), `${command}: ${result.stdout}`);
      for (const name of names) assert.ok(result.stdout.includes(name), `${command} ${name}`);
    }
  });

  // One process per case: past bun test's 5 s default on a loaded machine.
  it("says in one line, exit 2, what was wrong with the command line", { timeout: 120_000 }, () => {
    const cases: [string[], string][] = [
      [
        ["no-such-command"],
        'ses: unknown command "no-such-command" (ses --help lists the commands)',
      ],
      [["help", "no-such-command"], 'ses: unknown command "no-such-command"'],
      [["no-such-command", "--help"], 'ses: unknown command "no-such-command"'],
      [["fetch", "--bogus", "http://a.test/"], "ses fetch: Unknown option '--bogus'"],
      [["fetch", "-X"], "ses fetch: Option '-X, --request <value>' argument missing"],
      [["fetch", "-H", "nocolon", "http://a.test/"], 'ses fetch: header "nocolon" must look'],
      [["cookies", "list", "--bogus"], "ses cookies: Unknown option '--bogus'"],
      [["cache", "size", "--bogus"], "ses cache: Unknown option '--bogus'"],
      [["download"], "ses download: a URL is required"],
      [["extensions", "unload", "x"], 'ses extensions: unknown action "unload"'],
      [["extensions", "load"], "ses extensions: load: the PATH is missing"],
      [["storage", "export", "--bogus"], "ses storage: Unknown option '--bogus'"],
      [["netlog", "show", "x"], "ses netlog: expected an action (har or view)"],
      [["devices", "usb"], 'ses devices: unknown device kind "usb"'],
      [["devices", "hid", "--bogus"], "ses devices hid: Unknown option '--bogus'"],
      [["devices", "serial", "--bogus"], "ses devices serial: Unknown option '--bogus'"],
      [["proxy", "resolve", "--bogus"], "ses proxy: Unknown option '--bogus'"],
      [["spell", "--bogus"], "ses spell: Unknown option '--bogus'"],
      [["demo", "--bogus"], "ses demo: Unknown option '--bogus'"],
      [["demo", "extra"], 'ses demo: unexpected argument "extra"'],
      [["devices"], "ses devices: a device kind is required (hid or serial)"],
      [["extensions"], "ses extensions: an action is required (load or id)"],
      [["proxy"], "ses proxy: an action is required (resolve)"],
      [["proxy", "show"], 'ses proxy: unknown action "show" (resolve)'],
      [["cookies"], "ses cookies: an action is required (list, get, set, remove, clear)"],
    ];
    for (const [argv, start] of cases) {
      const result = ses(...argv);
      assert.equal(result.status, 2, `${argv.join(" ")}: ${result.stderr}`);
      assert.equal(result.stdout, "");
      assert.ok(result.stderr.startsWith(start), `${argv.join(" ")}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
    }
  });

  // One process per case: past bun test's 5 s default on a loaded machine.
  it("takes a --partition the session module refuses as a usage mistake: exit 2, one line", {
    timeout: 120_000,
  }, () => {
    const partition = `persist:${"日本".repeat(60)}`;
    const cases = [
      ["cookies", "get", "--url", "http://a.test/", "--partition", partition],
      ["cache", "size", "--partition", partition],
      ["fetch", "--partition", partition, "http://127.0.0.1:4/"],
      ["download", "--partition", partition, "http://127.0.0.1:4/x"],
      ["spell", "--partition", partition, "word"],
      ["storage", "export", join(CONFIG, "out.json"), "--partition", partition],
      ["extensions", "load", CONFIG, "--partition", partition],
    ];
    for (const argv of cases) {
      const result = ses(...argv);
      assert.equal(result.status, 2, `${argv[0]}: ${result.stderr}`);
      assert.match(
        result.stderr,
        new RegExp(`^ses ${argv[0]}: --partition: Invalid partition "persist:.*--help lists`),
      );
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });

  it("writes its messages on a terminal as plain text, with no colour codes", () => {
    // `script` (Debian's util-linux) runs the command on a pseudo-terminal, where Bun's
    // console.error would paint the lines red.
    const runtime = "Deno" in globalThis ? `${process.execPath} run -A` : process.execPath;
    const command = `${runtime} ${MAIN} fetch http://127.0.0.1:4/; echo "exit $?"`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      encoding: "utf8",
      env: { ...process.env, XDG_CONFIG_HOME: CONFIG, TERM: "xterm-256color" },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout.replaceAll("\r\n", "\n"),
      "ses fetch: net::ERR_CONNECTION_REFUSED (http://127.0.0.1:4/)\nexit 1\n",
    );
  });

  it("takes --help after -- as an operand", () => {
    const result = ses("spell", "--json", "--", "--help");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });

  it("prints an extension's install warnings once: not again as a process warning", () => {
    const dir = join(CONFIG, "mv2-extension");
    mkdirSync(dir, { recursive: true });
    const manifest = { name: "Two", version: "1", manifest_version: 2 };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    for (const json of [false, true]) {
      const result = ses("extensions", "load", dir, ...(json ? ["--json"] : []));
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Manifest version 2 is deprecated/);
      assert.equal(result.stderr, "");
    }
  });
});

describe("ses with its standard output closed early", () => {
  // `ses netlog har LOG | head -1`: the reader goes away, and the next write fails with EPIPE.
  it("says so in one line and exits 1, with no stack trace", { timeout: 120_000 }, () => {
    const log = join(CONFIG, "closed-stdout.json");
    const recorded = ses("fetch", "--partition", "mem", "--netlog", log, "http://127.0.0.1:4/");
    assert.equal(recorded.status, 1, recorded.stderr);
    for (const argv of [["netlog", "har", log], ["netlog", "view", log, "-o", "-"]]) {
      const args = "Deno" in globalThis ? ["run", "-A", MAIN, ...argv] : [MAIN, ...argv];
      // `true` has exited long before the runtime starts and writes: no reader is left.
      const result = spawnSync(
        "bash",
        ["-c", '"$@" | true; exit "${PIPESTATUS[0]}"', "bash", process.execPath, ...args],
        { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: CONFIG } },
      );
      assert.equal(result.status, 1, `${argv.join(" ")}: ${result.stderr}`);
      assert.equal(
        result.stderr,
        "ses netlog: standard output was closed before everything was written (EPIPE)\n",
      );
    }
  });

  it(
    "says it in the same words for ses fetch's body, in both runtimes",
    { timeout: 120_000 },
    () => {
      // Bun's write of the body failed inside the command, which printed the bare system error
      // ("ses fetch: EPIPE: broken pipe, write"); Deno's failed after it, in main's words.
      const file = join(CONFIG, "closed-stdout.bin");
      writeFileSync(file, Buffer.alloc(4 << 20, 97));
      const argv = ["fetch", "--partition", "mem", `file://${file}`];
      const args = "Deno" in globalThis ? ["run", "-A", MAIN, ...argv] : [MAIN, ...argv];
      const result = spawnSync(
        "bash",
        ["-c", '"$@" | true; exit "${PIPESTATUS[0]}"', "bash", process.execPath, ...args],
        { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: CONFIG } },
      );
      assert.equal(result.status, 1, result.stderr);
      assert.equal(
        result.stderr,
        "ses fetch: standard output was closed before everything was written (EPIPE)\n",
      );
    },
  );

  it(
    "says so when the reader goes away after the last write was made, in both runtimes",
    { timeout: 120_000 },
    () => {
      // `ses fetch URL | head -c 1`: the writes were all handed over, and fail only once the
      // reader, which took one byte, leaves. Bun called main's empty write back before the
      // writes ahead of it were done, so the command exited 0 with its output cut.
      const file = join(CONFIG, "late-closed-stdout.bin");
      writeFileSync(file, Buffer.alloc(4 << 20, 97));
      const argv = ["fetch", "--partition", "mem", `file://${file}`];
      const args = "Deno" in globalThis ? ["run", "-A", MAIN, ...argv] : [MAIN, ...argv];
      const result = spawnSync(
        "bash",
        [
          "-c",
          '"$@" | (head -c 1 >/dev/null; sleep 0.5); exit "${PIPESTATUS[0]}"',
          "bash",
          process.execPath,
          ...args,
        ],
        { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: CONFIG } },
      );
      assert.equal(result.status, 1, result.stderr);
      assert.equal(
        result.stderr,
        "ses fetch: standard output was closed before everything was written (EPIPE)\n",
      );
    },
  );
});
