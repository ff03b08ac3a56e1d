// Electron binds Session and the objects it hands out (protocol, DownloadItem) with Chromium's
// gin: a call with an argument gin cannot convert throws a TypeError at once, worded by
// gin/arguments.cc (a string's own text, nothing for a number or an object), and a call short
// of arguments throws `Insufficient number of arguments.`
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

const root = mkdtempSync(join(tmpdir(), "ses-arguments-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPath(join(root, `s${++counter}`));
}

type Loose = (...args: unknown[]) => unknown;

const from = (index: number, value: string) => ({
  name: "TypeError",
  message: `Error processing argument at index ${index}, conversion failure from ${value}`,
});
const insufficient = { name: "TypeError", message: "Insufficient number of arguments." };

describe("Session argument errors", () => {
  it("words a value of the wrong type as gin does, for each Session method", () => {
    const ses = newSession();
    const call = (name: keyof Session, ...args: unknown[]) => () =>
      (ses[name] as Loose).apply(ses, args);
    assert.throws(call("setDownloadPath", 5), from(0, ""));
    assert.throws(call("setDownloadPath", null), from(0, "null"));
    assert.throws(call("downloadURL", { url: "http://x/" }), from(0, ""));
    assert.throws(call("createInterruptedDownload", "options"), from(0, "options"));
    assert.throws(call("enableNetworkEmulation", 42), from(0, ""));
    assert.throws(call("setSpellCheckerLanguages", "en-US"), from(0, "en-US"));
    assert.throws(call("setSpellCheckerDictionaryDownloadURL", undefined), from(0, "undefined"));
    assert.throws(call("setUserAgent", 1), from(0, ""));
    assert.throws(call("setUserAgent", "ua/1", ["en"]), from(1, ""));
    assert.throws(call("allowNTLMCredentialsForDomains", ["*"]), from(0, ""));
    // gin converts before the method runs: a throw at once, not a rejected promise.
    assert.throws(call("getBlobData", 5), from(0, ""));
    assert.throws(call("getBlobData", null), from(0, "null"));
    // preconnect's options are a gin_helper::Dictionary: anything but an object fails.
    assert.throws(call("preconnect", "http://a.test/"), from(0, "http://a.test/"));
    assert.throws(call("preconnect", 1), from(0, ""));
    assert.throws(call("preconnect", null), from(0, "null"));
    assert.throws(call("preconnect", {}), {
      name: "TypeError",
      message: "Must pass non-empty valid url to session.preconnect.",
    });
  });

  it("throws Insufficient number of arguments for a call without the argument", () => {
    const ses = newSession();
    const userAgent = ses.getUserAgent();
    for (
      const name of [
        "setDownloadPath",
        "downloadURL",
        "createInterruptedDownload",
        "enableNetworkEmulation",
        "setSpellCheckerLanguages",
        "setSpellCheckerDictionaryDownloadURL",
        "addWordToSpellCheckerDictionary",
        "removeWordFromSpellCheckerDictionary",
        "setUserAgent",
        "allowNTLMCredentialsForDomains",
        "unregisterPreloadScript",
        "getBlobData",
        "preconnect",
        "setCertificateVerifyProc",
        "setSSLConfig",
      ] as const
    ) {
      assert.throws(() => (ses[name] as Loose).call(ses), insufficient, name);
    }
    // Nothing was changed by the calls that threw.
    assert.equal(ses.getUserAgent(), userAgent);
  });

  it("words setSSLConfig's refusals as Electron's SSLConfig converter does, changing nothing", () => {
    // electron/shell/browser/api/electron_api_session.cc: Converter<network::mojom::SSLConfigPtr>
    // returns false for a non-object, a version string it does not know, a maxVersion below
    // tls1.2 or a disabledCipherSuites that is no integer list, so gin throws its conversion
    // failure before setSSLConfig runs.
    const ses = newSession();
    const setSSLConfig = (value: unknown) => () => (ses.setSSLConfig as Loose).call(ses, value);
    assert.throws(setSSLConfig("tls1.2"), from(0, "tls1.2"));
    assert.throws(setSSLConfig(null), from(0, "null"));
    assert.throws(setSSLConfig(() => {}), from(0, ""));
    assert.throws(setSSLConfig({ minVersion: "ssl3" }), from(0, ""));
    assert.throws(setSSLConfig({ maxVersion: "tls1.1" }), from(0, ""));
    assert.throws(setSSLConfig({ disabledCipherSuites: "0xc02f" }), from(0, ""));
    assert.throws(setSSLConfig({ disabledCipherSuites: ["0xc02f"] }), from(0, ""));
    assert.throws(setSSLConfig({ maxVersion: "tls1" }), from(0, ""));
    // Versions that convert but contradict each other are no conversion failure: our own clear
    // RangeError stays, where Chromium would only fail every later handshake.
    assert.throws(setSSLConfig({ minVersion: "tls1.3", maxVersion: "tls1.2" }), RangeError);
    ses.setSSLConfig({ minVersion: "tls1.3" });
  });

  it("words protocol's errors as gin does; handle's JavaScript always passes both on", () => {
    const protocol = newSession().protocol as unknown as Record<string, Loose>;
    const call = (name: string, ...args: unknown[]) => () => protocol[name]!(...args);
    const handler = () => {};
    assert.throws(call("registerStringProtocol", 5, handler), from(0, ""));
    assert.throws(call("registerStringProtocol", "app", "handler"), from(1, "handler"));
    assert.throws(call("registerBufferProtocol", "app"), insufficient);
    assert.throws(call("interceptFileProtocol"), insufficient);
    assert.throws(call("unregisterProtocol"), insufficient);
    assert.throws(call("isProtocolRegistered", null), from(0, "null"));
    assert.throws(call("isProtocolIntercepted", {}), from(0, ""));
    assert.throws(call("isProtocolHandled", 7), from(0, ""));
    assert.throws(call("handle"), from(0, "undefined"));
    assert.throws(call("handle", "app"), from(1, "undefined"));
    assert.throws(call("unhandle"), from(0, "undefined"));
    assert.equal(protocol.isProtocolHandled!("app"), false);
  });

  it("throws what Electron's JavaScript setPreloads meets, before changing anything", () => {
    const ses = newSession();
    ses.setPreloads(["/app/a.js"]);
    const setPreloads = ses.setPreloads as Loose;
    assert.throws(() => setPreloads.call(ses), {
      name: "TypeError",
      message: "Cannot read properties of undefined (reading 'map')",
    });
    assert.throws(() => setPreloads.call(ses, 5), {
      name: "TypeError",
      message: "preloads.map is not a function",
    });
    assert.throws(() => setPreloads.call(ses, ["/app/b.js", 5]), from(0, ""));
    assert.deepEqual(ses.getPreloads(), ["/app/a.js"]);
  });

  it("refuses a setCacheMaxSize that is no number with a TypeError, one out of range with a RangeError", async () => {
    // An @ses addition, so no Electron words: a missing or string size was a RangeError.
    const ses = newSession();
    const setCacheMaxSize = ses.setCacheMaxSize as Loose;
    for (const [value, shown] of [[undefined, "undefined"], ["1000", '"1000"'], [null, "null"]]) {
      assert.throws(() => setCacheMaxSize.call(ses, value), {
        name: "TypeError",
        message: `Cache size must be a number of bytes, got ${shown}`,
      });
    }
    for (const value of [-1, 1.5, Infinity, NaN]) {
      assert.throws(() => ses.setCacheMaxSize(value), {
        name: "RangeError",
        message: `Cache size must be a non-negative integer of bytes, got ${value}`,
      });
    }
    ses.setCacheMaxSize(1024);
    assert.equal(await ses.getCacheSize(), 0);
  });

  it("rejects fetch() without an argument as the fetch standard's Request constructor does", async () => {
    const ses = newSession();
    await assert.rejects((ses.fetch as Loose).call(ses) as Promise<Response>, {
      name: "TypeError",
      message: "Failed to construct 'Request': 1 argument required, but only 0 present",
    });
    // An undefined given is an argument: converted to the string "undefined", no URL.
    await assert.rejects(ses.fetch(undefined as unknown as string), {
      name: "TypeError",
      message: "Invalid URL: 'undefined'",
    });
  });
});
