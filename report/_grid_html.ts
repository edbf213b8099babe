/**
 * A report page as a grid of verdicts: rows (cases) × columns (runtimes in the
 * matrix, versions of one runtime in a timeline). One self-contained page:
 * inline CSS and script, nothing fetched, readable without the script.
 *
 * The page reads top-down: a per-column summary, a legend, then the grid with
 * the rows that diverge first (some column did not pass, or some cell is not
 * what its column's expectations say) and the rest below. Cell details open
 * in a side panel. Verdict marks are ASCII letters on CSS shapes and colours,
 * so they render with any font (no emoji) and colour is never the only signal.
 *
 * Hooks for browser tests: every case row has `data-case`; every grid column
 * header `data-column`; every cell `data-case`, `data-column` and
 * `data-verdict` (`missing` where the column has no result, `notrun` inside a
 * column that did not run); summary rows `data-column` and their counts
 * `data-count`.
 *
 * @module
 */
import { type Verdict, VERDICTS } from "../core/result.ts";
import { GRID_SCRIPT } from "./_grid_script.ts";
import { GRID_STYLE } from "./_grid_style.ts";

/** A cell's verdict, or `missing` where its column has no result for the row. */
export type GridVerdict = Verdict | "missing";

/** One labelled piece of text in a detail list; `href` makes it a link where it is http(s). */
export interface GridFact {
  label: string;
  text: string;
  /** A link target; only `http:` and `https:` URLs become links. */
  href?: string;
  /** Keep line breaks (an assertion message, a stack). */
  pre?: boolean;
}

/** One grid column: a runtime column in the matrix, a version in a timeline. */
export interface GridColumn {
  /** Stable key, written to `data-column`. */
  id: string;
  /** The header's first line: short, it wraps in a narrow column (`deno-node`, `2.9.6`). */
  label: string;
  /** The header's second, smaller line (a version, a date). */
  sub?: string;
  /** The full name: on hover, in the summary and in the side panel. */
  name: string;
  /** What the side panel says about the column. */
  facts?: GridFact[];
  /** Why the column did not run at all: greyed, with this reason instead of cells. */
  notRun?: string;
  /** How the column ended, where it did not end cleanly (shown beside its counts). */
  trouble?: string;
}

/** One grid row: a case. */
export interface GridRow {
  /** Stable key, written to `data-case`. */
  id: string;
  title: string;
  /** Rows are shown in the given order, under a band each time the group changes (a topic). */
  group: string;
  /** What the side panel says about the row (semantic, reference). */
  facts: GridFact[];
  /** A short mark after the id (the matrix: a case run against the reference peer), with its meaning on hover. */
  mark?: { text: string; title: string };
}

/** One cell: a row on a column. */
export interface GridCell {
  verdict: Verdict;
  /** Whether the verdict is what the column's expectations say; `false` is a surprise. */
  ok: boolean;
  /** One line for the tooltip: `fail (expected fail): EPIPE on connect`. */
  hint: string;
  /** What the side panel lists under the verdict: expected vs observed, detail, reason, upstream. */
  facts: GridFact[];
}

/** Everything {@linkcode renderGridPage} needs. */
export interface GridPage {
  /** The page's heading and document title. */
  title: string;
  /** Lines under the heading: host, date, versions. */
  meta: string[];
  columns: GridColumn[];
  rows: GridRow[];
  /** The cell of a row on a column, or `undefined` where the column has no result. */
  cellAt: (rowId: string, columnId: string) => GridCell | undefined;
  /** Sentences under the legend (what a row's mark means). */
  notes?: string[];
}

/** Per-column tallies over every row. A column that did not run has none. */
export interface GridTally {
  pass: number;
  fail: number;
  unsupported: number;
  skipped: number;
  timeout: number;
  crash: number;
  /** Rows the column has no result for. */
  missing: number;
  /** Cells not as the column's expectations say, missing cells included. */
  surprises: number;
}

/** The ASCII mark each verdict shows, in the grid and in the legend. */
export const MARK: Readonly<Record<GridVerdict, string>> = {
  pass: "P",
  fail: "F",
  unsupported: "n/a",
  skipped: "S",
  timeout: "T",
  crash: "C",
  missing: "?",
};

/** The word each verdict goes by in the summary and the legend. */
const WORD: Readonly<Record<GridVerdict, string>> = {
  pass: "pass",
  fail: "fail",
  unsupported: "n/a (unsupported)",
  skipped: "skipped",
  timeout: "timeout",
  crash: "crash",
  missing: "no result",
};

/**
 * Tallies one column's cells over the page's rows.
 *
 * @example
 * ```ts
 * import { tallyColumn } from "./_grid_html.ts";
 * const t = tallyColumn({
 *   title: "t", meta: [], columns: [], rows: [{ id: "a", title: "A", group: "g", facts: [] }],
 *   cellAt: () => ({ verdict: "fail", ok: false, hint: "", facts: [] }),
 * }, "deno");
 * console.log(t.fail, t.surprises); // 1 1
 * ```
 */
export function tallyColumn(page: GridPage, columnId: string): GridTally {
  const tally: GridTally = {
    pass: 0,
    fail: 0,
    unsupported: 0,
    skipped: 0,
    timeout: 0,
    crash: 0,
    missing: 0,
    surprises: 0,
  };
  for (const row of page.rows) {
    const cell = page.cellAt(row.id, columnId);
    tally[cell ? cell.verdict : "missing"]++;
    if (!cell || !cell.ok) tally.surprises++;
  }
  return tally;
}

/**
 * Whether a row deserves a first look: on some column that ran, the cell is
 * missing, did not pass, or is not what the expectations say.
 *
 * @example
 * ```ts
 * import { isDivergentRow } from "./_grid_html.ts";
 * const page = {
 *   title: "t", meta: [], rows: [],
 *   columns: [{ id: "bun", label: "bun", name: "bun" }],
 *   cellAt: () => ({ verdict: "pass" as const, ok: true, hint: "", facts: [] }),
 * };
 * console.log(isDivergentRow(page, "tcp.connect.refused")); // false
 * ```
 */
export function isDivergentRow(page: GridPage, rowId: string): boolean {
  return page.columns.some((col) => {
    if (col.notRun !== undefined) return false;
    const cell = page.cellAt(rowId, col.id);
    return !cell || cell.verdict !== "pass" || !cell.ok;
  });
}

/**
 * Renders a whole page: summary, legend, the grid (divergent rows first) and
 * the side panel, as one self-contained HTML document. The matrix page is
 * this over runtime columns; a timeline is this over the versions of one.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { renderGridPage } from "./_grid_html.ts";
 * writeFileSync("timeline.html", renderGridPage({
 *   title: "deno over time",
 *   meta: ["linux 6.8.0 (x64)"],
 *   columns: ["2.0.0", "2.9.6"].map((v) => ({ id: v, label: v, name: `deno ${v}` })),
 *   rows: [{ id: "tcp.connect.refused", title: "Connect to a closed port", group: "tcp_connect", facts: [] }],
 *   cellAt: (_row, version) =>
 *     version === "2.0.0"
 *       ? { verdict: "fail", ok: false, hint: "fail (expected pass)", facts: [] }
 *       : { verdict: "pass", ok: true, hint: "pass", facts: [] },
 * }));
 * ```
 */
export function renderGridPage(page: GridPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${esc(page.title)}</title>
<style>${GRID_STYLE}</style>
</head>
<body>
<header>
<h1>${esc(page.title)}</h1>
${page.meta.map((line) => `<p class="meta">${esc(line)}</p>`).join("\n")}
</header>
${renderSummary(page)}
${renderLegend()}
${(page.notes ?? []).map((line) => `<p class="note">${esc(line)}</p>`).join("\n")}
<p class="controls" hidden><label>Filter <input type="search" id="search" placeholder="case id or title"></label></p>
<div class="grid-wrap">
${renderGrid(page)}
</div>
<aside id="panel" role="dialog" aria-modal="false" aria-labelledby="panel-title" hidden>
<div class="panel-head"><h2 id="panel-title"></h2><button type="button" id="panel-close">Close <kbd>Esc</kbd></button></div>
<div id="panel-body"></div>
</aside>
<script>${GRID_SCRIPT}</script>
</body>
</html>
`;
}

/** The summary: one line for the page, then one row per column with its tallies. */
function renderSummary(page: GridPage): string {
  const ran = page.columns.filter((c) => c.notRun === undefined);
  const tallies = new Map(ran.map((c) => [c.id, tallyColumn(page, c.id)]));
  const total = (key: keyof GridTally) => [...tallies.values()].reduce((n, t) => n + t[key], 0);
  const divergent = page.rows.filter((r) => isDivergentRow(page, r.id)).length;
  const surprising = [...tallies.values()].filter((t) => t.surprises > 0).length;
  const notRun = page.columns.length - ran.length;
  const withMissing = total("missing") > 0;
  const headline = `${count(page.rows.length, "case")} on ${count(page.columns.length, "column")}` +
    (notRun ? ` (${notRun} not run)` : "") + `. ${count(divergent, "case")} diverge somewhere. ` +
    `${count(total("surprises"), "surprise")} (cells not as their column's expectations say)` +
    (surprising ? ` in ${count(surprising, "column")}.` : ".");
  const heads = [
    "pass",
    "fail",
    "n/a",
    "skipped",
    "timeout / crash",
    ...(withMissing ? ["no result"] : []),
    "surprises",
  ];
  const rows = page.columns.map((c) => renderSummaryRow(c, { tally: tallies.get(c.id), heads, withMissing }))
    .join("\n");
  return `<section id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<p class="headline">${esc(headline)}</p>
<table class="summary">
<thead><tr><th scope="col">column</th>${heads.map((h) => `<th scope="col">${h}</th>`).join("")}` +
    `<th scope="col">notes</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

/** One column's row in the summary: its counts, or why it did not run. */
function renderSummaryRow(
  c: GridColumn,
  { tally: t, heads, withMissing }: { tally: GridTally | undefined; heads: string[]; withMissing: boolean },
): string {
  const name = `<th scope="row">${esc(c.name)}</th>`;
  if (!t) {
    return `<tr data-column="${esc(c.id)}" class="notrun">${name}` +
      `<td colspan="${heads.length + 1}" class="note">not run: ${esc(c.notRun ?? "")}</td></tr>`;
  }
  const counts: [string, number, boolean][] = [
    ["pass", t.pass, false],
    ["fail", t.fail, false],
    ["unsupported", t.unsupported, false],
    ["skipped", t.skipped, false],
    ["timeout-crash", t.timeout + t.crash, false],
    ...(withMissing ? [["missing", t.missing, true] as [string, number, boolean]] : []),
    ["surprises", t.surprises, true],
  ];
  return `<tr data-column="${esc(c.id)}">${name}${
    counts.map(([key, n, bad]) => `<td data-count="${key}" class="${n === 0 ? "zero" : bad ? "bad" : ""}">${n}</td>`)
      .join("")
  }<td class="note">${esc(c.trouble ?? "")}</td></tr>`;
}

/** `1 case`, `2 cases`. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The legend: every mark with its word, the surprise flag and a column that did not run. */
function renderLegend(): string {
  const key = (cls: string, mark: string, word: string) =>
    `<li class="key ${cls}"><span class="mark" aria-hidden="true">${mark}</span> ${esc(word)}</li>`;
  return `<ul class="legend" aria-label="legend">${
    [...VERDICTS, "missing" as const].map((v) => key(`v-${v}`, esc(MARK[v]), WORD[v])).join("")
  }${key("v-fail unexpected", `<b class="bang">!</b>${MARK.fail}`, "surprise: not as the expectations say")}${
    key("notrun", "", "column not run")
  }</ul>`;
}

/** The grid: a sticky header row, a sticky case column, divergent rows first. */
function renderGrid(page: GridPage): string {
  const divergent = page.rows.filter((r) => isDivergentRow(page, r.id));
  const rest = page.rows.filter((r) => !isDivergentRow(page, r.id));
  const head = page.columns.map(renderHeader).join("");
  const sections = [
    renderSection(page, divergent, {
      id: "divergent",
      heading: divergent.length
        ? `Divergent: ${count(divergent.length, "case")} where some column did not pass or is not as expected`
        : "No divergent cases: every column passes, as expected, on every case",
    }),
    rest.length
      ? renderSection(page, rest, {
        id: "rest",
        heading: `Every column passes, as expected: ${count(rest.length, "case")}`,
      })
      : "",
  ].join("\n");
  return `<table class="grid" id="grid" style="--cols: ${page.columns.length}">
<thead><tr><th scope="col" class="corner">case</th>${head}</tr></thead>
${sections}
</table>`;
}

/** A column's header: short label, version, status; the full name on hover; its facts for the panel. */
function renderHeader(c: GridColumn): string {
  const lines = [
    `<span class="label">${headerLabel(c.label)}</span>`,
    c.sub ? `<small>${esc(c.sub)}</small>` : "",
    c.notRun !== undefined
      ? `<small class="status">not run</small>`
      : c.trouble
      ? `<small class="status">ended badly</small>`
      : "",
  ].join("");
  const title = c.notRun !== undefined
    ? `${c.name}: not run: ${c.notRun}`
    : c.trouble
    ? `${c.name}: ${c.trouble}`
    : c.name;
  return `<th scope="col" data-column="${esc(c.id)}" data-name="${esc(c.name)}" title="${esc(title)}"${
    c.notRun !== undefined ? ` class="notrun"` : ""
  }>${lines}<template>${renderFacts(c.facts ?? [])}</template></th>`;
}

/** One section of rows under its heading, a band each time the group changes. */
function renderSection(page: GridPage, rows: GridRow[], options: { id: string; heading: string }): string {
  const items: (GridRow | string)[] = [];
  rows.forEach((row, i) => {
    if (i === 0 || row.group !== rows[i - 1]!.group) items.push(row.group);
    items.push(row);
  });
  const body = items.map((item, i) =>
    typeof item === "string"
      ? renderBand(page, { group: item, span: i === 0 ? items.length : 0 })
      : renderRow(page, item)
  );
  return `<tbody id="${options.id}">
<tr class="section"><th colspan="${page.columns.length + 1}" scope="rowgroup"><span class="stick">${
    esc(options.heading)
  }${
    options.id === "rest" ? ` <button type="button" id="toggle-rest" aria-controls="rest" hidden></button>` : ""
  }</span></th></tr>
${body.join("\n")}
</tbody>`;
}

/**
 * A group's band. The section's first band also holds, for each column that did
 * not run, one cell spanning the whole section with the reason (`span` rows).
 */
function renderBand(page: GridPage, { group, span }: { group: string; span: number }): string {
  const cells = page.columns.map((c) =>
    c.notRun === undefined
      ? `<td class="gap"></td>`
      : span
      ? `<td rowspan="${span}" class="notrun" data-column="${esc(c.id)}"><span class="why">not run: ${
        esc(c.notRun)
      }</span></td>`
      : ""
  ).join("");
  return `<tr class="group" data-group="${esc(group)}"><th scope="rowgroup"><span class="stick">${
    esc(group)
  }</span></th>${cells}</tr>`;
}

/** One case row: its sticky header, then a cell per column that ran. */
function renderRow(page: GridPage, row: GridRow): string {
  const cells = page.columns.map((col) => col.notRun === undefined ? renderCell(page, { row, col }) : "").join("");
  return `<tr data-case="${esc(row.id)}" data-group="${esc(row.group)}">` +
    `<th scope="row" title="${esc(row.title)}"><code>${esc(row.id)}</code>${
      row.mark ? ` <abbr class="row-mark" title="${esc(row.mark.title)}">${esc(row.mark.text)}</abbr>` : ""
    }<span class="title">${
      esc(row.title)
    }</span>` +
    `<template>${renderFacts([{ label: "title", text: row.title }, ...row.facts])}</template></th>${cells}</tr>`;
}

/** One cell: a button with the mark; its details wait in a template for the side panel. */
function renderCell(page: GridPage, { row, col }: { row: GridRow; col: GridColumn }): string {
  const cell = page.cellAt(row.id, col.id);
  const verdict: GridVerdict = cell ? cell.verdict : "missing";
  const ok = cell ? cell.ok : false;
  const hint = cell ? cell.hint : "no result: the column stopped before this case";
  const facts = cell ? cell.facts : [{ label: "verdict", text: hint }];
  const mark = `${ok ? "" : `<b class="bang">!</b>`}${esc(MARK[verdict])}`;
  const said = `${WORD[verdict]}${ok ? "" : ", surprise"}`;
  const headline =
    `<p class="verdict v-${verdict}${ok ? "" : " unexpected"}"><span class="mark" aria-hidden="true">${mark}</span> ` +
    `${esc(hint)}</p>${ok ? "" : `<p class="surprise">Surprise: not what the column's expectations say.</p>`}`;
  return `<td data-case="${esc(row.id)}" data-column="${esc(col.id)}" data-verdict="${verdict}" class="v-${verdict}${
    ok ? "" : " unexpected"
  }"><button type="button" class="mark" aria-label="${esc(`${row.id} on ${col.label}: ${said}`)}" title="${
    esc(`${row.id} on ${col.label}: ${hint}`)
  }">${mark}</button><template>${headline}${renderFacts(facts)}</template></td>`;
}

/**
 * A header label that wraps well in a narrow column: a break opportunity after
 * each `-`, `.`, `@`, `/`, `_` or `:`, and a middle ellipsis beyond 24
 * characters (the full name is on hover).
 */
function headerLabel(label: string): string {
  const short = label.length > 24 ? `${label.slice(0, 11)}…${label.slice(-12)}` : label;
  return esc(short).replace(/([-.@/_:])/g, "$1<wbr>");
}

/** A definition list; only http(s) `href`s become links. */
function renderFacts(facts: GridFact[]): string {
  if (!facts.length) return "";
  return `<dl>${
    facts.map((f) => {
      const text = f.pre ? `<pre>${esc(f.text)}</pre>` : esc(f.text);
      const body = f.href && /^https?:\/\//.test(f.href)
        ? `<a href="${esc(f.href)}" rel="noreferrer noopener" target="_blank">${text}</a>`
        : text;
      return `<dt>${esc(f.label)}</dt><dd>${body}</dd>`;
    }).join("")
  }</dl>`;
}

const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITY[ch] ?? ch);
}
