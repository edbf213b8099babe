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
import { precheck, runCase, socketsSettled } from "../core/runner.ts";
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
 * run again one at a time with their own checks, and those verdicts
 * replace the concurrent ones, so a leak is pinned on the case that makes
 * it (at the cost of the batch's time again; timed-out cases are not run
 * again: the runner never leak-checks a case that timed out). A leak that
 * shows only under concurrency is recorded on every rerun result as
 * `batchLeak`, not hidden. Outcomes are reported in the order they are
 * final, which for the batch is after its check.
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

  const unchecked: RuntimeHost = { ...host, countSockets: undefined };
  const baseline = host.countSockets ? await host.countSockets() : undefined;
  const outcomes = await Promise.all(slow.map((entry) => runEntry(prepared, unchecked, entry)));
  if (baseline !== undefined) {
    const leaked = (await socketsSettled(host, baseline)) - baseline;
    if (leaked > 0) {
      for (const [i, entry] of slow.entries()) {
        if (outcomes[i].result.verdict === "timeout") continue;
        const alone = await runEntry(prepared, host, entry);
        alone.result.observations.batchLeak = `the concurrent batch left ${leaked} socket(s) open; this verdict is from a run alone`;
        outcomes[i] = alone;
      }
    }
  }
  outcomes.forEach(report);
}

/** The catalog entries a filter selects. */
export function selectEntries(filter: (id: string) => boolean): CatalogEntry[] {
  return CATALOG.filter((e) => filter(e.case.id));
}
