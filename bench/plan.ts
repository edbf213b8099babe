/**
 * How long and how much each workload measures: the full plan (the whole
 * bench under a minute for six columns on two cores) and the quick one for
 * CI. Every workload warms up first (not counted), then measures
 * {@linkcode WINDOWS} windows; each window ends at its time or at its
 * count, whichever comes first, and each workload has a time limit beyond
 * which it is stopped and reported as an error.
 *
 * @module
 */

/** Windows per figure: the figure is their median, with their spread. */
export const WINDOWS = 5;

/** A timed phase: a warm-up, then windows, each ending at its time or its count. */
export interface TimedPlan {
  warmupMs: number;
  windowMs: number;
  /** Operations at most per window (and in the warm-up). */
  maxOps: number;
}

/** A bulk transfer: a warm-up, then windows, by bytes. */
export interface BulkPlan {
  warmupBytes: number;
  windowBytes: number;
  /** The column's writes. */
  chunkBytes: number;
}

/** Everything a bench run measures. */
export interface Plan {
  name: "full" | "quick";
  latency: TimedPlan;
  bulk: BulkPlan;
  churn: TimedPlan;
  udp: TimedPlan & {
    /** Datagram size. */
    size: number;
    /** Sends in flight at once on the sending side. */
    inFlight: number;
  };
  /** A workload still running after this long is stopped and reported as an error. */
  workloadLimitMs: number;
}

const MiB = 1024 * 1024;

/** The full plan: 256 MiB each way, 150 ms windows. */
export const FULL: Plan = {
  name: "full",
  latency: { warmupMs: 150, windowMs: 150, maxOps: 100_000 },
  bulk: { warmupBytes: 16 * MiB, windowBytes: 48 * MiB, chunkBytes: 64 * 1024 },
  churn: { warmupMs: 100, windowMs: 150, maxOps: 20_000 },
  udp: { warmupMs: 100, windowMs: 150, maxOps: 200_000, size: 1024, inFlight: 32 },
  workloadLimitMs: 15_000,
};

/** The quick plan, for CI: 32 MiB each way, 25 ms windows. */
export const QUICK: Plan = {
  name: "quick",
  latency: { warmupMs: 25, windowMs: 25, maxOps: 50_000 },
  bulk: { warmupBytes: 2 * MiB, windowBytes: 6 * MiB, chunkBytes: 64 * 1024 },
  churn: { warmupMs: 20, windowMs: 25, maxOps: 10_000 },
  udp: { warmupMs: 20, windowMs: 25, maxOps: 100_000, size: 1024, inFlight: 32 },
  workloadLimitMs: 8_000,
};

/**
 * The byte counts at which a bulk transfer's windows begin and end: the
 * end of the warm-up, then one mark per window; the last is the total.
 *
 * @example
 * ```ts
 * import { bulkMarks, FULL } from "./plan.ts";
 * bulkMarks(FULL.bulk).at(-1); // 268435456 (256 MiB)
 * ```
 */
export function bulkMarks(plan: BulkPlan): number[] {
  return Array.from({ length: WINDOWS + 1 }, (_, i) => plan.warmupBytes + i * plan.windowBytes);
}
