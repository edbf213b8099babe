/**
 * The matrix as one self-contained HTML page: inline CSS and script, no
 * external assets, nothing fetched. Open it from disk or attach it to a CI run.
 *
 * @module
 */
import type { Matrix, MatrixCase, MatrixCell, MatrixColumn } from "./schema.ts";
import { VERDICTS } from "../core/result.ts";
import {
  byTopic,
  cellOf,
  clip,
  columnTrouble,
  countColumn,
  explanation,
  ICON,
  isNotable,
  NO_CELL,
  orderedColumns,
} from "./_layout.ts";

/**
 * Renders the matrix as a static page: a table per the catalog's topics,
 * columns as table columns (kernel first), a colour per verdict and an
 * outline on unexpected cells. Each cell opens to show verdict against
 * expectation, what was observed, the case's semantic and reference, and the
 * expectation's reason and upstream link.
 *
 * Hooks for browser tests: every row has `data-case`; every column header
 * `data-column`; every cell `data-case`, `data-column` and `data-verdict`
 * (`missing` where the column has no result).
 *
 * @example
 * ```ts
 * import { readFileSync, writeFileSync } from "node:fs";
 * import { parseMatrix } from "./schema.ts";
 * import { renderHtml } from "./html.ts";
 * const m = parseMatrix(readFileSync("matrix.json", "utf8"), "matrix.json");
 * writeFileSync("matrix.html", renderHtml(m));
 * ```
 */
export function renderHtml(m: Matrix): string {
  const columns = orderedColumns(m);
  const host = `${m.host.os} ${m.host.release} (${m.host.arch})`;
  const width = columns.length + 1;

  const head = columns.map((c) => {
    const trouble = columnTrouble(c);
    return `<th scope="col" data-column="${esc(c.id)}">${esc(c.id)}<br><small>${esc(`${c.runtime} ${c.version}`)}` +
      `<br>${esc(c.api)}</small>${
        trouble ? `<br><small class="trouble">⚠ ${esc(clip(trouble, 120))}</small>` : ""
      }</th>`;
  }).join("");

  const body = byTopic(m).map(({ topic, cases }) =>
    `<tr class="topic" data-topic="${esc(topic)}"><th colspan="${width}" scope="rowgroup">${esc(topic)}</th></tr>\n` +
    cases.map((c) => {
      const cells = columns.map((col) => ({ col, cell: cellOf(m, col.id, c.id) }));
      const notable = cells.some(({ cell }) => isNotable(cell));
      return `<tr data-case="${esc(c.id)}" data-topic="${esc(topic)}"${notable ? " data-notable" : ""}>` +
        `<th scope="row" title="${esc(c.semantic)}"><code>${esc(c.id)}</code><br>${esc(c.title)}</th>` +
        cells.map(({ col, cell }) => renderCell(c, col, cell)).join("") + "</tr>";
    }).join("\n")
  ).join("\n");

  const totals = columns.map((c) => {
    const n = countColumn(m, c.id);
    return `<td data-column="${esc(c.id)}">${n.passed} passed<br>${n.diverging} diverging<br>` +
      `${n.unsupported} unsupported<br>${n.skipped} skipped` +
      (n.missing ? `<br>${n.missing} missing` : "") +
      (n.unexpected ? `<br><strong>‼ ${n.unexpected} unexpected</strong>` : "") + "</td>";
  }).join("");

  const legend = VERDICTS.map((v) => `<span class="chip v-${v}">${ICON[v]} ${v}</span>`).join(" ") +
    ` <span class="chip v-missing">${NO_CELL} no result</span>` +
    ` <span class="chip unexpected">‼ not what the expectations say</span>`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>sockcheck matrix · ${esc(host)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>sockcheck matrix</h1>
<p class="meta">Host ${esc(host)} · generated <time datetime="${esc(m.generated)}">${esc(m.generated)}</time></p>
<ul class="meta">${
    columns.map((c) => `<li>${esc(c.id)}: ${esc(`${c.runtime} ${c.version}, ${c.api}`)}</li>`).join("")
  }</ul>
<p class="legend">${legend}</p>
<p class="filters"><label><input type="checkbox" id="notable"> only rows that diverge or surprise</label>
<label>filter <input type="search" id="search" placeholder="case id or title"></label></p>
<table>
<thead><tr><th scope="col">case</th>${head}</tr></thead>
<tbody>
${body}
</tbody>
<tfoot><tr><th scope="row">summary</th>${totals}</tr></tfoot>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function renderCell(c: MatrixCase, col: MatrixColumn, cell: MatrixCell | undefined): string {
  const hooks = `data-case="${esc(c.id)}" data-column="${esc(col.id)}"`;
  if (!cell) {
    return `<td ${hooks} data-verdict="missing" class="v-missing unexpected" title="no result: the column stopped before this case">‼ ${NO_CELL}</td>`;
  }
  const mark = cell.ok ? "" : "‼ ";
  const why = explanation(cell);
  const hint = why ? `<br><small>${esc(clip(why, 40))}</small>` : "";
  const verdictLine = cell.ok
    ? `${cell.verdict} (expected ${cell.expected})`
    : `${cell.verdict}, expected ${cell.expected}: not what the expectations say`;
  const rows: [string, string][] = [["verdict", esc(verdictLine)]];
  if (cell.judgement) rows.push(["judgement", esc(cell.judgement)]);
  rows.push(["observed", esc(cell.observed || "—")]);
  if (cell.detail) rows.push(["detail", `<pre>${esc(cell.detail)}</pre>`]);
  rows.push(["time", `${esc(String(Math.round(cell.ms)))} ms`]);
  rows.push(["semantic", esc(c.semantic)]);
  rows.push(["reference", esc(c.reference)]);
  rows.push(["level", c.level === "kernel" ? "kernel semantics" : "runtime contract (no kernel counterpart)"]);
  if (cell.reason || cell.issue) {
    const link = cell.issue && /^https?:\/\//.test(cell.issue)
      ? ` <a href="${esc(cell.issue)}" rel="noreferrer noopener" target="_blank">${esc(cell.issue)}</a>`
      : cell.issue
      ? ` ${esc(cell.issue)}`
      : "";
    rows.push(["expectation", `${esc(cell.reason ?? "")}${link}`]);
  }
  return `<td ${hooks} data-verdict="${esc(cell.verdict)}" class="v-${esc(cell.verdict)}${
    cell.ok ? "" : " unexpected"
  }">` +
    `<details><summary>${mark}${ICON[cell.verdict]} ${esc(cell.verdict)}${hint}</summary>` +
    `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl></details></td>`;
}

const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITY[ch] ?? ch);
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.meta { color: #59636e; margin: .25rem 0; }
ul.meta { padding-left: 1.2rem; }
.legend .chip { display: inline-block; padding: 0 .4rem; margin: .1rem 0; border-radius: 3px; }
.filters label { margin-right: 1rem; }
table { border-collapse: collapse; margin-top: .75rem; }
th, td { border: 1px solid #d1d9e0; padding: .3rem .45rem; vertical-align: top; text-align: left; }
thead th { position: sticky; top: 0; background: #f6f8fa; }
tr.topic th { background: #eaeef2; font-size: 1.05rem; }
tbody th code { font-size: .85rem; }
td { min-width: 7rem; max-width: 22rem; }
td small, th small { color: #59636e; }
.trouble { color: #9a6700 !important; }
summary { cursor: pointer; }
dl { margin: .4rem 0 0; font-size: .85rem; }
dt { font-weight: 600; }
dd { margin: 0 0 .3rem; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; margin: 0; font-size: .8rem; }
.v-pass { background: #dafbe1; }
.v-fail { background: #ffebe9; }
.v-unsupported { background: #eff2f5; }
.v-skipped { background: #ddf4ff; }
.v-timeout { background: #fff1d6; }
.v-crash { background: #fbefff; }
.v-missing { background: #f6f8fa; color: #59636e; }
.unexpected { outline: 3px solid #cf222e; outline-offset: -3px; font-weight: 600; }
`;

const SCRIPT = `
(() => {
  const notable = document.getElementById("notable");
  const search = document.getElementById("search");
  const rows = [...document.querySelectorAll("tbody tr[data-case]")];
  const apply = () => {
    const q = search.value.trim().toLowerCase();
    for (const r of rows) {
      r.hidden = (notable.checked && !r.hasAttribute("data-notable")) ||
        (q !== "" && !r.cells[0].textContent.toLowerCase().includes(q));
    }
    for (const t of document.querySelectorAll("tbody tr.topic")) {
      t.hidden = !rows.some((r) => r.dataset.topic === t.dataset.topic && !r.hidden);
    }
  };
  notable.addEventListener("change", apply);
  search.addEventListener("input", apply);
})();
`;
