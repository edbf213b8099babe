/**
 * One column run from several processes (the host's and each lab
 * profile's): their results in catalog order, the first failure's exit, and
 * every process's own account.
 *
 * @module
 */
import type { CatalogEntry } from "../suites/catalog.ts";
import { lostResults } from "./never_ran.ts";
import type { ColumnPart, ColumnRun } from "./process.ts";
import type { ReportedResult } from "./protocol.ts";

/** One process's share of a column run. */
export interface PlacedRun {
  place: ColumnPart["place"];
  entries: readonly CatalogEntry[];
  run: ColumnRun;
}

/**
 * Merges the runs of `parts` into one run over `entries`, in their order.
 * A process that could not start at all reported nothing: its cases crash
 * with its error.
 */
export function mergeRuns(
  parts: readonly PlacedRun[],
  options: { entries: readonly CatalogEntry[]; started: number; expectations?: string },
): ColumnRun {
  const column = parts[0].run.column;
  const byId = new Map<string, ReportedResult>();
  for (const { entries, run } of parts) {
    const lost = run.error && !run.results.length
      ? lostResults(column, {
        entries,
        reported: [],
        loss: { killedForTime: false, concurrent: false, detail: run.error },
        expectations: options.expectations,
      })
      : [];
    for (const r of [...run.results, ...lost]) byId.set(r.id, r);
  }
  const failed = parts.find(({ run }) => run.exit.code !== 0) ?? parts[0];
  const errors = parts.filter(({ run }) => run.error).map(({ place, run }) => `${place === "host" ? "" : `lab ${place}: `}${run.error}`);
  return {
    column,
    version: parts.map(({ run }) => run.version).find(Boolean) ?? "",
    results: options.entries.map((e) => byId.get(e.case.id)).filter((r): r is ReportedResult => r !== undefined),
    exit: failed.run.exit,
    ...(errors.length ? { error: errors.join("; ") } : {}),
    ms: Math.round(performance.now() - options.started),
    parts: parts.map(({ place, entries, run }) => ({
      place,
      cases: entries.length,
      ms: run.ms,
      exit: run.exit,
      ...(run.error ? { error: run.error } : {}),
    })),
  };
}
