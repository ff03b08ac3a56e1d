/**
 * Responses read from files: `file:` URLs and `registerFileProtocol` answers.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { headerLines } from "../core/header_lines.ts";
import { setResponseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { type FileRange, fileRange } from "./_byte_range.ts";
import { SNIFF_BYTES, sniffedType, typeByExtension } from "./_file_type.ts";
import { bodyForStatus } from "./_null_body.ts";
import { reasonPhrase } from "./_reason_phrase.ts";

/** The chunk read per pull of the body. */
const CHUNK = 64 * 1024;

/** Options for {@linkcode fileResponse}. */
export interface FileResponseOptions {
  /** The status; default 200. */
  status?: number;
  /**
   * Headers to send; `Content-Type` (by extension, else sniffed from the first bytes),
   * `Last-Modified` and `Content-Length` are added if absent.
   */
  headers?: Headers;
  /** The request URL, for errors. */
  url?: string;
  /** The request's `Range` header, if any: one byte range is served, see below. */
  range?: string | null;
}

/**
 * Opens a file and answers with its bytes, streamed with backpressure (64 KiB per pull), as
 * Chromium's `FileURLLoader`: a missing file or a directory fails with
 * `net::ERR_FILE_NOT_FOUND` (no directory listings), an unreadable one with
 * `net::ERR_ACCESS_DENIED`. `Content-Type` comes from Chromium's table of extensions, else
 * from the first 1024 bytes (a magic number's type, `text/plain`, or `application/octet-stream`
 * for binary bytes; never HTML, as for file URLs). `Last-Modified` gives the file's time.
 * The bytes are those the file had when opened (its size then). A `Range` asking for one byte
 * range gets those bytes with the status as it is (200: the loader makes no 206), any other
 * `Range` failing with `net::ERR_REQUEST_RANGE_NOT_SATISFIABLE`.
 *
 * @param path The absolute path.
 * @param options Status, headers and the URL for errors.
 * @returns The response.
 *
 * @example
 * ```ts
 * import { fileResponse } from "./file_response.ts";
 * import { fileURLToPath } from "node:url";
 * const response = await fileResponse(fileURLToPath(import.meta.url));
 * console.log(response.status, response.headers.get("content-type")); // 200 text/plain
 * await response.body?.cancel();
 * ```
 */
export async function fileResponse(
  path: string,
  options: FileResponseOptions = {},
): Promise<Response> {
  const { status = 200, headers = new Headers(), url, range = null } = options;
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw fileError(error, url);
  }
  let part: FileRange;
  let modified: Date;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new SessionError("ERR_FILE_NOT_FOUND", { url });
    modified = stat.mtime;
    const asked = range === null ? { start: 0, length: stat.size } : fileRange(range, stat.size);
    if (asked === undefined) throw new SessionError("ERR_REQUEST_RANGE_NOT_SATISFIABLE", { url });
    part = asked;
  } catch (error) {
    await handle.close().catch(() => {});
    throw SessionError.is(error) ? error : fileError(error, url);
  }
  const file = handle;
  let closed = false;
  const close = () => {
    if (closed) return Promise.resolve();
    closed = true;
    return file.close().catch(() => {});
  };
  let position = part.start;
  let left = part.length;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const want = Math.min(CHUNK, left);
        const buffer = new Uint8Array(want);
        const { bytesRead } = want === 0
          ? { bytesRead: 0 }
          : await file.read(buffer, 0, want, position);
        if (bytesRead === 0) {
          await close();
          controller.close();
        } else {
          position += bytesRead;
          left -= bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        }
      } catch (error) {
        await close();
        controller.error(fileError(error, url));
      }
    },
    cancel: close,
  }, { highWaterMark: 0 });
  if (!headers.has("content-type")) {
    let type = typeByExtension(path);
    if (type === undefined) {
      // Chromium sniffs the file's first bytes, whatever range is sent; the body's reads name
      // their own positions.
      const first = new Uint8Array(SNIFF_BYTES);
      try {
        const { bytesRead } = await file.read(first, 0, first.length, 0);
        type = sniffedType(first.subarray(0, bytesRead));
      } catch (error) {
        await close();
        throw fileError(error, url);
      }
    }
    headers.set("content-type", type);
  }
  // FileURLLoader adds Last-Modified, for a page's document.lastModified (crbug.com/875299).
  if (!headers.has("last-modified")) headers.set("last-modified", modified.toUTCString());
  if (!headers.has("content-length")) headers.set("content-length", String(part.length));
  return handlerResponse(
    new Response(bodyForStatus(body, status), {
      status,
      statusText: reasonPhrase(status),
      headers,
    }),
  );
}

function fileError(error: unknown, url: string | undefined): SessionError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "EACCES" || code === "EPERM") {
    return new SessionError("ERR_ACCESS_DENIED", { cause: error, url });
  }
  if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") {
    return new SessionError("ERR_FILE_NOT_FOUND", { cause: error, url });
  }
  return new SessionError("ERR_FAILED", { cause: error, url });
}

/**
 * Records the facts of a response made in this process (a handler's or a file's), so later
 * stages and webRequest see a status line and header lines as for a network response.
 *
 * @param response The response.
 * @param rawHeaders Its header lines as a callback handler wrote them; default its `Headers`'
 * lines (lower-case names).
 * @returns The same response.
 *
 * @example
 * ```ts
 * import { responseInfo } from "../core/response_info.ts";
 * import { handlerResponse } from "./file_response.ts";
 * const response = handlerResponse(new Response("x", { status: 404 }));
 * console.log(responseInfo(response)?.statusLine); // HTTP/1.1 404 Not Found
 * ```
 */
export function handlerResponse(
  response: Response,
  rawHeaders: ReadonlyArray<readonly [string, string]> = headerLines(response.headers),
): Response {
  const reason = response.statusText || reasonPhrase(response.status);
  setResponseInfo(response, {
    httpVersion: "1.1",
    statusLine: `HTTP/1.1 ${response.status}${reason === "" ? "" : ` ${reason}`}`,
    rawHeaders,
    remoteAddress: "",
    remotePort: 0,
    proxy: { scheme: "direct" },
    connectionReused: false,
    fromCache: false,
    fromHandler: true,
  });
  return response;
}
