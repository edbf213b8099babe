/**
 * Runs one column inside its runtime: loads the adapter and the column's
 * expectations, then runs the selected cases, judging each against its
 * expectation: one after another, or inside the fault lab with its slow
 * cases at the same time (see {@linkcode runLabEntries}).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Adapter } from "../core/adapter.ts";
import {
  type Expectation,
  type Expectations,
  ExpectationsError,
  type Judgement,
  judge,
  parseExpectations,
} from "../core/expectations.ts";
import type { CaseResult } from "../core/result.ts";
import type { Case } from "../core/case.ts";
import process from "node:process";
import { fixtureStatus, precheck, runCase, socketsSettled } from "../core/runner.ts";
import { DEFAULT_LAB_PROFILE } from "../lab/profiles.ts";
import { needsLab } from "../lab/placement.ts";
import { CASE_IDS, CATALOG, type CatalogEntry } from "../suites/catalog.ts";
import { type Column, loadAdapter } from "./columns.ts";
import type { RuntimeHost } from "./_host.ts";

/** A column ready to run. */
export interface PreparedColumn {
  column: Column;
  adapter: Adapter;
  expectations: Expectations;
  /** Why the column cannot run on this platform: every case is skipped with it. */
  unavailable?: string;
}

/** Stands in for an adapter that cannot be loaded on this platform; never called. */
function absentAdapter(column: Column): Adapter {
  const absent = () => Promise.reject(new Error(`${column.id} is not available here`));
  return { api: column.api, capabilities: new Set(), tcp: { connect: absent, listen: absent } };
}

/** Where a column's expectations come from, beyond the column's own file. */
export interface ExpectationsSource {
  /** An expectations file to use instead of the column's own. */
  file?: string;
  /** Ids of cases run besides the catalog's (`--cases`), which the file may name too. */
  extraIds?: Iterable<string>;
}

/**
 * Loads and validates a column's expectations: its own file, or `source.file`
 * instead. Throws ExpectationsError with one line naming the problem.
 */
export function loadExpectations(column: Column, source: ExpectationsSource = {}): Expectations {
  const { file, extraIds = [] } = source;
  const path = file ?? fileURLToPath(column.expectations.href);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ExpectationsError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const known = new Set([...CASE_IDS, ...extraIds]);
  return parseExpectations(text, file ?? `expectations of ${column.id}`, known);
}

export async function prepareColumn(column: Column, source: ExpectationsSource = {}): Promise<PreparedColumn> {
  const expectations = loadExpectations(column, source);
  if (column.platforms && !column.platforms.includes(process.platform)) {
    const unavailable = `the ${column.id} column runs on ${column.platforms.join(", ")} only, not on ${process.platform}`;
    return { column, adapter: absentAdapter(column), expectations, unavailable };
  }
  return { column, adapter: await loadAdapter(column), expectations };
}

/** Why a case cannot run in this prepared column here, or `undefined`. */
export function blockedHere(prepared: PreparedColumn, c: Case, host: RuntimeHost): Pick<CaseResult, "verdict" | "detail"> | undefined {
  if (prepared.unavailable) return { verdict: "skipped", detail: prepared.unavailable };
  return precheck(c, prepared.adapter, host);
}

/** One case's outcome on one column. */
export interface Outcome {
  entry: CatalogEntry;
  result: CaseResult;
  judgement: Judgement;
  expectation?: Expectation;
}

/** Runs one catalog entry and judges it. */
export async function runEntry(prepared: PreparedColumn, host: RuntimeHost, entry: CatalogEntry): Promise<Outcome> {
  const unavailable: CaseResult | undefined = prepared.unavailable
    ? { id: entry.case.id, verdict: "skipped", detail: prepared.unavailable, observed: "", observations: {}, ms: 0 }
    : undefined;
  const result = unavailable ?? wrongProfile(entry.case, host) ?? await runCase(entry.case, prepared.adapter, host);
  return judged(prepared, entry, result);
}

/** A result held against the column's expectation for its case. */
function judged(prepared: PreparedColumn, entry: CatalogEntry, result: CaseResult): Outcome {
  const expectation = prepared.expectations.get(entry.case.id);
  const judgement = judge(result, expectation, { level: entry.case.level, reference: prepared.adapter.reference });
  return { entry, result, judgement, expectation };
}

/** A lab case in a namespace of another profile than the one it needs is skipped, not run. */
function wrongProfile(c: Case, host: RuntimeHost): CaseResult | undefined {
  const needed = c.lab?.profile ?? DEFAULT_LAB_PROFILE;
  if (!host.lab || !needsLab(c) || needed === host.lab.profile) return undefined;
  const detail = `needs the lab profile ${needed}; this process runs in ${host.lab.profile}`;
  return { id: c.id, verdict: "skipped", detail, observed: "", observations: {}, ms: 0 };
}

/**
 * Runs entries the way the lab runs them: every case not marked
 * `lab.slow` first, one at a time, each with its own leak check; then the
 * slow ones (they wait seconds on SYN retransmission timers) all at once,
 * so their waits overlap instead of adding up.
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
export async function runLabEntries(
  prepared: PreparedColumn,
  host: RuntimeHost,
  entries: readonly CatalogEntry[],
  report: (outcome: Outcome) => void,
): Promise<void> {
  const slow = entries.filter((e) => e.case.lab?.slow);
  for (const entry of entries.filter((e) => !e.case.lab?.slow)) report(await runEntry(prepared, host, entry));
  if (!slow.length) return;

  // The batch's own check stands in for each case's: cases about leaks still run in it.
  const counted = { ...host.fixtures, socketCount: fixtureStatus(host, "socketCount") };
  const unchecked: RuntimeHost = { ...host, countSockets: undefined, fixtures: counted };
  const baseline = host.countSockets ? await host.countSockets() : undefined;
  const outcomes = await Promise.all(slow.map((entry) => runEntry(prepared, unchecked, entry)));
  const leaked = baseline === undefined ? 0 : (await socketsSettled(host, baseline)) - baseline;
  if (leaked <= 0) {
    outcomes.forEach(report);
    return;
  }

  const alone: (CaseResult | undefined)[] = [];
  for (const outcome of outcomes) {
    alone.push(outcome.result.verdict === "timeout" ? undefined : (await runEntry(prepared, host, outcome.entry)).result);
  }
  const pinned = alone.reduce((sum, r) => sum + Number(r?.observations.leakedSockets ?? 0), 0);
  const batch: BatchLeak = { cases: slow.length, leaked, unpinned: Math.max(0, leaked - pinned) };
  outcomes.forEach((outcome, i) => {
    const lone = alone[i];
    report(lone ? judged(prepared, outcome.entry, combineRuns(outcome.result, lone, batch)) : outcome);
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
 * import { combineRuns } from "./_column.ts";
 * const run = (verdict: "pass" | "fail") => ({ id: "x.y", verdict, observed: "", observations: {}, ms: 1 });
 * const cell = combineRuns(run("fail"), run("pass"), { cases: 2, leaked: 1, unpinned: 0 });
 * console.log(cell.verdict, cell.detail); // fail only under concurrency: ...
 * ```
 */
export function combineRuns(concurrent: CaseResult, alone: CaseResult, batch: BatchLeak): CaseResult {
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

/** The catalog entries a filter selects. */
export function selectEntries(filter: (id: string) => boolean): CatalogEntry[] {
  return CATALOG.filter((e) => filter(e.case.id));
}
