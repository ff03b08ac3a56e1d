/**
 * Chromium's network error table: every `NET_ERROR` entry of `net/base/net_error_list.h`, keyed
 * by the name Chromium prints (`ERR_CONNECTION_REFUSED`) with its number (-102).
 *
 * This is the one mapping in the package: `SessionError` (session_error.ts) takes its codes from
 * here and the netlog writer emits {@linkcode netErrorConstants} as `constants.netError`, so a
 * code and its number can never disagree between an error and a log.
 *
 * Numbers Chromium retired (the FTP range, removed HTTP/2 push errors, ...) are left out, as they
 * are in Chromium's own list; an unknown number reaching {@linkcode netErrorCode} yields
 * `undefined`.
 *
 * @example Look a code up both ways
 * ```ts
 * import { netErrorCode, netErrorNumber } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(netErrorNumber("ERR_CONNECTION_REFUSED"), -102);
 * assert.equal(netErrorCode(-105), "ERR_NAME_NOT_RESOLVED");
 * ```
 *
 * @module
 */

/**
 * Chromium network error names mapped to their numbers, in Chromium's order.
 *
 * Ranges: -1…-99 system, -100…-199 connection, -200…-299 certificate, -300…-399 HTTP,
 * -400…-499 cache, -500…-599 miscellaneous, -700…-799 certificate manager, -800…-899 DNS,
 * -900…-999 blob.
 *
 * @example Read one number
 * ```ts
 * import { NET_ERRORS } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(NET_ERRORS.ERR_CERT_AUTHORITY_INVALID, -202);
 * ```
 */
export const NET_ERRORS = {
  ERR_IO_PENDING: -1,
  ERR_FAILED: -2,
  ERR_ABORTED: -3,
  ERR_INVALID_ARGUMENT: -4,
  ERR_INVALID_HANDLE: -5,
  ERR_FILE_NOT_FOUND: -6,
  ERR_TIMED_OUT: -7,
  ERR_FILE_TOO_BIG: -8,
  ERR_UNEXPECTED: -9,
  ERR_ACCESS_DENIED: -10,
  ERR_NOT_IMPLEMENTED: -11,
  ERR_INSUFFICIENT_RESOURCES: -12,
  ERR_OUT_OF_MEMORY: -13,
  ERR_UPLOAD_FILE_CHANGED: -14,
  ERR_SOCKET_NOT_CONNECTED: -15,
  ERR_FILE_EXISTS: -16,
  ERR_FILE_PATH_TOO_LONG: -17,
  ERR_FILE_NO_SPACE: -18,
  ERR_FILE_VIRUS_INFECTED: -19,
  ERR_BLOCKED_BY_CLIENT: -20,
  ERR_NETWORK_CHANGED: -21,
  ERR_BLOCKED_BY_ADMINISTRATOR: -22,
  ERR_SOCKET_IS_CONNECTED: -23,
  ERR_UPLOAD_STREAM_REWIND_NOT_SUPPORTED: -25,
  ERR_CONTEXT_SHUT_DOWN: -26,
  ERR_BLOCKED_BY_RESPONSE: -27,
  ERR_CLEARTEXT_NOT_PERMITTED: -29,
  ERR_BLOCKED_BY_CSP: -30,
  ERR_BLOCKED_BY_ORB: -32,
  ERR_NETWORK_ACCESS_REVOKED: -33,
  ERR_BLOCKED_BY_FINGERPRINTING_PROTECTION: -34,
  ERR_BLOCKED_IN_INCOGNITO_BY_ADMINISTRATOR: -35,
  ERR_LOCAL_NETWORK_PERMISSION_MISSING: -36,
  ERR_STRICT_ECH_REQUIRED: -37,

  ERR_CONNECTION_CLOSED: -100,
  ERR_CONNECTION_RESET: -101,
  ERR_CONNECTION_REFUSED: -102,
  ERR_CONNECTION_ABORTED: -103,
  ERR_CONNECTION_FAILED: -104,
  ERR_NAME_NOT_RESOLVED: -105,
  ERR_INTERNET_DISCONNECTED: -106,
  ERR_SSL_PROTOCOL_ERROR: -107,
  ERR_ADDRESS_INVALID: -108,
  ERR_ADDRESS_UNREACHABLE: -109,
  ERR_SSL_CLIENT_AUTH_CERT_NEEDED: -110,
  ERR_TUNNEL_CONNECTION_FAILED: -111,
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: -113,
  ERR_SSL_RENEGOTIATION_REQUESTED: -114,
  ERR_PROXY_AUTH_UNSUPPORTED: -115,
  ERR_BAD_SSL_CLIENT_AUTH_CERT: -117,
  ERR_CONNECTION_TIMED_OUT: -118,
  ERR_HOST_RESOLVER_QUEUE_TOO_LARGE: -119,
  ERR_SOCKS_CONNECTION_FAILED: -120,
  ERR_SOCKS_CONNECTION_HOST_UNREACHABLE: -121,
  ERR_ALPN_NEGOTIATION_FAILED: -122,
  ERR_SSL_NO_RENEGOTIATION: -123,
  ERR_WINSOCK_UNEXPECTED_WRITTEN_BYTES: -124,
  ERR_SSL_DECOMPRESSION_FAILURE_ALERT: -125,
  ERR_SSL_BAD_RECORD_MAC_ALERT: -126,
  ERR_PROXY_AUTH_REQUESTED: -127,
  ERR_PROXY_CONNECTION_FAILED: -130,
  ERR_MANDATORY_PROXY_CONFIGURATION_FAILED: -131,
  ERR_PRECONNECT_MAX_SOCKET_LIMIT: -133,
  ERR_SSL_CLIENT_AUTH_PRIVATE_KEY_ACCESS_DENIED: -134,
  ERR_SSL_CLIENT_AUTH_CERT_NO_PRIVATE_KEY: -135,
  ERR_PROXY_CERTIFICATE_INVALID: -136,
  ERR_NAME_RESOLUTION_FAILED: -137,
  ERR_NETWORK_ACCESS_DENIED: -138,
  ERR_TEMPORARILY_THROTTLED: -139,
  ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED: -141,
  ERR_MSG_TOO_BIG: -142,
  ERR_WS_PROTOCOL_ERROR: -145,
  ERR_ADDRESS_IN_USE: -147,
  ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN: -150,
  ERR_CLIENT_AUTH_CERT_TYPE_UNSUPPORTED: -151,
  ERR_SSL_DECRYPT_ERROR_ALERT: -153,
  ERR_WS_THROTTLE_QUEUE_TOO_LARGE: -154,
  ERR_SSL_SERVER_CERT_CHANGED: -156,
  ERR_SSL_UNRECOGNIZED_NAME_ALERT: -159,
  ERR_SOCKET_SET_RECEIVE_BUFFER_SIZE_ERROR: -160,
  ERR_SOCKET_SET_SEND_BUFFER_SIZE_ERROR: -161,
  ERR_SOCKET_RECEIVE_BUFFER_SIZE_UNCHANGEABLE: -162,
  ERR_SOCKET_SEND_BUFFER_SIZE_UNCHANGEABLE: -163,
  ERR_SSL_CLIENT_AUTH_CERT_BAD_FORMAT: -164,
  ERR_ICANN_NAME_COLLISION: -166,
  ERR_SSL_SERVER_CERT_BAD_FORMAT: -167,
  ERR_CT_STH_PARSING_FAILED: -168,
  ERR_CT_STH_INCOMPLETE: -169,
  ERR_UNABLE_TO_REUSE_CONNECTION_FOR_PROXY_AUTH: -170,
  ERR_CT_CONSISTENCY_PROOF_PARSING_FAILED: -171,
  ERR_SSL_OBSOLETE_CIPHER: -172,
  ERR_WS_UPGRADE: -173,
  ERR_READ_IF_READY_NOT_IMPLEMENTED: -174,
  ERR_NO_BUFFER_SPACE: -176,
  ERR_SSL_CLIENT_AUTH_NO_COMMON_ALGORITHMS: -177,
  ERR_EARLY_DATA_REJECTED: -178,
  ERR_WRONG_VERSION_ON_EARLY_DATA: -179,
  ERR_TLS13_DOWNGRADE_DETECTED: -180,
  ERR_SSL_KEY_USAGE_INCOMPATIBLE: -181,
  ERR_INVALID_ECH_CONFIG_LIST: -182,
  ERR_ECH_NOT_NEGOTIATED: -183,
  ERR_ECH_FALLBACK_CERTIFICATE_INVALID: -184,
  ERR_PROXY_UNABLE_TO_CONNECT_TO_DESTINATION: -186,
  ERR_PROXY_DELEGATE_CANCELED_CONNECT_REQUEST: -187,
  ERR_PROXY_DELEGATE_CANCELED_CONNECT_RESPONSE: -188,
  ERR_CONTROL_MSG_TOO_BIG: -189,
  ERR_MULTICAST_NOT_ALLOWED: -190,

  ERR_CERT_COMMON_NAME_INVALID: -200,
  ERR_CERT_DATE_INVALID: -201,
  ERR_CERT_AUTHORITY_INVALID: -202,
  ERR_CERT_CONTAINS_ERRORS: -203,
  ERR_CERT_NO_REVOCATION_MECHANISM: -204,
  ERR_CERT_UNABLE_TO_CHECK_REVOCATION: -205,
  ERR_CERT_REVOKED: -206,
  ERR_CERT_INVALID: -207,
  ERR_CERT_WEAK_SIGNATURE_ALGORITHM: -208,
  ERR_CERT_NON_UNIQUE_NAME: -210,
  ERR_CERT_WEAK_KEY: -211,
  ERR_CERT_NAME_CONSTRAINT_VIOLATION: -212,
  ERR_CERT_VALIDITY_TOO_LONG: -213,
  ERR_CERTIFICATE_TRANSPARENCY_REQUIRED: -214,
  ERR_CERT_KNOWN_INTERCEPTION_BLOCKED: -217,
  ERR_CERT_SELF_SIGNED_LOCAL_NETWORK: -219,
  // Not an error anyone raises: Chromium's marker one past the last certificate error, kept so
  // range checks (`errno <= -200 && errno > ERR_CERT_END`) and netlog constants match Chromium.
  ERR_CERT_END: -220,

  ERR_INVALID_URL: -300,
  ERR_DISALLOWED_URL_SCHEME: -301,
  ERR_UNKNOWN_URL_SCHEME: -302,
  ERR_INVALID_REDIRECT: -303,
  ERR_TOO_MANY_REDIRECTS: -310,
  ERR_UNSAFE_REDIRECT: -311,
  ERR_UNSAFE_PORT: -312,
  ERR_INVALID_RESPONSE: -320,
  ERR_INVALID_CHUNKED_ENCODING: -321,
  ERR_METHOD_NOT_SUPPORTED: -322,
  ERR_UNEXPECTED_PROXY_AUTH: -323,
  ERR_EMPTY_RESPONSE: -324,
  ERR_RESPONSE_HEADERS_TOO_BIG: -325,
  ERR_PAC_SCRIPT_FAILED: -327,
  ERR_REQUEST_RANGE_NOT_SATISFIABLE: -328,
  ERR_MALFORMED_IDENTITY: -329,
  ERR_CONTENT_DECODING_FAILED: -330,
  ERR_NETWORK_IO_SUSPENDED: -331,
  ERR_NO_SUPPORTED_PROXIES: -336,
  ERR_HTTP2_PROTOCOL_ERROR: -337,
  ERR_INVALID_AUTH_CREDENTIALS: -338,
  ERR_UNSUPPORTED_AUTH_SCHEME: -339,
  ERR_ENCODING_DETECTION_FAILED: -340,
  ERR_MISSING_AUTH_CREDENTIALS: -341,
  ERR_UNEXPECTED_SECURITY_LIBRARY_STATUS: -342,
  ERR_MISCONFIGURED_AUTH_ENVIRONMENT: -343,
  ERR_UNDOCUMENTED_SECURITY_LIBRARY_STATUS: -344,
  ERR_RESPONSE_BODY_TOO_BIG_TO_DRAIN: -345,
  ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH: -346,
  ERR_INCOMPLETE_HTTP2_HEADERS: -347,
  ERR_PAC_NOT_IN_DHCP: -348,
  ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION: -349,
  ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION: -350,
  ERR_HTTP2_SERVER_REFUSED_STREAM: -351,
  ERR_HTTP2_PING_FAILED: -352,
  ERR_CONTENT_LENGTH_MISMATCH: -354,
  ERR_INCOMPLETE_CHUNKED_ENCODING: -355,
  ERR_QUIC_PROTOCOL_ERROR: -356,
  ERR_RESPONSE_HEADERS_TRUNCATED: -357,
  ERR_QUIC_HANDSHAKE_FAILED: -358,
  ERR_HTTP2_INADEQUATE_TRANSPORT_SECURITY: -360,
  ERR_HTTP2_FLOW_CONTROL_ERROR: -361,
  ERR_HTTP2_FRAME_SIZE_ERROR: -362,
  ERR_HTTP2_COMPRESSION_ERROR: -363,
  ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION: -364,
  ERR_HTTP_1_1_REQUIRED: -365,
  ERR_PROXY_HTTP_1_1_REQUIRED: -366,
  ERR_PAC_SCRIPT_TERMINATED: -367,
  ERR_INVALID_HTTP_RESPONSE: -370,
  ERR_CONTENT_DECODING_INIT_FAILED: -371,
  ERR_HTTP2_RST_STREAM_NO_ERROR_RECEIVED: -372,
  ERR_TOO_MANY_RETRIES: -375,
  ERR_HTTP2_STREAM_CLOSED: -376,
  ERR_HTTP_RESPONSE_CODE_FAILURE: -379,
  ERR_QUIC_CERT_ROOT_NOT_KNOWN: -380,
  ERR_QUIC_GOAWAY_REQUEST_CAN_BE_RETRIED: -381,
  ERR_TOO_MANY_ACCEPT_CH_RESTARTS: -382,
  ERR_INCONSISTENT_IP_ADDRESS_SPACE: -383,
  ERR_CACHED_IP_ADDRESS_SPACE_BLOCKED_BY_LOCAL_NETWORK_ACCESS_POLICY: -384,
  ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS: -385,
  ERR_ZSTD_WINDOW_SIZE_TOO_BIG: -386,
  ERR_DICTIONARY_LOAD_FAILED: -387,
  ERR_UNEXPECTED_CONTENT_DICTIONARY_HEADER: -388,

  ERR_CACHE_MISS: -400,
  ERR_CACHE_READ_FAILURE: -401,
  ERR_CACHE_WRITE_FAILURE: -402,
  ERR_CACHE_OPERATION_NOT_SUPPORTED: -403,
  ERR_CACHE_OPEN_FAILURE: -404,
  ERR_CACHE_CREATE_FAILURE: -405,
  ERR_CACHE_RACE: -406,
  ERR_CACHE_CHECKSUM_READ_FAILURE: -407,
  ERR_CACHE_CHECKSUM_MISMATCH: -408,
  ERR_CACHE_LOCK_TIMEOUT: -409,
  ERR_CACHE_AUTH_FAILURE_AFTER_READ: -410,
  ERR_CACHE_ENTRY_NOT_SUITABLE: -411,
  ERR_CACHE_DOOM_FAILURE: -412,
  ERR_CACHE_OPEN_OR_CREATE_FAILURE: -413,
  ERR_CACHE_COMPRESSION_FAILURE: -414,

  ERR_INSECURE_RESPONSE: -501,
  ERR_NO_PRIVATE_KEY_FOR_CERT: -502,
  ERR_ADD_USER_CERT_FAILED: -503,
  ERR_INVALID_SIGNED_EXCHANGE: -504,
  ERR_INVALID_WEB_BUNDLE: -505,
  ERR_TRUST_TOKEN_OPERATION_FAILED: -506,
  ERR_TRUST_TOKEN_OPERATION_SUCCESS_WITHOUT_SENDING_REQUEST: -507,
  ERR_HTTPENGINE_PROVIDER_IN_USE: -508,

  ERR_PKCS12_IMPORT_BAD_PASSWORD: -701,
  ERR_PKCS12_IMPORT_FAILED: -702,
  ERR_IMPORT_CA_CERT_NOT_CA: -703,
  ERR_IMPORT_CERT_ALREADY_EXISTS: -704,
  ERR_IMPORT_CA_CERT_FAILED: -705,
  ERR_IMPORT_SERVER_CERT_FAILED: -706,
  ERR_PKCS12_IMPORT_INVALID_MAC: -707,
  ERR_PKCS12_IMPORT_INVALID_FILE: -708,
  ERR_PKCS12_IMPORT_UNSUPPORTED: -709,
  ERR_KEY_GENERATION_FAILED: -710,
  ERR_PRIVATE_KEY_EXPORT_FAILED: -712,
  ERR_SELF_SIGNED_CERT_GENERATION_FAILED: -713,
  ERR_CERT_DATABASE_CHANGED: -714,
  ERR_CERT_VERIFIER_CHANGED: -716,

  ERR_DNS_MALFORMED_RESPONSE: -800,
  ERR_DNS_SERVER_REQUIRES_TCP: -801,
  ERR_DNS_TIMED_OUT: -803,
  ERR_DNS_CACHE_MISS: -804,
  ERR_DNS_SEARCH_EMPTY: -805,
  ERR_DNS_SORT_ERROR: -806,
  ERR_DNS_SECURE_RESOLVER_HOSTNAME_RESOLUTION_FAILED: -808,
  ERR_DNS_NAME_HTTPS_ONLY: -809,
  ERR_DNS_REQUEST_CANCELLED: -810,
  ERR_DNS_NO_MATCHING_SUPPORTED_ALPN: -811,
  ERR_DNS_SECURE_PROBE_RECORD_INVALID: -814,
  ERR_DNS_CACHE_INVALIDATION_IN_PROGRESS: -815,
  ERR_DNS_FORMAT_ERROR: -816,
  ERR_DNS_SERVER_FAILURE: -817,
  ERR_DNS_NOT_IMPLEMENTED: -818,
  ERR_DNS_REFUSED: -819,
  ERR_DNS_OTHER_FAILURE: -820,
  ERR_DNS_DIRECT_ONLY: -821,

  ERR_BLOB_INVALID_CONSTRUCTION_ARGUMENTS: -900,
  ERR_BLOB_OUT_OF_MEMORY: -901,
  ERR_BLOB_FILE_WRITE_FAILED: -902,
  ERR_BLOB_SOURCE_DIED_IN_TRANSIT: -903,
  ERR_BLOB_DEREFERENCED_WHILE_BUILDING: -904,
  ERR_BLOB_REFERENCED_BLOB_BROKEN: -905,
  ERR_BLOB_REFERENCED_FILE_UNAVAILABLE: -906,
} as const;

// `as const` only guards TypeScript callers; freezing keeps the table, and the reverse map built
// from it, trustworthy for plain JavaScript callers too.
Object.freeze(NET_ERRORS);

/**
 * A Chromium network error name, such as `"ERR_CONNECTION_REFUSED"`.
 *
 * @example Narrow a string to a code
 * ```ts
 * import { isNetErrorCode, type NetErrorCode } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const input: string = "ERR_TIMED_OUT";
 * const code: NetErrorCode = isNetErrorCode(input) ? input : "ERR_FAILED";
 * assert.equal(code, "ERR_TIMED_OUT");
 * ```
 */
export type NetErrorCode = keyof typeof NET_ERRORS;

let codesByNumber: Map<number, NetErrorCode> | undefined;

/**
 * Returns the number Chromium uses for a network error name.
 *
 * @param code A Chromium error name, such as `"ERR_CONNECTION_REFUSED"`.
 * @returns The negative error number, such as `-102`.
 * @throws {TypeError} When `code` is not in the table (possible only from untyped callers).
 *
 * @example Get a number
 * ```ts
 * import { netErrorNumber } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(netErrorNumber("ERR_TOO_MANY_REDIRECTS"), -310);
 * ```
 */
export function netErrorNumber(code: NetErrorCode): number {
  if (!isNetErrorCode(code)) {
    throw new TypeError(`Cannot find net error code "${String(code)}": not a Chromium net error`);
  }
  return NET_ERRORS[code];
}

/**
 * Returns the Chromium network error name for a number.
 *
 * @param errno A negative Chromium error number, such as `-105`.
 * @returns The error name, or `undefined` when Chromium defines no error with that number.
 *
 * @example Name a number
 * ```ts
 * import { netErrorCode } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(netErrorCode(-105), "ERR_NAME_NOT_RESOLVED");
 * assert.equal(netErrorCode(-9999), undefined);
 * ```
 */
export function netErrorCode(errno: number): NetErrorCode | undefined {
  // Built on first use: most programs never turn a number back into a name.
  codesByNumber ??= new Map(
    Object.entries(NET_ERRORS).map(([code, number]) => [number, code as NetErrorCode]),
  );
  return codesByNumber.get(errno);
}

/**
 * Tells whether a value is a Chromium network error name from the table.
 *
 * @param value Any value.
 * @returns `true` when `value` is a string naming a Chromium network error.
 *
 * @example Check strings
 * ```ts
 * import { isNetErrorCode } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isNetErrorCode("ERR_CONNECTION_RESET"), true);
 * assert.equal(isNetErrorCode("CONNECTION_RESET"), false);
 * assert.equal(isNetErrorCode(-101), false);
 * ```
 */
export function isNetErrorCode(value: unknown): value is NetErrorCode {
  // hasOwn, not `in`: "toString" and other prototype keys are not error names.
  return typeof value === "string" && Object.hasOwn(NET_ERRORS, value);
}

/**
 * Returns the object a Chromium netlog file carries as `constants.netError`.
 *
 * Each call returns a fresh copy, so the caller may serialise or extend it without touching the
 * table.
 *
 * @returns Every error name mapped to its number.
 *
 * @example Write the netlog constants
 * ```ts
 * import { netErrorConstants } from "./net_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const constants = { netError: netErrorConstants() };
 * assert.equal(constants.netError["ERR_CONNECTION_REFUSED"], -102);
 * ```
 */
export function netErrorConstants(): Record<string, number> {
  return { ...NET_ERRORS };
}
