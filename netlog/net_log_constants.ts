/**
 * The `constants` block of a Chromium net log: the tables that map the numbers in `events`
 * back to names (Chromium's net/log/net_log_util.cc `GetNetConstants`).
 *
 * @module
 */

import os from "node:os";
import process from "node:process";
import { netErrorConstants } from "../core/net_errors.ts";
import { VERSION } from "../core/version.ts";

/**
 * Event types @ses emits, named as in Chromium's net/log/net_log_event_type_list.h. Numbers are
 * positions in this list; the viewer reads them from the constants, never assumes them.
 */
export const NET_LOG_EVENT_TYPES: readonly string[] = [
  "FAILED",
  "REQUEST_ALIVE",
  "HOST_RESOLVER_MANAGER_REQUEST",
  "HOST_RESOLVER_MANAGER_CACHE_HIT",
  "HOST_RESOLVER_MANAGER_JOB",
  "PROXY_RESOLUTION_SERVICE",
  "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST",
  "PROXY_RESOLUTION_SERVICE_DEPRIORITIZED_BAD_PROXIES",
  "BAD_PROXY_LIST_REPORTED",
  "PAC_JAVASCRIPT_ALERT",
  "PAC_JAVASCRIPT_ERROR",
  "PAC_FILE_DECIDER",
  "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT",
  "CONNECT_JOB",
  "TRANSPORT_CONNECT_JOB_CONNECT",
  "SSL_CONNECT_JOB_CONNECT",
  "HTTP_PROXY_CONNECT_JOB_CONNECT",
  "SOCKS_CONNECT_JOB_CONNECT",
  "SOCKET_POOL_CONNECT_JOB_CREATED",
  "SOCKET_POOL_REUSED_AN_EXISTING_SOCKET",
  "SOCKET_POOL_BOUND_TO_SOCKET",
  "SOCKET_POOL_BOUND_TO_CONNECT_JOB",
  "SOCKET_ALIVE",
  "TCP_CONNECT",
  "TCP_CONNECT_ATTEMPT",
  "SSL_CONNECT",
  "SSL_CERTIFICATES_RECEIVED",
  "SOCKS_CONNECT",
  "SOCKS5_CONNECT",
  "SOCKET_BYTES_SENT",
  "SOCKET_BYTES_RECEIVED",
  "SOCKET_CLOSED",
  "URL_REQUEST_START_JOB",
  "URL_REQUEST_REDIRECTED",
  "URL_REQUEST_REDIRECT_JOB",
  "URL_REQUEST_FAKE_RESPONSE_HEADERS_CREATED",
  "URL_REQUEST_FILTERS_SET",
  "URL_REQUEST_JOB_BYTES_READ",
  "URL_REQUEST_JOB_FILTERED_BYTES_READ",
  "URL_REQUEST_DELEGATE_CERTIFICATE_REQUESTED",
  "DELEGATE_INFO",
  "NETWORK_DELEGATE_BEFORE_URL_REQUEST",
  "NETWORK_DELEGATE_BEFORE_START_TRANSACTION",
  "NETWORK_DELEGATE_HEADERS_RECEIVED",
  "CANCELLED",
  "HTTP_CACHE_GET_BACKEND",
  "HTTP_CACHE_OPEN_OR_CREATE_ENTRY",
  "HTTP_CACHE_OPEN_ENTRY",
  "HTTP_CACHE_CREATE_ENTRY",
  "HTTP_CACHE_DOOM_ENTRY",
  "HTTP_CACHE_ADD_TO_ENTRY",
  "HTTP_CACHE_READ_INFO",
  "HTTP_CACHE_WRITE_INFO",
  "HTTP_CACHE_READ_DATA",
  "HTTP_CACHE_WRITE_DATA",
  "HTTP_CACHE_CALLER_REQUEST_HEADERS",
  "HTTP_CACHE_RESTART_PARTIAL_REQUEST",
  "HTTP_STREAM_REQUEST",
  "HTTP_STREAM_JOB",
  "HTTP_TRANSACTION_SEND_REQUEST",
  "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
  "HTTP_TRANSACTION_SEND_REQUEST_BODY",
  "UPLOAD_DATA_STREAM_INIT",
  "UPLOAD_DATA_STREAM_READ",
  "HTTP_TRANSACTION_HTTP2_SEND_REQUEST_HEADERS",
  "HTTP_TRANSACTION_READ_HEADERS",
  "HTTP_STREAM_PARSER_READ_HEADERS",
  "HTTP_TRANSACTION_READ_RESPONSE_HEADERS",
  "HTTP_TRANSACTION_READ_BODY",
  "HTTP_TRANSACTION_DRAIN_BODY_FOR_AUTH_RESTART",
  "HTTP_TRANSACTION_RESTART_AFTER_ERROR",
  "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS",
  "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS",
  "AUTH_HANDLE_CHALLENGE",
  "AUTH_GENERATE_TOKEN",
  "AUTH_CONTROLLER",
  "AUTH_BOUND_TO_CONTROLLER",
  "AUTH_HANDLER_INIT",
  "AUTH_HANDLER_CREATE_RESULT",
  "COOKIE_INCLUSION_STATUS",
  "COOKIE_GET_BLOCKED_BY_NETWORK_DELEGATE",
  "COOKIE_SET_BLOCKED_BY_NETWORK_DELEGATE",
  "COOKIE_STORE_COOKIE_ADDED",
  "COOKIE_STORE_COOKIE_REJECTED_SECURE",
  "THROTTLING_DISCONNECTED_REQUEST",
  "THROTTLING_REQUEST",
  "SSL_SOCKET_BYTES_SENT",
  "SSL_SOCKET_BYTES_RECEIVED",
];

/** Source types @ses creates, named as in Chromium's net/log/net_log_source_type_list.h. */
export const NET_LOG_SOURCE_TYPES: readonly string[] = [
  "NONE",
  "URL_REQUEST",
  "HOST_RESOLVER_IMPL_JOB",
  "PROXY_CLIENT_SOCKET",
  "SOCKET",
  "HTTP_STREAM_JOB",
  "HTTP_AUTH_CONTROLLER",
  "NETWORK_CHANGE_NOTIFIER",
  "PAC_FILE_DECIDER",
];

/** Chromium's event phases and their numbers (net/log/net_log_event_type.h). */
export const NET_LOG_PHASES: Readonly<Record<string, number>> = {
  PHASE_NONE: 0,
  PHASE_BEGIN: 1,
  PHASE_END: 2,
};

/** Chromium's load flags (net/base/load_flags_list.h), the ones a fetch can set. */
export const LOAD_FLAGS: Readonly<Record<string, number>> = {
  NORMAL: 0,
  VALIDATE_CACHE: 1 << 0,
  BYPASS_CACHE: 1 << 1,
  SKIP_CACHE_VALIDATION: 1 << 2,
  ONLY_FROM_CACHE: 1 << 3,
  DISABLE_CACHE: 1 << 4,
  DISABLE_CERT_NETWORK_FETCHES: 1 << 5,
  DO_NOT_SAVE_COOKIES: 1 << 6,
  BYPASS_PROXY: 1 << 7,
};

// Chromium's LoadState values (net/base/load_states_list.h): the viewer's LoadState table.
const LOAD_STATES: Readonly<Record<string, number>> = {
  IDLE: 0,
  WAITING_FOR_STALLED_SOCKET_POOL: 1,
  WAITING_FOR_AVAILABLE_SOCKET: 2,
  WAITING_FOR_DELEGATE: 3,
  WAITING_FOR_CACHE: 4,
  OBSOLETE_WAITING_FOR_APPCACHE: 5,
  DOWNLOADING_PAC_FILE: 6,
  RESOLVING_PROXY_FOR_URL: 7,
  RESOLVING_HOST_IN_PAC_FILE: 8,
  ESTABLISHING_PROXY_TUNNEL: 9,
  RESOLVING_HOST: 10,
  CONNECTING: 11,
  SSL_HANDSHAKE: 12,
  SENDING_REQUEST: 13,
  WAITING_FOR_RESPONSE: 14,
  READING_RESPONSE: 15,
};

/** Maps a name list to `{name: index}`, as the viewer expects. */
function numbered(names: readonly string[]): Record<string, number> {
  const table: Record<string, number> = {};
  names.forEach((name, index) => table[name] = index);
  return table;
}

const EVENT_NUMBERS = numbered(NET_LOG_EVENT_TYPES);
const SOURCE_NUMBERS = numbered(NET_LOG_SOURCE_TYPES);

/**
 * The number of an event type, or `undefined` when the constants do not name it.
 *
 * @param name Like `TCP_CONNECT`.
 * @returns Its number in `logEventTypes`.
 *
 * @example
 * ```ts
 * import { eventTypeNumber } from "./net_log_constants.ts";
 * console.log(eventTypeNumber("REQUEST_ALIVE")); // 1
 * ```
 */
export function eventTypeNumber(name: string): number | undefined {
  return EVENT_NUMBERS[name];
}

/**
 * The number of a source type, or `undefined` when the constants do not name it.
 *
 * @param name Like `URL_REQUEST`.
 * @returns Its number in `logSourceType`.
 *
 * @example
 * ```ts
 * import { sourceTypeNumber } from "./net_log_constants.ts";
 * console.log(sourceTypeNumber("URL_REQUEST")); // 1
 * ```
 */
export function sourceTypeNumber(name: string): number | undefined {
  return SOURCE_NUMBERS[name];
}

// Chromium's "name: version (architecture)"; empty where the runtime may not read it (Deno
// without --allow-sys).
function osType(): string {
  try {
    return `${os.type()}: ${os.release()} (${os.machine()})`;
  } catch {
    return "";
  }
}

/**
 * Builds the `constants` object of a log: `logFormatVersion` 1, the event, phase, source,
 * load-flag, net-error (from the one table in core/net_errors.ts) and address-family tables,
 * `clientInfo`, and `timeTickOffset`: what to add to an event's `time` to get milliseconds
 * since the epoch, as a numeric string.
 *
 * @param timeTickOffset Epoch milliseconds at tick 0.
 * @returns The constants, ready for `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { netLogConstants } from "./net_log_constants.ts";
 * const constants = netLogConstants(1_700_000_000_000);
 * console.log(constants.logFormatVersion, typeof constants.timeTickOffset, constants.timeTickOffset); // 1 string 1700000000000
 * ```
 */
export function netLogConstants(timeTickOffset: number): Record<string, unknown> {
  return {
    logFormatVersion: 1,
    logEventTypes: { ...EVENT_NUMBERS },
    logEventPhase: { ...NET_LOG_PHASES },
    logSourceType: { ...SOURCE_NUMBERS },
    loadFlag: { ...LOAD_FLAGS },
    netError: netErrorConstants(),
    // Chromium's AddressFamily enum (net/base/address_family.h).
    addressFamily: {
      ADDRESS_FAMILY_UNSPECIFIED: 0,
      ADDRESS_FAMILY_IPV4: 1,
      ADDRESS_FAMILY_IPV6: 2,
    },
    certStatusFlag: {},
    certVerifierFlags: {},
    certVerifyFlags: {},
    // Chromium's LoadState (net/base/load_states_list.h), as Chromium 156 numbers it.
    loadState: { ...LOAD_STATES },
    dnsQueryType: { UNSPECIFIED: 0, A: 1, AAAA: 2 },
    secureDnsMode: { Off: 0, Automatic: 1, Secure: 2 },
    quicError: {},
    quicRstStreamError: {},
    timeTickOffset: String(Math.round(timeTickOffset)),
    // components/net_log/chrome_net_log.cc GetPlatformConstantsForNetLog, with this package's
    // channel string where Electron gives "Electron <version>".
    clientInfo: {
      name: "@ses/session",
      version: VERSION,
      cl: "",
      version_mod: `@ses/session ${VERSION}`,
      official: "unofficial",
      os_type: osType(),
      // base::CommandLine::GetCommandLineString: on POSIX the words joined by spaces.
      command_line: process.argv.join(" "),
    },
    activeFieldTrialGroups: [],
  };
}
