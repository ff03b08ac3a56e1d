// The download matrix against real loopback origins, through a real session's pipeline.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { after, describe, it } from "node:test";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { createServer } from "node:http";
import { session } from "../mod.ts";
import type { DownloadItem, Session } from "../session/mod.ts";
import { type ByteRoute, type RangeOrigin, startRangeOrigin } from "./fixtures/range_origin.ts";
import { assertSameBytes } from "./fixtures/assert_bytes.ts";

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const BODY = bytes(300_000);
const dirs: string[] = [];
let partitions = 0;

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ses-dl-"));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh in-memory session whose downloads go to a fresh directory. */
function freshSession(): { ses: Session; dir: string } {
  const ses = session.fromPartition(`downloads-test-${++partitions}`);
  const dir = freshDir();
  ses.setDownloadPath(dir);
  return { ses, dir };
}

/** The next item `will-download` gives, with `onItem` run inside the listener. */
function nextItem(ses: Session, onItem?: (item: DownloadItem) => void): Promise<DownloadItem> {
  return new Promise((resolve) => {
    ses.once("will-download", (_event, item) => {
      onItem?.(item);
      resolve(item);
    });
  });
}

function done(item: DownloadItem): Promise<string> {
  return new Promise((resolve) => item.once("done", (_event, state) => resolve(state)));
}

function interrupted(item: DownloadItem): Promise<void> {
  return new Promise((resolve) => {
    const listener = (_event: unknown, state: string) => {
      if (state !== "interrupted") return;
      item.off("updated", listener);
      resolve();
    };
    item.on("updated", listener);
  });
}

async function withOrigin(
  routes: Record<string, ByteRoute>,
  test: (origin: RangeOrigin) => Promise<void>,
): Promise<void> {
  const origin = await startRangeOrigin(routes);
  try {
    await test(origin);
  } finally {
    await origin.close();
  }
}

describe("downloadURL", () => {
  it("neither reads nor fills the HTTP cache, as Electron's downloads (LOAD_DISABLE_CACHE)", () =>
    withOrigin({
      "/cached.bin": { body: BODY, headers: { "cache-control": "max-age=3600" } },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      const url = `${origin.url}/cached.bin`;
      for (let i = 0; i < 2; i++) {
        const pending = nextItem(ses);
        ses.downloadURL(url);
        assert.equal(await done(await pending), "completed");
      }
      assert.equal(origin.requests.length, 2);
      assert.equal(await ses.getCacheSize(), 0);
      // What a fetch stored is not what a download gets either.
      await (await ses.fetch(url)).arrayBuffer();
      const pending = nextItem(ses);
      ses.downloadURL(url);
      assert.equal(await done(await pending), "completed");
      assert.equal(origin.requests.length, 4);
      assertSameBytes(readFileSync(join(dir, "cached (2).bin")), Buffer.from(BODY));
    }));

  it("completes: the bytes land under the generated name and no partial file is left", () =>
    withOrigin({
      "/files/file.bin": {
        body: BODY,
        etag: '"v1"',
        headers: { "content-type": "application/octet-stream" },
      },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/files/file.bin`, { headers: { "x-token": "7" } });
      const item = await pending;
      assert.equal(item.getState(), "progressing");
      assert.equal(item.getFilename(), "file.bin");
      assert.equal(item.getTotalBytes(), BODY.length);
      assert.equal(item.getMimeType(), "application/octet-stream");
      assert.equal(item.getETag(), '"v1"');
      assert.equal(item.hasUserGesture(), false);
      assert.equal(await done(item), "completed");
      assert.equal(item.getSavePath(), join(dir, "file.bin"));
      assertSameBytes(readFileSync(join(dir, "file.bin")), Buffer.from(BODY));
      assert.deepEqual(readdirSync(dir), ["file.bin"]);
      assert.equal(item.getReceivedBytes(), BODY.length);
      assert.equal(item.getPercentComplete(), 100);
      assert.ok(item.getEndTime() >= item.getStartTime() && item.getStartTime() > 1e9);
      assert.deepEqual(item.getURLChain(), [`${origin.url}/files/file.bin`]);
      assert.equal(origin.requests[0]!.headers["x-token"], "7");
      assert.equal(item.getInterruptReason(), "");
    }));

  it("an empty file completes at -1 percent, as Chromium's PercentComplete of a 0-byte total", () =>
    withOrigin({ "/files/empty.bin": { body: new Uint8Array(0) } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/files/empty.bin`);
      const item = await pending;
      assert.equal(await done(item), "completed");
      assert.equal(readFileSync(join(dir, "empty.bin")).length, 0);
      assert.equal(item.getTotalBytes(), 0);
      assert.equal(item.getPercentComplete(), -1);
    }));

  it("reports the MIME type as Chromium reads Content-Type: lower case, '' without a '/'", () =>
    withOrigin({
      "/page": { body: bytes(4), headers: { "content-type": "Text/HTML; charset=UTF-8" } },
      "/blob": { body: bytes(4), headers: { "content-type": "binary" } },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      for (const [path, mimeType] of [["/page", "text/html"], ["/blob", ""]]) {
        const pending = nextItem(ses);
        ses.downloadURL(origin.url + path);
        const item = await pending;
        assert.equal(item.getMimeType(), mimeType);
        assert.equal(await done(item), "completed");
      }
      assert.deepEqual(readdirSync(dir).sort(), ["blob", "page.html"]);
    }));

  it("reads a raw UTF-8 Content-Disposition as UTF-8 in getContentDisposition and the name", async () => {
    const header = Buffer.concat([
      Buffer.from('attachment; filename="'),
      Buffer.from("résumé 日本.pdf"),
      Buffer.from('"'),
    ]);
    const server = createNetServer((socket) => {
      socket.once("data", () => {
        socket.end(Buffer.concat([
          Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n"),
          Buffer.from("Content-Disposition: "),
          header,
          Buffer.from("\r\n\r\nhi"),
        ]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`http://127.0.0.1:${port}/x`);
      const item = await pending;
      assert.equal(item.getContentDisposition(), 'attachment; filename="résumé 日本.pdf"');
      assert.equal(item.getFilename(), "résumé 日本.pdf");
      assert.equal(await done(item), "completed");
      assert.deepEqual(readdirSync(dir), ["résumé 日本.pdf"]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("keeps ETag and Last-Modified only when one of them is strong, as Chromium", () =>
    withOrigin({
      "/weak.bin": { body: BODY, etag: 'W/"w"', lastModified: new Date().toUTCString() },
      "/mixed.bin": { body: BODY, etag: 'W/"m"', lastModified: "Tue, 01 Sep 2026 10:00:00 GMT" },
    }, async (origin) => {
      // HandleResponseHeaders stores neither without a strong validator (RFC 9110 §8.8.1).
      const seen: string[][] = [];
      for (const path of ["/weak.bin", "/mixed.bin"]) {
        const { ses } = freshSession();
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}${path}`);
        const item = await pending;
        seen.push([item.getETag(), item.getLastModifiedTime()]);
        assert.equal(await done(item), "completed");
      }
      assert.deepEqual(seen, [["", ""], ['W/"m"', "Tue, 01 Sep 2026 10:00:00 GMT"]]);
    }));

  it("an 'updated' at full length comes right before 'done', as Chromium's OnAllDataSaved", () =>
    withOrigin({
      "/tiny.bin": { body: bytes(10) },
      "/tiny-chunked.bin": { body: bytes(10), chunked: true },
    }, async (origin) => {
      for (const path of ["/tiny.bin", "/tiny-chunked.bin"]) {
        const { ses } = freshSession();
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}${path}`);
        const item = await pending;
        const events: string[] = [];
        const record = (kind: string) => (_event: unknown, state: string) =>
          events.push(`${kind} ${state} ${item.getReceivedBytes()}/${item.getTotalBytes()}`);
        item.on("updated", record("updated"));
        item.on("done", record("done"));
        assert.equal(await done(item), "completed");
        assert.deepEqual(events.slice(-2), ["updated progressing 10/10", "done completed 10/10"]);
      }
    }));

  it("cancel() from the last 'updated' cancels: nothing is saved", () =>
    withOrigin({ "/last.bin": { body: bytes(10) } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/last.bin`);
      const item = await pending;
      item.on("updated", () => {
        if (item.getReceivedBytes() === 10) item.cancel();
      });
      assert.equal(await done(item), "cancelled");
      assert.equal(item.getState(), "cancelled");
      assert.deepEqual(readdirSync(dir), []);
    }));

  it("cancel() and pause() once the file is being completed do nothing, as Chromium's COMPLETING state", () =>
    withOrigin({ "/late.bin": { body: bytes(10), chunked: true } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/late.bin`);
      const item = await pending;
      const seen: string[] = [];
      let asked = false;
      item.on("updated", () => {
        // Without a Content-Length, the total is known at the last 'updated' alone (Chromium's
        // OnAllDataSaved); after it, the item syncs and renames the file: these land in between.
        if (item.getTotalBytes() !== 10 || asked) return;
        asked = true;
        queueMicrotask(() => {
          item.on("updated", () => seen.push("updated"));
          item.pause();
          item.cancel();
          seen.push(`${item.getState()} ${item.isPaused()} ${item.getInterruptReason()}`);
        });
      });
      assert.equal(await done(item), "completed");
      assert.deepEqual(seen, ["progressing false "]);
      assert.deepEqual(readdirSync(dir), ["late.bin"]);
    }));

  it("is cancelled at once from the listener, by cancel() or preventDefault()", () =>
    withOrigin({ "/a.bin": { body: BODY } }, async (origin) => {
      const { ses, dir } = freshSession();
      const byCancel = nextItem(ses, (item) => item.cancel());
      ses.downloadURL(`${origin.url}/a.bin`);
      const item = await byCancel;
      assert.equal(await done(item), "cancelled");
      assert.equal(item.getState(), "cancelled");
      let prevented: DownloadItem | undefined;
      ses.once("will-download", (event, item) => {
        event.preventDefault();
        prevented = item;
      });
      const states: string[] = [];
      const settled = new Promise<void>((resolve) => {
        const poll = () => prevented ? resolve() : setTimeout(poll, 5);
        poll();
      });
      ses.downloadURL(`${origin.url}/a.bin`);
      await settled;
      prevented!.on("done", (_e, state) => states.push(state));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(prevented!.getState(), "cancelled");
      assert.deepEqual(readdirSync(dir), []);
    }));

  it("cancel() while a failed request is being interrupted says USER_CANCELED, as Chromium's Cancel", async () => {
    // The item is announced when its request has failed (nothing listens on port 4), and is
    // interrupted a few ticks later: a cancel() at any of those ticks is the user's.
    for (let ticks = 0; ticks < 8; ticks++) {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses, async (item) => {
        for (let i = 0; i < ticks; i++) await null;
        item.cancel();
      });
      ses.downloadURL("http://127.0.0.1:4/refused.bin");
      const item = await pending;
      assert.equal(await done(item), "cancelled");
      assert.equal(item.getInterruptReason(), "USER_CANCELED", `cancel() after ${ticks} ticks`);
      assert.deepEqual(readdirSync(dir), []);
    }
  });

  it("cancel() mid-body removes the partial file", () =>
    withOrigin({ "/slow.bin": { body: BODY, chunkDelayMs: 20 } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/slow.bin`);
      const item = await pending;
      await new Promise<void>((resolve) => item.on("updated", () => resolve()));
      assert.ok(existsSync(join(dir, "slow.bin.crdownload")));
      item.cancel();
      assert.equal(await done(item), "cancelled");
      assert.deepEqual(readdirSync(dir), []);
    }));

  it("cancel() right after pause() leaves neither the partial file nor its sidecar", () =>
    withOrigin({ "/held.bin": { body: BODY, etag: '"h"', chunkDelayMs: 20 } }, async (origin) => {
      const { ses, dir } = freshSession();
      for (const gap of [0, 1, 0, 1]) {
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}/held.bin`);
        const item = await pending;
        await new Promise<void>((resolve) => item.once("updated", () => resolve()));
        item.pause();
        if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
        item.cancel();
        assert.equal(await done(item), "cancelled");
        // The pause's sidecar write was on its way: it must not land after the cancel's cleanup.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(readdirSync(dir), []);
      }
    }));

  it("401 → interrupted for good (SERVER_UNAUTHORIZED), nothing written", () =>
    withOrigin({ "/secret.bin": { body: bytes(100), status: 401 } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/secret.bin`);
      const item = await pending;
      assert.equal(await done(item), "interrupted");
      assert.equal(item.getInterruptReason(), "SERVER_UNAUTHORIZED");
      assert.equal(item.canResume(), false);
      assert.deepEqual(readdirSync(dir), []);
    }));

  it("answers a 401 with the URL's credentials or 'login'; the chain is the URL as requested", async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.headers.authorization !== "Basic dTpw") {
        response.writeHead(401, { "www-authenticate": 'Basic realm="files"' });
        response.end("who?");
        return;
      }
      response.end("secret");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const { ses, dir } = freshSession();
      // Chromium's url_chain holds the URL as requested; no redirect, so one entry.
      const given = `http://u:p@127.0.0.1:${port}/a.txt`;
      let pending = nextItem(ses);
      ses.downloadURL(given);
      let item = await pending;
      assert.equal(await done(item), "completed");
      assert.deepEqual(item.getURLChain(), [given]);
      assert.equal(item.getURL(), given);
      assert.equal(readFileSync(join(dir, "a.txt"), "utf8"), "secret");
      // A session without the credentials asks 'login'.
      const other = freshSession();
      other.ses.on("login", (event, _details, authInfo, callback) => {
        event.preventDefault();
        callback(...(authInfo.realm === "files" ? ["u", "p"] : []));
      });
      pending = nextItem(other.ses);
      other.ses.downloadURL(`http://127.0.0.1:${port}/b.txt`);
      item = await pending;
      assert.equal(await done(item), "completed");
      assert.deepEqual(item.getURLChain(), [`http://127.0.0.1:${port}/b.txt`]);
      assert.equal(readFileSync(join(other.dir, "b.txt"), "utf8"), "secret");
      assert.deepEqual(seen, [undefined, "Basic dTpw", undefined, "Basic dTpw"]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("a 206 nobody asked for → interrupted for good (SERVER_BAD_CONTENT), nothing written", () =>
    withOrigin({
      "/part.bin": {
        body: bytes(100),
        status: 206,
        headers: { "content-range": "bytes 100-199/1000" },
      },
    }, async (origin) => {
      // Chromium's HandleSuccessfulServerResponse: a partial answer to a request without a
      // Range would save a piece of the file as the whole.
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/part.bin`);
      const item = await pending;
      assert.equal(await done(item), "interrupted");
      assert.equal(item.getInterruptReason(), "SERVER_BAD_CONTENT");
      assert.equal(item.canResume(), false);
      assert.deepEqual(readdirSync(dir), []);
    }));

  it("a file:// URL that does not exist → interrupted (net::ERR_FILE_NOT_FOUND)", async () => {
    const { ses, dir } = freshSession();
    const pending = nextItem(ses);
    ses.downloadURL(pathToFileURL(join(dir, "missing.txt")).href);
    const item = await pending;
    assert.equal(await done(item), "interrupted");
    assert.equal(item.getInterruptReason(), "NETWORK_FAILED");
    assert.equal((item.getLastError() as { code?: string }).code, "ERR_FILE_NOT_FOUND");
    assert.equal(item.canResume(), false);
    assert.equal(item.getFilename(), "missing.txt");
  });

  it("a file:// URL that exists is copied", async () => {
    const { ses, dir } = freshSession();
    const source = join(freshDir(), "source.bin");
    writeFileSync(source, BODY);
    const pending = nextItem(ses);
    ses.downloadURL(pathToFileURL(source).href);
    const item = await pending;
    assert.equal(await done(item), "completed");
    assertSameBytes(readFileSync(join(dir, "source.bin")), Buffer.from(BODY));
  });

  it("a file:// URL goes through the session: MIME type by extension, protocol handlers apply", async () => {
    const { ses, dir } = freshSession();
    const source = join(freshDir(), "doc.pdf");
    writeFileSync(source, "%PDF-1");
    const first = nextItem(ses);
    ses.downloadURL(pathToFileURL(source).href);
    const item = await first;
    assert.equal(item.getMimeType(), "application/pdf");
    assert.equal(await done(item), "completed");
    assert.equal(readFileSync(join(dir, "doc.pdf"), "utf8"), "%PDF-1");
    // As Electron's protocol handlers serve downloads too (URLLoaderFactoryType::kDownload).
    ses.protocol.handle(
      "file",
      () => new Response("handled", { headers: { "content-type": "text/plain" } }),
    );
    try {
      const second = nextItem(ses);
      ses.downloadURL(pathToFileURL(source).href);
      const handled = await second;
      assert.equal(await done(handled), "completed");
      assert.equal(handled.getMimeType(), "text/plain");
      assert.equal(readFileSync(handled.getSavePath(), "utf8"), "handled");
    } finally {
      ses.protocol.unhandle("file");
    }
  });

  it("a data: URL is saved as Chromium names it: download + the MIME type's extension", async () => {
    const { ses, dir } = freshSession();
    for (
      const [url, name, mimeType, text] of [
        ["data:text/plain,hello%20world", "download.txt", "text/plain", "hello world"],
        ["data:application/pdf;base64,JVBERi0x#frag", "download.pdf", "application/pdf", "%PDF-1"],
        ["data:;BASE64,aGk=", "download (1).txt", "text/plain", "hi"],
      ]
    ) {
      const pending = nextItem(ses);
      ses.downloadURL(url!);
      const item = await pending;
      assert.equal(await done(item), "completed");
      assert.equal(item.getMimeType(), mimeType);
      assert.equal(item.getSavePath(), join(dir, name!));
      assert.equal(readFileSync(item.getSavePath(), "latin1"), text);
    }
    const bad = nextItem(ses);
    ses.downloadURL("data:text/plain;base64,%%%");
    const item = await bad;
    assert.equal(await done(item), "interrupted");
    assert.equal(item.getInterruptReason(), "NETWORK_INVALID_REQUEST");
    assert.equal((item.getLastError() as { code?: string }).code, "ERR_INVALID_URL");
  });

  it("a data: URL of megabytes, base64 or percent-encoded, is saved byte for byte", async () => {
    const { ses } = freshSession();
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
    const percent = Array.from(
      bytes.subarray(0, 300_000),
      (byte) =>
        byte === 0x25 || byte === 0x23 || byte < 0x21 || byte > 0x7e
          ? `%${byte.toString(16).padStart(2, "0")}`
          : String.fromCharCode(byte),
    ).join("");
    for (
      const [url, expected] of [
        [`data:application/octet-stream;base64,${Buffer.from(bytes).toString("base64")}`, bytes],
        [`data:application/octet-stream,${percent}`, bytes.subarray(0, 300_000)],
        // A `%` without two hex digits stays itself, as fetch's percent-decode keeps it.
        ["data:,100%25%zz%4", new TextEncoder().encode("100%%zz%4")],
      ] as const
    ) {
      const pending = nextItem(ses);
      ses.downloadURL(url);
      const item = await pending;
      assert.equal(await done(item), "completed");
      assertSameBytes(new Uint8Array(readFileSync(item.getSavePath())), expected);
    }
  });

  it("an unsupported scheme or a URL that does not parse → NETWORK_INVALID_REQUEST", async () => {
    const { ses } = freshSession();
    for (
      const [url, code] of [
        ["ftp://127.0.0.1:9/a.bin", "ERR_UNKNOWN_URL_SCHEME"],
        ["data:no-comma", "ERR_INVALID_URL"],
        ["not a url", "ERR_INVALID_URL"],
        ["", "ERR_INVALID_URL"],
      ]
    ) {
      const pending = nextItem(ses);
      ses.downloadURL(url!);
      const item = await pending;
      assert.equal(await done(item), "interrupted");
      assert.equal(item.getInterruptReason(), "NETWORK_INVALID_REQUEST");
      assert.equal((item.getLastError() as { code?: string }).code, code);
    }
  });

  it("rejects headers that are not an object of strings with Electron's message", () => {
    const { ses } = freshSession();
    let announced = 0;
    ses.on("will-download", () => announced++);
    // Electron reads headers as a map of strings when the key is there at all: a number value
    // or an undefined one fails the conversion as a string does.
    for (const headers of ["x", null, undefined, { "x-count": 5 }, { "x-a": "1", "x-b": null }]) {
      assert.throws(
        () =>
          ses.downloadURL("http://127.0.0.1:9/", {
            headers: headers as unknown as Record<string, string>,
          }),
        { name: "TypeError", message: "Invalid value for headers - must be an object" },
        JSON.stringify(headers),
      );
    }
    assert.equal(announced, 0);
  });

  it("keeps every hop of a redirect chain, as Chromium's url_chain", () =>
    withOrigin({
      "/a": { body: bytes(1), status: 302, headers: { location: "/b" } },
      "/b": { body: bytes(1), status: 301, headers: { location: "/files/c.bin" } },
      "/files/c.bin": { body: bytes(10) },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/a`);
      const item = await pending;
      const chain = ["/a", "/b", "/files/c.bin"].map((path) => origin.url + path);
      assert.deepEqual(item.getURLChain(), chain);
      assert.equal(item.getURL(), chain[2]);
      assert.equal(await done(item), "completed");
      assert.deepEqual(item.getURLChain(), chain);
      assert.deepEqual(readdirSync(dir), ["c.bin"]);
    }));

  it("keeps the URL canonical, as Electron's GURL: no redirect is made up from its spelling", () =>
    withOrigin({
      "/files/a%20b.txt": { body: bytes(3) },
      "/": { body: bytes(2) },
    }, async (origin) => {
      const { ses } = freshSession();
      const upper = origin.url.replace("http:", "HTTP:");
      const asked = [`${upper}/files/a b.txt#part`, `${upper}`];
      const canonical = [`${origin.url}/files/a%20b.txt#part`, `${origin.url}/`];
      for (const [index, url] of asked.entries()) {
        const pending = nextItem(ses);
        ses.downloadURL(url);
        const item = await pending;
        assert.equal(await done(item), "completed");
        assert.deepEqual(item.getURLChain(), [canonical[index]]);
        assert.equal(item.getURL(), canonical[index]);
      }
      const restored = nextItem(ses);
      ses.createInterruptedDownload({
        path: join(freshDir(), "x.bin"),
        urlChain: [`${upper}/x y`],
        offset: 0,
        length: 5,
      });
      assert.deepEqual((await restored).getURLChain(), [`${origin.url}/x%20y`]);
    }));

  it("relative save and download paths are taken from the current directory ('' is it)", () =>
    withOrigin({
      "/files/rel.bin": { body: bytes(10) },
      [`/files/ses-empty-path-${process.pid}.bin`]: { body: bytes(10) },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      ses.setDownloadPath(relative(process.cwd(), dir));
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/files/rel.bin`);
      const item = await pending;
      assert.equal(await done(item), "completed");
      assert.equal(item.getSavePath(), join(dir, "rel.bin"));
      const target = join(freshDir(), "out.bin");
      const chosen = nextItem(ses, (item) => item.setSavePath(relative(process.cwd(), target)));
      ses.downloadURL(`${origin.url}/files/rel.bin`);
      const saved = await chosen;
      assert.equal(saved.getSavePath(), target);
      assert.equal(await done(saved), "completed");
      assert.ok(existsSync(target));
      ses.setDownloadPath("");
      const here = nextItem(ses);
      ses.downloadURL(`${origin.url}/files/ses-empty-path-${process.pid}.bin`);
      const inCwd = await here;
      try {
        assert.equal(await done(inCwd), "completed");
        assert.equal(inCwd.getSavePath(), join(process.cwd(), `ses-empty-path-${process.pid}.bin`));
      } finally {
        rmSync(inCwd.getSavePath(), { force: true });
      }
    }));

  it("setSavePath in the listener: directories are made, an existing file is replaced", () =>
    withOrigin({ "/a.bin": { body: BODY } }, async (origin) => {
      const { ses } = freshSession();
      const target = join(freshDir(), "nested", "deeper", "out.bin");
      const errors: unknown[] = [];
      const pending = nextItem(ses, (item) => {
        // Electron's DownloadItem binding (gin) refuses a path of another type, and none.
        const loose = item.setSavePath as (...args: unknown[]) => void;
        for (const args of [[5], []]) {
          try {
            loose.apply(item, args);
          } catch (error) {
            errors.push((error as TypeError).message);
          }
        }
        item.setSavePath(target);
      });
      ses.downloadURL(`${origin.url}/a.bin`);
      const item = await pending;
      assert.deepEqual(errors, [
        "Error processing argument at index 0, conversion failure from ",
        "Insufficient number of arguments.",
      ]);
      assert.equal(await done(item), "completed");
      assertSameBytes(readFileSync(target), Buffer.from(BODY));
      writeFileSync(target, "old");
      const again = nextItem(ses, (item) => item.setSavePath(target));
      ses.downloadURL(`${origin.url}/a.bin`);
      assert.equal(await done(await again), "completed");
      assertSameBytes(readFileSync(target), Buffer.from(BODY));
    }));
});

describe("downloadURL's arguments", () => {
  it("ignores options that are not an object, as Electron's optional dictionary does", () =>
    withOrigin({ "/a.bin": { body: bytes(10) } }, async (origin) => {
      const { ses } = freshSession();
      for (const options of [null, 5, "x"]) {
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}/a.bin`, options as unknown as { headers?: never });
        assert.equal(await done(await pending), "completed");
      }
    }));

  it("setSaveDialogOptions converts as Electron: objects only, read back whole", () =>
    withOrigin({ "/d.bin": { body: BODY } }, async (origin) => {
      const { ses } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/d.bin`);
      const item = await pending;
      assert.equal(item.getSaveDialogOptions().showsTagField, true);
      const options = { title: "Save", filters: [{ name: "Bin", extensions: ["bin"] }] };
      item.setSaveDialogOptions(options);
      options.filters[0]!.extensions.push("exe");
      const got = item.getSaveDialogOptions();
      assert.deepEqual(got.filters, [{ name: "Bin", extensions: ["bin"] }]);
      assert.equal(got.title, "Save");
      assert.equal(got.window, null);
      got.filters.length = 0;
      assert.equal(item.getSaveDialogOptions().filters.length, 1);
      const call = item.setSaveDialogOptions as (...args: unknown[]) => void;
      assert.throws(() => call.call(item, "abc"), {
        name: "TypeError",
        message: "Error processing argument at index 0, conversion failure from abc",
      });
      assert.throws(() => call.call(item, () => {}), {
        message: "Error processing argument at index 0, conversion failure from ",
      });
      assert.throws(() => call.call(item), { message: "Insufficient number of arguments." });
      assert.equal(item.getSaveDialogOptions().title, "Save");
      assert.equal(await done(item), "completed");
    }));

  it("announces a request that cannot be sent (a bad header) and interrupts it, never silent", () =>
    withOrigin({ "/a.bin": { body: bytes(10) } }, async (origin) => {
      const { ses, dir } = freshSession();
      const bad: Record<string, string>[] = [{ "bad name": "x" }, { "x-v": "a\r\nb" }];
      for (const headers of bad) {
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}/a.bin`, { headers });
        const item = await pending;
        assert.equal(await done(item), "interrupted");
        assert.equal(item.getInterruptReason(), "NETWORK_INVALID_REQUEST");
        assert.ok(item.getLastError() instanceof TypeError);
      }
      assert.equal(origin.requests.length, 0);
      assert.deepEqual(readdirSync(dir), []);
    }));
});

describe("pause and resume", () => {
  it("pause() and resume() in quick succession, over and over, keep the bytes", () =>
    withOrigin({ "/toggle.bin": { body: BODY, etag: '"t"', chunkDelayMs: 5 } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/toggle.bin`);
      const item = await pending;
      const ended = done(item);
      let toggles = 0;
      while (item.getState() === "progressing") {
        item.pause();
        // Resumed while the pause is still being reached (the partial file being closed).
        await new Promise((resolve) => setTimeout(resolve, 1));
        item.resume();
        toggles++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      assert.notEqual(
        item.getState(),
        "interrupted",
        `${item.getInterruptReason()} ${item.getLastError()}`,
      );
      assert.equal(await ended, "completed");
      assert.ok(toggles > 1);
      assertSameBytes(readFileSync(join(dir, "toggle.bin")), Buffer.from(BODY));
    }));

  it("pause() and resume() up to the end leave no sidecar beside the completed file", () =>
    withOrigin(
      { "/toggle.bin": { body: BODY, etag: '"t"', chunked: true, chunkDelayMs: 20 } },
      async (origin) => {
        const { ses, dir } = freshSession();
        for (let run = 0; run < 3; run++) {
          const pending = nextItem(ses);
          ses.downloadURL(`${origin.url}/toggle.bin`);
          const item = await pending;
          const ended = done(item);
          const toggle = setInterval(() => {
            item.pause();
            item.resume();
          }, 2);
          try {
            assert.equal(await ended, "completed");
          } finally {
            clearInterval(toggle);
          }
          // A pause's sidecar write on its way when the file completed must not land afterwards.
          await new Promise((resolve) => setTimeout(resolve, 300));
          assert.deepEqual(
            readdirSync(dir).filter((name) => !/^toggle( \(\d\))?\.bin$/.test(name)),
            [],
          );
        }
      },
    ));

  it("pause() holds the connection (backpressure), resume() reads on with no new request", () =>
    withOrigin({ "/slow.bin": { body: BODY, etag: '"s"', chunkDelayMs: 5 } }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/slow.bin`);
      const item = await pending;
      await new Promise<void>((resolve) => item.once("updated", () => resolve()));
      item.pause();
      assert.equal(item.isPaused(), true);
      assert.equal(item.canResume(), true);
      await item.settled();
      const held = item.getReceivedBytes();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(item.getReceivedBytes(), held);
      assert.ok(held < BODY.length);
      item.resume();
      assert.equal(item.isPaused(), false);
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests.length, 1);
      assertSameBytes(readFileSync(join(dir, "slow.bin")), Buffer.from(BODY));
    }));

  it("a connection that died during the pause, with no validator, restarts: never a cut file", () =>
    // The Content-Length rule (a cut with no strong validator completes) is for servers that
    // state a wrong length; a cut while we held the connection paused is ours.
    withOrigin({
      "/idle.bin": { body: BODY, chunkDelayMs: 5, dropAfter: 100_000 },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/idle.bin`);
      const item = await pending;
      await new Promise<void>((resolve) => item.once("updated", () => resolve()));
      item.pause();
      await item.settled();
      origin.dropConnections();
      await new Promise((resolve) => setTimeout(resolve, 100));
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests.length, 2);
      assert.equal(origin.requests[1]!.headers.range, undefined);
      assertSameBytes(readFileSync(join(dir, "idle.bin")), Buffer.from(BODY));
    }));

  it("resume() after the connection died during the pause asks for the rest", () =>
    // The origin holds after 100 kB: on a loaded machine a paused download's settling (file
    // close, sidecar fsync) could outlast the whole 300 kB send, so the drop would cut nothing.
    withOrigin({
      "/slow.bin": { body: BODY, etag: '"s"', chunkDelayMs: 5, dropAfter: 100_000 },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/slow.bin`);
      const item = await pending;
      await new Promise<void>((resolve) => item.once("updated", () => resolve()));
      item.pause();
      await item.settled();
      origin.dropConnections();
      await new Promise((resolve) => setTimeout(resolve, 100));
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests.length, 2);
      assert.match(origin.requests[1]!.headers.range ?? "", /^bytes=[1-9]\d*-$/);
      assertSameBytes(readFileSync(join(dir, "slow.bin")), Buffer.from(BODY));
    }));
  it("a stalled download reports every 500 ms; a pause is reached at once, and stays when the connection dies", () =>
    withOrigin(
      { "/stall.bin": { body: BODY, etag: '"t"', dropAfter: 100_000 } },
      async (origin) => {
        const { ses, dir } = freshSession();
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}/stall.bin`);
        const item = await pending;
        while (item.getReceivedBytes() < 100_000) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        // A stalled download still reports every 500 ms, as Chromium's DownloadFile timer does.
        // Two reports are waited for, up to 4 s: a loaded machine delays timers, and without the
        // timer there is none at all.
        const whileStalled: number[] = [];
        const started = Date.now();
        await new Promise<void>((resolve) => {
          const deadline = setTimeout(finish, 4000);
          function finish() {
            clearTimeout(deadline);
            item.off("updated", count);
            resolve();
          }
          function count() {
            whileStalled.push(item.getReceivedBytes());
            if (whileStalled.length === 2) finish();
          }
          item.on("updated", count);
        });
        assert.ok(
          whileStalled.length >= 2,
          `${whileStalled.length} updates in ${Date.now() - started} ms`,
        );
        assert.ok(whileStalled.every((received) => received === 100_000));
        // The read waits for bytes the server never sends: the pause must not wait with it
        // (Ctrl-C in `ses download` hung on such a server).
        item.pause();
        await item.settled();
        assert.equal(readFileSync(item.partialPath()).length, 100_000);
        const states: string[] = [];
        item.on("updated", (_event, state) => states.push(state));
        origin.dropConnections();
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Neither interrupted nor resumed by itself: a paused download waits for resume().
        assert.deepEqual(states, []);
        assert.equal(item.getState(), "progressing");
        assert.equal(item.isPaused(), true);
        assert.equal(origin.requests.length, 1);
        item.resume();
        assert.equal(await done(item), "completed");
        assert.equal(origin.requests.length, 2);
        assert.equal(origin.requests[1]!.headers.range, "bytes=100000-");
        assertSameBytes(readFileSync(join(dir, "stall.bin")), Buffer.from(BODY));
      },
    ));
});

/** Cuts the origin's connections once the item has saved `bytes`. */
async function cutAt(origin: RangeOrigin, item: DownloadItem, bytes: number): Promise<void> {
  while (item.getReceivedBytes() < bytes) await new Promise((resolve) => setTimeout(resolve, 5));
  origin.dropConnections();
}

/** Starts a download whose first response is cut at 100 000 bytes; returns it interrupted. */
async function cutDownload(origin: RangeOrigin, path: string) {
  const { ses, dir } = freshSession();
  const pending = nextItem(ses);
  ses.downloadURL(`${origin.url}${path}`);
  const item = await pending;
  const stopped = interrupted(item);
  await cutAt(origin, item, 100_000);
  await stopped;
  return { item, dir };
}

describe("resume after the connection dropped", () => {
  const cut = { dropAfter: 100_000, chunked: true };

  it("resumes with Range + If-Range and appends the 206", () =>
    withOrigin({ "/r.bin": { body: BODY, etag: '"strong"', ...cut } }, async (origin) => {
      const { item, dir } = await cutDownload(origin, "/r.bin");
      assert.equal(item.getState(), "interrupted");
      assert.equal(item.getInterruptReason(), "NETWORK_FAILED");
      assert.ok(item.getLastError() instanceof Error);
      assert.equal(item.canResume(), true);
      const saved = item.getReceivedBytes();
      assert.equal(saved, 100_000);
      assert.ok(existsSync(join(dir, "r.bin.crdownload.json")));
      item.resume();
      assert.equal(await done(item), "completed");
      const second = origin.requests[1]!.headers;
      assert.equal(second.range, `bytes=${saved}-`);
      assert.equal(second["if-range"], '"strong"');
      assert.equal(second["accept-encoding"], "identity");
      assert.equal(origin.requests.length, 2);
      // Completed: nothing stopped it, so no reason and no error are left from the cut.
      assert.equal(item.getInterruptReason(), "");
      assert.equal(item.getLastError(), undefined);
      assertSameBytes(readFileSync(join(dir, "r.bin")), Buffer.from(BODY));
      assert.deepEqual(readdirSync(dir), ["r.bin"]);
    }));

  it("a partial file deleted while interrupted restarts from zero on resume(), as too short", () =>
    withOrigin({ "/gone.bin": { body: BODY, etag: '"strong"', ...cut } }, async (origin) => {
      const { item, dir } = await cutDownload(origin, "/gone.bin");
      rmSync(join(dir, "gone.bin.crdownload"));
      item.resume();
      assert.equal(await done(item), "completed", String(item.getLastError()));
      assert.equal(origin.requests.at(-1)!.headers.range, undefined);
      assertSameBytes(readFileSync(join(dir, "gone.bin")), Buffer.from(BODY));
      assert.deepEqual(readdirSync(dir), ["gone.bin"]);
    }));

  it("with Content-Length the cut resumes by itself (SERVER_CONTENT_LENGTH_MISMATCH)", () =>
    withOrigin(
      { "/len.bin": { body: BODY, etag: '"l"', dropAfter: 100_000 } },
      async (origin) => {
        const { ses, dir } = freshSession();
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}/len.bin`);
        const item = await pending;
        const finished = done(item);
        await cutAt(origin, item, 100_000);
        assert.equal(await finished, "completed");
        assert.equal(origin.requests[1]!.headers.range, "bytes=100000-");
        assertSameBytes(readFileSync(join(dir, "len.bin")), Buffer.from(BODY));
      },
    ));

  it("a cut under Content-Length with no strong validator completes, as Chromium does", () =>
    withOrigin({
      "/none.bin": { body: BODY, dropAfter: 100_000 },
      "/weak.bin": { body: BODY, etag: 'W/"w"', dropAfter: 100_000 },
    }, async (origin) => {
      // HandleRequestCompletionStatus: with no strong validator a resume would start again
      // from zero, and a wrong Content-Length would never end, so Chromium keeps what came.
      for (const path of ["/none.bin", "/weak.bin"]) {
        const { ses, dir } = freshSession();
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}${path}`);
        const item = await pending;
        const states: string[] = [];
        item.on("updated", (_event, state) => states.push(state));
        const finished = done(item);
        await cutAt(origin, item, 100_000);
        assert.equal(await finished, "completed");
        assert.ok(!states.includes("interrupted"));
        assert.equal(item.getReceivedBytes(), 100_000);
        assert.equal(item.getTotalBytes(), 100_000);
        assert.equal(item.getInterruptReason(), "");
        const name = path.slice(1);
        assertSameBytes(readFileSync(join(dir, name)), Buffer.from(BODY.subarray(0, 100_000)));
        assert.deepEqual(readdirSync(dir), [name]);
      }
      assert.equal(origin.requests.length, 2);
    }));

  it("a cut that comes before the item reads keeps the bytes that came first", async () => {
    // The server sends its head and 3 of 100 bytes and closes at once, so the connection has
    // failed before the item (waiting for its 'will-download') reads: the bytes were queued
    // ahead of the error and are saved, as Chromium's HttpStreamParser hands them over first.
    // The item once read the error alone and completed with an empty file.
    const server = createNetServer((socket) => {
      socket.on("error", () => {});
      socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cut.bin`);
      const item = await pending;
      assert.equal(await done(item), "completed");
      assert.equal(item.getReceivedBytes(), 3);
      assert.equal(readFileSync(join(dir, "cut.bin"), "latin1"), "abc");
    } finally {
      server.close();
    }
  });

  it("resume() calls while it resumes by itself start no second transfer", () =>
    withOrigin({ "/auto.bin": { body: BODY, etag: '"a"', dropAfter: 100_000 } }, async (o) => {
      const { ses, dir } = freshSession();
      const pending = nextItem(ses);
      ses.downloadURL(`${o.url}/auto.bin`);
      const item = await pending;
      const states: string[] = [];
      item.on("done", (_event, state) => states.push(state));
      const cut = cutAt(o, item, 100_000);
      // A program's resume button, pressed again and again around the cut.
      while (states.length === 0) {
        item.resume();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await cut;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(states, ["completed"]);
      assert.equal(o.requests.length, 2);
      assertSameBytes(readFileSync(join(dir, "auto.bin")), Buffer.from(BODY));
      assert.deepEqual(readdirSync(dir), ["auto.bin"]);
    }));

  it("a server that ignores Range (200) restarts from zero", () =>
    withOrigin({ "/i.bin": { body: BODY, etag: '"i"', ranges: "ignore", ...cut } }, async (o) => {
      const { item, dir } = await cutDownload(o, "/i.bin");
      item.resume();
      assert.equal(await done(item), "completed");
      assert.ok(o.requests[1]!.headers.range);
      assertSameBytes(readFileSync(join(dir, "i.bin")), Buffer.from(BODY));
    }));

  it("a 206 starting early is not appended: the download restarts from zero", () =>
    withOrigin({ "/e.bin": { body: BODY, etag: '"e"', ranges: "early", ...cut } }, async (o) => {
      const { item, dir } = await cutDownload(o, "/e.bin");
      item.resume();
      assert.equal(await done(item), "completed");
      assert.ok(o.requests[1]!.headers.range);
      assert.equal(o.requests[2]!.headers.range, undefined);
      assertSameBytes(readFileSync(join(dir, "e.bin")), Buffer.from(BODY));
    }));

  it("a weak ETag is never sent as If-Range: the resume starts from zero", () =>
    withOrigin({ "/w.bin": { body: BODY, etag: 'W/"weak"', ...cut } }, async (o) => {
      const { item, dir } = await cutDownload(o, "/w.bin");
      const seen: number[] = [];
      item.on("updated", () => seen.push(item.getReceivedBytes()));
      item.resume();
      // A restart drops the saved length at once (Chromium's ResumeInterruptedDownload), so
      // progress never runs backwards from 100 000.
      assert.equal(item.getReceivedBytes(), 0);
      assert.equal(item.getETag(), "");
      assert.equal(await done(item), "completed");
      assert.equal(seen[0], 0);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
      assert.equal(o.requests[1]!.headers.range, undefined);
      assert.equal(o.requests[1]!.headers["if-range"], undefined);
      assertSameBytes(readFileSync(join(dir, "w.bin")), Buffer.from(BODY));
    }));

  it("Last-Modified guards the range when the ETag is weak", () =>
    withOrigin({
      "/lm.bin": {
        body: BODY,
        etag: 'W/"weak"',
        lastModified: "Tue, 01 Sep 2026 10:00:00 GMT",
        ...cut,
      },
    }, async (o) => {
      const { item, dir } = await cutDownload(o, "/lm.bin");
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(o.requests[1]!.headers["if-range"], "Tue, 01 Sep 2026 10:00:00 GMT");
      assertSameBytes(readFileSync(join(dir, "lm.bin")), Buffer.from(BODY));
    }));

  it("a Last-Modified less than 60 s before Date is weak: never sent as If-Range", () =>
    withOrigin({
      "/fresh.bin": { body: BODY, lastModified: new Date().toUTCString(), ...cut },
    }, async (o) => {
      const { item, dir } = await cutDownload(o, "/fresh.bin");
      assert.equal(item.canResume(), true);
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(o.requests[1]!.headers.range, undefined);
      assert.equal(o.requests[1]!.headers["if-range"], undefined);
      assertSameBytes(readFileSync(join(dir, "fresh.bin")), Buffer.from(BODY));
    }));

  it("a changed ETag makes the server send 200 and the download restart", () =>
    withOrigin(
      { "/c.bin": { body: BODY, etag: '"old"', etagLater: '"new"', ...cut } },
      async (o) => {
        const { item, dir } = await cutDownload(o, "/c.bin");
        item.resume();
        assert.equal(await done(item), "completed");
        assert.equal(o.requests[1]!.headers["if-range"], '"old"');
        assert.equal(item.getETag(), '"new"');
        assertSameBytes(readFileSync(join(dir, "c.bin")), Buffer.from(BODY));
      },
    ));

  it("a 206 with another ETag (a server that ignores If-Range) is not appended: it restarts", () =>
    withOrigin({
      "/x.bin": {
        body: BODY,
        bodyLater: bytes(BODY.length, 7),
        etag: '"old"',
        etagLater: '"new"',
        ranges: "no-if-range",
        ...cut,
      },
    }, async (o) => {
      const { item, dir } = await cutDownload(o, "/x.bin");
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(o.requests[1]!.headers["if-range"], '"old"');
      assert.equal(o.requests.at(-1)!.headers.range, undefined);
      assert.equal(item.getETag(), '"new"');
      assertSameBytes(readFileSync(join(dir, "x.bin")), Buffer.from(bytes(BODY.length, 7)));
    }));

  it("416 restarts from zero by itself (SERVER_NO_RANGE)", () =>
    withOrigin({ "/n.bin": { body: BODY, etag: '"n"', ranges: "416", ...cut } }, async (o) => {
      const { item, dir } = await cutDownload(o, "/n.bin");
      item.resume();
      assert.equal(await done(item), "completed");
      assert.ok(o.requests[1]!.headers.range);
      assert.equal(o.requests[2]!.headers.range, undefined);
      assertSameBytes(readFileSync(join(dir, "n.bin")), Buffer.from(BODY));
    }));
});

describe("createInterruptedDownload", () => {
  it("validates with Electron's messages", () => {
    const { ses } = freshSession();
    const base = { path: "/tmp/x", urlChain: ["http://127.0.0.1:9/x"], offset: 0, length: 10 };
    assert.throws(() => ses.createInterruptedDownload({ ...base, path: "" }), {
      message: "Must pass non-empty path, urlChain and length.",
    });
    assert.throws(() => ses.createInterruptedDownload({ ...base, urlChain: [] }), {
      message: "Must pass non-empty path, urlChain and length.",
    });
    assert.throws(() => ses.createInterruptedDownload({ ...base, length: 0 }), {
      message: "Must pass non-empty path, urlChain and length.",
    });
    assert.throws(() => ses.createInterruptedDownload({ ...base, offset: 10 }), {
      message: "Must pass an offset value less than length.",
    });
    // Both are read as int64_t first (V8's IntegerValue): a fraction is cut toward zero, NaN is
    // 0, and a negative length is a length, which the offset is then not below.
    for (
      const [offset, length, message] of [
        [0, 0.5, "Must pass non-empty path, urlChain and length."],
        [0, NaN, "Must pass non-empty path, urlChain and length."],
        [0, -5, "Must pass an offset value less than length."],
        [10.5, 10.9, "Must pass an offset value less than length."],
      ] as const
    ) {
      assert.throws(() => ses.createInterruptedDownload({ ...base, offset, length }), {
        message,
      }, `offset ${offset}, length ${length}`);
    }
    // Values of the wrong type count as absent, as when Electron's conversion of them fails.
    const loose = ses as unknown as { createInterruptedDownload(options: unknown): void };
    for (const wrong of [{ length: "10" }, { urlChain: [9] }, { path: 5 }]) {
      assert.throws(() => loose.createInterruptedDownload({ ...base, ...wrong }), {
        message: "Must pass non-empty path, urlChain and length.",
      }, JSON.stringify(wrong));
    }
    let item: DownloadItem | undefined;
    ses.once("will-download", (event, given) => {
      event.preventDefault();
      item = given;
    });
    loose.createInterruptedDownload({
      ...base,
      offset: "5",
      mimeType: 7,
      eTag: {},
      lastModified: 1,
      startTime: "x",
    });
    assert.deepEqual(
      [item!.getReceivedBytes(), item!.getMimeType(), item!.getETag(), item!.getLastModifiedTime()],
      [0, "", "", ""],
    );
    assert.ok(Math.abs(item!.getStartTime() - Date.now() / 1000) < 60);
  });

  it("fires will-download at once (interrupted) and resumes from the partial file", () =>
    withOrigin({ "/p.bin": { body: BODY, etag: '"p"' } }, async (origin) => {
      const { ses } = freshSession();
      const path = join(freshDir(), "p.bin");
      writeFileSync(`${path}.crdownload`, BODY.subarray(0, 120_000));
      let item: DownloadItem | undefined;
      ses.once("will-download", (_event, given, webContents) => {
        item = given;
        assert.equal(webContents, null);
      });
      ses.createInterruptedDownload({
        path,
        urlChain: [`${origin.url}/p.bin`],
        offset: 120_000,
        length: BODY.length,
        eTag: '"p"',
      });
      assert.ok(item, "will-download fired synchronously");
      assert.equal(item.getState(), "interrupted");
      assert.equal(item.getSavePath(), path);
      assert.equal(item.getReceivedBytes(), 120_000);
      assert.equal(item.canResume(), true);
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests[0]!.headers.range, "bytes=120000-");
      assertSameBytes(readFileSync(path), Buffer.from(BODY));
      assert.equal(existsSync(`${path}.crdownload`), false);
    }));
});

describe("createInterruptedDownload with partial files of its own", () => {
  it("continues bytes kept at the path itself", () =>
    withOrigin({ "/q.bin": { body: BODY, etag: '"q"' } }, async (origin) => {
      const { ses } = freshSession();
      const path = join(freshDir(), "q.bin");
      writeFileSync(path, BODY.subarray(0, 50_000));
      const pending = nextItem(ses);
      ses.createInterruptedDownload({
        path,
        urlChain: [`${origin.url}/q.bin`],
        offset: 50_000,
        length: BODY.length,
        eTag: '"q"',
      });
      const item = await pending;
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests[0]!.headers.range, "bytes=50000-");
      assertSameBytes(readFileSync(path), Buffer.from(BODY));
    }));

  it("bytes kept at the path itself get no sidecar: the user's '<path>.json' is neither replaced nor removed", () =>
    withOrigin({ "/j.bin": { body: BODY, etag: '"j"', chunkDelayMs: 5 } }, async (origin) => {
      const { ses } = freshSession();
      const dir = freshDir();
      for (const end of ["completed", "paused", "cancelled"]) {
        const path = join(dir, end);
        writeFileSync(path, BODY.subarray(0, 50_000));
        writeFileSync(`${path}.json`, '{"mine":true}');
        const pending = nextItem(ses);
        ses.createInterruptedDownload({
          path,
          urlChain: [`${origin.url}/j.bin`],
          offset: 50_000,
          length: BODY.length,
          eTag: '"j"',
        });
        const item = await pending;
        const finished = done(item);
        item.resume();
        if (end === "completed") {
          assert.equal(await finished, "completed");
          assertSameBytes(readFileSync(path), Buffer.from(BODY));
        } else {
          item.pause();
          await item.settled();
          if (end === "cancelled") {
            item.cancel();
            assert.equal(await finished, "cancelled");
          }
        }
        assert.equal(readFileSync(`${path}.json`, "utf8"), '{"mine":true}', `${end}.json`);
      }
      assert.deepEqual(
        readdirSync(dir).sort(),
        [
          "completed",
          "completed.json",
          "paused",
          "paused.json",
          "cancelled.json",
        ].sort(),
      );
    }));

  it("a save path set in 'will-download' takes the partial bytes there and continues them, as Electron's target moves the current path", () =>
    withOrigin({ "/r.bin": { body: BODY, etag: '"r"' } }, async (origin) => {
      const { ses } = freshSession();
      const dir = freshDir();
      for (const [kept, name] of [[".crdownload", "a.bin"], ["", "b.bin"]] as const) {
        const path = join(dir, name);
        writeFileSync(path + kept, BODY.subarray(0, 50_000));
        if (kept !== "") writeFileSync(`${path}${kept}.json`, "{}");
        const target = join(dir, "moved", `new-${name}`);
        // The common listener that names every download's file, restored ones included.
        const pending = nextItem(ses, (item) => item.setSavePath(target));
        ses.createInterruptedDownload({
          path,
          urlChain: [`${origin.url}/r.bin`],
          offset: 50_000,
          length: BODY.length,
          eTag: '"r"',
        });
        const item = await pending;
        item.resume();
        assert.equal(await done(item), "completed", String(item.getLastError()));
        assert.equal(origin.requests.at(-1)!.headers.range, "bytes=50000-");
        assert.equal(item.getSavePath(), target);
        assertSameBytes(readFileSync(target), Buffer.from(BODY));
      }
      assert.deepEqual(readdirSync(dir), ["moved"]);
      assert.deepEqual(readdirSync(join(dir, "moved")).sort(), ["new-a.bin", "new-b.bin"]);
    }));

  it("starts from zero when the partial file is shorter than the offset", () =>
    withOrigin({ "/s.bin": { body: BODY, etag: '"s"' } }, async (origin) => {
      const { ses } = freshSession();
      const path = join(freshDir(), "s.bin");
      writeFileSync(`${path}.crdownload`, BODY.subarray(0, 1_000));
      const pending = nextItem(ses);
      ses.createInterruptedDownload({
        path,
        urlChain: [`${origin.url}/s.bin`],
        offset: 50_000,
        length: BODY.length,
        eTag: '"s"',
      });
      const item = await pending;
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests[0]!.headers.range, undefined);
      assertSameBytes(readFileSync(path), Buffer.from(BODY));
    }));

  it("a restart from zero (no strong validator) rewrites the partial file it was given: nothing is left beside the saved file", () =>
    withOrigin({ "/z.bin": { body: BODY, etag: 'W/"z"' } }, async (origin) => {
      const { ses } = freshSession();
      const dir = freshDir();
      const path = join(dir, "z.bin");
      writeFileSync(`${path}.crdownload`, BODY.subarray(0, 50_000));
      writeFileSync(`${path}.crdownload.json`, "{}");
      const pending = nextItem(ses);
      ses.createInterruptedDownload({
        path,
        urlChain: [`${origin.url}/z.bin`],
        offset: 50_000,
        length: BODY.length,
        eTag: 'W/"z"',
      });
      const item = await pending;
      item.resume();
      assert.equal(await done(item), "completed");
      assert.equal(origin.requests[0]!.headers.range, undefined);
      assertSameBytes(readFileSync(path), Buffer.from(BODY));
      assert.deepEqual(readdirSync(dir), ["z.bin"]);
    }));

  it("interrupts a resumption the server redirects (SERVER_UNREACHABLE), keeping the bytes, as Chromium's DownloadResponseHandler", () =>
    withOrigin({
      "/moved.bin": { body: bytes(1), status: 302, headers: { location: "/other.bin" } },
      "/other.bin": { body: BODY, etag: '"m"' },
    }, async (origin) => {
      const { ses } = freshSession();
      const path = join(freshDir(), "m.bin");
      writeFileSync(`${path}.crdownload`, BODY.subarray(0, 1_000));
      const pending = nextItem(ses);
      ses.createInterruptedDownload({
        path,
        urlChain: [`${origin.url}/moved.bin`],
        offset: 1_000,
        length: BODY.length,
        eTag: '"m"',
      });
      const item = await pending;
      const stopped = interrupted(item);
      item.resume();
      await stopped;
      assert.equal(item.getInterruptReason(), "SERVER_UNREACHABLE");
      assert.equal(item.canResume(), true);
      assert.deepEqual(origin.requests.map((request) => request.path), ["/moved.bin"]);
      assert.equal(origin.requests[0]!.headers.range, "bytes=1000-");
      assert.deepEqual(item.getURLChain(), [`${origin.url}/moved.bin`]);
      assert.equal(readFileSync(`${path}.crdownload`).length, 1_000);
    }));

  it("deletes the partial bytes when cancelled, at the path itself or beside it, as Chromium deletes an interrupted download's current path", async () => {
    const { ses } = freshSession();
    for (const kept of ["", ".crdownload"]) {
      const path = join(freshDir(), "c.bin");
      writeFileSync(path + kept, BODY.subarray(0, 1_000));
      const pending = nextItem(ses);
      ses.createInterruptedDownload({
        path,
        urlChain: ["http://127.0.0.1:9/c.bin"],
        offset: 1_000,
        length: BODY.length,
      });
      const item = await pending;
      item.cancel();
      assert.equal(await done(item), "cancelled");
      assert.equal(existsSync(path + kept), false, `c.bin${kept} is gone`);
    }
  });
});

describe("file names", () => {
  const hostile: Array<[string, string, (name: string) => boolean]> = [
    ["../../x", `attachment; filename="../../x"`, (n) => n === "_.._x"],
    ["absolute path", `attachment; filename="/etc/passwd"`, (n) => n === "_etc_passwd"],
    ["NUL", `attachment; filename*=UTF-8''a%00b.txt`, (n) => n === "a_b.txt"],
    ["%2e%2e%2f", `attachment; filename="%2e%2e%2fx"`, (n) => n === "_x"],
    [
      "300 bytes",
      `attachment; filename="${"n".repeat(300)}.txt"`,
      (n) => n.endsWith(".txt") && Buffer.byteLength(`${n}.crdownload`) <= 255,
    ],
    ["CON", `attachment; filename="CON"`, (n) => n === "_CON"],
    [
      "RTL override",
      `attachment; filename*=UTF-8''evil%E2%80%AEtxt.exe`,
      (n) => n === "evil_txt.exe",
    ],
    // Decoded in its own charset, as Chromium's DecodeExtValue does with ICU.
    [
      "windows-1251",
      `attachment; filename*=windows-1251''%EF%F0%E8%E2%E5%F2.txt; filename=x.txt`,
      (n) => n === "привет.txt",
    ],
    [
      "unknown charset",
      `attachment; filename*=x-unknown''y.txt; filename=x.txt`,
      (n) => n === "x.txt",
    ],
  ];

  for (const [label, header, ok] of hostile) {
    it(`a hostile Content-Disposition name (${label}) stays one file in the directory`, () =>
      withOrigin(
        { "/h": { body: bytes(1000), headers: { "content-disposition": header } } },
        async (origin) => {
          const { ses, dir } = freshSession();
          const pending = nextItem(ses);
          ses.downloadURL(`${origin.url}/h`);
          const item = await pending;
          assert.equal(await done(item), "completed");
          const names = readdirSync(dir);
          assert.equal(names.length, 1);
          assert.ok(ok(names[0]!), `unexpected name ${JSON.stringify(names[0])}`);
          assert.equal(item.getSavePath(), join(dir, names[0]!));
        },
      ));
  }

  it("two downloads to one chosen save path at once keep their own partial files", () =>
    withOrigin({
      "/a.bin": { body: bytes(200_000, 3), chunkDelayMs: 2 },
      "/b.bin": { body: bytes(100_000, 4), chunkDelayMs: 2 },
      // The slowest, so that it completes last, beside the chosen file: same (1).bin.
      "/same.bin": { body: bytes(150_000, 5), chunkDelayMs: 15 },
    }, async (origin) => {
      const { ses } = freshSession();
      const folder = freshDir();
      const target = join(folder, "same.bin");
      // A download under the generated name first: its partial file is same.bin.crdownload.
      ses.setDownloadPath(folder);
      const generated = nextItem(ses);
      ses.downloadURL(`${origin.url}/same.bin`);
      const c = await generated;
      const first = nextItem(ses, (item) => item.setSavePath(target));
      ses.downloadURL(`${origin.url}/a.bin`);
      const a = await first;
      const second = nextItem(ses, (item) => item.setSavePath(target));
      ses.downloadURL(`${origin.url}/b.bin`);
      const b = await second;
      const ends: DownloadItem[] = [];
      await Promise.all([a, b, c].map((item) =>
        done(item).then((state) => {
          assert.equal(state, "completed", `${item.getURL()}: ${item.getInterruptReason()}`);
          ends.push(item);
        })
      ));
      const expected = new Map([[a, bytes(200_000, 3)], [b, bytes(100_000, 4)]]);
      const last = ends.filter((item) => item !== c).at(-1)!;
      assertSameBytes(readFileSync(target), Buffer.from(expected.get(last)!));
      assertSameBytes(readFileSync(c.getSavePath()), Buffer.from(bytes(150_000, 5)));
      assert.deepEqual(
        readdirSync(folder).sort(),
        [...new Set([c.getSavePath().slice(folder.length + 1), "same.bin"])].sort(),
      );
    }));

  it("two downloads of one name at once get name and name (1); an existing file is kept", () =>
    withOrigin({
      "/one/same.bin": { body: bytes(200_000, 1), chunkDelayMs: 2 },
      "/two/same.bin": { body: bytes(200_000, 2), chunkDelayMs: 2 },
      "/exist.bin": { body: bytes(10, 3) },
    }, async (origin) => {
      const { ses, dir } = freshSession();
      const items: DownloadItem[] = [];
      const both = new Promise<void>((resolve) => {
        ses.on("will-download", (_event, item) => {
          items.push(item);
          if (items.length === 2) resolve();
        });
      });
      ses.downloadURL(`${origin.url}/one/same.bin`);
      ses.downloadURL(`${origin.url}/two/same.bin`);
      await both;
      assert.deepEqual(await Promise.all(items.map(done)), ["completed", "completed"]);
      ses.removeAllListeners("will-download");
      const paths = items.map((item) => item.getSavePath()).sort();
      assert.deepEqual(paths, [join(dir, "same (1).bin"), join(dir, "same.bin")]);
      for (const item of items) {
        const seed = item.getURL().includes("/one/") ? 1 : 2;
        assertSameBytes(readFileSync(item.getSavePath()), Buffer.from(bytes(200_000, seed)));
      }
      writeFileSync(join(dir, "exist.bin"), "mine");
      const pending = nextItem(ses);
      ses.downloadURL(`${origin.url}/exist.bin`);
      const item = await pending;
      assert.equal(await done(item), "completed");
      assert.equal(item.getSavePath(), join(dir, "exist (1).bin"));
      assert.equal(readFileSync(join(dir, "exist.bin"), "utf8"), "mine");
    }));
});

describe("a full disk", () => {
  it("counts only the bytes written when the disk fills, so resume() continues the file exactly", async (t) => {
    // A small tmpfs is the one real full disk a test can make; it needs mount rights (root
    // outside a restricted container).
    const dir = freshDir();
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], { stdio: "ignore" });
    } catch {
      t.skip("cannot mount a tmpfs here");
      return;
    }
    try {
      const body = bytes(2 * 1024 * 1024, 7);
      await withOrigin({ "/big.bin": { body, etag: '"big"' } }, async (origin) => {
        const ses = session.fromPartition(`downloads-test-${++partitions}`);
        ses.setDownloadPath(dir);
        const pending = nextItem(ses);
        ses.downloadURL(`${origin.url}/big.bin`);
        const item = await pending;
        await interrupted(item);
        assert.equal(item.getInterruptReason(), "FILE_NO_SPACE");
        const partial = join(dir, "big.bin.crdownload");
        // What the server sent past the disk's end never reached the file: counting it made
        // the resume ask for bytes after a gap.
        assert.equal(item.getReceivedBytes(), statSync(partial).size);
        execFileSync("mount", ["-o", "remount,size=8m", dir]);
        item.resume();
        assert.equal(await done(item), "completed", String(item.getLastError()));
        assertSameBytes(readFileSync(join(dir, "big.bin")), Buffer.from(body));
      });
    } finally {
      execFileSync("umount", [dir]);
    }
  });
});
