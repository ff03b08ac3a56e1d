/**
 * Adapts Electron's callback-style handlers (`registerStringProtocol` and kin) to the
 * pipeline's `(request, context) => Promise<Response>`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { callerSpellings, requestHeaderName, spellingIn } from "../core/header_spelling.ts";
import { sentValue, shownValue } from "../core/header_text.ts";
import type { RequestContext } from "../core/middleware.ts";
import { netErrorCode } from "../core/net_errors.ts";
import { isRedirectStatus } from "../core/redirect.ts";
import { SessionError } from "../core/session_error.ts";
import { fileResponse } from "./file_response.ts";
import { withGivenLines } from "./_given_lines.ts";
import { bodyForStatus } from "./_null_body.ts";
import { sentReferrer } from "./_referrer.ts";
import type { LegacyHandler, ProtocolRequest, ProtocolResponse } from "./protocol_types.ts";

export type { LegacyHandler };

/** Which register/intercept method the handler came from. */
export type LegacyKind = "string" | "buffer" | "file" | "http" | "stream";

type Fetch = (
  input: string,
  init: RequestInit & { bypassCustomProtocolHandlers: boolean },
) => Promise<Response>;

/** The session's fetches an http answer goes through. */
export interface LegacyFetches {
  /** This session's. */
  fetch: Fetch;
  /** A new in-memory session's, for `session: null`. */
  independentFetch: Fetch;
}

/** Wraps a callback-style handler of one kind. */
export function legacyHandler(
  kind: LegacyKind,
  handler: LegacyHandler<unknown>,
  fetches: LegacyFetches,
): (request: Request, context: RequestContext) => Promise<Response> {
  return async (request, context) => {
    const answer = await new Promise<unknown[]>((resolve, reject) => {
      const returned: unknown = handler(
        protocolRequest(request, context),
        (...values: unknown[]) => resolve(values),
      );
      // An async handler's rejection fails the request instead of going unhandled.
      if (returned instanceof Promise) returned.catch(reject);
    });
    // Electron's StartLoading: a callback called with nothing at all is not implemented.
    if (answer.length === 0) throw new SessionError("ERR_NOT_IMPLEMENTED", { url: request.url });
    const fields = normalise(kind, answer[0], request.url);
    if (typeof fields.error === "number") {
      throw new SessionError(netErrorCode(fields.error) ?? "ERR_FAILED", { url: request.url });
    }
    const headers = new Headers();
    const lines: Array<[string, string]> = [];
    // Electron's ToResponseHead reads the headers into a dictionary (its keys sorted) and adds
    // string values and the string items of a list, each a line as written; anything else is
    // skipped.
    const given = fields.headers ?? {};
    for (const name of Object.keys(given).sort()) {
      const value: unknown = given[name];
      for (const line of Array.isArray(value) ? value : [value]) {
        if (typeof line !== "string") continue;
        // Text, sent as its UTF-8 bytes (core/header_text.ts).
        const sent = sentValue(line);
        headers.append(name, sent);
        lines.push([name, sent]);
      }
    }
    const status = fields.statusCode ?? 200;
    // Electron follows a redirect answer before it looks at the handler's type or data.
    if (isRedirectStatus(status) && headers.has("location")) {
      return withGivenLines(new Response(null, { status, headers }), lines);
    }
    switch (kind) {
      case "file":
        if (typeof fields.path !== "string") throw new TypeError("A file answer needs a path");
        // Electron's StartLoadingFile hands the request, its headers kept, to the file loader,
        // its URL made by net::FilePathToFileURL (`file:///` and the path), which the loader
        // reads back: a relative path starts at the root, not the working directory, and `..`
        // is resolved by the URL, whatever symbolic link the segment before it is.
        allowAnyOrigin(headers, lines);
        return fileResponse(resolve("/", fields.path), {
          status,
          headers,
          url: request.url,
          range: request.headers.get("range"),
        });
      case "http":
        return httpAnswer(fields, request, context, fetches);
      case "stream":
        // Electron's StartLoadingStream: without a data key the answer itself must be the
        // stream (a Buffer or a bare head is not); data null or undefined said outright is an
        // empty body.
        if (!("data" in fields)) {
          throw new TypeError("A stream answer needs a Readable, or data: Readable | null");
        }
        return answered(streamOf(fields.data), status, headers, lines);
      default: {
        // Electron's ToResponseHead: a mimeType becomes the content-type header as given (no
        // charset), after the handler's own lines; without one the head has no content-type
        // header (its default text/html and charset are the renderer's, not a header).
        if (typeof fields.mimeType === "string" && !headers.has("content-type")) {
          headers.set("content-type", fields.mimeType);
          lines.push(["content-type", fields.mimeType]);
        }
        allowAnyOrigin(headers, lines);
        if (kind === "string") {
          // An object without string data is an empty page in Electron (its data conversion
          // fails and leaves the contents empty). Sent as UTF-8 bytes: a string body would give
          // the Response a content-type of its own.
          const text = typeof fields.data === "string" ? fields.data : "";
          return answered(UTF8.encode(text), status, headers, lines);
        }
        if (!(fields.data instanceof Uint8Array)) {
          throw new TypeError("A buffer answer needs a Buffer");
        }
        return answered(fields.data as BodyInit, status, headers, lines);
      }
    }
  };
}

// Electron's SendContents (string and buffer answers) and StartLoadingFile add this line after
// the handler's own ("to ignore CORS"); its stream and http answers, and so handle()'s, go
// without it.
function allowAnyOrigin(headers: Headers, lines: Array<[string, string]>): void {
  headers.append("access-control-allow-origin", "*");
  lines.push(["Access-Control-Allow-Origin", "*"]);
}

// A 204, 205 or 304 answer goes without the data given, as fetch reads it from the network
// service that Electron's handlers answer through.
function answered(
  body: BodyInit | null,
  status: number,
  headers: Headers,
  lines: Array<[string, string]>,
): Response {
  return withGivenLines(new Response(bodyForStatus(body, status), { status, headers }), lines);
}

// A header named like `__proto__` is an own property like any other.
const OWN = { writable: true, enumerable: true, configurable: true };

const UTF8 = new TextEncoder();

function normalise(kind: LegacyKind, answer: unknown, url: string): ProtocolResponse {
  if (kind === "string" && typeof answer === "string") return { data: answer };
  if (kind === "buffer" && answer instanceof Uint8Array) return { data: answer };
  if (kind === "file" && typeof answer === "string") return { path: answer };
  if (kind === "stream" && isStream(answer)) return { data: answer };
  if (typeof answer === "object" && answer !== null) return answer as ProtocolResponse;
  // Electron's ResponseMustBeObject: these kinds take nothing but an object.
  if (kind === "buffer" || kind === "http" || kind === "stream") {
    throw new SessionError("ERR_NOT_IMPLEMENTED", { url });
  }
  throw new TypeError(`The ${kind} protocol handler answered with ${String(answer)}`);
}

function isStream(value: unknown): boolean {
  return value instanceof ReadableStream || value instanceof Readable;
}

function streamOf(data: unknown): ReadableStream<Uint8Array> | null {
  if (data === undefined || data === null) return null;
  if (data instanceof ReadableStream) return data as ReadableStream<Uint8Array>;
  if (data instanceof Readable) return fromReadable(data);
  throw new TypeError("A stream answer needs a Readable or a ReadableStream");
}

/** Reads a Node.js stream on demand; string chunks (object mode) are sent as UTF-8. */
function fromReadable(readable: Readable): ReadableStream<Uint8Array> {
  const chunks = readable[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) return controller.close();
      controller.enqueue(
        typeof value === "string"
          ? encoder.encode(value)
          : new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
      );
    },
    cancel(reason) {
      readable.destroy(reason instanceof Error ? reason : undefined);
    },
  }, { highWaterMark: 0 });
}

function httpAnswer(
  fields: ProtocolResponse,
  request: Request,
  context: RequestContext,
  fetches: LegacyFetches,
): Promise<Response> {
  if (typeof fields.url !== "string") throw new TypeError("An http answer needs a url");
  const chosen = fields.session;
  // Electron's StartLoadingHttp: `null` is a fresh in-memory context, a Session its own,
  // anything else the handler's session.
  const fetch: Fetch = chosen === null
    ? fetches.independentFetch
    : typeof chosen?.fetch === "function"
    ? (input, init) => chosen.fetch(input, init)
    : fetches.fetch;
  // Electron's StartLoadingHttp starts the new request with the original's own headers, spelled
  // as sent; the jar's Cookie for the new URL is the inner fetch's to add, not this one's.
  const headers = forwardedHeaders(request, context);
  if (fields.referrer) setPair(headers, "referer", fields.referrer);
  const method = fields.method ?? request.method;
  // Electron reads uploadData only for a method other than GET and HEAD, which carry none. The
  // original request's body is not sent on: StartLoadingHttp's new ResourceRequest copies the
  // headers alone, so without uploadData the answer's request has no body.
  const bodiless = method === "GET" || method === "HEAD";
  const upload = bodiless ? undefined : fields.uploadData;
  if (upload?.contentType) setPair(headers, "content-type", upload.contentType);
  const body = upload?.data ?? null;
  return fetch(fields.url, {
    method,
    headers,
    body: body as BodyInit | null,
    bypassCustomProtocolHandlers: true,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  });
}

// The request's own headers, as pairs whose names keep the spelling they were sent with (the
// inner fetch's transport spells them from its `init.headers`).
function forwardedHeaders(request: Request, context: RequestContext): Array<[string, string]> {
  const spellings = callerSpellings(context.headersInit);
  const pairs: Array<[string, string]> = [];
  request.headers.forEach((value, name) => {
    if (name !== "cookie") pairs.push([(spellings && spellingIn(spellings, name)) ?? name, value]);
  });
  return pairs;
}

function setPair(pairs: Array<[string, string]>, name: string, value: string): void {
  const at = pairs.findIndex(([key]) => key.toLowerCase() === name);
  if (at === -1) pairs.push([name, value]);
  else pairs[at] = [pairs[at]![0], value];
}

// Electron converts the request's net::HttpRequestHeaders, whose names keep their spelling
// (`req.headers.Accept`, `User-Agent`): the caller's own as it spelled them, or a webRequest
// answer's, else Chromium's conventional spelling, as the transport sends them.
function protocolRequest(request: Request, context: RequestContext): ProtocolRequest {
  const headers: Record<string, string> = {};
  const spellings = callerSpellings(context.headersInit);
  request.headers.forEach((value, name) => {
    const spelled = (spellings && spellingIn(spellings, name)) ?? requestHeaderName(name);
    Object.defineProperty(headers, spelled, { ...OWN, value: shownValue(value) });
  });
  const result: ProtocolRequest = {
    url: request.url,
    referrer: sentReferrer(request),
    method: request.method,
    headers,
  };
  if (context.body instanceof Uint8Array) {
    const bytes = Buffer.from(context.body);
    const uuid = context.uploadBlobUUID;
    result.uploadData = [
      uuid === undefined ? { type: "rawData", bytes } : { type: "blob", bytes, blobUUID: uuid },
    ];
  }
  return result;
}
