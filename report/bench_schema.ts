/**
 * The bench file (`sockcheck-bench/1`): each column's figure for each
 * metric of the performance lane, as the median of its windows with their
 * spread, and as a ratio to the reference (kernel) column of the same run.
 * The renderers read only this; {@linkcode parseBench} checks a file
 * before they do.
 *
 * @module
 */

/** The schema tag every bench file carries. */
export const BENCH_SCHEMA = "sockcheck-bench/1";

/** The machine the figures were measured on. */
export interface BenchHost {
  os: string;
  /** Kernel release. */
  release: string;
  arch: string;
  /** Logical CPUs. */
  cpus: number;
  /** The CPU model, as the system names it. */
  cpuModel: string;
  /** The 1-minute load average when the run began (other work on the machine skews every figure). */
  load: number;
}

/** One column of the run. */
export interface BenchColumn {
  id: string;
  /** `deno`, `bun` or `node`. */
  runtime: string;
  version: string;
  api: string;
  /** The reference column: every ratio is to its figure. */
  reference?: true;
  /** Why the column did not run at all: it has no figures. */
  notRun?: string;
  /** How its process failed, where it did (its missing figures are errors). */
  error?: string;
  /** Wall time of its process (ms). */
  ms: number;
}

/** One metric. */
export interface BenchMetric {
  id: string;
  title: string;
  unit: string;
  better: "higher" | "lower";
  /** How it is measured, in one sentence. */
  how: string;
}

/** A figure that was measured. */
export interface MeasuredFigure {
  /** The median of the windows. */
  value: number;
  /** The smallest and largest window. */
  min: number;
  max: number;
  /** Each window's value, in order. */
  windows: number[];
  /** `value` divided by the reference column's value for this metric (1 on the reference itself). */
  ratio?: number;
  /** Datagrams sent and received over the whole run of the workload, warm-up included (UDP). */
  loss?: { sent: number; received: number; fraction: number };
}

/** One column's figure for one metric: measured, n/a (the API cannot) or an error (it failed). */
export type BenchFigure = MeasuredFigure | { na: string } | { error: string };

/** The whole file. */
export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  /** ISO 8601 time of the run. */
  generated: string;
  host: BenchHost;
  /** `full` (256 MiB transfers, 150 ms windows) or `quick` (32 MiB, 25 ms). */
  plan: "full" | "quick";
  /** Windows per figure. */
  windows: number;
  /** The reference column's id, or null when it has no figures (then there are no ratios). */
  reference: string | null;
  columns: BenchColumn[];
  metrics: BenchMetric[];
  /** By column id, then metric id. */
  figures: Record<string, Record<string, BenchFigure>>;
}

/** A bench file that cannot be read: the message names the file and the problem. */
export class BenchError extends Error {
  override name = "BenchError";
}

/**
 * Whether a figure was measured.
 *
 * @example
 * ```ts
 * import { isMeasured } from "./bench_schema.ts";
 * isMeasured({ na: "the API has no UDP sockets" }); // false
 * ```
 */
export function isMeasured(figure: BenchFigure | undefined): figure is MeasuredFigure {
  return figure !== undefined && "value" in figure;
}

const positive = (n: unknown): boolean => typeof n === "number" && Number.isFinite(n) && n > 0;

/** The first problem of one figure, or undefined. */
function figureProblem(figure: unknown): string | undefined {
  if (typeof figure !== "object" || figure === null) return "is not an object";
  const f = figure as Record<string, unknown>;
  if (typeof f.na === "string" || typeof f.error === "string") return undefined;
  if (!positive(f.value) || !positive(f.min) || !positive(f.max)) return "has a value, min or max that is not a positive number";
  if (!Array.isArray(f.windows) || !f.windows.length || !f.windows.every(positive)) return "has a window that is not a positive number";
  if (f.ratio !== undefined && !positive(f.ratio)) return "has a ratio that is not a positive number";
  return undefined;
}

/** The first problem of a parsed report, or undefined. */
function reportProblem(report: Partial<BenchReport>): string | undefined {
  if (report.schema !== BENCH_SCHEMA) return `not a ${BENCH_SCHEMA} file (schema ${JSON.stringify(report.schema)})`;
  if (!Array.isArray(report.columns) || !Array.isArray(report.metrics)) return "no columns or metrics";
  if (typeof report.figures !== "object" || report.figures === null) return "no figures";
  for (const column of report.columns) {
    if (column.notRun) continue;
    for (const metric of report.metrics) {
      const figure = report.figures[column.id]?.[metric.id];
      if (figure === undefined) return `no figure for ${metric.id} on ${column.id}`;
      const problem = figureProblem(figure);
      if (problem) return `${metric.id} on ${column.id} ${problem}`;
    }
  }
  return undefined;
}

/**
 * Parses and checks a bench file: its schema tag, a figure for every metric
 * of every column that ran, and every measured number positive. Throws a
 * {@linkcode BenchError} naming `source` and the first problem.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { parseBench } from "./bench_schema.ts";
 * const report = parseBench(readFileSync("sockcheck-report/bench.json", "utf8"), "bench.json");
 * console.log(report.columns.map((c) => c.id));
 * ```
 */
export function parseBench(text: string, source: string): BenchReport {
  let report: Partial<BenchReport>;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new BenchError(`${source} is not JSON: ${(err as Error).message}`);
  }
  const problem = typeof report === "object" && report !== null ? reportProblem(report) : "not an object";
  if (problem) throw new BenchError(`${source}: ${problem}`);
  return report as BenchReport;
}
