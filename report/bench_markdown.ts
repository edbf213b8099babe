/**
 * The bench report as Markdown, for a pull request or a CI summary: the
 * figures with their ratios, their spread, the UDP loss, what was not
 * measured and why, the columns, and how each metric is measured.
 *
 * @module
 */
import { figureCell, lossCell, notMeasured, ranColumns, ratioLine, runLine, spreadCell } from "./bench_format.ts";
import type { BenchFigure, BenchMetric, BenchReport } from "./bench_schema.ts";

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** One table: a row per metric, a column per column that ran. */
function table(report: BenchReport, metrics: readonly BenchMetric[], cell: (f: BenchFigure | undefined, m: BenchMetric) => string): string[] {
  const columns = ranColumns(report);
  const lines = [
    `| metric | better | ${columns.map((c) => c.id).join(" | ")} |`,
    `| --- | --- | ${columns.map(() => "---").join(" | ")} |`,
  ];
  for (const metric of metrics) {
    const cells = columns.map((c) => escapeCell(cell(report.figures[c.id]?.[metric.id], metric)));
    lines.push(`| ${metric.title} (${metric.unit}) | ${metric.better} | ${cells.join(" | ")} |`);
  }
  return lines;
}

/** The columns: runtime, version, API, wall time, and why one did not run. */
function columnsSection(report: BenchReport): string[] {
  return [
    "| column | runtime | version | API | time |",
    "| --- | --- | --- | --- | --- |",
    ...report.columns.map((c) =>
      `| ${c.id} | ${c.runtime} | ${c.version || "-"} | ${escapeCell(c.api)} | ${c.notRun ? `not run: ${escapeCell(c.notRun)}` : `${(c.ms / 1000).toFixed(1)} s`} |`
    ),
  ];
}

/**
 * The report as Markdown.
 *
 * @example
 * ```ts
 * import { renderBenchMarkdown } from "./bench_markdown.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * console.log(renderBenchMarkdown(report));
 * ```
 */
export function renderBenchMarkdown(report: BenchReport): string {
  const withLoss = report.metrics.filter((m) => ranColumns(report).some((c) => lossCell(report.figures[c.id]?.[m.id]) !== "-"));
  const missing = notMeasured(report);
  return [
    "# sockcheck bench",
    "",
    `${runLine(report)}. ${ratioLine(report)}`,
    "",
    ...table(report, report.metrics, (f, m) => figureCell(f, m.unit)),
    "",
    `## Spread: the smallest and largest of the ${report.windows} windows`,
    "",
    ...table(report, report.metrics, (f, m) => spreadCell(f, m.unit)),
    ...(withLoss.length ? ["", "## UDP loss: datagrams sent and never received", "", ...table(report, withLoss, (f) => lossCell(f))] : []),
    ...(missing.length ? ["", "## Not measured", "", ...missing.map((line) => `- ${line}`)] : []),
    "",
    "## Columns",
    "",
    ...columnsSection(report),
    "",
    "## How each metric is measured",
    "",
    ...report.metrics.map((m) => `- **${m.title}** (\`${m.id}\`, ${m.unit}): ${m.how}.`),
    "",
  ].join("\n");
}
