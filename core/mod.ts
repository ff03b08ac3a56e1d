/**
 * Shared types and primitives of @ses: Electron's structures, the net error table,
 * `SessionError`, the typed emitter, the pipeline stage type and the `Runtime` interface.
 *
 * @example Catching a network failure by its Chromium name
 * ```ts
 * import { SessionError } from "./mod.ts";
 * const error: unknown = new SessionError("ERR_CONNECTION_REFUSED");
 * if (SessionError.is(error)) console.log(error.code, error.errno); // ERR_CONNECTION_REFUSED -102
 * ```
 *
 * @module
 */

export * from "./cookie_jar_like.ts";
export * from "./blob_registry.ts";
export * from "./concat_bytes.ts";
export * from "./conversion_error.ts";
export * from "./discard_body.ts";
export * from "./electron_event.ts";
export * from "./electron_types.ts";
export * from "./header_lines.ts";
export * from "./header_spelling.ts";
export * from "./hid_backend.ts";
export * from "./host_lookup.ts";
export * from "./map_stream_errors.ts";
export * from "./middleware.ts";
export * from "./net_errors.ts";
export * from "./net_log_sink.ts";
export * from "./proxy_handshake.ts";
export * from "./proxy_resolver_like.ts";
export * from "./raw_header_values.ts";
export * from "./read_body_capped.ts";
export * from "./redirect.ts";
export * from "./request_cache_modes.ts";
export * from "./response_info.ts";
export * from "./response_url.ts";
export * from "./response_with_body.ts";
export * from "./runtime.ts";
export * from "./serial_io.ts";
export * from "./session_error.ts";
export * from "./stream_socket.ts";
export * from "./typed_emitter.ts";
export * from "./unless_aborted.ts";
export * from "./url_chain.ts";
export * from "./url_pattern.ts";
export * from "./version.ts";
export * from "./whole_body.ts";
