/**
 * `ses demo`: starts a local origin and walks through a session request by request.
 *
 * @module
 */

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionError } from "../core/session_error.ts";
import type { Session, SessionModule } from "../session/mod.ts";
import { startDemoOrigin } from "./demo_origin.ts";
import { startDemoProxy } from "./demo_proxy.ts";

/**
 * Runs the walk-through and prints what each step shows.
 *
 * @param session The `session` module.
 * @param write Where lines go.
 * @returns Resolves when the demo is done and everything is closed.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { runDemo } from "./demo_command.ts";
 * const lines: string[] = [];
 * await runDemo(session, (line) => lines.push(line));
 * console.log(lines.length > 0); // true
 * ```
 */
export async function runDemo(
  session: SessionModule,
  write: (line: string) => void,
): Promise<void> {
  const origin = await startDemoOrigin();
  const ses = session.fromPartition("demo");
  try {
    write(`@ses demo against ${origin.url} (an in-memory session, partition "demo")`);

    ses.setUserAgent("ses-demo/1.0", "en-US,fr,de");
    const hello = await ses.fetch(`${origin.url}/`);
    write(`1. GET / → ${hello.status}; the origin saw ${await hello.text()}`);

    const moved = await ses.fetch(`${origin.url}/old`);
    await moved.body?.cancel();
    write(
      `2. GET /old followed 301 → 302 → ${
        new URL(moved.url).pathname
      } (redirected: ${moved.redirected})`,
    );

    const gzip = await ses.fetch(`${origin.url}/gzip`);
    const text = await gzip.text();
    write(
      `3. GET /gzip: content-encoding ${
        gzip.headers.get("content-encoding")
      }, ${text.length} characters decoded`,
    );

    const hinted = new Promise<string>((resolve) =>
      ses.once(
        "preconnect",
        (_event, url, allowCredentials) =>
          resolve(`${url} (allowCredentials: ${allowCredentials})`),
      )
    );
    await (await ses.fetch(`${origin.url}/hint`)).text();
    write(`4. GET /hint carried Link: rel=preconnect → 'preconnect' event for ${await hinted}`);

    ses.enableNetworkEmulation({ latency: 300 });
    let started = performance.now();
    await (await ses.fetch(`${origin.url}/`)).text();
    write(
      `5. with 300 ms emulated latency the request took ${
        Math.round(performance.now() - started)
      } ms`,
    );

    ses.enableNetworkEmulation({ downloadThroughput: 200_000 });
    started = performance.now();
    const bytes = await (await ses.fetch(`${origin.url}/bytes`)).arrayBuffer();
    write(
      `6. ${bytes.byteLength} bytes at an emulated 200 kB/s took ` +
        `${Math.round(performance.now() - started)} ms`,
    );

    ses.enableNetworkEmulation({ offline: true });
    try {
      await ses.fetch(`${origin.url}/`);
    } catch (error) {
      if (!SessionError.is(error)) throw error;
      write(`7. offline: rejected with ${error.message} (errno ${error.errno})`);
    }
    ses.disableNetworkEmulation();

    for (let i = 0; i < 20; i++) await (await ses.fetch(`${origin.url}/`)).text();
    write(`8. 20 more requests reused keep-alive sockets: ${ses.openSocketCount} open`);

    await ses.closeAllConnections();
    try {
      await ses.fetch("http://127.0.0.1:4/");
    } catch (error) {
      if (!SessionError.is(error)) throw error;
      write(`9. nothing listens on port 4: ${error.message} (errno ${error.errno})`);
    }

    const changed = new Promise<string>((resolve) =>
      ses.cookies.once("changed", (_event, cookie, cause) => resolve(`${cookie.name} ${cause}`))
    );
    await (await ses.fetch(`${origin.url}/login`)).text();
    const [stored] = await ses.cookies.get({ url: origin.url });
    write(
      `10. GET /login set a cookie ('changed': ${await changed}): ${stored?.name}=${stored?.value}` +
        ` (httpOnly ${stored?.httpOnly}, sameSite ${stored?.sameSite})`,
    );
    const whoami = await ses.fetch(`${origin.url}/whoami`);
    write(`11. GET /whoami sent it back; the origin saw ${await whoami.text()}`);

    // webRequest and protocol (what `ses fetch --block PATTERN` does).
    ses.webRequest.onBeforeRequest(
      { urls: ["*://*/ads/*"] },
      (_details, callback) => callback({ cancel: true }),
    );
    const blocked = await ses.fetch(`${origin.url}/ads/banner.js`).then(
      () => "not blocked",
      (error: Error) => error.message,
    );
    ses.webRequest.onBeforeRequest(null);
    write(`12. --block '*://*/ads/*': GET /ads/banner.js → ${blocked}`);
    ses.protocol.handle(
      "demo",
      (request) => new Response(`served ${new URL(request.url).pathname}`),
    );
    const served = await (await ses.fetch("demo://app/index.html")).text();
    ses.protocol.unhandle("demo");
    write(`13. protocol.handle('demo'): demo://app/index.html → "${served}"`);
    await demoDownload(ses, `${origin.url}/download`, write);

    const first = await (await ses.fetch(`${origin.url}/cached`)).text();
    const second = await (await ses.fetch(`${origin.url}/cached`)).text();
    write(
      `15. GET /cached twice (max-age=60): "${first}", then "${second}" from the HTTP cache ` +
        `(${await ses.getCacheSize()} bytes cached)`,
    );

    await demoProxy(ses, `${origin.url}/via`, write);

    // The built-in en-US dictionary: no download, hunspell in WebAssembly.
    ses.setSpellCheckerLanguages(["en-US"]);
    const misspelled = await ses.spellCheck("Teh quick brown fox jumpd");
    write(
      `17. spellCheck("Teh quick brown fox jumpd"): ` +
        misspelled.map((m) => `${m.word} [${m.start}, ${m.end}) → ${m.suggestions[0]}`).join(", "),
    );
  } finally {
    await ses.closeAllConnections();
    await origin.close();
  }
}

/** Step 16: a request through a forward proxy, then direct again. */
async function demoProxy(
  ses: Session,
  url: string,
  write: (line: string) => void,
): Promise<void> {
  const proxy = await startDemoProxy();
  try {
    // Loopback bypasses proxies implicitly (as in Chromium); <-loopback> lifts that.
    await ses.setProxy({ proxyRules: `http://${proxy.hostPort}`, proxyBypassRules: "<-loopback>" });
    const chosen = await ses.resolveProxy(url);
    const seen = await (await ses.fetch(url)).text();
    write(`16. setProxy: resolveProxy says "${chosen}"; through it the origin saw ${seen}`);
    await ses.setProxy({ mode: "direct" });
    await ses.closeAllConnections();
  } finally {
    await proxy.close();
  }
}

/** Step 14: a download whose Content-Disposition name tries to climb out of the directory. */
async function demoDownload(
  ses: Session,
  url: string,
  write: (line: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ses-demo-"));
  try {
    ses.setDownloadPath(dir);
    const state = await new Promise<string>((resolve) => {
      ses.once("will-download", (_event, item) => {
        write(`14. will-download: "${item.getFilename()}" (${item.getMimeType()})`);
        item.once(
          "done",
          (_e, done) =>
            resolve(`${done}, ${item.getReceivedBytes()} bytes saved as "${readdirSync(dir)}"`),
        );
      });
      ses.downloadURL(url);
    });
    write(`    ${state}; the header said "../report 2026.csv", nothing left the folder`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
