import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";

describe("Session default locale", () => {
  let server: Server;
  let echo: string;
  before(async () => {
    server = createServer((request, response) => {
      response.end(request.headers["accept-language"] ?? "(none)");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    echo = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // A session made under these locale variables (the others unset), as a new process would.
  async function under(env: Record<string, string>) {
    const runtime = currentRuntime();
    const withEnv = { ...runtime, env: (name: string) => env[name] };
    const ses = createSessionModule(new App(withEnv), withEnv).fromPartition("locale");
    const sent = await (await ses.fetch(echo)).text();
    await ses.closeAllConnections();
    return { sent, languages: ses.getSpellCheckerLanguages() };
  }

  it("sends Electron's Accept-Language: the application locale alone", async () => {
    // Electron's NetworkContextService: GenerateAcceptLanguageHeader(GetApplicationLocale()),
    // one tag, Chrome's UI locale for the OS locale.
    assert.deepEqual(await under({ LANG: "fr_FR.UTF-8" }), { sent: "fr", languages: ["fr"] });
    assert.deepEqual(await under({ LANG: "C.UTF-8" }), { sent: "en-US", languages: ["en-US"] });
    assert.deepEqual(await under({}), { sent: "en-US", languages: ["en-US"] });
    assert.deepEqual(await under({ LANG: "es_MX.UTF-8" }), {
      sent: "es-419",
      languages: ["es-419"],
    });
    assert.deepEqual(await under({ LANG: "pt_PT.UTF-8" }), {
      sent: "pt-PT",
      languages: ["pt-PT"],
    });
  });

  it("reads the locale variables in GLib's order for the header and the spellchecker alike", async () => {
    // LANGUAGE first (a list: its first entry with a Chrome UI locale), then LC_ALL,
    // LC_MESSAGES and LANG: the one application locale both defaults come from.
    assert.deepEqual(await under({ LANGUAGE: "xx:de_AT", LC_ALL: "fr_FR.UTF-8" }), {
      sent: "de",
      languages: ["de"],
    });
    assert.deepEqual(await under({ LC_MESSAGES: "nl_NL.UTF-8", LANG: "fr_FR.UTF-8" }), {
      sent: "nl",
      languages: ["nl"],
    });
    assert.deepEqual(await under({ LC_ALL: "it_IT.UTF-8", LC_MESSAGES: "nl_NL.UTF-8" }), {
      sent: "it",
      languages: ["it"],
    });
  });
});
