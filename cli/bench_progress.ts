/**
 * Progress of a bench on stderr: one live line on a terminal (the column,
 * its workload and window); otherwise a line as each workload and each
 * column finishes, for CI logs.
 *
 * @module
 */
import process from "node:process";
import type { BenchEvent } from "../bench/protocol.ts";
import type { BenchRun } from "../bench/run.ts";

/** What the bench reports as it goes. */
export interface BenchProgress {
  start(columnId: string): void;
  event(columnId: string, event: BenchEvent): void;
  finish(run: BenchRun): void;
  end(): void;
}

/** One column's outcome in a line: its time and how many figures were measured, n/a or errors. */
function outcome(run: BenchRun): string {
  if (run.notRun) return `not run: ${run.notRun}`;
  const figures = Object.values(run.figures);
  const count = (kind: string) => figures.filter((f) => kind in f).length;
  const problems = run.error ? `; ${run.error}` : "";
  return `${(run.ms / 1000).toFixed(1)} s, ${count("windows")} figures, ${count("na")} n/a, ${count("error")} errors${problems}`;
}

/**
 * Progress over `total` columns, run one after another.
 *
 * @example
 * ```ts
 * import { benchProgress } from "./bench_progress.ts";
 * const bar = benchProgress(2);
 * bar.start("kernel");
 * bar.event("kernel", { type: "progress", workload: "tcp.latency", done: 1, of: 5 });
 * bar.end();
 * ```
 */
export function benchProgress(total: number): BenchProgress {
  const live = process.stderr.isTTY;
  let started = 0;
  const say = (text: string) => process.stderr.write(live ? `\r\x1b[K${text}` : `${text}\n`);
  return {
    start(columnId) {
      started++;
      say(`bench ${started}/${total} ${columnId}: starting`);
    },
    event(columnId, event) {
      if (event.type !== "progress") return;
      if (live) say(`bench ${started}/${total} ${columnId}: ${event.workload} ${event.done}/${event.of}`);
      else if (event.done === event.of) say(`${columnId}: ${event.workload} measured`);
    },
    finish(run) {
      say(`${run.column.id}: ${outcome(run)}`);
      if (live) process.stderr.write("\n");
    },
    end() {
      if (live) process.stderr.write("\r\x1b[K");
    },
  };
}
