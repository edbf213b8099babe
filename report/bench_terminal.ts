/**
 * The bench report as a plain table for the terminal: a row per metric, a
 * column per column that ran, each cell the figure and its ratio.
 *
 * @module
 */
import { figureCell, ranColumns } from "./bench_format.ts";
import type { BenchReport } from "./bench_schema.ts";

/**
 * The table, with a line per figure that is n/a or an error below it.
 *
 * @example
 * ```ts
 * import { renderBenchTerminal } from "./bench_terminal.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * process.stdout.write(renderBenchTerminal(report));
 * ```
 */
export function renderBenchTerminal(report: BenchReport): string {
  const columns = ranColumns(report);
  const rows = [
    ["metric", ...columns.map((c) => c.id)],
    ...report.metrics.map((m) => [`${m.title} (${m.unit})`, ...columns.map((c) => figureCell(report.figures[c.id]?.[m.id], m.unit))]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (row: string[]) => row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ");
  return rows.map(line).join("\n") + "\n";
}
