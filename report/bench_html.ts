/**
 * The bench report as one self-contained HTML page: inline CSS and SVG, no
 * script, nothing fetched, ASCII labels only. A table of every figure with
 * its ratio first, then one horizontal bar chart per metric: a bar per
 * column at its median, a whisker from its smallest to its largest window,
 * a dashed line at the reference column's figure, the value and ratio
 * written beside the bar; a column without a figure shows why in the bar's
 * place.
 *
 * @module
 */
import { figureCell, formatRatio, formatValue, lossCell, notMeasured, ranColumns, ratioLine, runLine } from "./bench_format.ts";
import { type BenchColumn, type BenchMetric, type BenchReport, isMeasured } from "./bench_schema.ts";

/** Text for HTML and SVG; anything beyond ASCII (a runtime's own message) as a character reference, so the page stays ASCII. */
const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);

/** The chart's geometry, in SVG pixels. */
const CHART = { label: 110, bars: 430, text: 190, row: 26, bar: 14, top: 6, bottom: 22 };

const STYLE = `
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; margin: 1rem 1.5rem 3rem; color: #1f2328; background: #fff; max-width: 62rem; }
h1 { font-size: 1.35rem; margin: 0 0 .2rem; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .2rem; }
.meta, .how { color: #59636e; margin: .1rem 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .6rem 0; }
th, td { border-bottom: 1px solid #d1d9e0; padding: .15rem .6rem; text-align: right; font-weight: 400; white-space: nowrap; }
thead th { font-weight: 600; border-bottom: 2px solid #8c959f; }
th[scope=row], thead th:first-child { text-align: left; }
td.none { color: #8c959f; }
svg { display: block; font: 12px system-ui, "DejaVu Sans", sans-serif; }
svg .bar { fill: #4c78a8; } svg .bar.ref { fill: #1f2328; }
svg .whisker { stroke: #1f2328; stroke-width: 1.2; }
svg .refline { stroke: #a40e26; stroke-dasharray: 4 3; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .none { fill: #8c959f; font-style: italic; }
ul.missing { color: #7d4e00; font-size: .85rem; }
`;

/** The largest number a chart must show: every column's largest window. */
function scaleMax(report: BenchReport, metric: BenchMetric): number {
  const maxes = ranColumns(report).map((c) => report.figures[c.id]?.[metric.id]).filter(isMeasured).map((f) => f.max);
  return Math.max(...maxes, Number.MIN_VALUE);
}

/** One column's row of a chart: its bar and whisker and text, or why it has none. */
function chartRow(report: BenchReport, metric: BenchMetric, column: BenchColumn, y: number, x: (v: number) => number): string {
  const figure = report.figures[column.id]?.[metric.id];
  const label = `<text x="${CHART.label - 8}" y="${y + CHART.bar - 2}" text-anchor="end">${escape(column.id)}</text>`;
  if (!isMeasured(figure)) {
    const why = !figure ? "no figure" : "na" in figure ? `n/a: ${figure.na}` : `error: ${figure.error}`;
    const shown = why.length > 90 ? `${why.slice(0, 87)}...` : why;
    return `${label}<text class="none" x="${CHART.label + 4}" y="${y + CHART.bar - 2}"><title>${escape(why)}</title>${escape(shown)}</text>`;
  }
  const mid = y + CHART.bar / 2;
  const ratio = figure.ratio === undefined ? "" : ` (${formatRatio(figure.ratio)})`;
  const windows = figure.windows.map((w) => formatValue(w, metric.unit)).join(", ");
  return [
    label,
    `<rect class="bar${column.reference ? " ref" : ""}" x="${CHART.label}" y="${y}" width="${Math.max(1, x(figure.value) - CHART.label).toFixed(1)}" height="${CHART.bar}">`,
    `<title>${escape(`${column.id}: windows ${windows} ${metric.unit}`)}</title></rect>`,
    `<line class="whisker" x1="${x(figure.min).toFixed(1)}" x2="${x(figure.max).toFixed(1)}" y1="${mid}" y2="${mid}"/>`,
    ...[figure.min, figure.max].map((v) => `<line class="whisker" x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${mid - 4}" y2="${mid + 4}"/>`),
    `<text x="${CHART.label + CHART.bars + 8}" y="${y + CHART.bar - 2}">${escape(`${formatValue(figure.value, metric.unit)}${ratio}`)}</text>`,
  ].join("");
}

/** The bar chart of one metric, as inline SVG. */
function chart(report: BenchReport, metric: BenchMetric): string {
  const columns = ranColumns(report);
  const width = CHART.label + CHART.bars + CHART.text;
  const height = CHART.top + columns.length * CHART.row + CHART.bottom;
  const max = scaleMax(report, metric);
  const x = (v: number) => CHART.label + (v / max) * CHART.bars;
  const rows = columns.map((c, i) => chartRow(report, metric, c, CHART.top + i * CHART.row, x));
  const base = report.reference ? report.figures[report.reference]?.[metric.id] : undefined;
  const axisY = CHART.top + columns.length * CHART.row;
  const refLine = isMeasured(base)
    ? `<line class="refline" x1="${x(base.value).toFixed(1)}" x2="${x(base.value).toFixed(1)}" y1="${CHART.top - 4}" y2="${axisY}"/>`
    : "";
  const axis = `<line class="axis" x1="${CHART.label}" x2="${CHART.label + CHART.bars}" y1="${axisY}" y2="${axisY}"/>` +
    `<text x="${CHART.label}" y="${axisY + 15}">0</text>` +
    `<text x="${CHART.label + CHART.bars}" y="${axisY + 15}" text-anchor="end">${escape(`${formatValue(max, metric.unit)} ${metric.unit}`)}</text>`;
  const title = `${metric.title}, ${metric.unit}, ${metric.better} is better`;
  return `<svg role="img" aria-label="${escape(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${escape(title)}</title>${rows.join("")}${refLine}${axis}</svg>`;
}

/** The table of every figure, a row per metric. */
function figureTable(report: BenchReport): string {
  const columns = ranColumns(report);
  const head = `<thead><tr><th>metric</th><th>unit</th><th>better</th>${columns.map((c) => `<th>${escape(c.id)}</th>`).join("")}</tr></thead>`;
  const rows = report.metrics.map((m) => {
    const cells = columns.map((c) => {
      const figure = report.figures[c.id]?.[m.id];
      const loss = lossCell(figure);
      const text = figureCell(figure, m.unit) + (loss === "-" ? "" : `, lost ${loss}`);
      return `<td${isMeasured(figure) ? "" : ' class="none"'}>${escape(text)}</td>`;
    });
    return `<tr><th scope="row"><a href="#${escape(m.id)}">${escape(m.title)}</a></th><td>${escape(m.unit)}</td><td>${m.better}</td>${cells.join("")}</tr>`;
  });
  return `<table>${head}<tbody>${rows.join("")}</tbody></table>`;
}

/** The columns that ran and those that did not, one line each. */
function columnsLine(report: BenchReport): string {
  return report.columns.map((c) =>
    `<code>${escape(c.id)}</code> ${escape(c.notRun ? `not run: ${c.notRun}` : `${c.runtime} ${c.version}, ${c.api}`)}`
  ).join("; ");
}

/**
 * The report as a static page.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { renderBenchHtml } from "./bench_html.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * writeFileSync("bench.html", renderBenchHtml(report));
 * ```
 */
export function renderBenchHtml(report: BenchReport): string {
  const missing = notMeasured(report);
  const sections = report.metrics.map((m) =>
    `<section id="${escape(m.id)}"><h2>${escape(m.title)} <code>${escape(m.id)}</code></h2>` +
    `<p class="how">${escape(`${m.how}. ${m.unit}, ${m.better} is better.`)}</p>${chart(report, m)}</section>`
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sockcheck bench</title><style>${STYLE}</style></head><body>
<h1>sockcheck bench</h1>
<p class="meta">${escape(runLine(report))}</p>
<p class="meta">${escape(ratioLine(report).replace(/`/g, ""))} Bars show the median, whiskers the smallest and largest window, the dashed line the reference column.</p>
<p class="meta">${columnsLine(report)}</p>
${figureTable(report)}
${missing.length ? `<ul class="missing">${missing.map((line) => `<li>${escape(line)}</li>`).join("")}</ul>` : ""}
${sections.join("\n")}
</body></html>
`;
}
