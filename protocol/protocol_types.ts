/**
 * The request and answer shapes of the callback-style protocol handlers
 * (`registerXProtocol`, `interceptXProtocol`), as Electron documents them.
 *
 * @module
 */

import type { UploadData } from "../core/electron_types.ts";

/** What a callback-style handler gets (Electron's `ProtocolRequest`). */
export interface ProtocolRequest {
  /** The URL. */
  url: string;
  /** The `Referer` sent, or `""`. */
  referrer: string;
  /** The method. */
  method: string;
  /**
   * The request headers, session defaults included, names spelled as sent (Electron converts
   * `net::HttpRequestHeaders`): `User-Agent`, `Accept`, a caller's own as it spelled them in a
   * plain-object or pairs `init.headers`, a webRequest answer's as answered.
   */
  headers: Record<string, string>;
  /** The upload when it is a byte body. */
  uploadData?: UploadData[];
}

/** What a callback-style handler answers with (Electron's `ProtocolResponse`). */
export interface ProtocolResponse {
  /** A Chromium net error number (`-6` is `net::ERR_FILE_NOT_FOUND`): fail with it. */
  error?: number;
  /** The status; default 200. */
  statusCode?: number;
  /**
   * The charset of string data, for a renderer. Read and kept as Electron does, where it goes
   * to the response head's charset and no header: string data is sent as UTF-8.
   */
  charset?: string;
  /**
   * The MIME type of string or byte data: sent as the `content-type` header, as given (no
   * charset added), unless `headers` has one. Without it the response has no `content-type`
   * header, as in Electron (its `text/html` default is the renderer's).
   */
  mimeType?: string;
  /** Response headers. */
  headers?: Record<string, string | string[]>;
  /** The body: a string, bytes, a web `ReadableStream` or a Node.js `Readable`. */
  data?: unknown;
  /** For file handlers: the file to send. */
  path?: string;
  /** For http handlers: the URL to fetch instead. */
  url?: string;
  /** For http handlers: the method; default the request's. */
  method?: string;
  /** For http handlers: the referrer to send. */
  referrer?: string;
  /**
   * For http handlers: the session that fetches `url` (its cookies, cache, proxy); default this
   * one. `null` fetches it through a new in-memory session of its own, as Electron's "random
   * independent session".
   */
  session?: ProtocolSession | null;
  /** For http handlers: the body to send. */
  uploadData?: ProtocolResponseUploadData;
}

/** The body an http handler's answer sends (Electron's `ProtocolResponseUploadData`). */
export interface ProtocolResponseUploadData {
  /** The body's MIME type, sent as `Content-Type`. */
  contentType?: string;
  /** The body. */
  data: string | Uint8Array;
}

/** What an http answer's `session` needs: a `Session` has it. */
export interface ProtocolSession {
  /**
   * Fetches a resource (`ses.fetch`).
   *
   * @param input The URL.
   * @param init The method, headers, body and signal.
   * @returns The response.
   */
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

/**
 * A callback-style handler (`registerStringProtocol` and kin): call `callback` once with the
 * answer, now or later.
 */
export type LegacyHandler<A> = (request: ProtocolRequest, callback: (answer: A) => void) => void;
