import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NetErrorCode } from "./net_errors.ts";
import { SessionError } from "./session_error.ts";

describe("SessionError", () => {
  it("carries Chromium's name, number and message", () => {
    const error = new SessionError("ERR_CONNECTION_REFUSED");
    assert.ok(error instanceof Error);
    assert.ok(error instanceof SessionError);
    assert.equal(error.name, "SessionError");
    assert.equal(error.code, "ERR_CONNECTION_REFUSED");
    assert.equal(error.errno, -102);
    assert.equal(error.message, "net::ERR_CONNECTION_REFUSED");
    assert.equal(error.url, undefined);
    assert.equal("cause" in error, false);
    assert.match(String(error), /^SessionError: net::ERR_CONNECTION_REFUSED$/);
  });

  it("keeps the url and cause it is given", () => {
    const cause = new Error("connect ECONNREFUSED 127.0.0.1:9");
    const error = new SessionError("ERR_CERT_AUTHORITY_INVALID", {
      cause,
      url: "https://self-signed.test/",
    });
    assert.equal(error.errno, -202);
    assert.equal(error.url, "https://self-signed.test/");
    assert.equal(error.cause, cause);
  });

  it("keeps an explicit undefined cause, as Error does", () => {
    const error = new SessionError("ERR_FAILED", { cause: undefined });
    assert.equal("cause" in error, true);
  });

  it("throws TypeError for a name outside the table", () => {
    assert.throws(
      () => new SessionError("CONNECTION_REFUSED" as NetErrorCode),
      TypeError,
    );
  });

  it("keeps the brand out of the error's own properties", () => {
    const error = new SessionError("ERR_ABORTED");
    assert.equal(Object.getOwnPropertySymbols(error).length, 0);
    assert.equal(JSON.stringify(Object.keys(error).sort()), '["code","errno","name","url"]');
  });
});

describe("SessionError.is", () => {
  it("recognises its own errors", () => {
    assert.equal(SessionError.is(new SessionError("ERR_TIMED_OUT")), true);
  });

  it("recognises an error made by a second copy of the package", () => {
    // What a duplicate copy produces: a different class whose instances carry the same
    // registry-symbol brand.
    class OtherCopyError extends Error {
      readonly code = "ERR_EMPTY_RESPONSE";
      readonly errno = -324;
    }
    Object.defineProperty(OtherCopyError.prototype, Symbol.for("@ses/session.SessionError"), {
      value: true,
    });
    const foreign: unknown = new OtherCopyError("net::ERR_EMPTY_RESPONSE");
    assert.equal(foreign instanceof SessionError, false);
    assert.equal(SessionError.is(foreign), true);
    if (SessionError.is(foreign)) assert.equal(foreign.errno, -324);

    const plain = { [Symbol.for("@ses/session.SessionError")]: true };
    assert.equal(SessionError.is(plain), true);
  });

  it("rejects look-alikes without the brand", () => {
    const lookAlikes: unknown[] = [
      new Error("net::ERR_FAILED"),
      Object.assign(new Error("net::ERR_FAILED"), { name: "SessionError", code: "ERR_FAILED" }),
      { [Symbol("@ses/session.SessionError")]: true },
      { [Symbol.for("@ses/session.SessionError")]: "yes" },
      null,
      undefined,
      "SessionError",
      -2,
    ];
    for (const value of lookAlikes) assert.equal(SessionError.is(value), false);
  });
});

describe("SessionError.fromErrno", () => {
  it("maps a known number to its name", () => {
    const error = SessionError.fromErrno(-105, { url: "http://nowhere.invalid/" });
    assert.equal(error.code, "ERR_NAME_NOT_RESOLVED");
    assert.equal(error.errno, -105);
    assert.equal(error.url, "http://nowhere.invalid/");
  });

  it("maps an unknown number to ERR_FAILED", () => {
    for (const errno of [-9999, -24, 0, 42, Number.NaN]) {
      const error = SessionError.fromErrno(errno);
      assert.equal(error.code, "ERR_FAILED");
      assert.equal(error.errno, -2);
      assert.equal(error.message, "net::ERR_FAILED");
    }
  });
});
