/**
 * The HTTP CONNECT tunnel handshake (RFC 9110 §9.3.6), as Chromium's
 * `HttpProxyClientSocket` runs it: `CONNECT host:port HTTP/1.1`, with what
 * `preemptiveAuthorization` gives (the proxy URI's credentials, or cached ones, as Chromium's
 * auth controller sends them) or else the proxy URI's credentials as `Proxy-Authorization:
 * Basic`, a 407 answered through `authorize` on the same
 * connection (or, when the proxy closes it, on a new one from `reconnect`), anything but 2xx
 * failing with Chromium's codes. While a net log captures, each CONNECT request and reply is
 * logged as `HTTP_TRANSACTION_SEND_TUNNEL_HEADERS` / `HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS`.
 *
 * @module
 */

import {
  type ProxyHandshake,
  type ProxyHandshakeOptions,
  type ProxyTarget,
  tunnelAuthRefused,
} from "../core/proxy_handshake.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import type { NetLogWithSource } from "../core/net_log_sink.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { SessionError } from "../core/session_error.ts";
import { asNetError, SocketReader } from "./_socket_reader.ts";

/** The largest CONNECT response head accepted (Chromium's limit for response headers). */
export const MAX_TUNNEL_HEAD_BYTES = 256 * 1024;
// Answers to 407s before giving up, so a proxy cannot keep a tunnel going round forever. The
// authorizer stops first in the usual cases (the cache's identity, then three prompts; NTLM's
// two legs each): Chromium's tunnel goes on while its auth controller has an identity to try,
// and the authorizer must see the 407 that rejects its last answer to drop it from the cache.
// The server side allows as many (auth/'s MAX_AUTH_ROUNDS).
const MAX_AUTH_ROUNDS = 8;

/**
 * Opens an HTTP CONNECT tunnel over a socket connected (for `https` proxies, over TLS) to the
 * proxy.
 *
 * @param socket The connection to the proxy; on success it carries bytes to `target`.
 * @param proxy The proxy (its `username`/`password` become `Proxy-Authorization: Basic`).
 * @param target The origin's host and port.
 * @param options `{signal, authorize, preemptiveAuthorization, reconnect, userAgent}`.
 * @returns Resolves once the proxy answered 2xx (on the last socket `reconnect` gave, if any).
 * @throws {SessionError} `ERR_TUNNEL_CONNECTION_FAILED` (non-2xx, malformed reply, closed, a
 * 407 with no answer, whose head `tunnelAuthRefusal` gives, a 3xx from any proxy),
 * `ERR_UNABLE_TO_REUSE_CONNECTION_FOR_PROXY_AUTH` (407 on a connection the proxy closes, and no
 * `reconnect`), `ERR_ABORTED`.
 *
 * @example
 * ```ts ignore
 * import { httpConnectHandshake } from "./http_connect_handshake.ts";
 * await httpConnectHandshake(socket, { scheme: "http", host: "proxy", port: 3128 },
 *   { host: "example.com", port: 443 }, {});
 * ```
 */
export const httpConnectHandshake: ProxyHandshake = async (socket, proxy, target, options) => {
  if (proxy.scheme === "direct") throw new TypeError("DIRECT needs no handshake");
  let current = socket;
  let reader = new SocketReader(current, options.signal);
  const netLog = options.netLog?.sink.capturing ? options.netLog : undefined;
  try {
    // The authorizer's own first answer, when it has one, so that a 407 tells it what was
    // refused; without one the proxy URI's credentials go as Basic.
    let authorization = options.preemptiveAuthorization
      ? options.preemptiveAuthorization(proxy)
      : basicCredentials(proxy);
    for (let round = 0;; round++) {
      const request = connectRequest(target, options.userAgent, authorization);
      if (netLog !== undefined) logHead(netLog, "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS", request);
      current.write(request, "latin1");
      const head = await reader.readHead(MAX_TUNNEL_HEAD_BYTES);
      const reply = parseHead(head);
      if (reply === undefined) throw new SessionError("ERR_TUNNEL_CONNECTION_FAILED");
      if (netLog !== undefined) {
        logHead(netLog, "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS", head);
      }
      // Only a 200 opens the tunnel; other 2xx answers fail it, as in Chromium's
      // HttpProxyClientSocket::DoReadHeadersComplete.
      if (reply.status === 200) return;
      if (reply.status === 407 && round < MAX_AUTH_ROUNDS) {
        authorization = await answerChallenge(sanitizeProxyAuth(reply), proxy, options, current);
        if (reply.keepAlive) {
          await reader.read(reply.contentLength);
          continue;
        }
        if (!options.reconnect) {
          throw new SessionError("ERR_UNABLE_TO_REUSE_CONNECTION_FOR_PROXY_AUTH");
        }
        // The answer goes first thing on a new connection, as Chromium's HttpProxyConnectJob
        // does; the rounds count across connections.
        reader.release();
        current = await options.reconnect();
        reader = new SocketReader(current, options.signal);
        continue;
      }
      // Any other answer, a redirect from an HTTPS proxy too (Chromium 156 dropped
      // ERR_HTTPS_PROXY_TUNNEL_RESPONSE_REDIRECT, crbug.com/928551): the proxy must not speak
      // for the origin.
      throw new SessionError("ERR_TUNNEL_CONNECTION_FAILED");
    }
  } catch (error) {
    throw asNetError(error, "ERR_TUNNEL_CONNECTION_FAILED");
  } finally {
    reader.release();
  }
};

// The CONNECT request or the proxy's reply, as Chromium's HttpProxyClientSocket logs them:
// `{line, headers}` for the request (HttpRequestHeaders::NetLogParams), `{headers}` with the
// status line first for the reply (HttpResponseHeaders::NetLogParams). The capture mode strips
// Proxy-Authorization and multi-round challenges.
function logHead(
  netLog: NetLogWithSource,
  type: "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS" | "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS",
  head: string,
): void {
  const lines = head.split("\r\n").filter((line) => line !== "");
  netLog.sink.add({
    type,
    phase: "PHASE_NONE",
    source: netLog.source,
    params: type === "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS"
      ? { line: `${lines[0]}\r\n`, headers: lines.slice(1) }
      : { headers: lines },
  });
}

interface ReplyHead {
  httpVersion: "1.0" | "1.1";
  status: number;
  statusText: string;
  /** Names in lower case, for reading. */
  headers: Array<[string, string]>;
  /** Names as the proxy spelled them. */
  rawHeaders: Array<[string, string]>;
  keepAlive: boolean;
  contentLength: number;
}

// In the order of Chromium's BuildTunnelRequest (http_proxy_client_socket.cc): Host,
// Proxy-Connection, User-Agent, then the auth controller's Proxy-Authorization.
function connectRequest(
  target: ProxyTarget,
  userAgent: string | undefined,
  authorization: string | undefined,
): string {
  const authority = target.host.includes(":")
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
  let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n` +
    "Proxy-Connection: keep-alive\r\n";
  if (userAgent !== undefined && userAgent !== "") request += `User-Agent: ${userAgent}\r\n`;
  if (authorization !== undefined) request += `Proxy-Authorization: ${authorization}\r\n`;
  return `${request}\r\n`;
}

function basicCredentials(proxy: ProxyServer): string | undefined {
  if (proxy.scheme === "direct" || proxy.username === undefined) return undefined;
  const pair = new TextEncoder().encode(`${proxy.username}:${proxy.password ?? ""}`);
  let binary = "";
  for (const byte of pair) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

async function answerChallenge(
  reply: ReplyHead,
  proxy: ProxyServer,
  options: ProxyHandshakeOptions,
  socket: StreamSocket,
): Promise<string> {
  const answer = options.authorize ? await options.authorize(reply.headers, proxy) : undefined;
  // A 407 nobody answers: Chromium shows the request the proxy's head once the login is
  // cancelled (URLRequestHttpJob::CancelAuth), and fails the read of its body with
  // ERR_TUNNEL_CONNECTION_FAILED, since those bytes could be an attacker's
  // (HttpNetworkTransaction::Read, crbug.com/8473); its ERR_PROXY_AUTH_REQUESTED is internal,
  // the signal to ask.
  if (answer === undefined) {
    throw tunnelAuthRefused({
      proxy,
      httpVersion: reply.httpVersion,
      status: reply.status,
      statusText: reply.statusText,
      rawHeaders: reply.rawHeaders,
      remoteAddress: socket.remoteAddress ?? "",
      remotePort: socket.remotePort ?? 0,
    });
  }
  return answer;
}

// What Chromium's ProxyClientSocket::SanitizeProxyAuth keeps of a CONNECT's 407 before the auth
// controller, the 'login' event or the request see it: the hop-by-hop headers, Content-Length and
// Proxy-Authenticate. The proxy must not speak for the origin (no Set-Cookie, no Location).
const PROXY_AUTH_KEPT = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "proxy-authenticate",
]);

function sanitizeProxyAuth(reply: ReplyHead): ReplyHead {
  const headers: Array<[string, string]> = [];
  const rawHeaders: Array<[string, string]> = [];
  for (let i = 0; i < reply.headers.length; i++) {
    if (!PROXY_AUTH_KEPT.has(reply.headers[i]![0])) continue;
    headers.push(reply.headers[i]!);
    rawHeaders.push(reply.rawHeaders[i]!);
  }
  return { ...reply, headers, rawHeaders };
}

function parseHead(head: string): ReplyHead | undefined {
  const lines = head.split("\r\n");
  const match = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (!match) return undefined;
  const headers: Array<[string, string]> = [];
  const rawHeaders: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    headers.push([name.toLowerCase(), value]);
    rawHeaders.push([name, value]);
  }
  const value = (name: string) => headers.find(([key]) => key === name)?.[1];
  const connection = `${value("connection") ?? ""},${value("proxy-connection") ?? ""}`;
  const length = value("content-length");
  const contentLength = length === undefined ? 0 : Number(length);
  const http10 = lines[0]!.startsWith("HTTP/1.0");
  return {
    httpVersion: http10 ? "1.0" : "1.1",
    status: Number(match[2]),
    statusText: match[3] ?? "",
    headers,
    rawHeaders,
    // A body without a length cannot be skipped, so that connection cannot carry a retry.
    keepAlive: !/close/i.test(connection) && !http10 && Number.isSafeInteger(contentLength) &&
      contentLength >= 0 && value("transfer-encoding") === undefined,
    contentLength: Number.isSafeInteger(contentLength) && contentLength >= 0 ? contentLength : 0,
  };
}
