/**
 * Turns a net log into a HAR 1.2 archive (http://www.softwareishard.com/blog/har-12-spec/):
 * one entry per hop of each `URL_REQUEST`, with headers, timings, sizes and cache state
 * taken from the events.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { jsonNumber, jsonText } from "./_json_scalar.ts";
import { VERSION } from "../core/version.ts";
import type { ReadNetLog, ReadNetLogEvent } from "./read_net_log.ts";

/** A HAR name/value pair. */
export interface HarNameValue {
  /** Name. */
  name: string;
  /** Value. */
  value: string;
}

/** A HAR cookie: a pair from a `Cookie` header, or a `Set-Cookie` line with its attributes. */
export interface HarCookie extends HarNameValue {
  /** The `Path` attribute. */
  path?: string;
  /** The `Domain` attribute. */
  domain?: string;
  /** ISO 8601 expiry, from `Max-Age` or `Expires`. */
  expires?: string;
  /** The `HttpOnly` attribute. */
  httpOnly?: boolean;
  /** The `Secure` attribute. */
  secure?: boolean;
  /** The `SameSite` attribute, as Chrome's DevTools export it. */
  sameSite?: string;
}

/**
 * A HAR response's content: the decoded body's size, and its bytes when the log kept them
 * (`everything` mode): as text when they are UTF-8, else base64 with `encoding`.
 */
export interface HarContent {
  /** Bytes of the decoded body; 0 when the log shows none. */
  size: number;
  /**
   * Bytes a `Content-Encoding` saved (`size` less the response's `bodySize`); absent when the
   * body was not encoded or either size is unknown.
   */
  compression?: number;
  /** The Content-Type, or `""`. */
  mimeType: string;
  /** The body, when the log holds its bytes. */
  text?: string;
  /** `base64` when `text` is the body in base64. */
  encoding?: string;
}

/** A HAR request's body, when the log holds its bytes as text (`everything` mode). */
export interface HarPostData {
  /** The request's Content-Type, or `""`. */
  mimeType: string;
  /** The body. */
  text: string;
}

/** One HAR entry (the required fields, plus `_error` for a failed request). */
export interface HarEntry {
  /** ISO 8601 start time. */
  startedDateTime: string;
  /** Total milliseconds. */
  time: number;
  /** The request. */
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    headersSize: number;
    /** The body's bytes: 0 for none, -1 when not known (a chunked body outside `everything`). */
    bodySize: number;
    /** The body, from an `everything` log. */
    postData?: HarPostData;
  };
  /** The response; status 0 when none arrived. */
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  /** `{}` from the network; `beforeRequest` describes a cache hit. */
  cache: Record<string, unknown>;
  /** Phase durations in milliseconds; -1 where a phase did not happen. */
  timings: {
    /** Everything before DNS, connect and send: proxy resolution, cache lookups, a socket wait. */
    blocked: number;
    /**
     * Of `blocked`, the time spent resolving the proxy (`PROXY_RESOLUTION_SERVICE`), as Chrome's
     * DevTools write it; absent when the hop resolved none.
     */
    _blocked_proxy?: number;
    dns: number;
    connect: number;
    ssl: number;
    send: number;
    wait: number;
    receive: number;
  };
  /** The remote address, when known. */
  serverIPAddress?: string;
  /** The net log source id, so the entry can be found in the log. */
  _netLogSourceId: number;
  /** The Chromium error name of a failed request, like `ERR_CONNECTION_REFUSED`. */
  _error?: string;
}

/** A HAR 1.2 archive. */
export interface Har {
  /** The log. */
  log: {
    version: "1.2";
    /** This package, which made the archive. */
    creator: { name: string; version: string };
    /** The program that wrote the net log, from its `clientInfo`, when it names one. */
    browser?: { name: string; version: string };
    pages: unknown[];
    entries: HarEntry[];
  };
}

function headerPairs(lines: unknown): HarNameValue[] {
  if (!Array.isArray(lines)) return [];
  return lines.flatMap((line) => {
    if (typeof line !== "string") return [];
    const colon = line.indexOf(":");
    return colon <= 0
      ? []
      : [{ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() }];
  });
}

// The capture mode `default` leaves `[N bytes were stripped]` where a cookie was.
const STRIPPED = /^\[\d+ bytes were stripped\]$/;
const STRIPPED_ANYWHERE = /\[(\d+) bytes were stripped\]/g;

/**
 * HAR 1.2's `headersSize`: the bytes of a head from its first line to the empty line that ends
 * it, made from the logged lines (each ended by CRLF, then one more CRLF), a stripped value
 * counted at the size the log says it had. Header bytes are Latin-1 on the wire, so a logged
 * code unit is a byte; `-1` when there is no logged head to count.
 */
function headSize(firstLine: unknown, lines: unknown): number {
  if (typeof firstLine !== "string" || firstLine === "" || !Array.isArray(lines)) return -1;
  let size = 2;
  for (const line of [firstLine.replace(/\r\n$/, ""), ...lines]) {
    if (typeof line !== "string") return -1;
    let stripped = 0;
    const kept = line.replace(STRIPPED_ANYWHERE, (_, bytes: string) => {
      stripped += Number(bytes);
      return "";
    });
    // A code unit past Latin-1 is counted as its UTF-8 bytes.
    size += (/[^\0-\xff]/.test(kept) ? new TextEncoder().encode(kept).length : kept.length) +
      stripped + 2;
  }
  return size;
}

function requestCookies(headers: HarNameValue[]): HarCookie[] {
  return headers.flatMap(({ name, value }) => {
    if (name.toLowerCase() !== "cookie" || STRIPPED.test(value)) return [];
    return value.split(";").flatMap((pair) => pair.trim() === "" ? [] : [cookiePair(pair)]);
  });
}

function responseCookies(headers: HarNameValue[], start: number): HarCookie[] {
  return headers.flatMap(({ name, value }) => {
    if (name.toLowerCase() !== "set-cookie" || STRIPPED.test(value)) return [];
    const [pair = "", ...attributes] = value.split(";");
    const cookie: HarCookie = cookiePair(pair);
    let maxAge: number | undefined;
    for (const attribute of attributes) {
      const equals = attribute.indexOf("=");
      const key = (equals < 0 ? attribute : attribute.slice(0, equals)).trim().toLowerCase();
      const text = equals < 0 ? "" : attribute.slice(equals + 1).trim();
      if (key === "path") cookie.path = text;
      else if (key === "domain") cookie.domain = text;
      else if (key === "expires" && !Number.isNaN(Date.parse(text))) {
        cookie.expires = new Date(Date.parse(text)).toISOString();
      } else if (key === "max-age" && /^-?\d+$/.test(text)) maxAge = Number(text);
      else if (key === "httponly") cookie.httpOnly = true;
      else if (key === "secure") cookie.secure = true;
      else if (key === "samesite") cookie.sameSite = text;
    }
    // Max-Age wins over Expires (RFC 6265 section 5.3, step 3).
    if (maxAge !== undefined) {
      // A Date goes no further than 8.64e15 ms (ECMAScript's time range).
      cookie.expires = new Date(Math.min(start + Math.max(maxAge, 0) * 1000, 8.64e15))
        .toISOString();
    }
    return [cookie];
  });
}

// `name=value`; a pair without `=` is a nameless cookie, as RFC 6265bis reads it.
function cookiePair(pair: string): HarCookie {
  const equals = pair.indexOf("=");
  return equals < 0
    ? { name: "", value: pair.trim() }
    : { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim() };
}

// The body from the reads' bytes, which only the `everything` mode keeps: every read must
// have them. UTF-8 stays text (HAR's default); anything else is base64.
function bodyText(reads: ReadNetLogEvent[]): { text?: string; encoding?: string } {
  if (reads.length === 0 || !reads.every((e) => typeof e.params?.bytes === "string")) return {};
  const bytes = Buffer.concat(reads.map((e) => Buffer.from(e.params!.bytes as string, "base64")));
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { text: bytes.toString("base64"), encoding: "base64" };
  }
}

// The body of the request whose headers are hop[sentAt]: its size from
// HTTP_TRANSACTION_SEND_REQUEST_BODY (a chunked one's is not known), and its text from the
// bytes sent after them, which only the `everything` mode keeps.
function requestBody(
  hop: ReadNetLogEvent[],
  sentAt: number,
  headers: HarNameValue[],
): { size: number; postData?: HarPostData } | undefined {
  const next = hop.findIndex((e, i) =>
    i > sentAt && (e.type === "HTTP_TRANSACTION_SEND_REQUEST_BODY" ||
      e.type === "HTTP_TRANSACTION_SEND_REQUEST_HEADERS")
  );
  const event = hop[next];
  if (event?.type !== "HTTP_TRANSACTION_SEND_REQUEST_BODY") return undefined;
  const chunked = event.params?.is_chunked === true;
  const length = chunked ? -1 : jsonNumber(event.params?.length ?? -1);
  const written = hop.slice(sentAt).filter((e) =>
    e.type === "SOCKET_BYTES_SENT" || e.type === "SSL_SOCKET_BYTES_SENT"
  );
  if (written.length === 0 || !written.every((e) => typeof e.params?.bytes === "string")) {
    return { size: Number.isFinite(length) && length >= 0 ? length : -1 };
  }
  const bytes = Buffer.concat(written.map((e) => Buffer.from(e.params!.bytes as string, "base64")));
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd < 0) return { size: Number.isFinite(length) && length >= 0 ? length : -1 };
  const rest = bytes.subarray(headEnd + 4);
  const body = chunked ? unchunk(rest) : rest.subarray(0, Math.max(length, 0));
  if (body === undefined) return { size: -1 };
  const mimeType = headers.find((h) => h.name.toLowerCase() === "content-type")?.value ?? "";
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    return { size: body.length, postData: { mimeType, text } };
  } catch {
    // HAR 1.2's postData has no encoding for bytes that are not text: the size alone.
    return { size: body.length };
  }
}

// A chunked body's data (RFC 9112 section 7.1), or undefined when the bytes are not whole.
function unchunk(bytes: Buffer): Buffer | undefined {
  const pieces: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isSafeInteger(size) || size < 0) return undefined;
    if (size === 0) return Buffer.concat(pieces);
    if (lineEnd + 2 + size > bytes.length) return undefined;
    pieces.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

// The time of every begin/end pair of `type`, summed; -1 when there is none.
function spans(events: ReadNetLogEvent[], type: string): number {
  let total = -1;
  let begin: number | undefined;
  for (const event of events) {
    if (event.type !== type) continue;
    if (event.phase === "PHASE_BEGIN") begin = event.time;
    else if (event.phase === "PHASE_END" && begin !== undefined) {
      total = Math.max(total, 0) + Math.max(0, event.time - begin);
      begin = undefined;
    }
  }
  return total;
}

// The begin and end of the pair of `type` open at `events[at]` (the last to begin before it).
function enclosingSpan(
  events: ReadNetLogEvent[],
  type: string,
  at: number,
): { begin: number; end: number } | undefined {
  const begin = events.findLastIndex((e, i) =>
    i < at && e.type === type && (e.phase === "PHASE_BEGIN" || e.phase === "PHASE_END")
  );
  if (begin < 0 || events[begin]!.phase !== "PHASE_BEGIN") return undefined;
  const end = events.findIndex((e, i) => i > begin && e.type === type && e.phase === "PHASE_END");
  return end < 0 ? undefined : { begin: events[begin]!.time, end: events[end]!.time };
}

function span(events: ReadNetLogEvent[], type: string): number {
  const begin = events.find((e) => e.type === type && e.phase === "PHASE_BEGIN");
  const end = events.findLast((e) => e.type === type && e.phase === "PHASE_END");
  return begin && end ? Math.max(0, end.time - begin.time) : -1;
}

// Chromium logs a request's stream job, socket, connect job and host resolution on sources of
// their own, linked by `source_dependency` params; @ses logs them all on the URL_REQUEST. These
// are the links followed, each from a source to one that works for it: request -> stream job
// controller and job, controller -> job, job -> socket or connect job, connect job -> socket
// and host resolver job, socket -> the connect job that made it. (Links back, like a socket's
// SOCKET_IN_USE or a host resolver job's REQUEST_ATTACH, lead to other requests.)
const LINKS = new Set([
  "HTTP_STREAM_JOB_CONTROLLER_BOUND",
  "HTTP_STREAM_REQUEST_BOUND_TO_JOB",
  "HTTP_STREAM_REQUEST_STARTED_JOB",
  "SOCKET_POOL_BOUND_TO_SOCKET",
  "SOCKET_POOL_BOUND_TO_CONNECT_JOB",
  "CONNECT_JOB_SET_SOCKET",
  "TCP_CONNECT_JOB_CONNECTOR_CONNECT_START",
  "HOST_RESOLVER_MANAGER_JOB_ATTACH",
  "SOCKET_ALIVE",
]);
// However a hostile log links its sources, a hop looks at this many of them at most, for links
// at the first events of each (where Chromium's jobs and sockets log them), and at this many of
// a source's events during the hop.
const MAX_LINKED_SOURCES = 16;
const LINK_SCAN_EVENTS = 256;
const MAX_WINDOW_EVENTS = 10_000;

// The sources a hop links to (those that are not URL_REQUESTs), each its events in time order.
function linkedSources(
  hop: ReadNetLogEvent[],
  others: Map<number, ReadNetLogEvent[]>,
): ReadNetLogEvent[][] {
  const seen = new Set<number>();
  const out: ReadNetLogEvent[][] = [];
  for (let at = -1; at < out.length && seen.size < MAX_LINKED_SOURCES; at++) {
    const events = at < 0 ? hop : out[at]!;
    for (const event of events.slice(0, at < 0 ? events.length : LINK_SCAN_EVENTS)) {
      if (!LINKS.has(event.type)) continue;
      const dependency = event.params?.source_dependency;
      if (typeof dependency !== "object" || dependency === null) continue;
      const id = jsonNumber((dependency as { id?: unknown }).id);
      const linked = others.get(id);
      if (linked === undefined || seen.has(id)) continue;
      seen.add(id);
      out.push(linked);
      if (seen.size >= MAX_LINKED_SOURCES) break;
    }
  }
  return out;
}

// The events of a source (in time order, as a log is written) from `from` to `to`, found by
// bisection; a hostile log out of order gets some of them, never a long scan.
function windowOf(events: ReadNetLogEvent[], from: number, to: number): ReadNetLogEvent[] {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (events[middle]!.time < from) low = middle + 1;
    else high = middle;
  }
  const out: ReadNetLogEvent[] = [];
  for (let i = low; i < events.length && out.length < MAX_WINDOW_EVENTS; i++) {
    if (events[i]!.time > to) break;
    out.push(events[i]!);
  }
  return out;
}

// A default-mode log writes a URL that had credentials as `http://host/path (credentials
// redacted)` (Chromium's form, and @ses's): the note is no part of the URL. A URL never ends so
// (a space is percent-encoded in every part of a serialized URL).
const REDACTION_NOTE = " (credentials redacted)";

function withoutRedactionNote(url: string): string {
  return url.endsWith(REDACTION_NOTE) ? url.slice(0, -REDACTION_NOTE.length) : url;
}

function hopEntry(
  hop: ReadNetLogEvent[],
  endTime: number,
  errors: Map<number, string>,
  linked: ReadNetLogEvent[][],
): HarEntry | undefined {
  const start = hop[0];
  if (start === undefined || typeof start.params?.url !== "string") return undefined;
  const href = withoutRedactionNote(start.params.url);
  if (!URL.canParse(href)) return undefined;
  // The hop's events with those of its linked sources that happened during it (a socket
  // connected before the request, for another or as a preconnect, is no part of its time).
  const during = linked.length === 0
    ? hop
    : hop.concat(...linked.map((events) => windowOf(events, start.time, endTime)))
      .sort((a, b) => a.time - b.time);
  const url = new URL(href);
  // The last transaction of the hop (after an auth challenge, the one that was answered) pairs
  // with the response kept.
  const sentAt = hop.findLastIndex((e) => e.type === "HTTP_TRANSACTION_SEND_REQUEST_HEADERS");
  const sent = sentAt < 0 ? undefined : hop[sentAt];
  const received = hop.findLast((e) =>
    e.type === "HTTP_TRANSACTION_READ_RESPONSE_HEADERS" || e.type === "HTTP_CACHE_READ_INFO" ||
    e.type === "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED"
  );
  const fromCache = received?.type === "HTTP_CACHE_READ_INFO";
  const statusLine = Array.isArray(received?.params?.headers)
    ? jsonText(received.params.headers[0] ?? "")
    : "";
  const status = /^HTTP\/(\d\.\d) (\d{3}) ?(.*)$/.exec(statusLine);
  const responseLines: unknown[] = Array.isArray(received?.params?.headers)
    ? received.params.headers.slice(1)
    : [];
  const responseHeaders = headerPairs(responseLines);
  const header = (name: string) =>
    responseHeaders.find((h) => h.name.toLowerCase() === name)?.value;
  const redirect = hop.find((e) => e.type === "URL_REQUEST_REDIRECTED");
  const jobEnd = hop.findLast((e) => e.type === "URL_REQUEST_START_JOB" && e.phase === "PHASE_END");
  // The hop's failure, or, for the last hop, its body's: a request whose body failed after its
  // head (cut short, reset, cancelled) ends REQUEST_ALIVE with the error, its job without.
  const aliveEnd = hop.findLast((e) => e.type === "REQUEST_ALIVE" && e.phase === "PHASE_END");
  const failure = jobEnd?.params?.net_error ?? aliveEnd?.params?.net_error;
  const netError = typeof failure === "number" ? failure : 0;
  const ssl = span(during, "SSL_CONNECT");
  const tcp = span(during, "TCP_CONNECT");
  // An answer made without the network waited from the hop's start for its made-up head.
  const waitFrom = received?.type === "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED" ? start : sent;
  // Sending lasts from the request's headers to its last write before the response came
  // (SOCKET_BYTES_SENT carries byte_count in every capture mode): an upload's time is send's.
  // Chromium's own logs wrap it in HTTP_TRANSACTION_SEND_REQUEST, and their socket writes are
  // on the socket's source.
  const written = (e: ReadNetLogEvent) =>
    (e.type === "SOCKET_BYTES_SENT" || e.type === "SSL_SOCKET_BYTES_SENT") &&
    e.time <= received!.time;
  const lastWrite = sent && received
    ? hop.slice(sentAt).findLast(written) ??
      during.findLast((e) => e.time >= sent.time && written(e))
    : undefined;
  // Chromium begins the step before it builds the headers: the pair open at them.
  const sending = sent ? enclosingSpan(hop, "HTTP_TRANSACTION_SEND_REQUEST", sentAt) : undefined;
  const send = sending
    ? Math.max(0, sending.end - sending.begin)
    : lastWrite && sent
    ? Math.max(0, lastWrite.time - sent.time)
    : 0;
  const wait = waitFrom && received && !fromCache
    ? Math.max(
      0,
      waitFrom === sent && sending
        ? received.time - sending.end
        : received.time - waitFrom.time - (waitFrom === sent ? send : 0),
    )
    : 0;
  const receive = received ? Math.max(0, endTime - received.time) : 0;
  // A fresh connection's peer is TCP_CONNECT's; a reused one's, the stream request's.
  // In a Chromium log, the peer is on the linked socket's TCP_CONNECT, whenever it connected.
  const hasPeer = (e: ReadNetLogEvent) =>
    (e.type === "TCP_CONNECT" || e.type === "HTTP_STREAM_REQUEST") && e.phase === "PHASE_END" &&
    typeof e.params?.remote_address === "string";
  const remote = (hop.findLast(hasPeer) ??
    linked.map((events) => events.slice(0, LINK_SCAN_EVENTS).findLast(hasPeer)).findLast(Boolean))
    ?.params?.remote_address;
  const lengthText = header("content-length");
  const length = lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : -1;
  // Chromium logs each read of the decoded body (URL_REQUEST_JOB_FILTERED_BYTES_READ, its
  // byte_count in every capture mode): the content's size when there are any.
  const reads = hop.filter((e) => e.type === "URL_REQUEST_JOB_FILTERED_BYTES_READ");
  const decoded = reads.reduce((sum, e) => sum + jsonNumber(e.params?.byte_count ?? 0), 0);
  // The bytes on the wire are the decoded ones unless a Content-Encoding says otherwise.
  const encoded = (header("content-encoding") ?? "identity").toLowerCase() !== "identity";
  // No body crosses the wire for a HEAD, a 204, 205 or 304 (RFC 9110 section 6.4.1), whatever
  // Content-Length says; HAR 1.2 sets a 304's bodySize to 0, its content being the cache's.
  const bodiless = start.params.method === "HEAD" ||
    (status !== null && ["204", "205", "304"].includes(status[2]!));
  // A filtered body's reads before decoding (URL_REQUEST_JOB_BYTES_READ) are what came.
  const rawReads = hop.filter((e) => e.type === "URL_REQUEST_JOB_BYTES_READ");
  const bodySize = fromCache || bodiless
    ? 0
    : rawReads.length > 0
    ? rawReads.reduce((sum, e) => sum + jsonNumber(e.params?.byte_count ?? 0), 0)
    : length >= 0
    ? length
    : reads.length > 0 && !encoded
    ? decoded
    : -1;
  const contentSize = reads.length > 0 ? decoded : bodiless ? 0 : Math.max(length, 0);
  const requestHeaders = headerPairs(sent?.params?.headers);
  const upload = sentAt < 0 ? undefined : requestBody(hop, sentAt, requestHeaders);
  // Chromium's connect jobs resolve on a host resolver job of their own.
  const resolving = span(during, "HOST_RESOLVER_MANAGER_REQUEST");
  const dns = resolving >= 0 ? resolving : span(during, "HOST_RESOLVER_MANAGER_JOB");
  // HAR's connect includes ssl.
  const connect = tcp < 0 ? -1 : tcp + Math.max(ssl, 0);
  // HAR 1.2: time is the sum of the timings that apply; what the phases leave out (proxy
  // resolution, cache lookups, waiting for a socket) is the time the request was blocked.
  const phases = [dns, connect, send, wait, receive].reduce(
    (sum, ms) => sum + Math.max(ms, 0),
    0,
  );
  const blocked = Math.max(0, endTime - start.time - phases);
  const proxy = spans(during, "PROXY_RESOLUTION_SERVICE");
  return {
    startedDateTime: new Date(start.time).toISOString(),
    time: blocked + phases,
    request: {
      method: jsonText(start.params.method ?? "GET"),
      url: url.href,
      httpVersion: "HTTP/1.1",
      cookies: requestCookies(requestHeaders),
      headers: requestHeaders,
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      headersSize: headSize(sent?.params?.line, sent?.params?.headers),
      // No body event after the headers sent: there was none; nothing sent: a GET or HEAD
      // has none, another method's is not known.
      bodySize: upload?.size ??
        (sent !== undefined || /^(GET|HEAD)$/.test(jsonText(start.params.method ?? "GET"))
          ? 0
          : -1),
      ...(upload?.postData ? { postData: upload.postData } : {}),
    },
    response: {
      status: status ? Number(status[2]) : 0,
      statusText: status?.[3] ?? "",
      httpVersion: status ? `HTTP/${status[1]}` : "",
      cookies: responseCookies(responseHeaders, start.time),
      headers: responseHeaders,
      content: {
        size: contentSize,
        // HAR 1.2: the bytes a Content-Encoding saved, left out when either size is unknown.
        ...(encoded && bodySize > 0 && reads.length > 0
          ? { compression: contentSize - bodySize }
          : {}),
        mimeType: header("content-type") ?? "",
        ...bodyText(reads),
      },
      redirectURL: typeof redirect?.params?.location === "string"
        ? withoutRedactionNote(redirect.params.location)
        : "",
      // A head read from the cache or made without the network crossed no wire.
      headersSize: received?.type === "HTTP_TRANSACTION_READ_RESPONSE_HEADERS"
        ? headSize(statusLine, responseLines)
        : -1,
      bodySize,
    },
    // HAR 1.2's beforeRequest requires lastAccess (ISO 8601: readers parse it as a date) and
    // eTag: the entry was last opened for this hit, and its stored head has the validator.
    cache: fromCache
      ? {
        beforeRequest: {
          lastAccess: new Date(received!.time).toISOString(),
          eTag: header("etag") ?? "",
          hitCount: 1,
        },
      }
      : {},
    timings: {
      blocked,
      ...(proxy >= 0 ? { _blocked_proxy: Math.min(proxy, blocked) } : {}),
      dns,
      connect,
      ssl,
      send,
      wait,
      receive,
    },
    ...(typeof remote === "string" && remote !== ""
      ? { serverIPAddress: remote.replace(/:\d+$/, "").replace(/^\[|\]$/g, "") }
      : {}),
    _netLogSourceId: start.source.id,
    ...(netError < 0 ? { _error: errors.get(netError) ?? String(netError) } : {}),
  };
}

/**
 * Builds a HAR 1.2 archive from a parsed net log: each `URL_REQUEST_START_JOB` (one per
 * redirect hop) becomes an entry; DNS, connect (TCP plus TLS), TLS, send, wait and receive come
 * from the events' times (in a log Chromium wrote, from the stream job, connect job, host
 * resolver job and socket sources the request's `source_dependency` params lead to, counted
 * when they happened during the hop); a cache hit has `cache.beforeRequest`; a failed request
 * has status 0 and `_error`, and one whose body failed after its head keeps the head's status
 * with `_error`.
 *
 * @param log A log from `parseNetLog`.
 * @returns The archive, ready for `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { netLogToHar } from "./net_log_to_har.ts";
 * const log = {
 *   constants: { netError: {} }, rawEvents: [], truncated: false,
 *   events: [{
 *     time: 0, type: "URL_REQUEST_START_JOB", phase: "PHASE_BEGIN",
 *     source: { id: 1, type: "URL_REQUEST", startTime: 0 },
 *     params: { url: "http://a.test/", method: "GET" },
 *   }],
 * };
 * console.log(netLogToHar(log).log.entries[0]?.request.url); // http://a.test/
 * ```
 */
export function netLogToHar(log: ReadNetLog): Har {
  const errors = new Map<number, string>();
  const table = log.constants.netError;
  if (typeof table === "object" && table !== null) {
    for (const [name, value] of Object.entries(table)) errors.set(jsonNumber(value), name);
  }
  const bySource = new Map<number, ReadNetLogEvent[]>();
  // The sources a request links to (Chromium's logs); an id a hostile log gives to several
  // source types keeps the first one's events.
  const others = new Map<number, ReadNetLogEvent[]>();
  for (const event of log.events) {
    const sources = event.source.type === "URL_REQUEST" ? bySource : others;
    const list = sources.get(event.source.id) ?? [];
    if (list.length > 0 && list[0]!.source.type !== event.source.type) continue;
    list.push(event);
    sources.set(event.source.id, list);
  }
  const entries: HarEntry[] = [];
  for (const events of bySource.values()) {
    const starts = events.flatMap((e, index) =>
      e.type === "URL_REQUEST_START_JOB" && e.phase === "PHASE_BEGIN" ? [index] : []
    );
    starts.forEach((from, n) => {
      const to = starts[n + 1] ?? events.length;
      const hop = events.slice(from, to);
      const endTime = (n + 1 < starts.length ? events[to - 1] : events.at(-1))?.time ?? 0;
      const entry = hopEntry(hop, endTime, errors, linkedSources(hop, others));
      if (entry) entries.push(entry);
    });
  }
  entries.sort((a, b) => a.startedDateTime.localeCompare(b.startedDateTime));
  const client = log.constants.clientInfo as { name?: unknown; version?: unknown } | undefined;
  // HAR 1.2: the creator made the archive (this package, whoever wrote the log); the browser
  // is what recorded it (Chrome, Electron, or @ses's own clientInfo).
  const browser = typeof client?.name === "string" && client.name !== ""
    ? { browser: { name: client.name, version: jsonText(client.version ?? "") } }
    : {};
  return {
    log: {
      version: "1.2",
      creator: { name: "@ses/session", version: VERSION },
      ...browser,
      pages: [],
      entries,
    },
  };
}
