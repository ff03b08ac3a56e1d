// ses.resolveHost: Electron's argument checks, options and ResolvedHost answer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hostname as machineName } from "node:os";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

let counter = 0;
function memorySession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(`resolve${++counter}`);
}

type Loose = (...args: unknown[]) => Promise<unknown>;

describe("ses.resolveHost", () => {
  it("resolves with Electron's {endpoints: [{address, family}]}", async () => {
    const ses = memorySession();
    assert.deepEqual(await ses.resolveHost("localhost"), {
      endpoints: [{ address: "127.0.0.1", family: "ipv4" }, { address: "::1", family: "ipv6" }],
    });
    assert.deepEqual(await ses.resolveHost("192.0.2.1"), {
      endpoints: [{ address: "192.0.2.1", family: "ipv4" }],
    });
    assert.deepEqual(await ses.resolveHost("[2001:db8::1]"), {
      endpoints: [{ address: "2001:db8::1", family: "ipv6" }],
    });
    const { endpoints } = await ses.resolveHost(machineName());
    assert.ok(endpoints.length > 0);
    for (const { family } of endpoints) assert.ok(family === "ipv4" || family === "ipv6");
  });

  it("keeps queryType's family, and rejects when none is left", async () => {
    const ses = memorySession();
    assert.deepEqual(await ses.resolveHost("localhost", { queryType: "A" }), {
      endpoints: [{ address: "127.0.0.1", family: "ipv4" }],
    });
    assert.deepEqual(await ses.resolveHost("localhost", { queryType: "AAAA" }), {
      endpoints: [{ address: "::1", family: "ipv6" }],
    });
    await assert.rejects(ses.resolveHost("192.0.2.1", { queryType: "AAAA" }), {
      message: "net::ERR_NAME_NOT_RESOLVED",
    });
  });

  it("rejects an unknown name with net::ERR_NAME_NOT_RESOLVED", async () => {
    await assert.rejects(memorySession().resolveHost("does-not-exist.invalid"), {
      message: "net::ERR_NAME_NOT_RESOLVED",
      code: "ERR_NAME_NOT_RESOLVED",
    });
  });

  it("answers source 'localOnly' from the session's cache only", async () => {
    const ses = memorySession();
    const name = machineName();
    await assert.rejects(ses.resolveHost(name, { source: "localOnly" }), {
      message: "net::ERR_DNS_CACHE_MISS",
    });
    const first = await ses.resolveHost(name);
    assert.deepEqual(await ses.resolveHost(name, { source: "localOnly" }), first);
    await ses.clearHostResolverCache();
    await assert.rejects(ses.resolveHost(name, { source: "localOnly" }), {
      message: "net::ERR_DNS_CACHE_MISS",
    });
  });

  it("ignores options it cannot read, as Electron's converters do", async () => {
    const ses = memorySession();
    const both = await ses.resolveHost("localhost");
    const resolveHost = ses.resolveHost as Loose;
    assert.deepEqual(await resolveHost.call(ses, "localhost", 5), both);
    assert.deepEqual(await resolveHost.call(ses, "localhost", null), both);
    assert.deepEqual(await resolveHost.call(ses, "localhost", { queryType: "a" }), both);
  });

  it("throws gin's conversion errors for a host that is not a string", () => {
    const ses = memorySession();
    const resolveHost = ses.resolveHost as Loose;
    assert.throws(() => resolveHost.call(ses), {
      name: "TypeError",
      message: "Insufficient number of arguments.",
    });
    assert.throws(() => resolveHost.call(ses, 42), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from ",
    });
    assert.throws(() => resolveHost.call(ses, undefined), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from undefined",
    });
  });
});
