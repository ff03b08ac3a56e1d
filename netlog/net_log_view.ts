/**
 * A self-contained HTML waterfall of a net log: one row per request hop, its phases (blocked,
 * proxy, DNS, connect, TLS, send, wait, receive, cache) as coloured bars on one time axis, status,
 * size, cache and error marks, and a detail panel per request. No script or style is loaded
 * from anywhere: the page works offline.
 *
 * @module
 */

import { type HarEntry, netLogToHar } from "./net_log_to_har.ts";
import type { ReadNetLog } from "./read_net_log.ts";

const PHASES = [
  ["blocked", "#b0bec5"],
  ["proxy", "#9e9e9e"],
  ["dns", "#009688"],
  ["connect", "#ff9800"],
  ["ssl", "#9c27b0"],
  ["send", "#2196f3"],
  ["wait", "#4caf50"],
  ["receive", "#3f51b5"],
  ["cache", "#795548"],
] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Each phase's start and length in ms from the entry's start, laid end to end as HAR orders
// them; a cache hit is one "cache" bar.
function bars(entry: HarEntry): Array<{ phase: string; from: number; length: number }> {
  if (entry.cache.beforeRequest !== undefined) {
    return [{ phase: "cache", from: 0, length: Math.max(entry.time, 0.5) }];
  }
  const t = entry.timings;
  const parts: Array<[string, number]> = [
    ["dns", t.dns],
    ["connect", t.connect < 0 ? -1 : t.connect - Math.max(t.ssl, 0)],
    ["ssl", t.ssl],
    ["send", t.send],
    ["wait", t.wait],
    ["receive", t.receive],
  ];
  const known = parts.reduce((sum, [, ms]) => sum + Math.max(ms, 0), 0);
  // HAR's blocked holds the proxy resolution (its _blocked_proxy) with the rest of the wait
  // (cache lookups, a socket): the wait first, then the proxy, as they happen.
  const blocked = Math.max(entry.time - known, 0);
  const proxy = Math.min(Math.max(t._blocked_proxy ?? 0, 0), blocked);
  const out = [{ phase: "blocked", from: 0, length: blocked - proxy }];
  let at = out[0]!.length;
  for (const [phase, ms] of [["proxy", proxy] as [string, number], ...parts]) {
    if (ms <= 0) continue;
    out.push({ phase, from: at, length: ms });
    at += ms;
  }
  return out.filter((bar) => bar.length > 0);
}

/**
 * Renders the waterfall page of a parsed net log.
 *
 * @param log A log from `parseNetLog`.
 * @param title The page title, like the log's file name.
 * @returns The HTML document.
 *
 * @example
 * ```ts
 * import { netLogView } from "./net_log_view.ts";
 * const html = netLogView({ constants: {}, events: [], rawEvents: [], truncated: false }, "empty");
 * console.log(html.startsWith("<!DOCTYPE html>")); // true
 * ```
 */
export function netLogView(log: ReadNetLog, title: string): string {
  const entries = netLogToHar(log).log.entries;
  // Folds, not Math.min(...list): a long log has more entries than a call takes arguments.
  const origin = entries.reduce(
    (min, e) => Math.min(min, Date.parse(e.startedDateTime)),
    entries.length === 0 ? 0 : Infinity,
  );
  const end = entries.reduce(
    (max, e) => Math.max(max, Date.parse(e.startedDateTime) - origin + Math.max(e.time, 0.5)),
    1,
  );
  const pct = (ms: number) => `${((ms / end) * 100).toFixed(3)}%`;
  const rows = entries.map((entry, index) => {
    const start = Date.parse(entry.startedDateTime) - origin;
    const status = entry._error ?? String(entry.response.status);
    const size = entry.response.content.size >= 0 ? `${entry.response.content.size} B` : "";
    const marks = [
      entry.cache.beforeRequest !== undefined ? '<span class="mark cache">cache</span>' : "",
      entry._error ? '<span class="mark error">error</span>' : "",
    ].join("");
    const barHtml = bars(entry).map((bar) =>
      `<span class="bar ${bar.phase}" title="${bar.phase} ${bar.length.toFixed(1)} ms" ` +
      `style="left:${pct(start + bar.from)};width:${pct(bar.length)}"></span>`
    ).join("");
    const headers = (list: { name: string; value: string }[]) =>
      list.map((h) => `${escapeHtml(h.name)}: ${escapeHtml(h.value)}`).join("\n");
    const timings = Object.entries(entry.timings).map(([name, ms]) => `${name} ${ms} ms`).join(
      ", ",
    );
    return `<tr class="request${entry._error ? " failed" : ""}" data-index="${index}">` +
      `<td class="url">${escapeHtml(entry.request.method)} ${escapeHtml(entry.request.url)}</td>` +
      `<td class="status">${escapeHtml(status)}</td><td class="size">${size}</td>` +
      `<td class="marks">${marks}</td><td class="timeline">${barHtml}</td></tr>` +
      `<tr class="detail" hidden><td colspan="5"><div>source ${entry._netLogSourceId}; ` +
      `${escapeHtml(timings)}; total ${entry.time.toFixed(1)} ms</div>` +
      `<pre>${headers(entry.request.headers)}</pre><pre>${headers(entry.response.headers)}</pre>` +
      `</td></tr>`;
  }).join("\n");
  const legend = PHASES.map(([phase]) => `<span class="bar-key ${phase}">${phase}</span>`).join(
    " ",
  );
  const colours = PHASES.map(([phase, colour]) =>
    `.${phase}{background:${colour}}.bar-key.${phase}{color:#fff;padding:0 4px}`
  ).join("");
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px}table{border-collapse:collapse;width:100%}
td{border-bottom:1px solid #eee;padding:3px 6px;vertical-align:top}
td.url{max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
td.status,td.size,td.marks{white-space:nowrap}
td.timeline{position:relative;width:45%;min-width:200px}
.bar{position:absolute;top:6px;height:10px;min-width:1px}
tr.request{cursor:pointer}tr.request:hover{background:#f5f5f5}tr.failed td.status{color:#c62828}
.mark{font-size:11px;border-radius:3px;padding:0 4px;margin-right:4px;color:#fff}
.mark.cache{background:#795548}.mark.error{background:#c62828}
pre{white-space:pre-wrap;background:#fafafa;padding:6px;margin:4px 0}${colours}
.bar-key.blocked{color:#263238}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${entries.length} requests over ${end.toFixed(0)} ms${
    log.truncated ? " (the log was cut off)" : ""
  }. ${legend}</p>
<table><thead><tr><th>request</th><th>status</th><th>size</th><th></th><th>timeline</th></tr>
</thead><tbody>
${rows}
</tbody></table>
<script>
for (const row of document.querySelectorAll("tr.request")) {
  row.addEventListener("click", () => { row.nextElementSibling.hidden = !row.nextElementSibling.hidden; });
}
</script>
</body></html>
`;
}
