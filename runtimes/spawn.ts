/**
 * Runs a column in child processes and collects its results, so one
 * runtime crashing or hanging cannot take the caller down: cases a process
 * never reported become `crash` (it exited) or `timeout` (it hung and was
 * killed), with the exit status in the detail.
 *
 * The cases that belong in the fault lab run in lab column processes, one
 * per lab profile, each inside its own private network namespace (lab/),
 * at the same time as the column process that runs the rest on the host;
 * their results are merged back in catalog order. Where the lab cannot be
 * made, everything runs on the host and the lab's cases are `skipped`
 * with the reason.
 *
 * @module
 */
import { DEFAULT_TIME_LIMIT_MS } from "../core/case.ts";
import { type Expectation, judge, type Judgement } from "../core/expectations.ts";
import type { CaseResult } from "../core/result.ts";
import type { LabProfile } from "../core/case.ts";
import { labStatus } from "../lab/availability.ts";
import { labCommand } from "../lab/namespace.ts";
import { placeEntries } from "../lab/placement.ts";
import { type CatalogEntry } from "../suites/catalog.ts";
import type { Column } from "./columns.ts";
import { type Binaries, columnCommand } from "./launch.ts";
import { loadExpectations } from "./_column.ts";
import { startChild } from "./_child.ts";

/** One case's outcome as a column process reported it. */
export interface ReportedResult {
  id: string;
  result: CaseResult;
  judgement: Judgement;
  expectation?: Expectation;
}

/** One column process of a run: on the host, or in a lab namespace of a profile. */
export interface ColumnPart {
  place: "host" | LabProfile;
  cases: number;
  ms: number;
  exit: { code: number | null; signal: string | null };
  error?: string;
}

/** What a column's processes reported, and how they ended. */
export interface ColumnRun {
  column: Column;
  version: string;
  results: ReportedResult[];
  /** The host process's exit (or the first process that failed). */
  exit: { code: number | null; signal: string | null };
  /** A fatal problem a process reported (bad expectations file), or how it died. */
  error?: string;
  /** Wall time of the whole run. */
  ms: number;
  /** Each process of the run, where there was more than one place. */
  parts?: ColumnPart[];
}

export interface ColumnRunOptions {
  binaries: Binaries;
  entries: CatalogEntry[];
  filter?: string;
  /** Called after each result, for progress. */
  onResult?(result: ReportedResult, done: number): void;
  /** Extra arguments for the column process. */
  extraArgs?: string[];
  /**
   * Wraps the command, e.g. to run it inside the lab's namespace. With a
   * wrap, the run is one process running every entry, as given.
   */
  wrap?(command: { program: string; args: string[] }): { program: string; args: string[] };
  /** `false`: one process on the host for every entry, no lab (its cases are skipped). Default: the lab where it can be made. */
  lab?: boolean;
  /** Run the entries the way the lab does: the slow ones at the same time (see runLabEntries). */
  concurrent?: boolean;
  /** Time allowed for the process to start, beyond the cases' own limits (default 30 s). */
  startupMs?: number;
  /** An expectations file to use instead of the column's own. */
  expectations?: string;
}

/** Time for a runtime to start and load the suites, beyond the cases' own limits. */
const STARTUP_MS = 30_000;

/** How long one column process over `entries` may take before it is killed. */
export function runBudgetMs(entries: readonly CatalogEntry[], startupMs = STARTUP_MS): number {
  return startupMs + entries.reduce((ms, e) => ms + (e.case.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + 1000, 0);
}

/**
 * Runs `column`: the lab's cases in lab namespaces and the rest on the
 * host, all processes at once (or, with `wrap` or `lab: false`, every
 * entry in one process).
 *
 * @example
 * ```ts
 * import { runColumnProcess } from "./spawn.ts";
 * import { findColumn } from "./columns.ts";
 * import { defaultBinaries } from "./launch.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const run = await runColumnProcess(findColumn("node")!, { binaries: defaultBinaries(), entries: [...CATALOG] });
 * console.log(run.results.length);
 * ```
 */
export async function runColumnProcess(column: Column, options: ColumnRunOptions): Promise<ColumnRun> {
  if (options.wrap) return runOne(column, options);
  const status = options.lab === false
    ? { ok: false as const, reason: "the run was asked to leave the fault lab out" }
    : await labStatus();
  const { host, lab } = placeEntries(options.entries, status.ok);
  if (!lab.size && !status.ok) {
    return runOne(column, { ...options, extraArgs: [...options.extraArgs ?? [], "--lab-unavailable", status.reason] });
  }
  if (!lab.size) return runOne(column, options);

  const started = performance.now();
  let done = 0;
  const onResult = (r: ReportedResult) => options.onResult?.(r, ++done);
  const ids = (entries: CatalogEntry[]) => entries.map((e) => e.case.id).join(",");
  const parts: [ColumnPart["place"], CatalogEntry[], Promise<ColumnRun>][] = [];
  if (host.length) {
    parts.push(["host", host, runOne(column, { ...options, entries: host, filter: ids(host), onResult })]);
  }
  for (const [profile, entries] of lab) {
    const mode = status.ok ? status.mode : "root";
    parts.push([profile, entries, runOne(column, {
      ...options,
      entries,
      filter: ids(entries),
      onResult,
      concurrent: true,
      wrap: (command) => labCommand(profile, mode, command),
    })]);
  }
  const runs = await Promise.all(parts.map(([, , run]) => run));
  const placed = parts.map(([place, entries], i) => ({ place, entries, run: runs[i] }));
  return merge(column, options.entries, placed, started, options.expectations);
}

/** One run of several processes, results in the order of `entries`. */
function merge(
  column: Column,
  entries: CatalogEntry[],
  parts: { place: ColumnPart["place"]; entries: CatalogEntry[]; run: ColumnRun }[],
  started: number,
  expectationsFile?: string,
): ColumnRun {
  const byId = new Map<string, ReportedResult>();
  for (const { entries: own, run } of parts) {
    // A process that could not start at all reported nothing: its cases crash with its error.
    if (run.error && !run.results.length) fillMissing(run, own, false, "", false, true, expectationsFile);
    for (const r of run.results) byId.set(r.id, r);
  }
  const failed = parts.find(({ run }) => run.exit.code !== 0) ?? parts[0];
  const errors = parts.filter(({ run }) => run.error).map(({ place, run }) => `${place === "host" ? "" : `lab ${place}: `}${run.error}`);
  return {
    column,
    version: parts.map(({ run }) => run.version).find(Boolean) ?? "",
    results: entries.map((e) => byId.get(e.case.id)).filter((r): r is ReportedResult => r !== undefined),
    exit: failed.run.exit,
    ...(errors.length ? { error: errors.join("; ") } : {}),
    ms: Math.round(performance.now() - started),
    parts: parts.map(({ place, entries: own, run }) => ({
      place,
      cases: own.length,
      ms: run.ms,
      exit: run.exit,
      ...(run.error ? { error: run.error } : {}),
    })),
  };
}

/** Runs one column process over `options.entries`. */
function runOne(column: Column, options: ColumnRunOptions): Promise<ColumnRun> {
  const args = [
    ...(options.filter ? ["--filter", options.filter] : []),
    ...(options.concurrent ? ["--concurrent"] : []),
    ...(options.expectations ? ["--expectations", options.expectations] : []),
    ...(options.extraArgs ?? []),
  ];
  const command = columnCommand(column, options.binaries, args);
  const { program, args: argv } = options.wrap ? options.wrap(command) : command;
  const started = performance.now();
  const run: ColumnRun = { column, version: "", results: [], exit: { code: null, signal: null }, ms: 0 };
  const budget = runBudgetMs(options.entries, options.startupMs);

  let stderr = "";
  let killedForTime = false;
  const child = startChild({
    program,
    args: argv,
    env: command.env,
    onStderr: (text) => stderr = (stderr + text).slice(-4000),
    onLine(line) {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line);
      } catch {
        return; // a runtime's own chatter on stdout
      }
      if (event.type === "start") run.version = String(event.version);
      if (event.type === "error") run.error = String(event.message);
      if (event.type === "result") {
        const reported = event as unknown as ReportedResult;
        run.results.push(reported);
        options.onResult?.(reported, run.results.length);
      }
    },
  });
  const timer = setTimeout(() => {
    killedForTime = true;
    child.kill();
  }, budget);
  return child.exited.then((exit) => {
    clearTimeout(timer);
    run.exit = { code: exit.code, signal: exit.signal };
    if (exit.error) run.error = `cannot start ${program}: ${exit.error}`;
    run.ms = Math.round(performance.now() - started);
    fillMissing(run, options.entries, killedForTime, stderr, options.concurrent ?? false, false, options.expectations);
    return run;
  });
}

/**
 * Cases the process never reported: it died (`crash`) or hung (`timeout`).
 * Run one at a time, the first unreported case is the one that hung it;
 * run concurrently, every unreported case was still running.
 */
function fillMissing(
  run: ColumnRun,
  entries: CatalogEntry[],
  killedForTime: boolean,
  stderr: string,
  concurrent: boolean,
  force = false,
  expectationsFile?: string,
): void {
  if (run.error && !force) return; // nothing ran: the caller reports the error
  const seen = new Set(run.results.map((r) => r.id));
  const missing = entries.filter((e) => !seen.has(e.case.id));
  if (!missing.length) return;
  const expectations = loadExpectations(run.column, { file: expectationsFile, extraIds: entries.map((e) => e.case.id) });
  const how = killedForTime
    ? "the column process exceeded its time budget and was killed"
    : `the column process exited (code ${run.exit.code}, signal ${run.exit.signal}) before this case reported`;
  const lastLine = stderr.trim().split("\n").pop() ?? "";
  run.error ??= `${how}${lastLine ? `: ${lastLine}` : ""}`;
  for (const [i, entry] of missing.entries()) {
    const verdict = killedForTime && (concurrent || i === 0) ? "timeout" : "crash";
    const result: CaseResult = { id: entry.case.id, verdict, observed: "", observations: {}, detail: run.error, ms: 0 };
    const expectation = expectations.get(entry.case.id);
    // Never `unsupported` here, so the adapter's being a reference does not matter.
    const judgement = judge(result, expectation, { level: entry.case.level });
    run.results.push({ id: entry.case.id, result, judgement, expectation });
  }
}
