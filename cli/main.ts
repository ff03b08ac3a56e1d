/**
 * The `ses` command line.
 *
 * - `ses demo` — starts a local origin and walks through a session request by request.
 * - `ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA]... [--data-binary DATA]... [-o FILE]
 *   [-i | --json] [--partition NAME] [--cache MODE] [--block PATTERN]... [--netlog LOG.json
 *   [--netlog-capture-mode MODE]] [--proxy RULES [--proxy-bypass RULES]] [-u USER:PASSWORD]
 *   [-U USER:PASSWORD] [-k] [--tlsv1.0|--tlsv1.1|--tlsv1.2|--tlsv1.3] [--tls-max 1.2|1.3|default] [--limit-rate RATE]
 *   URL`
 * - `ses cache size|clear [--partition NAME] [--json]`
 * - `ses cookies list|get|set|remove|clear [--partition NAME] [--url URL] [--json]`
 * - `ses download [-o PATH] [-H HEADER]... [OPTIONS] URL`, `ses download --resume PATH.crdownload`
 * - `ses extensions load PATH [--partition NAME] [--json]` — loads an unpacked extension
 * - `ses extensions id PATH [--json]` — prints the extension id Chromium gives a directory
 * - `ses storage export|import FILE [--partition NAME]`, `ses storage import-chromium
 *   PROFILE_DIR [--partition NAME]` — Playwright storageState files; a Chromium profile's cookies
 * - `ses devices hid [--json]` — the HID interfaces hidapi sees (vendor:product, names, serial,
 *   top-level collections)
 * - `ses devices serial [--add PATH]... [--json]` — the serial ports the enumerator sees.
 * - `ses proxy resolve URL [--rules R [--bypass B] | --pac FILE|URL] [--json]` — the proxies a
 *   session chooses for a URL (`system` mode, from the environment, when no settings are given).
 * - `ses spell TEXT|- [--lang CODE]... [--json] [--partition NAME] [--dictionary-url URL]` — the
 *   misspelled words of a text (`-`: standard input), exit 1 when there are some, 2 when the
 *   check could not be made.
 *
 * @module
 */

import process from "node:process";
import { Readable, Writable } from "node:stream";
import { standardOutputClosed } from "./standard_output.ts";
import { session } from "../mod.ts";
import { parseCacheArgs, runCache } from "./cache_command.ts";
import { runDemo } from "./demo_command.ts";
import { runCookies } from "./cookies_command.ts";
import { EXIT_INTERRUPTED, runDownload } from "./download_command.ts";
import { parseDownloadArgs } from "./parse_download_args.ts";
import { EXTENSIONS_USAGE, runExtensions } from "./extensions_command.ts";
import { runFetch } from "./fetch_command.ts";
import { parseCookiesArgs } from "./parse_cookies_args.ts";
import { parseFetchArgs } from "./parse_fetch_args.ts";
import { parseProxyArgs, runProxy } from "./proxy_command.ts";
import { runStorage, STORAGE_USAGE } from "./storage_command.ts";
import { NETLOG_USAGE, runNetlog } from "./netlog_command.ts";
import { DEVICES_HID_USAGE, runDevicesHid } from "./devices_hid_command.ts";
import { currentRuntime, openHidapiBackend } from "../runtime/mod.ts";
import { parseSpellArgs, runSpell } from "./spell_command.ts";
import { createProgressView } from "./download_progress.ts";
import { DEVICES_SERIAL_USAGE, runDevicesSerial } from "./devices_serial_command.ts";
import { UsageError, usageLine } from "./usage_error.ts";

// Each command's usage lines: `ses COMMAND --help` prints its own, `ses --help` all of them.
const USAGES: Readonly<Record<string, string>> = {
  demo: "  ses demo   (what `npm start` runs: a walk-through against a local origin)",
  fetch: `  ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA]... [--data-binary DATA]...
            [-o FILE] [-i | --json] [--partition NAME]
            [--cache default|no-store|reload|no-cache|force-cache|only-if-cached]
            [--block PATTERN]...
            [--netlog LOG.json [--netlog-capture-mode default|includeSensitive|everything]]
            [--proxy RULES [--proxy-bypass RULES]] [-u USER:PASSWORD] [-U USER:PASSWORD]
            [-k] [--tlsv1.0|--tlsv1.1|--tlsv1.2|--tlsv1.3] [--tls-max 1.2|1.3|default]
            [--limit-rate RATE] URL
            (-X, -H, -d, -o, -i, -u, -U, -k: also --request, --header, --data, --output,
            --include, --user, --proxy-user, --insecure, as in curl; -k: accept any server
            certificate; --tlsvX: the lowest TLS version, --tls-max the highest (setSSLConfig);
            --limit-rate: the download rate in bytes/s, K, M or G for 1024s (emulated
            throughput); -H 'Name;' sends it empty, -H 'Name:' leaves it out, the session's own
            one too; -o -: standard output; DATA: text, @FILE, or @- for standard input; -d
            drops a file's CR and LF, pieces join with '&'; --block: a Chrome match pattern to
            cancel, like '*://*/ads/*'; --json: one JSON line with the status, headers and body
            (text, or bodyBase64); --netlog: record a net log (cookies and credentials stripped
            unless includeSensitive; socket and body bytes with everything); --proxy: Chromium
            proxy rules, like 'socks5://127.0.0.1:1080' or 'http=p:3128;https=p:3128', with
            credentials as 'http://USER:PASSWORD@p:3128'; -u: answers the URL's server when it
            asks (Basic, Digest or NTLM, like curl --anyauth), never sent before it asks nor to
            another origin; -U: answers a proxy that asks, once, in the strongest scheme it
            offers, like curl --proxy-anyauth)`,
  cache: "  ses cache size|clear [--partition NAME] [--json]",
  cookies: `  ses cookies list|get|set|remove|clear [--partition NAME] [--url URL] [--json]
      get [NAME]; set NAME=VALUE [--domain D] [--path P] [--secure] [--http-only]
      [--same-site unspecified|no_restriction|lax|strict] [--expires UNIX_SECONDS]; remove NAME`,
  download: `  ses download [-o|--output PATH] [-H 'Name: value']... [OPTIONS] URL
  ses download --resume PATH.crdownload [OPTIONS]
      OPTIONS: [--partition NAME] [--json] [--proxy RULES [--proxy-bypass RULES]]
      [-u USER:PASSWORD] [-U USER:PASSWORD] [-k], as ses fetch reads them`,
  extensions: EXTENSIONS_USAGE,
  storage: STORAGE_USAGE,
  proxy: `  ses proxy resolve URL [--rules R [--bypass B] | --pac FILE|URL] [--json]
      (system mode, from the environment, without --rules or --pac)`,
  devices: `${DEVICES_HID_USAGE}\n${DEVICES_SERIAL_USAGE}`,
  netlog: NETLOG_USAGE,
  spell: `  ses spell TEXT|- [--lang CODE]... [--json] [--partition NAME] [--dictionary-url URL]
      (- reads standard input; exit 1 when something is misspelled, 2 when no dictionary loads;
      URL: where dictionaries download from, the file name appended, like http://host/dicts/)`,
};

const USAGE = `usage:\n${Object.values(USAGES).join("\n")}`;

/**
 * Runs a `ses` command. `--help` (or `-h`, or `ses help [COMMAND]`) prints the usage on
 * standard output and succeeds: a command's own lines after the command's name
 * (`ses fetch --help`), all of them otherwise. A usage mistake (an unknown command or option, an option without its value,
 * a missing or extra operand) is one line on standard error and exit code 2.
 *
 * @param argv The arguments after the program name.
 * @returns The exit code: 0 for help, 2 for an unknown command or bad options, else the
 * command's.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * console.log(await main(["no-such-command"])); // 2, after one line on standard error
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (asksForHelp(argv)) {
    // `ses help fetch` as `ses fetch --help`.
    const topic = command === "help" ? rest[0] : command;
    const own = topic === undefined ? undefined : USAGES[topic];
    // Help about a command that does not exist is the same mistake as running it.
    if (own === undefined && topic !== undefined && !topic.startsWith("-")) {
      printError(`ses: unknown command "${topic}" (ses --help lists the commands)`);
      return 2;
    }
    console.log(own === undefined ? USAGE : `usage:\n${own}`);
    return 0;
  }
  try {
    return await runCommand(command, rest);
  } catch (error) {
    if (error instanceof UsageError && command !== undefined) {
      printError(usageLine(command, error));
      return 2;
    }
    // What no command caught (the commands catch every failure they foresee) is still one line
    // for the person who typed it, not a stack trace.
    const name = command === undefined ? "ses" : `ses ${command}`;
    printError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function runCommand(command: string | undefined, rest: string[]): Promise<number> {
  switch (command) {
    case "demo":
      if (rest.length > 0) {
        // In the words parseArgs gives the other commands: an option it does not know, or a
        // word where none is taken.
        const [first = ""] = rest;
        const problem = first.startsWith("-")
          ? `Unknown option '${first}'`
          : `unexpected argument "${first}"`;
        printError(usageLine("demo", problem));
        return 2;
      }
      await runDemo(session, console.log);
      return 0;
    case "fetch": {
      const args = parsed("fetch", parseFetchArgs, rest);
      if (args === undefined) return 2;
      return await runFetch(session, args, {
        info: printError,
        body: Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
        onInterrupt,
        readStdin: async () =>
          new Uint8Array(
            await new Response(Readable.toWeb(process.stdin) as ReadableStream).bytes(),
          ),
      });
    }
    case "cookies": {
      const args = parsed("cookies", parseCookiesArgs, rest);
      if (args === undefined) return 2;
      return await runCookies(session, args, {
        out: (line) => console.log(line),
        err: printError,
      });
    }
    case "download": {
      const args = parsed("download", parseDownloadArgs, rest);
      if (args === undefined) return 2;
      const code = await runDownload(session, args, {
        info: printError,
        out: (line) => console.log(line),
        stream: process.stderr,
        tty: process.stderr.isTTY === true,
        cwd: process.cwd(),
        onInterrupt,
      });
      // A paused download holds its connection open, which would keep the process alive.
      if (code === EXIT_INTERRUPTED) process.exit(code);
      return code;
    }
    case "extensions":
      withoutExtensionLoadWarnings();
      return await runExtensions(session, rest, {
        out: (line) => console.log(line),
        err: printError,
      });
    case "storage":
      return await runStorage(session, rest, {
        out: (line) => console.log(line),
        err: printError,
      });
    case "cache": {
      const args = parsed("cache", parseCacheArgs, rest);
      if (args === undefined) return 2;
      return await runCache(session, args, { out: (line) => console.log(line), err: printError });
    }
    case "proxy": {
      const args = parsed("proxy", parseProxyArgs, rest);
      if (args === undefined) return 2;
      return await runProxy(session, args, { out: (line) => console.log(line), err: printError });
    }
    case "devices": {
      // One sub-command per device kind, each in its own file.
      const [kind, ...options] = rest;
      const output = {
        out: (line: string) => console.log(line),
        err: printError,
      };
      switch (kind) {
        case "hid":
          return await runDevicesHid(() => openHidapiBackend(currentRuntime()), options, output);
        case "serial":
          return await runDevicesSerial(session, options, output);
        default:
          printError(usageLine(
            "devices",
            kind === undefined
              ? "a device kind is required (hid or serial)"
              : `unknown device kind "${kind}" (hid or serial)`,
          ));
          return 2;
      }
    }
    case "spell": {
      const args = parsed("spell", parseSpellArgs, rest);
      if (args === undefined) return 2;
      return await runSpell(session, args, {
        readStdin: () => new Response(Readable.toWeb(process.stdin) as ReadableStream).text(),
        out: (line) => console.log(line),
        err: printError,
        progress: process.stderr.isTTY === true
          ? (name) =>
            createProgressView({ name, stream: process.stderr, tty: true, line: printError })
          : undefined,
      });
    }
    case "netlog":
      return await runNetlog(rest, {
        info: printError,
        write: (text) => void process.stdout.write(text),
        readStdin: () => new Response(Readable.toWeb(process.stdin) as ReadableStream).text(),
      });
    default:
      printError(
        command === undefined
          ? USAGE
          : `ses: unknown command "${command}" (ses --help lists the commands)`,
      );
      return 2;
  }
}

// One line on standard error, as written: Bun's console.error paints its lines red on a terminal,
// which would make every message, and `ses fetch -i`'s headers, look like a failure.
function printError(line: string): void {
  process.stderr.write(`${line}\n`);
}

// `ses extensions load` prints an extension's install warnings itself (on standard output, or in
// --json's object): the ExtensionLoadWarning that loadExtension also emits would print them a
// second time on standard error. Other process warnings still reach the default printer.
function withoutExtensionLoadWarnings(): void {
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name === "ExtensionLoadWarning") return;
    for (const print of printers) print(warning);
  });
}

// Ctrl-C goes to the command's handler while it is registered.
function onInterrupt(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => void process.off("SIGINT", handler);
}

// The options of a command, or undefined after the parse error is printed.
function parsed<T>(command: string, parse: (argv: string[]) => T, argv: string[]): T | undefined {
  try {
    return parse(argv);
  } catch (error) {
    printError(usageLine(command, error));
    return undefined;
  }
}

// `ses --help`, `ses help`, `ses -h`, or `--help`/`-h` among a command's options (before a
// `--`, after which everything is an operand).
function asksForHelp(argv: string[]): boolean {
  if (argv[0] === "help") return true;
  const end = argv.indexOf("--");
  const options = end === -1 ? argv : argv.slice(0, end);
  return options.includes("--help") || options.includes("-h");
}

// A reader that goes away early (`ses netlog har LOG | head -1`) fails the next write to standard
// output with EPIPE, which the stream emits as an 'error' event: unheard, it ended the process
// with a stack trace. The failure is kept, and the command's end says so in one line, exit 1, as
// curl reports a write that failed ("Failure writing output", its exit 23).
let stdoutError: Error | undefined;
function watchStandardOutput(): void {
  process.stdout.on("error", (error: Error) => stdoutError ??= error);
}

// The exit code once standard output's fate is known: a command that thought it succeeded did
// not deliver all it printed when a write failed. A command that failed has said why already
// (`ses fetch` in these same words). Both runtimes report a pipe's write failure after the
// command has returned; only the stream's end waits for every write before it (Bun calls an
// empty write back at once, ahead of the writes still queued).
async function withStandardOutput(command: string | undefined, code: number): Promise<number> {
  const stdout = process.stdout;
  if (stdoutError === undefined && !stdout.destroyed) {
    await new Promise<void>((resolve) => {
      stdout.once("error", () => resolve());
      stdout.end(() => resolve());
    });
  }
  if (stdoutError === undefined || code !== 0) return code;
  printError(standardOutputClosed(command === undefined ? "ses" : `ses ${command}`, stdoutError));
  return 1;
}

if (import.meta.main) {
  watchStandardOutput();
  const argv = process.argv.slice(2);
  process.exitCode = await withStandardOutput(argv[0], await main(argv));
}
