/**
 * The search `bisect` makes over a list of releases: measure both ends,
 * then halve the range between the last release known to behave as the
 * good end and the first known not to, until they are adjacent. Each
 * release is measured at most once.
 *
 * @module
 */

/** One release measured, and what it gave. */
export interface Tried<T> {
  version: string;
  outcome: T;
}

/** Where the search ended. */
export interface BisectResult<T> {
  /** Every release measured, in the order measured. */
  tried: Tried<T>[];
  /**
   * The two adjacent releases between which the outcome leaves the good
   * end's, oldest first; absent when both ends give the same outcome.
   */
  boundary?: { older: Tried<T>; newer: Tried<T> };
}

/** What {@linkcode bisectReleases} searches with. */
export interface BisectOptions<T> {
  /** The release that behaves as wanted; either end of `versions`. */
  good: string;
  /** The release that does not; the other end. */
  bad: string;
  /** Measures one release. */
  measure(version: string): Promise<T>;
  /** Whether two outcomes count as the same behaviour. */
  same(a: T, b: T): boolean;
  /** Called after each measurement, for progress. */
  onTried?(tried: Tried<T>): void;
}

/**
 * Binary-searches `versions` (oldest first, `good` and `bad` at its two
 * ends, in either order) for the adjacent pair where the outcome stops
 * being the good end's. With more than one change in the range, it finds
 * one of them; the ends decide which side each measurement falls on.
 *
 * @example
 * ```ts
 * import { bisectReleases } from "./bisect_search.ts";
 * const versions = ["1.0.0", "1.0.1", "1.0.2", "1.0.3"];
 * const r = await bisectReleases(versions, {
 *   good: "1.0.3",
 *   bad: "1.0.0",
 *   measure: (v) => Promise.resolve(v >= "1.0.2" ? "pass" : "fail"),
 *   same: (a, b) => a === b,
 * });
 * console.log(r.boundary?.older.version, r.boundary?.newer.version); // 1.0.1 1.0.2
 * ```
 */
export async function bisectReleases<T>(versions: readonly string[], options: BisectOptions<T>): Promise<BisectResult<T>> {
  const ends = [versions[0], versions.at(-1)];
  if (!ends.includes(options.good) || !ends.includes(options.bad) || options.good === options.bad) {
    throw new Error(`the good and bad releases must be the two ends of the list, got ${options.good} and ${options.bad}`);
  }
  const tried: Tried<T>[] = [];
  const measure = async (i: number): Promise<T> => {
    const outcome = await options.measure(versions[i]);
    const entry = { version: versions[i], outcome };
    tried.push(entry);
    options.onTried?.(entry);
    return outcome;
  };
  let good = versions.indexOf(options.good);
  let bad = versions.indexOf(options.bad);
  const wanted = await measure(good);
  const last = await measure(bad);
  if (options.same(wanted, last)) return { tried };
  let goodOutcome = wanted;
  let badOutcome = last;
  while (Math.abs(bad - good) > 1) {
    const mid = Math.floor((good + bad) / 2);
    const outcome = await measure(mid);
    if (options.same(outcome, wanted)) [good, goodOutcome] = [mid, outcome];
    else [bad, badOutcome] = [mid, outcome];
  }
  const g = { version: versions[good], outcome: goodOutcome };
  const b = { version: versions[bad], outcome: badOutcome };
  return { tried, boundary: good < bad ? { older: g, newer: b } : { older: b, newer: g } };
}
