/**
 * Progress of a matrix (or a timeline's releases) on stderr: one live line
 * on a terminal, a line per column's start and finish otherwise.
 *
 * @module
 */
import process from "node:process";
import type { ColumnRun } from "../harness/start.ts";

/** What the matrix reports as its columns go. */
export interface Progress {
  start(columnId: string): void;
  step(columnId: string, done: number): void;
  /** `label` names the run where it is not its column (a release, in a timeline). */
  finish(run: ColumnRun, label?: string): void;
  end(): void;
}

/**
 * Progress over `total` cases per column.
 *
 * @example
 * ```ts
 * import { progress } from "./progress.ts";
 * const bar = progress(67);
 * bar.start("node");
 * bar.step("node", 1);
 * bar.end();
 * ```
 */
export function progress(total: number): Progress {
  const done = new Map<string, number>();
  const live = process.stderr.isTTY;
  const draw = () => {
    const parts = [...done].map(([id, n]) => `${id} ${n}/${total}`);
    process.stderr.write(`\r\x1b[K${parts.join("  ")}`);
  };
  return {
    start(columnId) {
      done.set(columnId, 0);
      if (live) draw();
      else process.stderr.write(`${columnId}: started\n`);
    },
    step(columnId, n) {
      done.set(columnId, n);
      if (live) draw();
    },
    finish(run, label = run.column.id) {
      if (live) draw();
      else process.stderr.write(`${label}: ${run.notRun ? `not run: ${run.notRun}` : `${run.results.length}/${total} in ${Math.round(run.ms)} ms`}\n`);
    },
    end() {
      if (live) process.stderr.write("\r\x1b[K");
    },
  };
}
