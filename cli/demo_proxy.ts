/**
 * A tiny forward HTTP proxy for `ses demo`: it takes absolute-form requests
 * (`GET http://host:port/path HTTP/1.1`), passes them on with a `Via` header of its own and
 * relays the answer. Only what the demo needs: no CONNECT, no keep-alive to the origin.
 *
 * @module
 */

import { createServer, request as forward } from "node:http";

/** A running demo proxy. */
export interface DemoProxy {
  /** `127.0.0.1:PORT`, as proxy rules name it. */
  readonly hostPort: string;
  /** How many requests went through it. */
  readonly forwarded: number;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * Starts the demo proxy on a free loopback port.
 *
 * @returns The running proxy.
 *
 * @example
 * ```ts
 * import { startDemoProxy } from "./demo_proxy.ts";
 * const proxy = await startDemoProxy();
 * console.log(proxy.hostPort.startsWith("127.0.0.1:")); // true
 * await proxy.close();
 * ```
 */
export function startDemoProxy(): Promise<DemoProxy> {
  let forwarded = 0;
  const server = createServer((incoming, outgoing) => {
    let target: URL;
    try {
      target = new URL(incoming.url ?? "");
    } catch {
      outgoing.writeHead(400).end("absolute-form request expected");
      return;
    }
    forwarded++;
    const upstream = forward(target, {
      method: incoming.method,
      headers: { ...incoming.headers, via: "1.1 ses-demo-proxy", connection: "close" },
    }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on("error", () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        hostPort: `127.0.0.1:${(server.address() as { port: number }).port}`,
        get forwarded() {
          return forwarded;
        },
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
