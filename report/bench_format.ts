/**
 * How the bench renderers write a figure: its value in its unit, its ratio
 * to the reference, its spread and its loss. ASCII only, so a page renders
 * the same on any font.
 *
 * @module
 */
import type { BenchColumn, BenchFigure, BenchReport } from "./bench_schema.ts";
import { isMeasured } from "./bench_schema.ts";

/** Thousands separated by commas. */
function grouped(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A value in its unit's precision: one decimal below 100 for µs and MiB,
 * whole numbers otherwise.
 *
 * @example
 * ```ts
 * import { formatValue } from "./bench_format.ts";
 * formatValue(12345.6, "round trips/s"); // "12,346"
 * formatValue(42.25, "us"); // "42.3"
 * ```
 */
export function formatValue(value: number, unit: string): string {
  if ((unit === "us" || unit === "MiB") && value < 100) return value.toFixed(1);
  return grouped(value);
}

/**
 * A ratio to the reference: `0.93x`.
 *
 * @example
 * ```ts
 * import { formatRatio } from "./bench_format.ts";
 * formatRatio(1); // "1.00x"
 * ```
 */
export function formatRatio(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}x`;
}

/**
 * A figure in a table cell: `12,346 (0.93x)`, `n/a` or `error`.
 *
 * @example
 * ```ts
 * import { figureCell } from "./bench_format.ts";
 * figureCell({ value: 12345.6, min: 1, max: 2, windows: [1], ratio: 0.93 }, "round trips/s"); // "12,346 (0.93x)"
 * ```
 */
export function figureCell(figure: BenchFigure | undefined, unit: string): string {
  if (!figure) return "-";
  if ("na" in figure) return "n/a";
  if ("error" in figure) return "error";
  const ratio = figure.ratio === undefined ? "" : ` (${formatRatio(figure.ratio)})`;
  return `${formatValue(figure.value, unit)}${ratio}`;
}

/**
 * A measured figure's spread: `11,900-12,800`; `-` otherwise.
 *
 * @example
 * ```ts
 * import { spreadCell } from "./bench_format.ts";
 * spreadCell({ value: 12000, min: 11900, max: 12800, windows: [] }, "round trips/s"); // "11,900-12,800"
 * ```
 */
export function spreadCell(figure: BenchFigure | undefined, unit: string): string {
  return isMeasured(figure) ? `${formatValue(figure.min, unit)}-${formatValue(figure.max, unit)}` : "-";
}

/**
 * A figure's loss: `0.0% of 27,904`; `-` where it has none.
 *
 * @example
 * ```ts
 * import { lossCell } from "./bench_format.ts";
 * lossCell({ value: 1, min: 1, max: 1, windows: [1], loss: { sent: 1000, received: 990, fraction: 0.01 } }); // "1.0% of 1,000"
 * ```
 */
export function lossCell(figure: BenchFigure | undefined): string {
  if (!isMeasured(figure) || !figure.loss) return "-";
  return `${(figure.loss.fraction * 100).toFixed(1)}% of ${grouped(figure.loss.sent)}`;
}

/**
 * The columns that ran, the reference first (as the report orders them).
 *
 * @example
 * ```ts
 * import { ranColumns } from "./bench_format.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * ranColumns(report).map((c) => c.id); // ["kernel", "deno", ...]
 * ```
 */
export function ranColumns(report: BenchReport): BenchColumn[] {
  return report.columns.filter((c) => !c.notRun);
}

/**
 * One line for the machine and the run, for the top of a report.
 *
 * @example
 * ```ts
 * import { runLine } from "./bench_format.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * runLine(report); // "linux 6.18.44 x64, 2 CPUs (...), load 0.3 at the start; full plan; 2026-..."
 * ```
 */
export function runLine(report: BenchReport): string {
  const { host } = report;
  return `${host.os} ${host.release} ${host.arch}, ${host.cpus} CPUs (${host.cpuModel || "model unknown"}), ` +
    `load ${host.load} at the start; ${report.plan} plan; ${report.generated}`;
}

/**
 * What the ratios mean, in one sentence.
 *
 * @example
 * ```ts
 * import { ratioLine } from "./bench_format.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * ratioLine(report); // "Each figure is the median of 5 windows; ..."
 * ```
 */
export function ratioLine(report: BenchReport): string {
  if (!report.reference) return "The reference column did not run, so there are no ratios.";
  return `Each figure is the median of ${report.windows} windows; in brackets, the figure divided by the ` +
    `\`${report.reference}\` column's figure in the same run (above 1 is more: better for rates, worse for latency and memory).`;
}

/**
 * Every figure that is n/a or an error, as `column metric: n/a: reason` or `column metric: error: what failed`.
 *
 * @example
 * ```ts
 * import { notMeasured } from "./bench_format.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * for (const line of notMeasured(report)) console.log(line); // "bun udp.receive: n/a: the API has no UDP sockets"
 * ```
 */
export function notMeasured(report: BenchReport): string[] {
  return ranColumns(report).flatMap((column) =>
    report.metrics.flatMap((metric) => {
      const figure = report.figures[column.id]?.[metric.id];
      if (!figure || isMeasured(figure)) return [];
      return ["na" in figure ? `${column.id} ${metric.id}: n/a: ${figure.na}` : `${column.id} ${metric.id}: error: ${figure.error}`];
    })
  );
}
