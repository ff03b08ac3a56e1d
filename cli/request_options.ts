/**
 * The curl-style request options `ses fetch` and `ses download` share: `-H` headers, `-u` and
 * `-U` credentials, `--proxy`, `--proxy-bypass` and `-k`, parsed and put on a session.
 *
 * @module
 */

import type { Session, SessionEvents } from "../session/mod.ts";

/** A user name and password, from `USER:PASSWORD`. */
export interface Credentials {
  /** Everything before the first colon. */
  username: string;
  /** Everything after it (may be empty). */
  password: string;
}

/** The `-H` lines, as curl reads them. */
export interface HeaderOptions {
  /**
   * Headers to send, in order; `Name;` is the header with an empty value, as curl sends it.
   */
  headers: [string, string][];
  /**
   * Names given a blank value (`Name:`) and no value elsewhere: not sent, the session's own
   * header of that name neither (curl's way to remove one of its headers).
   */
  omitHeaders: string[];
  /** Every name given a blank value, also those given a value elsewhere too. */
  blank: string[];
}

/**
 * Reads curl's `-H` lines: `Name: value`; `Name;` for an empty value; `Name:` with nothing after
 * the colon to send nothing and keep the session's own header of that name off as well.
 *
 * @param command The command, for messages (`ses fetch`).
 * @param lines The `-H` values, in order.
 * @returns The headers and the names to omit.
 * @throws {TypeError} When a line has no name or no colon (and is not `Name;`).
 *
 * @example
 * ```ts
 * import { parseHeaderOptions } from "./request_options.ts";
 * const { headers, omitHeaders } = parseHeaderOptions("ses fetch", ["X-A: 1", "X-B;", "Accept:"]);
 * console.log(headers, omitHeaders); // [ [ "X-A", "1" ], [ "X-B", "" ] ] [ "Accept" ]
 * ```
 */
export function parseHeaderOptions(command: string, lines: readonly string[]): HeaderOptions {
  const headers: [string, string][] = [];
  const blank: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    const semicolon = /^([^:;]+);\s*$/.exec(line);
    if (colon === -1 && semicolon !== null) headers.push([semicolon[1]!.trim(), ""]);
    else if (colon <= 0) {
      throw new TypeError(
        `${command}: header "${line}" must look like "Name: value" (or "Name;" for an empty value)`,
      );
    } else {
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (value === "") blank.push(name);
      else headers.push([name, value]);
    }
  }
  // A blank one leaves a header given with a value alone, as curl still sends that one.
  const omitHeaders = blank.filter((name) =>
    !headers.some(([given]) => given.toLowerCase() === name.toLowerCase())
  );
  return { headers, omitHeaders, blank };
}

/**
 * Splits `USER:PASSWORD` at the first colon, as curl splits `-u` and `-U`; without a colon curl
 * would prompt for the password, which a script cannot answer.
 *
 * @param command The command, for messages (`ses fetch`).
 * @param option The option's long name, for messages (`--user`).
 * @param text The option's value, `undefined` when the option was not given.
 * @returns The credentials, `undefined` without the option.
 * @throws {TypeError} When there is no colon.
 *
 * @example
 * ```ts
 * import { parseCredentials } from "./request_options.ts";
 * console.log(parseCredentials("ses fetch", "--user", "ann:se:cret")?.password); // "se:cret"
 * ```
 */
export function parseCredentials(
  command: string,
  option: string,
  text: string | undefined,
): Credentials | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(":");
  if (colon === -1) {
    throw new TypeError(
      `${command}: ${option} needs a password: USER:PASSWORD (an empty one as "${text}:")`,
    );
  }
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * `-u` as credentials in the URL: the auth stage answers the server's first challenge with them
 * in the strongest scheme offered (curl's `--anyauth`; nothing is sent before the server asks,
 * and nothing to another origin after a redirect). The auth stage percent-decodes them.
 *
 * @param href The URL as given; returned as it is when it does not parse (fetch reports it).
 * @param user The credentials.
 * @returns The URL with them as its userinfo.
 *
 * @example
 * ```ts
 * import { withUser } from "./request_options.ts";
 * console.log(withUser("http://a.test/x", { username: "ann", password: "p@ss" }));
 * // "http://ann:p%40ss@a.test/x"
 * ```
 */
export function withUser(href: string, user: Credentials): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return href;
  }
  url.username = encodeURIComponent(user.username);
  url.password = encodeURIComponent(user.password);
  return url.href;
}

/**
 * The end of a failure's line for a URL typed without its scheme, as curl takes one
 * (`example.com`, `localhost:8080/x`: curl guesses `http://`). `ses` sends what it was given, as
 * fetch does, so such a URL fails (`Invalid URL`, or `net::ERR_UNKNOWN_URL_SCHEME` for
 * `localhost:` read as a scheme); the hint names what was likely meant.
 *
 * @param url The URL as given.
 * @returns `; a URL starts with its scheme, like http://<url>`, or `""` when the URL has a
 * scheme of its own (one with `://`, or `mailto:x` and its kind).
 *
 * @example
 * ```ts
 * import { schemeHint } from "./request_options.ts";
 * console.log(schemeHint("localhost:8080/x")); // "; a URL starts with its scheme, like http://localhost:8080/x"
 * console.log(JSON.stringify(schemeHint("https://a.test/"))); // ""
 * ```
 */
export function schemeHint(url: string): string {
  if (!/^[A-Za-z0-9]/.test(url) || url.includes("://") || !URL.canParse(`http://${url}`)) {
    return "";
  }
  // `localhost:8080` parses, as a URL of scheme `localhost:`: a port after the colon tells it.
  if (URL.canParse(url) && !/^[^:/]+:\d+(?:[/?#]|$)/.test(url)) return "";
  return `; a URL starts with its scheme, like http://${url}`;
}

/**
 * `-U` as curl's `--proxy-user` with `--proxy-anyauth`: a `'login'` listener that gives each
 * proxy that asks the credentials once, in the strongest scheme it offers (a proxy that asks
 * again refused them, and its 407 or the tunnel's failure is the answer); a server's challenge
 * is left to `-u`.
 *
 * @param user The credentials.
 * @returns The listener, for `ses.on("login", ...)`.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { proxyLogin } from "./request_options.ts";
 * const ses = session.fromPartition("proxy-login-example");
 * const listener = proxyLogin({ username: "ann", password: "secret" });
 * ses.on("login", listener);
 * ses.off("login", listener);
 * ```
 */
export function proxyLogin(user: Credentials): SessionEvents["login"] {
  return answerOnce(user, (isProxy) => isProxy);
}

/**
 * `-u` for a request whose URL cannot carry it (a resumed download's comes from its sidecar): a
 * `'login'` listener that gives the server at `url`'s origin the credentials at its first
 * challenge (a server that asks again refused them, and its 401 is the answer), and no other
 * server or proxy, so a redirect elsewhere never receives them, as `ses fetch -u`.
 *
 * @param user The credentials.
 * @param url The URL whose origin may have them.
 * @returns The listener, for `ses.on("login", ...)`.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { serverLogin } from "./request_options.ts";
 * const ses = session.fromPartition("server-login-example");
 * const listener = serverLogin({ username: "ann", password: "secret" }, "http://a.test/f");
 * ses.on("login", listener);
 * ses.off("login", listener);
 * ```
 */
export function serverLogin(user: Credentials, url: string): SessionEvents["login"] {
  const { hostname, port, protocol } = new URL(url);
  // An IPv6 literal keeps its brackets, as the 'login' event's authInfo.host shows it.
  const origin = `${hostname}:${port || (protocol === "https:" ? 443 : 80)}`;
  return answerOnce(user, (isProxy, hostPort) => !isProxy && hostPort === origin);
}

// A 'login' listener answering each host:port it accepts once, in the strongest scheme offered.
function answerOnce(
  user: Credentials,
  accepts: (isProxy: boolean, hostPort: string) => boolean,
): SessionEvents["login"] {
  const answered = new Set<string>();
  return (event, _details, { isProxy, host, port }, callback) => {
    const hostPort = `${host}:${port}`;
    if (!accepts(isProxy, hostPort) || answered.has(hostPort)) return;
    answered.add(hostPort);
    event.preventDefault();
    callback(user.username, user.password);
  };
}

/**
 * Leaves the session's own headers named by `omitHeaders` off every request: the webRequest
 * stage before sending is where an Electron program takes one off.
 *
 * @param ses The session.
 * @param omitHeaders The names, any case.
 * @returns Removes the listener again.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { omitSessionHeaders } from "./request_options.ts";
 * const remove = omitSessionHeaders(session.fromPartition("omit-example"), ["Accept"]);
 * remove();
 * ```
 */
export function omitSessionHeaders(ses: Session, omitHeaders: readonly string[]): () => void {
  const omitted = new Set(omitHeaders.map((name) => name.toLowerCase()));
  ses.webRequest.onBeforeSendHeaders((details, callback) => {
    const requestHeaders = Object.fromEntries(
      Object.entries(details.requestHeaders).filter(([name]) => !omitted.has(name.toLowerCase())),
    );
    callback({ requestHeaders });
  });
  return () => ses.webRequest.onBeforeSendHeaders(null);
}
