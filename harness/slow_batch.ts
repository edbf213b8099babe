/**
 * How a column process runs its cases: the slow ones (they spend their
 * time waiting, on the kernel's timers or in bounded waits) at the same
 * time, with one leak check over the batch, and the whole batch again one
 * case at a time when that check finds a leak.
 *
 * @module
 */
import type { CaseResult } from "../core/result.ts";
import { fixtureStatus, socketsSettled } from "../core/runner.ts";
import type { RuntimeHost } from "../hosts/in_process.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { judged, type Outcome, type PreparedColumn, runEntry } from "./column.ts";

/**
 * Runs entries with their slow ones batched: the slow ones first, all at
 * once, so their waits overlap instead of adding up; then every other case,
 * one at a time, each with its own leak check. (First, so that what the
 * process does last is work rather than a wait: a matrix runs its column
 * processes side by side, and a batch's waits there overlap the others' work.)
 *
 * The leak check counts the whole process's sockets, so it cannot tell
 * concurrent cases apart. Inside the batch each case runs without it; one
 * check spans the batch instead: the count before the batch starts against
 * the count once every case of it has settled (with the runner's usual
 * grace for late releases). If the batch left sockets open, the cases are
 * run again one at a time with their own checks, so a leak is pinned on
 * the case that makes it (at the cost of the batch's time again; timed-out
 * cases are not run again: the runner never leak-checks a case that timed
 * out). Both runs stay in the cell (see {@linkcode combineRuns}): a fault
 * the lone run does not show is reported "only under concurrency", never
 * turned into a pass. Outcomes are reported in the order they are final,
 * which for the batch is after its check.
 */
export async function runWithSlowBatch(
  prepared: PreparedColumn,
  options: { entries: readonly CatalogEntry[]; report: (outcome: Outcome) => void },
): Promise<void> {
  const { entries, report } = options;
  const slow = entries.filter((e) => e.case.slow);
  if (slow.length) await runBatch(prepared, { slow, report });
  for (const entry of entries.filter((e) => !e.case.slow)) report(await runEntry(prepared, entry));
}

/** Runs `slow` at the same time with one leak check, and again one at a time if that check finds a leak. */
async function runBatch(
  prepared: PreparedColumn,
  options: { slow: readonly CatalogEntry[]; report: (outcome: Outcome) => void },
): Promise<void> {
  const { slow, report } = options;
  const { host } = prepared;

  // The batch's own check stands in for each case's: cases about leaks still run in it.
  const counted = { ...host.fixtures, socketCount: fixtureStatus(host, "socketCount") };
  const unchecked: PreparedColumn = { ...prepared, host: { ...host, countSockets: undefined, fixtures: counted } };
  const baseline = host.countSockets ? await host.countSockets() : undefined;
  const outcomes = await Promise.all(slow.map((entry) => runEntry(unchecked, entry)));
  const leaked = baseline === undefined ? 0 : (await socketsSettled(host, baseline)) - baseline;
  if (leaked <= 0) {
    outcomes.forEach(report);
    return;
  }

  const alone: (CaseResult | undefined)[] = [];
  for (const outcome of outcomes) {
    alone.push(outcome.result.verdict === "timeout" ? undefined : (await runEntry(prepared, outcome.entry)).result);
  }
  const pinned = alone.reduce((sum, r) => sum + Number(r?.observations.leakedSockets ?? 0), 0);
  const batch: BatchLeak = { cases: slow.length, leaked, unpinned: Math.max(0, leaked - pinned) };
  outcomes.forEach((outcome, i) => {
    const lone = alone[i];
    const cell = lone && combineRuns({ concurrent: outcome.result, alone: lone }, batch);
    report(cell ? judged(prepared, { entry: outcome.entry, result: cell }) : outcome);
  });
}

/** What the leak check over a concurrent batch found. */
export interface BatchLeak {
  /** How many cases ran at once. */
  cases: number;
  /** Sockets left open once the whole batch had settled. */
  leaked: number;
  /** Those that no case left open when run alone: a leak only under concurrency. */
  unpinned: number;
}

/** One run of a case, as another run's cell keeps it. */
function summary(r: CaseResult): Record<string, unknown> {
  return { verdict: r.verdict, observed: r.observed, ...(r.detail ? { detail: r.detail } : {}) };
}

/**
 * One cell from a case's run in a batch that leaked and its run alone,
 * keeping both (`observations.concurrent` or `observations.alone`). A fault
 * of the lone run is the verdict; a failure only the concurrent run shows
 * stays a failure, and where the batch leaked sockets no case leaks alone,
 * every case that otherwise passed fails with that leak: either says "only
 * under concurrency". A lone run never turns a fault into a pass.
 *
 * @example
 * ```ts
 * import { combineRuns } from "./slow_batch.ts";
 * const run = (verdict: "pass" | "fail") => ({ id: "x.y", verdict, observed: "", observations: {}, ms: 1 });
 * const cell = combineRuns({ concurrent: run("fail"), alone: run("pass") }, { cases: 2, leaked: 1, unpinned: 0 });
 * console.log(cell.verdict, cell.detail); // fail only under concurrency: ...
 * ```
 */
export function combineRuns(runs: { concurrent: CaseResult; alone: CaseResult }, batch: BatchLeak): CaseResult {
  const { concurrent, alone } = runs;
  const note = `the concurrent batch of ${batch.cases} cases left ${batch.leaked} socket(s) open`;
  if (alone.verdict !== "pass") {
    return { ...alone, observations: { ...alone.observations, batchLeak: note, concurrent: summary(concurrent) } };
  }
  const observations = { ...concurrent.observations, batchLeak: note, alone: summary(alone) };
  if (concurrent.verdict !== "pass") {
    const detail = `only under concurrency: ${concurrent.detail ?? concurrent.verdict}; run alone, the case passes`;
    return { ...concurrent, detail, observations };
  }
  if (batch.unpinned > 0) {
    const detail = `only under concurrency: ${note}, ${batch.unpinned} of them left by no case run alone; ` +
      "run alone, this case passes and leaves nothing open";
    return { ...concurrent, verdict: "fail", detail, observations };
  }
  const pinned = `${note}, each left by a case that leaks alone too`;
  return { ...alone, observations: { ...alone.observations, batchLeak: pinned, concurrent: summary(concurrent) } };
}
