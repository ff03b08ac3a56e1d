/**
 * The local origin `ses demo` talks to: a `node:http` server on 127.0.0.1 with a route for
 * each feature the demo shows.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";

/** A running demo origin. */
export interface DemoOrigin {
  /** Its base URL, like `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Stops it. */
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse, base: string) => void;

// The origin's own count of /cached requests, so the demo shows which answers came from it.
let cachedHits = 0;

const ROUTES: Record<string, Route> = {
  "/": (request, response) =>
    json(response, {
      hello: "from the demo origin",
      userAgent: request.headers["user-agent"],
      acceptLanguage: request.headers["accept-language"],
      acceptEncoding: request.headers["accept-encoding"],
    }),
  "/old": (_request, response) => {
    response.writeHead(301, { location: "/moved" }).end();
  },
  "/moved": (_request, response) => {
    response.writeHead(302, { location: "/" }).end();
  },
  "/gzip": (_request, response) => {
    const body = gzipSync("This text travelled gzip-compressed. ".repeat(40));
    response.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" }).end(body);
  },
  "/hint": (_request, response, base) => {
    response.writeHead(200, { link: `<${base}/>; rel=preconnect` }).end("see the Link header");
  },
  "/login": (_request, response) => {
    response.writeHead(200, {
      "set-cookie": "session_id=demo123; Path=/; HttpOnly; SameSite=Lax",
    }).end("logged in");
  },
  "/whoami": (request, response) => json(response, { cookie: request.headers.cookie ?? null }),
  "/cached": (_request, response) => {
    cachedHits++;
    response.writeHead(200, { "cache-control": "max-age=60" }).end(`origin hit ${cachedHits}`);
  },
  "/via": (request, response) => json(response, { via: request.headers.via ?? null }),
  "/download": (_request, response) => {
    response.writeHead(200, {
      "content-type": "text/csv",
      "content-disposition": `attachment; filename="../report 2026.csv"`,
      etag: '"report-1"',
    }).end("month,total\n".repeat(5_000));
  },
  "/bytes": (_request, response) => {
    response.writeHead(200, { "content-type": "application/octet-stream" })
      .end(new Uint8Array(100_000));
  },
};

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
}

/**
 * Starts the demo origin on a free loopback port.
 *
 * @returns The running origin.
 *
 * @example
 * ```ts
 * import { startDemoOrigin } from "./demo_origin.ts";
 * const origin = await startDemoOrigin();
 * console.log(origin.url.startsWith("http://127.0.0.1:")); // true
 * await origin.close();
 * ```
 */
export function startDemoOrigin(): Promise<DemoOrigin> {
  let base = "";
  const server = createServer((request, response) => {
    const route = ROUTES[new URL(request.url ?? "/", base).pathname];
    if (route) route(request, response, base);
    else response.writeHead(404).end("not found");
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      resolve({
        url: base,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
