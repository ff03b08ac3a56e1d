/**
 * What every event of one hop shares, kept on the request's context: a hop's events come apart
 * in time (its response events after other requests' turns), and reading the method and the
 * Referer again costs a getter and a Headers lookup per event.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { UploadData } from "../core/electron_types.ts";
import type { RequestContext } from "../core/middleware.ts";
import { objectSlot } from "../core/object_slot.ts";

// The upload's list, made once per request: every hop and event of it shows the same bytes.
// A slot on the context, not a module WeakMap (core/object_slot.ts says why).
const uploads = objectSlot<RequestContext, UploadData[]>("webRequest upload");

const HOP = Symbol("webRequest hop");

/** A hop's shared fields. */
export interface Hop {
  readonly request: Request;
  readonly url: string;
  readonly method: string;
  readonly referrer: string;
  readonly uploadData: UploadData[] | undefined;
}

type HopContext = RequestContext & { [HOP]?: Hop };

/** The hop's fields, read once per request object and URL. */
export function hopOf(url: string, request: Request, context: RequestContext): Hop {
  const held = (context as HopContext)[HOP];
  if (held !== undefined && held.request === request && held.url === url) return held;
  // A new Request (a stage that changes headers makes one) may carry another Referer.
  const hop: Hop = {
    request,
    url,
    method: request.method,
    referrer: request.headers.get("referer") ?? "",
    uploadData: uploadData(context),
  };
  (context as HopContext)[HOP] = hop;
  return hop;
}

function uploadData(context: RequestContext): UploadData[] | undefined {
  const body = context.body;
  if (!(body instanceof Uint8Array)) return undefined;
  const held = uploads.get(context);
  if (held !== undefined) return held;
  const bytes = Buffer.from(body);
  const uuid = context.uploadBlobUUID;
  const list: UploadData[] = [
    uuid === undefined ? { type: "rawData", bytes } : { type: "blob", bytes, blobUUID: uuid },
  ];
  uploads.set(context, list);
  return list;
}

/**
 * The request the latest event of the hop at `url` was about: after an `onBeforeSendHeaders`
 * answer, the one sent. For `onResponseStarted`, whose stage above sees only the request as it
 * came in; read from the memo the events keep anyway, so the context takes no other field.
 */
export function hopRequest(context: RequestContext, url: string): Request | undefined {
  const held = (context as HopContext)[HOP];
  return held?.url === url ? held.request : undefined;
}
