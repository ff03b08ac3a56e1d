/**
 * The net log of one auth controller: Chromium's `HttpAuthController` logs on a source of its
 * own (`HTTP_AUTH_CONTROLLER`), bound to the request that called it, so a viewer shows the
 * challenge, the handler chosen for it and each token apart from the transaction's events.
 *
 * @module
 */

import type { NetLogSource, NetLogWithSource } from "../core/net_log_sink.ts";

/** The handler an auth controller chose: Chromium's `AUTH_HANDLER_CREATE_RESULT`. */
export interface AuthHandlerChoice {
  /** The scheme in lower case (`basic`, `digest`, `ntlm`). */
  readonly scheme: string;
  /** The challenge's header value; written only by a capture mode that keeps credentials. */
  readonly challenge?: string;
}

/**
 * What the handler of the identity sent made of the next challenge, in Chromium's words
 * (`HttpAuth::AuthorizationResultToString`): `accept` (NTLM's second leg), `stale` (a Digest
 * nonce), `reject`, or `different_realm`.
 */
export type AuthorizationResult = "accept" | "stale" | "reject" | "different_realm";

/**
 * One controller's events, as Chromium's `net/http/http_auth_controller.cc` and the handler
 * factory write them (checked against `chromium --log-net-log`, version 156):
 *
 * - `AUTH_CONTROLLER` begins `{target, url}` when the controller is first used, and the
 *   calling request gets `AUTH_BOUND_TO_CONTROLLER {source_dependency}` at each challenge and
 *   each answer made before one (Chromium's `BindToCallingNetLog`, called by
 *   `HandleAuthChallenge` and `SelectPreemptiveAuth`);
 * - each challenge is an `AUTH_HANDLE_CHALLENGE` pair `{source_dependency}` holding, after an
 *   identity was sent, `AUTH_HANDLE_CHALLENGE {authorization_result}`, then, when a new
 *   handler is chosen, `AUTH_HANDLER_INIT` (ending `{allows_default_credentials, succeeded}`)
 *   and `AUTH_HANDLER_CREATE_RESULT {allows_default_credentials, challenge, origin, scheme}`;
 * - each credentials header made is an `AUTH_GENERATE_TOKEN` pair `{source_dependency}` around
 *   the handler's own pair;
 * - `AUTH_CONTROLLER` ends with the request's last round.
 *
 * `source_dependency` params hold the {@linkcode NetLogSource} itself; the net log writes it as
 * Chromium's `{id, type}`. Nothing is built when no log is capturing.
 *
 * @example
 * ```ts
 * import type { NetLogEntry } from "../core/net_log_sink.ts";
 * import { AuthNetLog } from "./auth_net_log.ts";
 * const events: NetLogEntry[] = [];
 * let id = 0;
 * const sink = {
 *   capturing: true,
 *   newSource: (type: string) => ({ id: ++id, type, startTime: Date.now() }),
 *   add: (entry: NetLogEntry) => void events.push(entry),
 * };
 * const log = new AuthNetLog(
 *   { sink, source: sink.newSource("URL_REQUEST") },
 *   "server",
 *   "http://a.test/",
 *   "http://a.test",
 * );
 * log.handleChallenge({ scheme: "basic", challenge: 'Basic realm="r"' });
 * log.generateToken();
 * log.end();
 * console.log(events.length); // 12
 * ```
 */
export class AuthNetLog {
  #request: NetLogWithSource;
  #target: "server" | "proxy";
  #url: string;
  #origin: string;
  #source: NetLogSource | undefined;

  /**
   * Prepares a controller's log; nothing is written before its first event.
   *
   * @param request The calling request's log (checked for `capturing` at each event).
   * @param target Whose credentials: the server's or a proxy's.
   * @param url The request's URL for a server, `scheme://host:port/` of a proxy.
   * @param origin `scheme://host:port` of the server or proxy (the handler's `origin`).
   */
  constructor(
    request: NetLogWithSource,
    target: "server" | "proxy",
    url: string,
    origin: string,
  ) {
    this.#request = request;
    this.#target = target;
    this.#url = url;
    this.#origin = origin;
  }

  /**
   * Logs a challenge handled; with `handler`, the new handler chosen for it (none for NTLM's
   * second leg, which the current handler goes on with, and none when no offered scheme is
   * supported).
   *
   * @param handler The handler chosen, if a new one was.
   * @param result What the handler of the identity sent made of the challenge, if one was sent.
   * @param netError The error the challenge ends with (`-115`, `ERR_PROXY_AUTH_UNSUPPORTED`, for
   * a tunnel's that offers nothing to answer), written as the pair's end `{net_error}`.
   */
  handleChallenge(
    handler?: AuthHandlerChoice,
    result?: AuthorizationResult,
    netError?: number,
  ): void {
    const source = this.#bind();
    if (source === undefined) return;
    const { sink } = this.#request;
    const dependency = { source_dependency: this.#request.source };
    sink.add({ type: "AUTH_HANDLE_CHALLENGE", phase: "PHASE_BEGIN", source, params: dependency });
    if (result !== undefined) {
      sink.add({
        type: "AUTH_HANDLE_CHALLENGE",
        phase: "PHASE_NONE",
        source,
        params: { authorization_result: result },
      });
    }
    if (handler !== undefined) this.#created(source, handler);
    const params = netError === undefined ? {} : { net_error: netError };
    sink.add({ type: "AUTH_HANDLE_CHALLENGE", phase: "PHASE_END", source, params });
  }

  /**
   * Logs a handler chosen before any challenge, from the cache (Chromium's
   * `SelectPreemptiveAuth`).
   *
   * @param handler The cached identity's scheme and challenge.
   */
  preemptive(handler: AuthHandlerChoice): void {
    const source = this.#bind();
    if (source !== undefined) this.#created(source, handler);
  }

  /** Logs a credentials header made. */
  generateToken(): void {
    // Chromium's MaybeGenerateAuthToken logs on the controller without binding it again.
    const source = this.#request.sink.capturing ? this.#source ?? this.#bind() : undefined;
    if (source === undefined) return;
    const { sink } = this.#request;
    const dependency = { source_dependency: this.#request.source };
    sink.add({ type: "AUTH_GENERATE_TOKEN", phase: "PHASE_BEGIN", source, params: dependency });
    sink.add({ type: "AUTH_GENERATE_TOKEN", phase: "PHASE_BEGIN", source, params: {} });
    sink.add({ type: "AUTH_GENERATE_TOKEN", phase: "PHASE_END", source, params: {} });
    sink.add({ type: "AUTH_GENERATE_TOKEN", phase: "PHASE_END", source, params: {} });
  }

  /** Ends the controller's source, if it began. */
  end(): void {
    const source = this.#source;
    if (source === undefined || !this.#request.sink.capturing) return;
    this.#source = undefined;
    this.#request.sink.add({ type: "AUTH_CONTROLLER", phase: "PHASE_END", source, params: {} });
  }

  // Chromium's BindToCallingNetLog: the controller's source begins on first use, and the
  // request is told it is bound each time.
  #bind(): NetLogSource | undefined {
    const { sink } = this.#request;
    if (!sink.capturing) return undefined;
    let source = this.#source;
    if (source === undefined) {
      source = this.#source = sink.newSource("HTTP_AUTH_CONTROLLER");
      sink.add({
        type: "AUTH_CONTROLLER",
        phase: "PHASE_BEGIN",
        source,
        params: { target: this.#target, url: this.#url },
      });
    }
    sink.add({
      type: "AUTH_BOUND_TO_CONTROLLER",
      phase: "PHASE_NONE",
      source: this.#request.source,
      params: { source_dependency: source },
    });
    return source;
  }

  #created(source: NetLogSource, handler: AuthHandlerChoice): void {
    const { sink } = this.#request;
    // No handler here uses the platform's default credentials (Chromium's portable NTLM and
    // Digest and Basic never do), and only supported schemes get this far.
    sink.add({ type: "AUTH_HANDLER_INIT", phase: "PHASE_BEGIN", source, params: {} });
    sink.add({
      type: "AUTH_HANDLER_INIT",
      phase: "PHASE_END",
      source,
      params: { allows_default_credentials: false, succeeded: true },
    });
    sink.add({
      type: "AUTH_HANDLER_CREATE_RESULT",
      phase: "PHASE_NONE",
      source,
      params: {
        allows_default_credentials: false,
        ...(handler.challenge === undefined ? {} : { challenge: handler.challenge }),
        origin: this.#origin,
        scheme: handler.scheme,
      },
    });
  }
}

/**
 * The log of a proxy's controller, whose `url` is the proxy's, as Chromium's
 * `HttpNetworkTransaction::AuthURL` and `HttpProxyClientSocket` make it (`http://host:port/`).
 *
 * @param request The calling request's log.
 * @param key The proxy's auth target key, `proxy scheme://host:port` (`proxyTargetKey`).
 * @returns The controller's log.
 *
 * @example
 * ```ts
 * import type { NetLogEntry } from "../core/net_log_sink.ts";
 * import { proxyAuthNetLog } from "./auth_net_log.ts";
 * const events: NetLogEntry[] = [];
 * const sink = {
 *   capturing: true,
 *   newSource: (type: string) => ({ id: events.length + 1, type, startTime: Date.now() }),
 *   add: (entry: NetLogEntry) => void events.push(entry),
 * };
 * const log = proxyAuthNetLog(
 *   { sink, source: sink.newSource("URL_REQUEST") },
 *   "proxy http://127.0.0.1:3128",
 * );
 * log.handleChallenge({ scheme: "basic" });
 * console.log(events[0]?.params); // { target: "proxy", url: "http://127.0.0.1:3128/" }
 * ```
 */
export function proxyAuthNetLog(request: NetLogWithSource, key: string): AuthNetLog {
  const origin = key.slice(key.indexOf(" ") + 1);
  return new AuthNetLog(request, "proxy", `${origin}/`, origin);
}
