import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SessionError } from "../core/session_error.ts";
import {
  interruptReasonForError,
  interruptReasonForFileError,
  interruptReasonForStatus,
  resumeModeFor,
} from "./interrupt_reason.ts";

describe("interrupt reasons", () => {
  it("map net errors as Chromium's ConvertNetErrorToInterruptReason", () => {
    assert.equal(
      interruptReasonForError(new SessionError("ERR_CONNECTION_RESET")),
      "NETWORK_FAILED",
    );
    assert.equal(interruptReasonForError(new SessionError("ERR_FILE_NOT_FOUND")), "NETWORK_FAILED");
    assert.equal(
      interruptReasonForError(new SessionError("ERR_INTERNET_DISCONNECTED")),
      "NETWORK_DISCONNECTED",
    );
    assert.equal(
      interruptReasonForError(new SessionError("ERR_CONNECTION_FAILED")),
      "NETWORK_SERVER_DOWN",
    );
    assert.equal(
      interruptReasonForError(new SessionError("ERR_CERT_AUTHORITY_INVALID")),
      "SERVER_CERT_PROBLEM",
    );
    assert.equal(
      interruptReasonForError(new SessionError("ERR_CONTENT_LENGTH_MISMATCH")),
      "SERVER_CONTENT_LENGTH_MISMATCH",
    );
    assert.equal(interruptReasonForError(new Error("x")), "NETWORK_FAILED");
  });

  it("map statuses as HandleSuccessfulServerResponse", () => {
    assert.equal(interruptReasonForStatus(206), undefined);
    assert.equal(interruptReasonForStatus(404), "SERVER_BAD_CONTENT");
    assert.equal(interruptReasonForStatus(204), "SERVER_BAD_CONTENT");
    assert.equal(interruptReasonForStatus(407), "SERVER_UNAUTHORIZED");
    assert.equal(interruptReasonForStatus(403), "SERVER_FORBIDDEN");
    assert.equal(interruptReasonForStatus(416), "SERVER_NO_RANGE");
    assert.equal(interruptReasonForStatus(503), "SERVER_FAILED");
  });

  it("map file errors", () => {
    assert.equal(interruptReasonForFileError({ code: "EACCES" }), "FILE_ACCESS_DENIED");
    assert.equal(interruptReasonForFileError({ code: "ENAMETOOLONG" }), "FILE_NAME_TOO_LONG");
    assert.equal(interruptReasonForFileError(undefined), "FILE_FAILED");
  });

  it("decide resume modes as GetDownloadResumeMode", () => {
    const facts = { httpUrl: true, hasValidator: true, userActionRequired: false };
    assert.equal(resumeModeFor("NETWORK_TIMEOUT", facts), "auto-continue");
    assert.equal(resumeModeFor("SERVER_NO_RANGE", facts), "auto-restart");
    assert.equal(resumeModeFor("NETWORK_FAILED", facts), "user-continue");
    assert.equal(
      resumeModeFor("NETWORK_FAILED", { ...facts, hasValidator: false }),
      "user-restart",
    );
    assert.equal(resumeModeFor("FILE_FAILED", facts), "user-restart");
    assert.equal(resumeModeFor("SERVER_FORBIDDEN", facts), "invalid");
    assert.equal(resumeModeFor("NETWORK_FAILED", { ...facts, httpUrl: false }), "invalid");
    assert.equal(
      resumeModeFor("NETWORK_TIMEOUT", { ...facts, userActionRequired: true }),
      "user-continue",
    );
  });
});
