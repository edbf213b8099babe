/**
 * The time budget of a column process: time to start the runtime and load
 * the suites, plus each case's own time limit and a second of slack. A
 * process still running at its budget is killed, and its unreported cases
 * are `timeout`.
 *
 * @module
 */
import { DEFAULT_TIME_LIMIT_MS } from "../core/case.ts";
import type { CatalogEntry } from "../suites/catalog.ts";

/** Time for a runtime to start and load the suites, beyond the cases' own limits. */
const STARTUP_MS = 30_000;

/**
 * How long one column process over `entries` may take before it is killed.
 *
 * @example
 * ```ts
 * import { runBudgetMs } from "./budget.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * console.log(runBudgetMs(CATALOG.slice(0, 2), 4000)); // 4000 + 2 × (5000 + 1000)
 * ```
 */
export function runBudgetMs(entries: readonly CatalogEntry[], startupMs = STARTUP_MS): number {
  return startupMs + entries.reduce((ms, e) => ms + (e.case.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + 1000, 0);
}
