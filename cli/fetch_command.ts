/**
 * `ses fetch`: one request through a session, printed like curl.
 *
 * @module
 */

import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Buffer } from "node:buffer";
import { Writable } from "node:stream";
import { headerLines } from "../core/header_lines.ts";
import { responseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { withoutUserinfo } from "../core/userinfo.ts";
import type { SessionModule } from "../session/mod.ts";
import type { FetchArgs, FetchData } from "./parse_fetch_args.ts";
import { EXIT_INTERRUPTED } from "./download_command.ts";
import { fromPartitionOption } from "./partition_option.ts";
import { omitSessionHeaders, proxyLogin, schemeHint, withUser } from "./request_options.ts";
import { isWriteError, standardOutputClosed } from "./standard_output.ts";

/** Where `ses fetch` writes. */
export interface FetchOutput {
  /** Status line, headers and messages. */
  info: (line: string) => void;
  /** The response body when no `-o` file is given. */
  body: WritableStream<Uint8Array>;
  /** Registers the Ctrl-C handler; returns a function that removes it. */
  onInterrupt?: (handler: () => void) => () => void;
  /** Reads all of standard input, for `-d @-` and `--data-binary @-`. */
  readStdin?: () => Promise<Uint8Array>;
}

/**
 * Runs one request and streams the body to the output or a file.
 *
 * @param session The `session` module.
 * @param args The parsed arguments.
 * @param output Where to print.
 * With `--json` (`args.json`), the body stream gets one line of JSON instead of the body:
 * `{url, status, statusText, redirected, fromCache, headers, bodySize, body}`: `url` the final
 * URL, `fromCache` whether the HTTP cache answered, `headers` `[name, value]` pairs in `-i`'s order, `bodySize` in bytes, `body` the body as
 * text, or `bodyBase64` for one that is not UTF-8, or with `-o` `output`, the file it went
 * to; after a network failure `{url, error}`, with Chromium's `net::` name (`net::ERR_ABORTED`
 * after Ctrl-C), and `failedUrl` between them when a hop after a redirect failed (the URL
 * given is `url`), which the line on `output.info` names too.
 *
 * @returns The exit code: 0 for any HTTP response, 1 for a network failure (a request
 * `--block` cancels fails with `net::ERR_BLOCKED_BY_CLIENT`; a 401 that `-u`'s credentials did
 * not satisfy is a response, exit 0; a body that fails midway leaves the bytes received in an
 * `-o` file, which the line calls incomplete) or a request the arguments make
 * invalid (a bad URL, method or header, a `-d` with GET, a `-d @FILE` that cannot be read, an
 * `-o` or `--netlog` file that cannot be written), 2 for a `--block` pattern that is not a Chrome match pattern, 130 after Ctrl-C
 * (`output.onInterrupt`): the request is aborted, the `--netlog` log is closed whole, and an `-o`
 * file keeps the bytes received, as curl leaves it.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { session } from "../mod.ts";
 * import { runFetch } from "./fetch_command.ts";
 * import { parseFetchArgs } from "./parse_fetch_args.ts";
 *
 * const server = createServer((_request, response) => response.end("hi"));
 * await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
 * const { port } = server.address() as { port: number };
 * // An in-memory partition: the example leaves nothing on disk.
 * const args = parseFetchArgs(["--partition", "example", `http://127.0.0.1:${port}/`]);
 * const code = await runFetch(session, args, { info: console.error, body: new WritableStream() });
 * console.log(code); // 0
 * await new Promise((resolve) => server.close(resolve));
 * ```
 */
export async function runFetch(
  session: SessionModule,
  args: FetchArgs,
  output: FetchOutput,
): Promise<number> {
  const ses = fromPartitionOption(session, args.partition);
  if (args.block.length > 0) {
    try {
      ses.webRequest.onBeforeRequest(
        { urls: args.block },
        (_details, callback) => callback({ cancel: true }),
      );
    } catch (error) {
      // Not a Chrome match pattern: a usage error, like a bad option.
      output.info(`ses fetch: --block: ${(error as Error).message}`);
      return 2;
    }
  }
  const restoreHeaders = args.omitHeaders && omitSessionHeaders(ses, args.omitHeaders);
  // Like the proxy below, only this process's session: neither is stored with the partition.
  if (args.insecure) ses.setCertificateVerifyProc((_request, callback) => callback(0));
  if (args.ssl !== undefined) ses.setSSLConfig(args.ssl);
  if (args.limitRate) ses.enableNetworkEmulation({ downloadThroughput: args.limitRate });
  if (args.proxy !== undefined) {
    // Only this process's session: proxy settings are not stored with the partition.
    await ses.setProxy({ proxyRules: args.proxy, proxyBypassRules: args.proxyBypass ?? "" });
  }
  if (args.netlog !== undefined) {
    try {
      await ses.netLog.startLogging(
        args.netlog,
        args.netlogCaptureMode === undefined ? undefined : { captureMode: args.netlogCaptureMode },
      );
    } catch (error) {
      // Electron's rejection names Chromium's file error; the system's is its cause.
      const { message, cause } = error as Error;
      const why = cause instanceof Error ? ` (${cause.message})` : "";
      output.info(`ses fetch: --netlog: ${message}${why}`);
      if (args.block.length > 0) ses.webRequest.onBeforeRequest(null);
      restoreHeaders?.();
      return 1;
    }
  }
  const answerProxy = args.proxyUser && proxyLogin(args.proxyUser);
  if (answerProxy) ses.on("login", answerProxy);
  // The URL each hop of a redirect went to, so that a failure names the one that failed (a
  // transport failure carries no URL of its own).
  let hop = args.url;
  ses.webRequest.onBeforeRedirect((details) => hop = details.redirectURL);
  const interrupted = new AbortController();
  const removeInterrupt = output.onInterrupt?.(() => interrupted.abort(INTERRUPT)) ?? (() => {});
  // Whether the head came, so that an -o file holds what came of its body.
  let headed = false;
  try {
    const body = args.data && await requestBody(args.data, output.readStdin);
    const response = await ses.fetch(args.user ? withUser(args.url, args.user) : args.url, {
      signal: interrupted.signal,
      method: args.method,
      headers: args.headers,
      body,
      cache: args.cache,
      // The fetch standard allows only-if-cached with same-origin mode alone.
      ...(args.cache === "only-if-cached" ? { mode: "same-origin" as const } : {}),
    });
    headed = true;
    if (args.json) {
      await writeLine(output.body, JSON.stringify(await jsonSummary(response, args.output)));
      return 0;
    }
    if (args.include) {
      // As curl -i: the status line and the header lines as the server sent them (names in
      // their case, in their order); a response with no such record (a protocol handler's)
      // shows its Headers, sorted.
      const info = responseInfo(response);
      output.info(
        info?.statusLine ?? `HTTP/1.1 ${response.status} ${response.statusText}`.trimEnd(),
      );
      for (const [name, value] of info?.rawHeaders ?? headerLines(response.headers)) {
        output.info(`${name}: ${value}`);
      }
      output.info("");
    }
    // HEAD, 204 and 304 have no body: an empty one ends at once (and `-o` leaves an empty file).
    const received = response.body ?? new Blob().stream();
    if (args.output) await saveBody(received, args.output);
    else await received.pipeTo(output.body, { preventClose: true, preventAbort: true });
    return 0;
  } catch (error) {
    if (error === INTERRUPT) {
      // Before the head there is no -o file to call incomplete.
      const cut = headed && args.output ? `; ${args.output} is incomplete` : "";
      output.info(`ses fetch: interrupted${cut}`);
      // A script reading --json still gets its one line: Chromium fails a request its user
      // cancels with net::ERR_ABORTED.
      if (args.json) {
        await writeLine(output.body, JSON.stringify({ url: args.url, error: "net::ERR_ABORTED" }));
      }
      return EXIT_INTERRUPTED;
    }
    if (SessionError.is(error)) {
      // The URL that failed: the error's own (a refused redirect names its target), else the
      // last hop reached; never the credentials -u put in the URL.
      const failed = withoutUserinfo(error.url ?? hop);
      const redirected = !sameUrl(failed, args.url);
      // A body that failed midway leaves the bytes received in the -o file, as curl leaves
      // them, and says so as Ctrl-C does.
      const cut = headed && args.output ? `; ${args.output} is incomplete` : "";
      // `localhost:8080` is a URL of scheme `localhost:`, which nothing serves.
      const hint = !redirected && error.code === "ERR_UNKNOWN_URL_SCHEME"
        ? schemeHint(args.url)
        : "";
      output.info(
        `ses fetch: ${error.message} (${
          redirected ? `${failed}, redirected from ${args.url}` : args.url
        })${cut}${hint}`,
      );
      if (args.json) {
        const summary = redirected
          ? { url: args.url, failedUrl: failed, error: error.message }
          : { url: args.url, error: error.message };
        await writeLine(output.body, JSON.stringify(summary));
      }
      return 1;
    }
    // Without -o the body goes to standard output, whose reader may have gone away (Bun's pipe
    // fails here; Deno's write fails after the command, and main says it in these words).
    if (!args.output && isWriteError(error)) {
      output.info(standardOutputClosed("ses fetch", error));
      return 1;
    }
    if (!isUserMistake(error)) throw error;
    const hint = error.message.startsWith("Invalid URL") ? schemeHint(args.url) : "";
    output.info(`ses fetch: ${error.message}${hint}`);
    return 1;
  } finally {
    if (answerProxy) ses.off("login", answerProxy);
    removeInterrupt();
    if (args.block.length > 0) ses.webRequest.onBeforeRequest(null);
    restoreHeaders?.();
    ses.webRequest.onBeforeRedirect(null);
    await ses.closeAllConnections();
    if (args.netlog !== undefined) await ses.netLog.stopLogging();
  }
}

// The body from its pieces, as curl builds it: joined with "&"; a file given to -d loses its CR
// and LF bytes, one given to --data-binary is sent as it is; "-" is standard input.
async function requestBody(
  data: FetchData[],
  readStdin: () => Promise<Uint8Array> = () => Promise.resolve(new Uint8Array()),
): Promise<Uint8Array<ArrayBuffer>> {
  const parts: BlobPart[] = [];
  for (const piece of data) {
    if (parts.length > 0) parts.push("&");
    if ("text" in piece) parts.push(piece.text);
    else {
      const bytes = piece.file === "-" ? await readStdin() : await readFile(piece.file);
      // A copy either way: the runtime's buffer may be shared.
      parts.push(bytes.filter((byte) => !piece.stripNewlines || (byte !== 10 && byte !== 13)));
    }
  }
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

// The `--json` object: the response's head, then its body (text when it is UTF-8, else base64)
// or, with `-o`, the file it was written to.
async function jsonSummary(
  response: Response,
  file: string | undefined,
): Promise<Record<string, unknown>> {
  const head = {
    url: response.url,
    status: response.status,
    statusText: response.statusText,
    redirected: response.redirected,
    // Whether the HTTP cache answered (ResponseInfo.fromCache): what a --cache run checks.
    fromCache: responseInfo(response)?.fromCache ?? false,
    headers: headerLines(response.headers),
  };
  if (file === undefined) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    let text: string | undefined;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: base64 keeps every byte.
    }
    const body = text === undefined ? { bodyBase64: Buffer.from(bytes).toString("base64") } : {
      body: text,
    };
    return { ...head, bodySize: bytes.byteLength, ...body };
  }
  let bodySize = 0;
  const counted = (response.body ?? new Blob().stream()).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bodySize += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  await saveBody(counted, file);
  return { ...head, bodySize, output: file };
}

/**
 * Writes a body to a file. A body that fails midway leaves the bytes received in it, written
 * out before the failure goes on, as curl leaves them: aborting the file's stream would drop
 * the writes still pending.
 */
async function saveBody(body: ReadableStream<Uint8Array>, file: string): Promise<void> {
  const sink = Writable.toWeb(createWriteStream(file)) as WritableStream<Uint8Array>;
  try {
    await body.pipeTo(sink, { preventAbort: true });
  } catch (error) {
    await sink.close().catch(() => {});
    throw error;
  }
}

// One line on the body stream, which stays open (it is standard output).
async function writeLine(sink: WritableStream<Uint8Array>, text: string): Promise<void> {
  const writer = sink.getWriter();
  try {
    await writer.write(new TextEncoder().encode(`${text}\n`));
  } finally {
    writer.releaseLock();
  }
}

// The abort reason of Ctrl-C, which the fetch and the body's stream reject with.
const INTERRUPT = new Error("interrupted");

// Whether two spellings name one URL (`http://a.test` is `http://a.test/`).
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === withoutUserinfo(new URL(b).href);
  } catch {
    return a === b;
  }
}

// Errors the arguments cause: fetch's TypeErrors (a bad URL, method or header name, a body with
// GET) and the file system's (an `-o` path that cannot be written). They get a message, not a
// stack trace.
function isUserMistake(error: unknown): error is Error {
  return error instanceof TypeError ||
    (error instanceof Error && typeof (error as { syscall?: unknown }).syscall === "string");
}
