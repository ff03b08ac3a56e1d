/**
 * The error every network failure rejects with, carrying Chromium's error name and number.
 *
 * @module
 */

import { isNetErrorCode, NET_ERRORS, type NetErrorCode, netErrorCode } from "./net_errors.ts";

// A registry symbol, not a module-local one, so two copies of the package (a dependency tree
// that resolved @ses/session twice) still recognise each other's errors.
const BRAND = Symbol.for("@ses/session.SessionError");

/** Options for {@linkcode SessionError}. */
export interface SessionErrorOptions {
  /** The lower-level error that caused this one, kept as the standard `cause`. */
  cause?: unknown;
  /** The URL of the request that failed. */
  url?: string;
}

/**
 * A network failure, named the way Chromium names it.
 *
 * `code` is Chromium's name (`ERR_CONNECTION_REFUSED`), `errno` its number (-102) and `message`
 * the text Electron shows (`net::ERR_CONNECTION_REFUSED`). Use {@linkcode SessionError.is} rather
 * than `instanceof` to recognise one, since `instanceof` fails across copies of the package.
 *
 * @example Raise and recognise a failure
 * ```ts
 * import { SessionError } from "./session_error.ts";
 * import assert from "node:assert/strict";
 *
 * const error: unknown = new SessionError("ERR_CONNECTION_REFUSED", {
 *   url: "http://127.0.0.1:9/",
 * });
 * assert.ok(SessionError.is(error));
 * assert.equal(error.errno, -102);
 * assert.equal(error.message, "net::ERR_CONNECTION_REFUSED");
 * ```
 */
export class SessionError extends Error {
  static {
    // On the prototype and non-enumerable: the brand must not show up in logs, JSON or
    // deep-equality checks of error objects.
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }

  /** Always `"SessionError"`, so logs and stack traces say which kind of failure this is. */
  override name = "SessionError";
  /** Chromium's error name, such as `"ERR_CONNECTION_REFUSED"`. */
  readonly code: NetErrorCode;
  /** Chromium's error number, such as `-102`. */
  readonly errno: number;
  /** The URL of the request that failed, or `undefined` when not known. */
  readonly url: string | undefined;

  /**
   * Creates the error for a Chromium error name.
   *
   * @param code Chromium's error name, such as `"ERR_NAME_NOT_RESOLVED"`.
   * @param options The `cause` and the failed request's `url`.
   * @throws {TypeError} When `code` is not a Chromium net error name.
   */
  constructor(code: NetErrorCode, options: SessionErrorOptions = {}) {
    if (!isNetErrorCode(code)) {
      throw new TypeError(`Cannot create SessionError: "${String(code)}" is not a net error code`);
    }
    const { cause, url } = options;
    // Only pass `cause` when given, so `"cause" in error` stays false otherwise, as with Error.
    super(`net::${code}`, "cause" in options ? { cause } : undefined);
    this.code = code;
    this.errno = NET_ERRORS[code];
    this.url = url;
  }

  /**
   * Tells whether a value is a `SessionError`, including one made by another copy of the
   * package.
   *
   * @param value Any value, typically a caught error.
   * @returns `true` when `value` carries the SessionError brand.
   *
   * @example Handle only network failures
   * ```ts
   * import { SessionError } from "./session_error.ts";
   * import assert from "node:assert/strict";
   *
   * let caught: unknown;
   * try {
   *   throw new SessionError("ERR_TIMED_OUT");
   * } catch (error) {
   *   caught = error;
   * }
   * assert.ok(SessionError.is(caught));
   * assert.equal(caught.code, "ERR_TIMED_OUT");
   * assert.equal(SessionError.is(new Error("net::ERR_TIMED_OUT")), false);
   * ```
   */
  static is(value: unknown): value is SessionError {
    return typeof value === "object" && value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /**
   * Creates the error for a Chromium error number.
   *
   * @param errno Chromium's error number, such as `-102`.
   * @param options The `cause` and the failed request's `url`.
   * @returns The matching error; `ERR_FAILED` when Chromium defines no error with that number.
   *
   * @example From a number
   * ```ts
   * import { SessionError } from "./session_error.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(SessionError.fromErrno(-105).code, "ERR_NAME_NOT_RESOLVED");
   * assert.equal(SessionError.fromErrno(-9999).code, "ERR_FAILED");
   * ```
   */
  static fromErrno(errno: number, options?: SessionErrorOptions): SessionError {
    // A number from a newer Chromium or a corrupt log still has to become a usable error.
    return new SessionError(netErrorCode(errno) ?? "ERR_FAILED", options);
  }
}
