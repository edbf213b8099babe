/**
 * The bench report built from the columns' runs: each metric's windows
 * summarized (median, smallest, largest), each figure's ratio to the
 * reference column's figure, and the UDP loss as a fraction.
 *
 * @module
 */
import os from "node:os";
import { METRICS } from "../bench/metrics.ts";
import type { RawFigure } from "../bench/protocol.ts";
import type { BenchRun } from "../bench/run.ts";
import { summarize } from "../bench/stats.ts";
import { WINDOWS } from "../bench/plan.ts";
import { BENCH_SCHEMA, type BenchFigure, type BenchHost, type BenchReport, isMeasured } from "./bench_schema.ts";

/**
 * The machine this process runs on, with its load now.
 *
 * @example
 * ```ts
 * import { benchHost } from "./bench_build.ts";
 * console.log(benchHost().cpus);
 * ```
 */
export function benchHost(): BenchHost {
  const cpus = os.cpus();
  return {
    os: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "",
    load: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** A raw figure summarized; windows that are not positive numbers make it an error. */
function figureOf(raw: RawFigure): BenchFigure {
  if (!("windows" in raw)) return raw;
  const bad = raw.windows.find((w) => !(Number.isFinite(w) && w > 0));
  if (!raw.windows.length || bad !== undefined) return { error: `a window measured ${bad ?? "nothing"}` };
  const figure: BenchFigure = { ...summarize(raw.windows), windows: raw.windows };
  if (raw.loss) {
    const { sent, received } = raw.loss;
    figure.loss = { sent, received, fraction: sent > 0 ? Math.max(0, sent - received) / sent : 0 };
  }
  return figure;
}

/** Each measured figure's ratio to the reference column's measured figure of the same metric. */
function addRatios(figures: BenchReport["figures"], reference: string): void {
  for (const column of Object.values(figures)) {
    for (const metric of METRICS) {
      const figure = column[metric.id];
      const base = figures[reference][metric.id];
      if (isMeasured(figure) && isMeasured(base)) figure.ratio = figure.value / base.value;
    }
  }
}

/**
 * The report of `runs` (columns in the order given, the reference first).
 *
 * @example
 * ```ts
 * import { buildBench, benchHost } from "./bench_build.ts";
 * import type { BenchRun } from "../bench/run.ts";
 * declare const runs: BenchRun[];
 * const report = buildBench(runs, { plan: "quick", host: benchHost() });
 * console.log(report.reference); // "kernel"
 * ```
 */
export function buildBench(
  runs: readonly BenchRun[],
  options: { plan: "full" | "quick"; host: BenchHost; generated?: Date },
): BenchReport {
  const ordered = [...runs.filter((r) => r.column.adapter.reference), ...runs.filter((r) => !r.column.adapter.reference)];
  const figures: BenchReport["figures"] = {};
  for (const run of ordered) {
    if (run.notRun) continue;
    figures[run.column.id] = Object.fromEntries(
      METRICS.map((m) => [m.id, figureOf(run.figures[m.id] ?? { error: "not reported" })]),
    );
  }
  const referenceRun = ordered.find((r) => r.column.adapter.reference && !r.notRun);
  const reference = referenceRun?.column.id ?? null;
  if (reference) addRatios(figures, reference);
  return {
    schema: BENCH_SCHEMA,
    generated: (options.generated ?? new Date()).toISOString(),
    host: options.host,
    plan: options.plan,
    windows: WINDOWS,
    reference,
    columns: ordered.map((run) => ({
      id: run.column.id,
      runtime: run.column.host.name,
      version: run.version,
      api: run.api,
      ...(run.column.adapter.reference ? { reference: true as const } : {}),
      ...(run.notRun ? { notRun: run.notRun } : {}),
      ...(run.error ? { error: run.error } : {}),
      ms: run.ms,
    })),
    metrics: METRICS.map(({ id, title, unit, better, how }) => ({ id, title, unit, better, how })),
    figures,
  };
}
