/**
 * One column process, from start to end: started with the column's host
 * command, its stdout read line by line as the protocol's events, killed at
 * its time budget, and the cases it never reported given their results.
 *
 * @module
 */
import type { LabProfile } from "../core/case.ts";
import type { Column } from "../columns/registry.ts";
import { type ChildStarter, startChild } from "../hosts/child.ts";
import type { Command } from "../hosts/descriptor.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { runBudgetMs } from "./budget.ts";
import { lossDetail, lostResults } from "./never_ran.ts";
import { needsPeer } from "./peer.ts";
import { columnArgs, type ColumnRequest, readEvent, type ReportedResult } from "./protocol.ts";

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: string | null;
}

/** What a column's processes reported, and how they ended. */
export interface ColumnRun {
  column: Column;
  version: string;
  results: ReportedResult[];
  /** The host process's exit (or the first process that failed). */
  exit: Exit;
  /** A fatal problem a process reported (bad expectations file), or how it died. */
  error?: string;
  /** Wall time of the whole run. */
  ms: number;
  /** Each process of the run, where there was more than one place. */
  parts?: ColumnPart[];
  /** Why the column did not run at all (its runtime was not found): it has no results. */
  notRun?: string;
}

/** One column process of a run: on the host, or in a lab namespace of a profile. */
export interface ColumnPart {
  place: "host" | LabProfile;
  cases: number;
  ms: number;
  exit: Exit;
  error?: string;
}

/** What one column process runs, and how it is started. */
export interface ProcessOptions {
  /** The runtime binary. */
  binary: string;
  entries: readonly CatalogEntry[];
  request: Omit<ColumnRequest, "column">;
  start?: ChildStarter;
  /** Wraps the command, to run it inside the lab's namespace. */
  wrap?(command: Command): { program: string; args: string[] };
  /** Time allowed for the process to start, beyond the cases' own limits. */
  startupMs?: number;
  /** Called after each result, for progress. */
  onResult?(result: ReportedResult): void;
}

/**
 * Runs one column process over `options.entries`. Never throws: a process
 * that cannot start, dies or hangs gives a run with its error and a result
 * for every case it did not report.
 */
export async function runProcess(column: Column, options: ProcessOptions): Promise<ColumnRun> {
  const args = columnArgs({ ...options.request, column: column.id, peer: needsPeer(options.entries) });
  const loads = [column.host.hostModule, column.adapter.module];
  const command = column.host.command(options.binary, "harness/main.ts", { args, needs: column.adapter.needs, loads });
  const { program, args: argv } = options.wrap ? options.wrap(command) : command;
  const started = performance.now();
  const run: ColumnRun = { column, version: "", results: [], exit: { code: null, signal: null }, ms: 0 };
  let stderr = "";
  const child = (options.start ?? startChild)({
    program,
    args: argv,
    env: command.env,
    onStderr: (text) => stderr = (stderr + text).slice(-4000),
    onLine(line) {
      const event = readEvent(line);
      if (event?.type === "start") run.version = event.version;
      if (event?.type === "error") run.error = event.message;
      if (event?.type !== "result") return;
      const { type: _, ...reported } = event;
      run.results.push(reported);
      options.onResult?.(reported);
    },
  });
  let killedForTime = false;
  const timer = setTimeout(() => {
    killedForTime = true;
    child.kill();
  }, runBudgetMs(options.entries, options.startupMs));
  const exit = await child.exited;
  clearTimeout(timer);
  run.exit = { code: exit.code, signal: exit.signal };
  if (exit.error) run.error = `cannot start ${program}: ${exit.error}`;
  run.ms = Math.round(performance.now() - started);
  // A process that reported an error ran nothing: the caller reports the error.
  if (run.error) return run;
  const detail = lossDetail(run.exit, { killedForTime, stderr });
  const loss = { killedForTime, concurrent: options.request.concurrent ?? false, detail };
  const lost = lostResults(column, { entries: options.entries, reported: run.results, loss, expectations: options.request.expectations });
  if (lost.length) run.error = detail;
  run.results.push(...lost);
  return run;
}
