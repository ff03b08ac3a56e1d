/**
 * NTLMv2 messages ([MS-NLMP]), written here: the maintained npm NTLM clients either send
 * NTLMv1 as well, tie the messages to their own HTTP agent, or need `node:crypto`'s MD4 the
 * same way this file does, so the three messages are short enough to keep in our hands.
 * Flags and layout follow Chromium's `net/ntlm/ntlm_client.cc` in its v2 mode, without the
 * MIC and channel bindings (servers accept their absence unless they demand extended
 * protection).
 *
 * @module
 */

import { createHash, createHmac, randomBytes } from "node:crypto";
import { concatBytes } from "../core/concat_bytes.ts";

const SIGNATURE = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00]; // "NTLMSSP\0"
const NEGOTIATE_UNICODE = 0x00000001;
const NEGOTIATE_OEM = 0x00000002;
const REQUEST_TARGET = 0x00000004;
const NEGOTIATE_NTLM = 0x00000200;
const NEGOTIATE_ALWAYS_SIGN = 0x00008000;
const NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
const NEGOTIATE_TARGET_INFO = 0x00800000;
/** Chromium's `kNegotiateMessageFlags`. */
const NEGOTIATE_FLAGS = NEGOTIATE_UNICODE | NEGOTIATE_OEM | REQUEST_TARGET | NEGOTIATE_NTLM |
  NEGOTIATE_ALWAYS_SIGN | NEGOTIATE_EXTENDED_SESSIONSECURITY;
const AV_EOL = 0;
const AV_TIMESTAMP = 7;

/** The parts of the server's CHALLENGE_MESSAGE the answer needs. */
export interface NtlmChallenge {
  /** The flags the server agreed to. */
  readonly flags: number;
  /** The 8-byte server challenge. */
  readonly serverChallenge: Uint8Array;
  /** The AV pairs as sent (copied into the NTLMv2 blob). */
  readonly targetInfo: Uint8Array;
}

/** Fixed inputs, for reproducing [MS-NLMP]'s worked examples in tests. */
export interface NtlmAuthenticateOptions {
  /** The 8-byte client challenge; random by default. */
  clientChallenge?: Uint8Array;
  /** The FILETIME (100 ns since 1601) to put in the blob; the server's, else now, by default. */
  timestamp?: bigint;
}

/**
 * The NEGOTIATE_MESSAGE (type 1), base64, to send as `NTLM <token>`.
 *
 * @returns The token.
 *
 * @example
 * ```ts
 * import { ntlmNegotiate } from "./ntlm.ts";
 * console.log(ntlmNegotiate().startsWith("TlRMTVNTUAABAAAA")); // true
 * ```
 */
export function ntlmNegotiate(): string {
  const message = new Uint8Array(32);
  message.set(SIGNATURE);
  const view = new DataView(message.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(12, NEGOTIATE_FLAGS, true);
  // Empty domain and workstation fields: offsets point at the end, as Chromium's do.
  view.setUint32(20, 32, true);
  view.setUint32(28, 32, true);
  return bytesToBase64(message);
}

/**
 * Reads a CHALLENGE_MESSAGE (type 2) from the token of an `NTLM <token>` challenge.
 *
 * @param token The base64 token.
 * @returns Its flags, server challenge and target info, or `undefined` when the token is not a
 * well-formed challenge message (bad base64, wrong signature or type, fields out of bounds).
 *
 * @example
 * ```ts
 * import { readNtlmChallenge } from "./ntlm.ts";
 * console.log(readNtlmChallenge("bm90IG50bG0=")); // undefined
 * ```
 */
export function readNtlmChallenge(token: string): NtlmChallenge | undefined {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(token);
  } catch {
    return undefined;
  }
  if (bytes.length < 32 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== 2) return undefined;
  const flags = view.getUint32(20, true);
  let targetInfo = new Uint8Array(0);
  if (bytes.length >= 48 && (flags & NEGOTIATE_TARGET_INFO) !== 0) {
    const length = view.getUint16(40, true);
    const offset = view.getUint32(44, true);
    if (offset + length > bytes.length) return undefined;
    targetInfo = bytes.slice(offset, offset + length);
  }
  return { flags, serverChallenge: bytes.slice(24, 32), targetInfo };
}

/**
 * The AUTHENTICATE_MESSAGE (type 3) with NTLMv2 and LMv2 responses, base64.
 *
 * @param challenge The server's challenge message.
 * @param username The user name, `DOMAIN\user` or `user` (the domain then empty).
 * @param password The password.
 * @param options Fixed client challenge and timestamp (tests).
 * @returns The token to send as `NTLM <token>`.
 *
 * @example
 * ```ts
 * import { ntlmAuthenticate } from "./ntlm.ts";
 * const token = ntlmAuthenticate(
 *   { flags: 0x00088201, serverChallenge: new Uint8Array(8), targetInfo: new Uint8Array(4) },
 *   "EXAMPLE\\alice",
 *   "secret",
 * );
 * console.log(token.startsWith("TlRMTVNTUAADAAAA")); // true
 * ```
 */
export function ntlmAuthenticate(
  challenge: NtlmChallenge,
  username: string,
  password: string,
  options: NtlmAuthenticateOptions = {},
): string {
  const slash = username.indexOf("\\");
  const domain = slash === -1 ? "" : username.slice(0, slash);
  const user = slash === -1 ? username : username.slice(slash + 1);
  const clientChallenge = options.clientChallenge ?? new Uint8Array(randomBytes(8));
  const timestamp = options.timestamp ?? serverTimestamp(challenge.targetInfo) ?? fileTimeNow();
  const hash = ntlmv2Hash(user, domain, password);
  const blob = ntlmv2Blob(timestamp, clientChallenge, challenge.targetInfo);
  const proof = hmacMd5(hash, concatBytes([challenge.serverChallenge, blob]));
  const ntResponse = concatBytes([proof, blob]);
  const lmResponse = concatBytes([
    hmacMd5(hash, concatBytes([challenge.serverChallenge, clientChallenge])),
    clientChallenge,
  ]);
  const flags = (challenge.flags & NEGOTIATE_FLAGS) | NEGOTIATE_UNICODE;
  const fields = [lmResponse, ntResponse, utf16le(domain), utf16le(user), new Uint8Array(0)];
  const header = 64;
  const message = new Uint8Array(header + fields.reduce((sum, field) => sum + field.length, 0));
  message.set(SIGNATURE);
  const view = new DataView(message.buffer);
  view.setUint32(8, 3, true);
  let offset = header;
  fields.forEach((field, i) => {
    const at = 12 + i * 8;
    view.setUint16(at, field.length, true);
    view.setUint16(at + 2, field.length, true);
    view.setUint32(at + 4, offset, true);
    message.set(field, offset);
    offset += field.length;
  });
  // No session key: Chromium sends an empty EncryptedRandomSessionKey too.
  view.setUint32(52 + 4, offset, true);
  view.setUint32(60, flags, true);
  return bytesToBase64(message);
}

/**
 * NTOWFv2 ([MS-NLMP] §3.3.2): HMAC-MD5 keyed with MD4(UTF-16LE password) over the upper-cased
 * user name and the domain.
 *
 * @param user The user name without domain.
 * @param domain The domain (may be empty).
 * @param password The password.
 * @returns The 16-byte key.
 *
 * @example [MS-NLMP] §4.2.4.1.1
 * ```ts
 * import { ntlmv2Hash } from "./ntlm.ts";
 * const hex = Array.from(ntlmv2Hash("User", "Domain", "Password"),
 *   (b) => b.toString(16).padStart(2, "0")).join("");
 * console.log(hex); // 0c868a403bfd7a93a3001ef22ef02e3f
 * ```
 */
export function ntlmv2Hash(user: string, domain: string, password: string): Uint8Array {
  const ntHash = createHash("md4").update(utf16le(password)).digest();
  return hmacMd5(ntHash, utf16le(user.toUpperCase() + domain));
}

/**
 * The NTLMv2 client blob ([MS-NLMP] §2.2.2.7): version, timestamp, client challenge, AV pairs.
 *
 * @param timestamp FILETIME, 100 ns units since 1601-01-01.
 * @param clientChallenge 8 bytes.
 * @param targetInfo The server's AV pairs.
 * @returns The blob.
 *
 * @example
 * ```ts
 * import { ntlmv2Blob } from "./ntlm.ts";
 * console.log(ntlmv2Blob(0n, new Uint8Array(8), new Uint8Array(4)).length); // 36
 * ```
 */
export function ntlmv2Blob(
  timestamp: bigint,
  clientChallenge: Uint8Array,
  targetInfo: Uint8Array,
): Uint8Array {
  const blob = new Uint8Array(28 + targetInfo.length + 4);
  const view = new DataView(blob.buffer);
  blob[0] = 1;
  blob[1] = 1;
  view.setBigUint64(8, timestamp, true);
  blob.set(clientChallenge, 16);
  blob.set(targetInfo, 28);
  return blob;
}

function serverTimestamp(targetInfo: Uint8Array): bigint | undefined {
  const view = new DataView(targetInfo.buffer, targetInfo.byteOffset, targetInfo.byteLength);
  for (let at = 0; at + 4 <= targetInfo.length;) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === AV_EOL) return undefined;
    if (id === AV_TIMESTAMP && length === 8 && at + 12 <= targetInfo.length) {
      return view.getBigUint64(at + 4, true);
    }
    at += 4 + length;
  }
  return undefined;
}

function fileTimeNow(): bigint {
  // FILETIME counts 100 ns ticks from 1601; the Unix epoch is 11 644 473 600 s later.
  return (BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n;
}

function hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("md5", key).update(data).digest());
}

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[i * 2] = code & 0xff;
    bytes[i * 2 + 1] = code >> 8;
  }
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
