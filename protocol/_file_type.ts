/**
 * The content type of a file's answer, as Chromium's FileURLLoader chooses it: by the file's
 * extension (`net::GetMimeTypeFromFile`), else by sniffing its first bytes
 * (`net::SniffMimeType`, HTML sniffing off for file URLs).
 *
 * @module
 */

/** The bytes Chromium sniffs (net::kMaxBytesToSniff). */
export const SNIFF_BYTES = 1024;

/**
 * Types by extension: Chromium's own table (net/base/mime_util.cc, its primary mappings and
 * the secondary ones a platform does not override), each checked against /usr/bin/chromium.
 */
const BY_EXTENSION: Record<string, string> = {
  // Primary mappings.
  webm: "video/webm",
  mp3: "audio/mpeg",
  wasm: "application/wasm",
  crx: "application/x-chrome-extension",
  xhtml: "application/xhtml+xml",
  xht: "application/xhtml+xml",
  xhtm: "application/xhtml+xml",
  flac: "audio/flac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  wav: "audio/wav",
  m4a: "audio/x-m4a",
  avif: "image/avif",
  gif: "image/gif",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  png: "image/png",
  apng: "image/apng",
  svg: "image/svg+xml",
  svgz: "image/svg+xml",
  webp: "image/webp",
  mht: "multipart/related",
  mhtml: "multipart/related",
  css: "text/css",
  html: "text/html",
  htm: "text/html",
  shtml: "text/html",
  shtm: "text/html",
  js: "text/javascript",
  mjs: "text/javascript",
  xml: "text/xml",
  mp4: "video/mp4",
  m4v: "video/mp4",
  ogv: "video/ogg",
  ogm: "video/ogg",
  csv: "text/csv",
  // Secondary mappings.
  ico: "image/x-icon",
  epub: "application/epub+zip",
  // Fonts: not in Chromium's tables; what /usr/bin/chromium answers from the platform's
  // shared MIME database.
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  gz: "application/gzip",
  json: "application/json",
  bin: "application/octet-stream",
  pdf: "application/pdf",
  ps: "application/postscript",
  rdf: "application/rdf+xml",
  rss: "application/rss+xml",
  rtf: "application/rtf",
  tar: "application/x-tar",
  zip: "application/zip",
  weba: "audio/webm",
  bmp: "image/bmp",
  jfif: "image/jpeg",
  pjpeg: "image/jpeg",
  pjp: "image/jpeg",
  tif: "image/tiff",
  tiff: "image/tiff",
  xbm: "image/x-xbitmap",
  eml: "message/rfc822",
  ics: "text/calendar",
  ehtml: "text/html",
  txt: "text/plain",
  text: "text/plain",
  mpeg: "video/mpeg",
  mpg: "video/mpeg",
};

/** Magic numbers Chromium sniffs in a file of unknown type (checked against its answers). */
const MAGIC: ReadonlyArray<readonly [string, string]> = [
  ["%PDF-", "application/pdf"],
  ["%!PS-Adobe-", "application/postscript"],
  ["GIF87a", "image/gif"],
  ["GIF89a", "image/gif"],
  ["\x89PNG\r\n\x1a\n", "image/png"],
  ["\xff\xd8\xff", "image/jpeg"],
  ["BM", "image/bmp"],
  ["\x1a\x45\xdf\xa3", "video/webm"],
  ["ID3", "audio/mpeg"],
  ["\x1f\x8b\x08", "application/x-gzip"],
  ["PK\x03\x04", "application/zip"],
];

/**
 * The type a file's extension gives.
 *
 * @param path The file's path.
 * @returns The type, or `undefined` for an extension Chromium's table does not know.
 */
export function typeByExtension(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? undefined : BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}

/**
 * Sniffs the type of a file whose extension says nothing: a magic number's type, else
 * `text/plain` unless a byte is binary (a control character other than tab, LF, FF, CR and
 * ESC; a UTF-16 or UTF-8 byte order mark makes it text), as the mimesniff standard's binary
 * data bytes that Chromium's LooksLikeBinary follows.
 *
 * @param first The file's first bytes (up to {@linkcode SNIFF_BYTES}).
 * @returns The type.
 */
export function sniffedType(first: Uint8Array): string {
  if (startsWith(first, "\xfe\xff") || startsWith(first, "\xff\xfe")) return "text/plain";
  if (startsWith(first, "\xef\xbb\xbf")) return "text/plain";
  if (startsWith(first, "RIFF") && startsWith(first.subarray(8), "WEBPVP")) return "image/webp";
  for (const [magic, type] of MAGIC) if (startsWith(first, magic)) return type;
  for (const byte of first) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) {
      if (byte !== 0x1b) return "application/octet-stream";
    }
  }
  return "text/plain";
}

// Whether the bytes start with the text's code units (each below 0x100).
function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}
