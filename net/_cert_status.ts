/**
 * What a TLS connection's certificate verification left on its socket, for the responses read
 * from it (Chromium's `SSLInfo.cert_status`).
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";
import { objectSlot } from "../core/object_slot.ts";

/**
 * The default verifier's error on a connection whose certificate the verify proc accepted
 * anyway; nothing on a connection whose certificate verified.
 */
export const certStatusErrors = objectSlot<object, NetErrorCode>("certificate status error");
