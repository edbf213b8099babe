/**
 * The cases a column process never reported, each with a result of its own:
 * the process died (`crash`) or hung and was killed at its budget
 * (`timeout`). Every case that never ran gets its result from
 * `neverRan` (core/result.ts); this is where the parent decides which.
 *
 * @module
 */
import { judge } from "../core/expectations.ts";
import { neverRan } from "../core/result.ts";
import { loadExpectations } from "../columns/expectations.ts";
import type { Column } from "../columns/registry.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import type { ReportedResult } from "./protocol.ts";

/** How a column process ended without reporting every case. */
export interface Loss {
  /** Killed at its time budget, rather than exited by itself. */
  killedForTime: boolean;
  /** Whether its slow cases ran at the same time, before the others (harness/slow_batch.ts). */
  concurrent: boolean;
  /** Why, in one line: how the process ended and the last line it wrote on stderr. */
  detail: string;
}

/**
 * The results of `entries` not among `reported`, judged against the
 * column's expectations. Run one at a time, the first unreported case is
 * the one that hung the process (`timeout`) and the rest never started
 * (`crash`). With the slow cases batched before the others: where a slow
 * case is unreported, the batch was still running, so each unreported slow
 * case is a `timeout` and the others never started; otherwise the first
 * unreported case hung the process.
 *
 * @example
 * ```ts
 * import { lostResults } from "./never_ran.ts";
 * import { findColumn } from "../columns/registry.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const lost = lostResults(findColumn("node")!, {
 *   entries: CATALOG.slice(0, 2),
 *   reported: [],
 *   loss: { killedForTime: false, concurrent: false, detail: "the column process exited (code 7)" },
 * });
 * console.log(lost.map((r) => r.result.verdict)); // ["crash", "crash"]
 * ```
 */
export function lostResults(
  column: Column,
  options: { entries: readonly CatalogEntry[]; reported: readonly ReportedResult[]; loss: Loss; expectations?: string },
): ReportedResult[] {
  const { entries, reported, loss } = options;
  const seen = new Set(reported.map((r) => r.id));
  const missing = entries.filter((e) => !seen.has(e.case.id));
  if (!missing.length) return [];
  const extraIds = entries.map((e) => e.case.id);
  const expectations = loadExpectations(column, { file: options.expectations, extraIds });
  const inBatch = loss.concurrent && missing.some((e) => e.case.slow);
  return missing.map((entry) => {
    const running = inBatch ? entry.case.slow === true : entry === missing[0];
    const verdict = loss.killedForTime && running ? "timeout" : "crash";
    const result = neverRan(entry.case.id, { verdict, detail: loss.detail });
    const expectation = expectations.get(entry.case.id);
    // Never `unsupported` here, so the adapter's being a reference does not matter.
    const judgement = judge(result, expectation, { level: entry.case.level });
    return { id: entry.case.id, result, judgement, expectation };
  });
}

/** How a process that left cases unreported ended, in one line. */
export function lossDetail(exit: { code: number | null; signal: string | null }, options: { killedForTime: boolean; stderr: string }): string {
  const how = options.killedForTime
    ? "the column process exceeded its time budget and was killed"
    : `the column process exited (code ${exit.code}, signal ${exit.signal}) before this case reported`;
  const lastLine = options.stderr.trim().split("\n").pop() ?? "";
  return `${how}${lastLine ? `: ${lastLine}` : ""}`;
}
