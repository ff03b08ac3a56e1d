import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NET_LOG_EVENT_TYPES, NET_LOG_SOURCE_TYPES, netLogConstants } from "./net_log_constants.ts";
import {
  CHROMIUM_EVENT_TYPES,
  CHROMIUM_SOURCE_TYPES,
} from "../tests/fixtures/chromium_net_log_names.ts";

// @ses's own events for emulated network conditions (Chromium's DevTools throttling logs
// nothing), named in the README.
const SES_EVENT_TYPES = ["THROTTLING_DISCONNECTED_REQUEST", "THROTTLING_REQUEST"];

describe("netLogConstants", () => {
  it("names events and sources only as Chromium does, but for @ses's throttling events", () => {
    assert.deepEqual(
      NET_LOG_EVENT_TYPES.filter((name) => !CHROMIUM_EVENT_TYPES.includes(name)).sort(),
      SES_EVENT_TYPES,
    );
    assert.deepEqual(
      NET_LOG_SOURCE_TYPES.filter((name) => !CHROMIUM_SOURCE_TYPES.includes(name)),
      [],
    );
  });

  it("has the tables Chromium 156 writes, and no others", () => {
    const constants = netLogConstants(1_700_000_000_000);
    // logCaptureMode comes from the writer, as from Chromium's net-export.
    assert.deepEqual(Object.keys(constants).sort(), [
      "activeFieldTrialGroups",
      "addressFamily",
      "certStatusFlag",
      "certVerifierFlags",
      "certVerifyFlags",
      "clientInfo",
      "dnsQueryType",
      "loadFlag",
      "loadState",
      "logEventPhase",
      "logEventTypes",
      "logFormatVersion",
      "logSourceType",
      "netError",
      "quicError",
      "quicRstStreamError",
      "secureDnsMode",
      "timeTickOffset",
    ]);
    const loadState = constants.loadState as Record<string, number>;
    assert.equal(loadState.IDLE, 0);
    assert.equal(loadState.READING_RESPONSE, 15);
  });
});
