/**
 * The bench column process's protocol: the parent starts
 * `<runtime> bench/main.ts --column=ID [--quick]` (through the column's host,
 * with the permissions its adapter needs) and reads one JSON line per event
 * on its stdout:
 *
 *   {"type":"start", column, api, peerStartMs}
 *   {"type":"progress", workload, done, of}     after the warm-up (done 0) and each window
 *   {"type":"figure", metric, figure}           one per metric of a workload, once it is over
 *   {"type":"end"}
 *   {"type":"error", message}                   bad usage (then exit 2)
 *
 * @module
 */
import { writeSync } from "node:fs";
import type { WorkloadId } from "./metrics.ts";

/**
 * One metric's raw figure as the column process measured it: the value of
 * each window (the parent takes the median, spread and ratio), with the
 * datagrams sent and received for UDP; or why there is none.
 */
export type RawFigure =
  | { windows: number[]; loss?: { sent: number; received: number } }
  | { na: string }
  | { error: string };

/** An event of the bench column process, one JSON line each. */
export type BenchEvent =
  | { type: "start"; column: string; api: string; peerStartMs: number }
  | { type: "progress"; workload: WorkloadId; done: number; of: number }
  | { type: "figure"; metric: string; figure: RawFigure }
  | { type: "end" }
  | { type: "error"; message: string };

/** The bench column process's options, as the parser takes them. */
export const BENCH_OPTIONS = {
  column: { type: "string" },
  quick: { type: "boolean" },
} as const;

/**
 * The bench column process's arguments.
 *
 * @example
 * ```ts
 * import { benchArgs } from "./protocol.ts";
 * benchArgs({ column: "node", quick: true }); // ["--column=node", "--quick"]
 * ```
 */
export function benchArgs(request: { column: string; quick?: boolean }): string[] {
  return [`--column=${request.column}`, ...(request.quick ? ["--quick"] : [])];
}

/**
 * Writes one event line, synchronously, so none is lost when the process exits right after.
 *
 * @example
 * ```ts
 * import { emit } from "./protocol.ts";
 * emit({ type: "progress", workload: "tcp.latency", done: 1, of: 5 });
 * ```
 */
export function emit(event: BenchEvent): void {
  writeSync(1, JSON.stringify(event) + "\n");
}

/**
 * The event a line of the process's stdout carries, or `undefined` for a runtime's own chatter.
 *
 * @example
 * ```ts
 * import { readBenchEvent } from "./protocol.ts";
 * readBenchEvent('{"type":"end"}'); // { type: "end" }
 * readBenchEvent("Warning: something"); // undefined
 * ```
 */
export function readBenchEvent(line: string): BenchEvent | undefined {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return undefined;
  }
  const type = (event as { type?: unknown } | null)?.type;
  return ["start", "progress", "figure", "end", "error"].includes(type as string) ? event as BenchEvent : undefined;
}
