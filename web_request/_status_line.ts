/**
 * The status line an `onHeadersReceived` answer gives, read as Electron reads it: its
 * ReadFromResponse hands the text to `HttpResponseHeaders::ReplaceStatusLine`, whose
 * ParseStatusLine (net/http/http_response_headers.cc) takes any text and normalises it.
 *
 * @module
 */

/** A status line as Chromium keeps it, and what it says. */
export interface StatusLine {
  /** The normalised line (`HTTP/1.1 404 Not Found`), which webRequest's details show. */
  statusLine: string;
  /** The code; 200 when the line has none. */
  status: number;
  /** The reason phrase, `""` when the line has none. */
  statusText: string;
  /** The version as the response's facts keep it: 1.0 for 0.9 and 1.0, 1.1 above. */
  httpVersion: "1.0" | "1.1";
}

const SPACE = 0x20;

/**
 * Reads a status line leniently, as Chromium does: the version (`HTTP/x.y`, `HTTP` in any case,
 * the digits after the slash and after the first dot) is clamped to 0.9, 1.0, 1.1 or 2.0, an
 * unreadable one taken for 1.0; after the first space come the code's digits (none: `200`, and
 * `200 OK` when there is no space at all) and the reason, its surrounding spaces dropped.
 *
 * @param text The line as given.
 * @returns The line as Chromium keeps it.
 */
export function parseStatusLine(text: string): StatusLine {
  const [major, minor] = version(text);
  const head = major === 0 && minor === 9
    ? "HTTP/0.9"
    : major === 2 && minor === 0
    ? "HTTP/2.0"
    : major > 1 || (major === 1 && minor >= 1)
    ? "HTTP/1.1"
    : "HTTP/1.0";
  const httpVersion = head === "HTTP/1.1" || head === "HTTP/2.0" ? "1.1" : "1.0";
  let at = text.indexOf(" ");
  if (at === -1) {
    return { statusLine: `${head} 200 OK`, status: 200, statusText: "OK", httpVersion };
  }
  while (text.charCodeAt(at) === SPACE) at++;
  const start = at;
  while (isDigit(text.charCodeAt(at))) at++;
  if (at === start) return { statusLine: `${head} 200`, status: 200, statusText: "", httpVersion };
  const digits = text.slice(start, at);
  while (text.charCodeAt(at) === SPACE) at++;
  let end = text.length;
  while (end > at && text.charCodeAt(end - 1) === SPACE) end--;
  const statusText = text.slice(at, end);
  return {
    statusLine: `${head} ${digits}${statusText === "" ? "" : ` ${statusText}`}`,
    status: Number(digits),
    statusText,
    httpVersion,
  };
}

// HttpResponseHeaders::ParseVersion: [0, 0] when the text does not say one.
function version(text: string): [number, number] {
  if (text.slice(0, 4).toLowerCase() !== "http" || text[4] !== "/") return [0, 0];
  const dot = text.indexOf(".", 5);
  if (dot === -1) return [0, 0];
  const major = text.charCodeAt(5);
  const minor = text.charCodeAt(dot + 1);
  if (!isDigit(major) || !isDigit(minor)) return [0, 0];
  return [major - 0x30, minor - 0x30];
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
