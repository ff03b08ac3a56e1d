/**
 * The origin for the fetch benchmark, run as its own process so that it does not share an
 * event loop with the clients being measured. Prints its port on standard output.
 *
 * Routes: `/1k` (1 KiB body, keep-alive, no caching headers), `/stage` (the same with a
 * Set-Cookie and `Cache-Control: no-store`), `/big` (200 MiB streamed body), `/16k-cached` with
 * any query (16 KiB body, `Cache-Control: max-age=3600`).
 *
 * @module
 */

import { createServer } from "node:http";

const ONE_KIB = new Uint8Array(1024).fill(97);
const BIG_BYTES = 200 * 1024 * 1024;
const BIG_CHUNK = new Uint8Array(256 * 1024).fill(98);
const SIXTEEN_KIB = new Uint8Array(16 * 1024).fill(99);

const server = createServer((request, response) => {
  if (request.url === "/big") {
    response.writeHead(200, { "content-length": String(BIG_BYTES) });
    let sent = 0;
    const pump = () => {
      while (sent < BIG_BYTES) {
        sent += BIG_CHUNK.length;
        if (!response.write(BIG_CHUNK)) return void response.once("drain", pump);
      }
      response.end();
    };
    pump();
    return;
  }
  if (request.url === "/stage") {
    // For the stages benchmark: one cookie set by every response, and never cacheable.
    response.writeHead(200, {
      "content-type": "text/plain",
      "content-length": "1024",
      "set-cookie": "bench=1; Path=/",
      "cache-control": "no-store",
    });
    response.end(ONE_KIB);
    return;
  }
  if (request.url === "/1k-cookie") {
    // For the fetch benchmark's cookie row: /1k with one cookie set by every response.
    response.writeHead(200, {
      "content-type": "text/plain",
      "content-length": "1024",
      "set-cookie": "bench=1; Path=/",
    });
    response.end(ONE_KIB);
    return;
  }
  if (request.url?.startsWith("/16k-cached")) {
    response.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(SIXTEEN_KIB.length),
      "cache-control": "max-age=3600",
    });
    response.end(SIXTEEN_KIB);
    return;
  }
  response.writeHead(200, { "content-type": "text/plain", "content-length": "1024" });
  response.end(ONE_KIB);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log((server.address() as { port: number }).port);
});
