import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NetLogEntry } from "../core/net_log_sink.ts";
import { requestContext } from "../core/middleware.ts";
import { urlRequestJobStage } from "./request_log_stages.ts";

// URL_REQUEST_START_JOB's params as Chromium 156's NetLogURLRequestStartParams
// (net/url_request/url_request_netlog_params.cc) writes them for Electron's net.fetch.
describe("urlRequestJobStage", () => {
  async function startParams(
    url: string,
    registrableDomain?: (host: string) => string | undefined,
  ): Promise<Record<string, unknown> | undefined> {
    const entries: NetLogEntry[] = [];
    const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
    const sink = {
      capturing: true,
      newSource: () => source,
      add: (e: NetLogEntry) => entries.push(e),
    };
    const fetchLike = urlRequestJobStage({ registrableDomain })(() =>
      Promise.resolve(new Response("ok"))
    );
    await fetchLike(
      new Request(url),
      requestContext({ netLog: { sink, source }, urlChain: [url] }),
    );
    return entries.find((e) => e.type === "URL_REQUEST_START_JOB")?.params;
  }

  it("names the site by its registrable domain, without the port (SchemefulSite)", async () => {
    const params = await startParams(
      "https://www.example.co.uk:8443/a",
      (host) => host === "www.example.co.uk" ? "example.co.uk" : undefined,
    );
    assert.equal(params?.network_isolation_key, "https://example.co.uk https://example.co.uk");
    assert.equal(
      params?.site_for_cookies,
      "SiteForCookies: {site=https://example.co.uk; schemefully_same=true}",
    );
    assert.equal(params?.request_type, "other");
    assert.equal("priority" in params!, false);
  });

  it("keeps the host of a URL with no registrable domain (an IP, a single label)", async () => {
    const lookup = () => undefined;
    for (
      const [url, site] of [
        ["http://localhost:8080/", "http://localhost"],
        ["http://[::1]:8080/", "http://[::1]"],
      ]
    ) {
      assert.equal((await startParams(url!, lookup))?.network_isolation_key, `${site} ${site}`);
    }
  });
});
