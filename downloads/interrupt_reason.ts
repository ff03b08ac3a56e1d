/**
 * Chromium's download interrupt reasons, how net errors and HTTP statuses map to them, and
 * what each allows next (Chromium's resume modes).
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";

/**
 * Why a download stopped, named as Chromium's `DownloadInterruptReason` (without the
 * `DOWNLOAD_INTERRUPT_REASON_` prefix) and as `chrome.downloads.InterruptReason` spells them.
 */
export type DownloadInterruptReason =
  | "FILE_FAILED"
  | "FILE_ACCESS_DENIED"
  | "FILE_NO_SPACE"
  | "FILE_NAME_TOO_LONG"
  | "FILE_TOO_LARGE"
  | "FILE_TRANSIENT_ERROR"
  | "FILE_BLOCKED"
  | "FILE_TOO_SHORT"
  | "NETWORK_FAILED"
  | "NETWORK_TIMEOUT"
  | "NETWORK_DISCONNECTED"
  | "NETWORK_SERVER_DOWN"
  | "NETWORK_INVALID_REQUEST"
  | "SERVER_FAILED"
  | "SERVER_NO_RANGE"
  | "SERVER_BAD_CONTENT"
  | "SERVER_UNAUTHORIZED"
  | "SERVER_CERT_PROBLEM"
  | "SERVER_FORBIDDEN"
  | "SERVER_UNREACHABLE"
  | "SERVER_CONTENT_LENGTH_MISMATCH"
  | "USER_CANCELED"
  | "USER_SHUTDOWN"
  | "CRASH";

const FROM_NET_ERROR: Partial<Record<NetErrorCode, DownloadInterruptReason>> = {
  ERR_FILE_TOO_BIG: "FILE_TOO_LARGE",
  ERR_ACCESS_DENIED: "FILE_ACCESS_DENIED",
  ERR_INSUFFICIENT_RESOURCES: "FILE_TRANSIENT_ERROR",
  ERR_OUT_OF_MEMORY: "FILE_TRANSIENT_ERROR",
  ERR_FILE_PATH_TOO_LONG: "FILE_NAME_TOO_LONG",
  ERR_FILE_NO_SPACE: "FILE_NO_SPACE",
  ERR_BLOCKED_BY_CLIENT: "FILE_BLOCKED",
  ERR_TIMED_OUT: "NETWORK_TIMEOUT",
  ERR_NETWORK_CHANGED: "NETWORK_DISCONNECTED",
  ERR_INTERNET_DISCONNECTED: "NETWORK_DISCONNECTED",
  ERR_CONNECTION_FAILED: "NETWORK_SERVER_DOWN",
  ERR_REQUEST_RANGE_NOT_SATISFIABLE: "SERVER_NO_RANGE",
  ERR_CONTENT_LENGTH_MISMATCH: "SERVER_CONTENT_LENGTH_MISMATCH",
  // A request Chromium's download code refuses to make: a scheme it does not handle
  // (DownloadManagerImpl's "unsupported protocol"), a URL that does not parse, or a redirect
  // to a URL that is not web-safe (DownloadResponseHandler::OnReceiveRedirect).
  ERR_UNKNOWN_URL_SCHEME: "NETWORK_INVALID_REQUEST",
  ERR_DISALLOWED_URL_SCHEME: "NETWORK_INVALID_REQUEST",
  ERR_INVALID_URL: "NETWORK_INVALID_REQUEST",
  ERR_UNSAFE_REDIRECT: "NETWORK_INVALID_REQUEST",
};

/**
 * The interrupt reason for a failed request, as Chromium's `ConvertNetErrorToInterruptReason`
 * gives it for the network side: certificate errors become `SERVER_CERT_PROBLEM` (as
 * Chromium's URL loader reports them), a request Chromium's download code refuses to make
 * (unknown scheme, invalid URL, unsafe redirect) `NETWORK_INVALID_REQUEST`, as its download
 * manager and response handler say before any net error, anything unmapped `NETWORK_FAILED`,
 * so a `file://` URL that does not exist (`net::ERR_FILE_NOT_FOUND`) is `NETWORK_FAILED` too.
 *
 * @param error What the request rejected with (a `SessionError`, or anything else).
 * @returns The reason.
 *
 * @example
 * ```ts
 * import { SessionError } from "../core/session_error.ts";
 * import { interruptReasonForError } from "./interrupt_reason.ts";
 * console.log(interruptReasonForError(new SessionError("ERR_TIMED_OUT"))); // NETWORK_TIMEOUT
 * ```
 */
export function interruptReasonForError(error: unknown): DownloadInterruptReason {
  if (!SessionError.is(error)) return "NETWORK_FAILED";
  if (error.errno <= -200 && error.errno > -300) return "SERVER_CERT_PROBLEM";
  return FROM_NET_ERROR[error.code] ?? "NETWORK_FAILED";
}

/**
 * The interrupt reason for an HTTP status, as Chromium's `HandleSuccessfulServerResponse`
 * (components/download/internal/common/download_utils.cc) decides it.
 *
 * @param status The response status.
 * @returns The reason, or `undefined` when the status carries a body to save (200, 203, 206,
 * 201, 202).
 *
 * @example
 * ```ts
 * import { interruptReasonForStatus } from "./interrupt_reason.ts";
 * console.log(interruptReasonForStatus(401)); // SERVER_UNAUTHORIZED
 * console.log(interruptReasonForStatus(200)); // undefined
 * ```
 */
export function interruptReasonForStatus(status: number): DownloadInterruptReason | undefined {
  switch (status) {
    case 200:
    case 201:
    case 202:
    case 203:
    case 206:
      return undefined;
    case 204:
    case 205:
    case 404:
      return "SERVER_BAD_CONTENT";
    case 416:
      return "SERVER_NO_RANGE";
    case 401:
    case 407:
      return "SERVER_UNAUTHORIZED";
    case 403:
      return "SERVER_FORBIDDEN";
    default:
      return "SERVER_FAILED";
  }
}

/**
 * What an interrupted download may do next (Chromium's `ResumeMode`): `invalid` cannot resume
 * (Electron then emits `'done'` with `interrupted`); `user-continue` and `user-restart` wait for
 * `resume()` and continue from the saved bytes or start again; `auto-continue` and
 * `auto-restart` resume at once, a few times, without the program asking.
 */
export type ResumeMode =
  | "invalid"
  | "auto-continue"
  | "auto-restart"
  | "user-continue"
  | "user-restart";

/** What {@linkcode resumeModeFor} weighs besides the reason. */
export interface ResumeFacts {
  /** Whether the URL is http: or https: (Chromium resumes nothing else). */
  httpUrl: boolean;
  /** Whether a strong ETag or a Last-Modified date can guard a range request. */
  hasValidator: boolean;
  /** Whether the automatic attempts are used up or the user paused the download. */
  userActionRequired: boolean;
}

/**
 * The resume mode for a reason, after Chromium's `GetDownloadResumeMode`
 * (components/download/public/common/download_utils.cc).
 *
 * @param reason Why the download stopped.
 * @param facts The URL scheme, validators and attempts.
 * @returns The mode.
 *
 * @example
 * ```ts
 * import { resumeModeFor } from "./interrupt_reason.ts";
 * const facts = { httpUrl: true, hasValidator: true, userActionRequired: false };
 * console.log(resumeModeFor("NETWORK_FAILED", facts)); // user-continue
 * console.log(resumeModeFor("SERVER_UNAUTHORIZED", facts)); // invalid
 * ```
 */
export function resumeModeFor(reason: DownloadInterruptReason, facts: ResumeFacts): ResumeMode {
  if (!facts.httpUrl) return "invalid";
  let restart = !facts.hasValidator;
  let user = facts.userActionRequired;
  switch (reason) {
    case "FILE_TRANSIENT_ERROR":
    case "NETWORK_TIMEOUT":
    case "SERVER_CONTENT_LENGTH_MISMATCH":
      break;
    case "SERVER_NO_RANGE":
    case "FILE_TOO_SHORT":
      restart = true;
      break;
    case "NETWORK_FAILED":
    case "NETWORK_DISCONNECTED":
    case "NETWORK_SERVER_DOWN":
    case "SERVER_FAILED":
    case "SERVER_UNREACHABLE":
    case "USER_SHUTDOWN":
    case "CRASH":
    case "FILE_NO_SPACE":
      user = true;
      break;
    case "FILE_FAILED":
    case "FILE_ACCESS_DENIED":
    case "FILE_NAME_TOO_LONG":
    case "FILE_TOO_LARGE":
      user = true;
      restart = true;
      break;
    default:
      return "invalid";
  }
  if (user) return restart ? "user-restart" : "user-continue";
  return restart ? "auto-restart" : "auto-continue";
}

/**
 * The interrupt reason for a file-system error (`node:fs` `code`), after Chromium's
 * `ConvertFileErrorToInterruptReason`.
 *
 * @param error What the file operation threw.
 * @returns The reason.
 *
 * @example
 * ```ts
 * import { interruptReasonForFileError } from "./interrupt_reason.ts";
 * console.log(interruptReasonForFileError({ code: "ENOSPC" })); // FILE_NO_SPACE
 * ```
 */
export function interruptReasonForFileError(error: unknown): DownloadInterruptReason {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "FILE_ACCESS_DENIED";
    case "ENOSPC":
    case "EDQUOT":
      return "FILE_NO_SPACE";
    case "ENAMETOOLONG":
      return "FILE_NAME_TOO_LONG";
    case "EFBIG":
      return "FILE_TOO_LARGE";
    case "EMFILE":
    case "ENFILE":
    case "EBUSY":
    case "ENOMEM":
      return "FILE_TRANSIENT_ERROR";
    default:
      return "FILE_FAILED";
  }
}
