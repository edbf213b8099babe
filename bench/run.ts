/**
 * One column's bench process, seen from the parent: started with the
 * column's host command (its runtime, the permissions its adapter needs),
 * its events read line by line, killed at its time budget. A metric the
 * process never reported is an error naming how the process ended.
 *
 * @module
 */
import type { Column } from "../columns/registry.ts";
import { type ChildStarter, startChild } from "../hosts/child.ts";
import { METRICS } from "./metrics.ts";
import { FULL, QUICK } from "./plan.ts";
import { benchArgs, type BenchEvent, type RawFigure, readBenchEvent } from "./protocol.ts";

/** What one column's bench process gave. */
export interface BenchRun {
  column: Column;
  /** The runtime's version (the kernel's release for the reference column). */
  version: string;
  /** The API as the adapter names it; the registry's name until the process says. */
  api: string;
  /** Every metric's raw figure, by metric id (empty when the column did not run). */
  figures: Record<string, RawFigure>;
  exit: { code: number | null; signal: string | null };
  /** Bad usage the process reported, or how it ended early. */
  error?: string;
  /** Why the column did not run at all (its runtime was not found). */
  notRun?: string;
  /** Wall time of the process (ms). */
  ms: number;
}

/** How to run a column's bench. */
export interface BenchRunOptions {
  /** The runtime binary. */
  binary: string;
  version: string;
  quick?: boolean;
  start?: ChildStarter;
  /** Each event, as it comes: for progress. */
  onEvent?(event: BenchEvent): void;
}

/** Time for the runtime and the peer to start, beyond the workloads' own limits. */
const STARTUP_MS = 20_000;

/**
 * How long a bench process may run before it is killed: every workload's limit, and the start.
 *
 * @example
 * ```ts
 * import { benchBudgetMs } from "./run.ts";
 * benchBudgetMs(true); // 76000: seven workloads of 8 s, and 20 s to start
 * ```
 */
export function benchBudgetMs(quick: boolean): number {
  return new Set(METRICS.map((m) => m.workload)).size * (quick ? QUICK : FULL).workloadLimitMs + STARTUP_MS;
}

/** Every metric the process did not report, as an error saying how it ended. */
function unreported(run: BenchRun, detail: string): void {
  for (const metric of METRICS) run.figures[metric.id] ??= { error: detail };
}

/**
 * Runs `column`'s bench process; never throws.
 *
 * @example
 * ```ts
 * import { runBench } from "./run.ts";
 * import { findColumn } from "../columns/registry.ts";
 * const run = await runBench(findColumn("node")!, { binary: "node", version: "20.20.2", quick: true });
 * console.log(run.figures["tcp.latency.rate"]);
 * ```
 */
export async function runBench(column: Column, options: BenchRunOptions): Promise<BenchRun> {
  const args = benchArgs({ column: column.id, quick: options.quick });
  const command = column.host.command(options.binary, "bench/main.ts", { args, needs: column.adapter.needs, loads: [column.adapter.module] });
  const run: BenchRun = { column, version: options.version, api: column.adapter.api, figures: {}, exit: { code: null, signal: null }, ms: 0 };
  const started = performance.now();
  let stderr = "";
  const child = (options.start ?? startChild)({
    ...command,
    onStderr: (text) => stderr = (stderr + text).slice(-4000),
    onLine(line) {
      const event = readBenchEvent(line);
      if (!event) return;
      if (event.type === "start") run.api = event.api;
      if (event.type === "figure") run.figures[event.metric] = event.figure;
      if (event.type === "error") run.error = event.message;
      options.onEvent?.(event);
    },
  });
  let killed = false;
  const budget = benchBudgetMs(options.quick ?? false);
  const timer = setTimeout(() => (killed = true, child.kill()), budget);
  const exit = await child.exited;
  clearTimeout(timer);
  run.exit = { code: exit.code, signal: exit.signal };
  run.ms = Math.round(performance.now() - started);
  if (exit.error) run.error = `cannot start ${command.program}: ${exit.error}`;
  const lastLine = stderr.trim().split("\n").pop() ?? "";
  const how = run.error ?? (killed
    ? `the bench process exceeded its time budget of ${budget / 1000} s and was killed`
    : `the bench process exited (code ${exit.code}, signal ${exit.signal}) before reporting it${lastLine ? `: ${lastLine}` : ""}`);
  if (METRICS.some((m) => !run.figures[m.id])) {
    run.error ??= how;
    unreported(run, how);
  }
  return run;
}
