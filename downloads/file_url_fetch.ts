/**
 * `file:` URLs for downloads. The session's pipeline does not serve `file:` yet (the protocol
 * subsystem will), so downloads read such files here, with the outcome Chromium gives: a
 * missing file fails with `net::ERR_FILE_NOT_FOUND`.
 *
 * @module
 */

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { SessionError } from "../core/session_error.ts";
import type { DownloadFetch } from "./download_fetch.ts";

/**
 * Wraps a fetch so that `file:` URLs are read from disk and everything else goes to `fetch`.
 *
 * @param fetch The session's download fetch.
 * @returns A fetch that also reads `file:` URLs: a 200 response with `Content-Length`, or a
 * rejection with `net::ERR_FILE_NOT_FOUND` (missing file or a directory) or
 * `net::ERR_ACCESS_DENIED`.
 *
 * @example
 * ```ts
 * import { withFileUrls } from "./file_url_fetch.ts";
 * const fetchFiles = withFileUrls(() => Promise.reject(new Error("not used")));
 * await fetchFiles("file:///nonexistent-ses-file").catch((error) => console.log(error.message));
 * // net::ERR_FILE_NOT_FOUND
 * ```
 */
export function withFileUrls(fetch: DownloadFetch): DownloadFetch {
  return (input, init) => input.startsWith("file:") ? readFileUrl(input) : fetch(input, init);
}

async function readFileUrl(url: string): Promise<Response> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (cause) {
    throw new SessionError("ERR_INVALID_URL", { cause, url });
  }
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOENT" });
    const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, { headers: { "content-length": String(info.size) } });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new SessionError(
      code === "EACCES" || code === "EPERM" ? "ERR_ACCESS_DENIED" : "ERR_FILE_NOT_FOUND",
      { cause, url },
    );
  }
}
