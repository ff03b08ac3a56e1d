import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isNetErrorCode,
  NET_ERRORS,
  type NetErrorCode,
  netErrorCode,
  netErrorConstants,
  netErrorNumber,
} from "./net_errors.ts";

// Numbers that Electron users see in error messages and that the pipeline raises by name; a
// typo in any of them would surface as a wrong code far from the table.
const KNOWN: ReadonlyArray<readonly [NetErrorCode, number]> = [
  ["ERR_ABORTED", -3],
  ["ERR_TIMED_OUT", -7],
  ["ERR_BLOCKED_BY_CLIENT", -20],
  ["ERR_CONNECTION_RESET", -101],
  ["ERR_CONNECTION_REFUSED", -102],
  ["ERR_NAME_NOT_RESOLVED", -105],
  ["ERR_INTERNET_DISCONNECTED", -106],
  ["ERR_SSL_VERSION_OR_CIPHER_MISMATCH", -113],
  ["ERR_PROXY_CONNECTION_FAILED", -130],
  ["ERR_CERT_COMMON_NAME_INVALID", -200],
  ["ERR_CERT_DATE_INVALID", -201],
  ["ERR_CERT_AUTHORITY_INVALID", -202],
  ["ERR_UNKNOWN_URL_SCHEME", -302],
  ["ERR_TOO_MANY_REDIRECTS", -310],
  ["ERR_INVALID_CHUNKED_ENCODING", -321],
  ["ERR_EMPTY_RESPONSE", -324],
  ["ERR_CONTENT_LENGTH_MISMATCH", -354],
  ["ERR_INVALID_HTTP_RESPONSE", -370],
];

const entries = Object.entries(NET_ERRORS) as [NetErrorCode, number][];

describe("NET_ERRORS", () => {
  it("has Chromium's numbers for well-known errors", () => {
    for (const [code, errno] of KNOWN) {
      assert.equal(NET_ERRORS[code], errno, code);
    }
  });

  it("holds the whole Chromium list", () => {
    assert.ok(entries.length > 200, `only ${entries.length} entries`);
    assert.equal(NET_ERRORS.ERR_IO_PENDING, -1);
    assert.equal(NET_ERRORS.ERR_DNS_SECURE_PROBE_RECORD_INVALID, -814);
  });

  it("uses every number once", () => {
    const numbers = entries.map(([, errno]) => errno);
    assert.equal(new Set(numbers).size, numbers.length);
  });

  it("uses every name once, each with the ERR_ prefix", () => {
    const names = entries.map(([code]) => code);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^ERR_[A-Z0-9_]+$/);
  });

  it("holds only negative integers, no success value", () => {
    for (const [code, errno] of entries) {
      assert.ok(Number.isInteger(errno) && errno < 0, code);
    }
  });

  it("is frozen", () => {
    assert.ok(Object.isFrozen(NET_ERRORS));
  });
});

describe("netErrorNumber", () => {
  it("returns the number for each known code", () => {
    for (const [code, errno] of KNOWN) assert.equal(netErrorNumber(code), errno);
  });

  it("throws TypeError for a name outside the table", () => {
    assert.throws(() => netErrorNumber("ERR_NOPE" as NetErrorCode), TypeError);
  });
});

describe("netErrorCode", () => {
  it("returns the name for each known number", () => {
    for (const [code, errno] of KNOWN) assert.equal(netErrorCode(errno), code);
  });

  it("round-trips every entry", () => {
    for (const [code, errno] of entries) {
      assert.equal(netErrorCode(errno), code);
      assert.equal(netErrorNumber(code), errno);
    }
  });

  it("returns undefined for numbers Chromium does not define", () => {
    for (const errno of [0, 1, 102, -24, -9999, Number.NaN, -102.5]) {
      assert.equal(netErrorCode(errno), undefined, String(errno));
    }
  });
});

describe("isNetErrorCode", () => {
  it("accepts table names", () => {
    for (const [code] of entries) assert.equal(isNetErrorCode(code), true);
  });

  it("rejects everything else", () => {
    const others: unknown[] = [
      "CONNECTION_REFUSED",
      "err_connection_refused",
      "net::ERR_CONNECTION_REFUSED",
      "toString",
      "__proto__",
      "",
      -102,
      null,
      undefined,
      {},
    ];
    for (const value of others) assert.equal(isNetErrorCode(value), false, String(value));
  });
});

describe("netErrorConstants", () => {
  it("maps every name to its number", () => {
    assert.deepEqual(netErrorConstants(), { ...NET_ERRORS });
    assert.equal(netErrorConstants()["ERR_CONNECTION_REFUSED"], -102);
  });

  it("returns a copy the caller may change", () => {
    const constants = netErrorConstants();
    constants["ERR_CONNECTION_REFUSED"] = 0;
    assert.equal(netErrorConstants()["ERR_CONNECTION_REFUSED"], -102);
    assert.equal(NET_ERRORS.ERR_CONNECTION_REFUSED, -102);
  });
});
