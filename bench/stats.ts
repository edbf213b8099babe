/**
 * The few statistics the lane uses: the median of the windows and their
 * spread, and percentiles of one window's samples (nearest rank).
 *
 * @module
 */

/**
 * The median of `values` (the mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * median([5, 1, 3]); // 3
 * ```
 */
export function median(values: readonly number[]): number {
  if (!values.length) throw new RangeError("the median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The `q` quantile (0 < q <= 1) of `sorted` (ascending), by nearest rank:
 * the smallest sample with at least `q` of the samples at or below it.
 *
 * @example
 * ```ts
 * import { quantile } from "./stats.ts";
 * quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99); // 10
 * ```
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) throw new RangeError("a quantile of no samples");
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** A figure: the median of its windows, and their smallest and largest. */
export interface Summary {
  value: number;
  min: number;
  max: number;
}

/**
 * The median and the spread of `windows`.
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * summarize([10, 12, 11, 30, 9]); // { value: 11, min: 9, max: 30 }
 * ```
 */
export function summarize(windows: readonly number[]): Summary {
  return { value: median(windows), min: Math.min(...windows), max: Math.max(...windows) };
}
