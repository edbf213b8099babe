/**
 * Runs a column in its own child process and collects its results, so one
 * runtime crashing or hanging cannot take the caller down: cases the
 * process never reported become `crash` (it exited) or `timeout` (it hung
 * and was killed), with the exit status in the detail.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { createInterface } from "node:readline";
import { DEFAULT_TIME_LIMIT_MS } from "../core/case.ts";
import { type Expectation, judge, type Judgement } from "../core/expectations.ts";
import type { CaseResult } from "../core/result.ts";
import { type CatalogEntry } from "../suites/catalog.ts";
import type { Column } from "./columns.ts";
import { type Binaries, columnCommand } from "./launch.ts";
import { loadExpectations } from "./_column.ts";

/** One case's outcome as a column process reported it. */
export interface ReportedResult {
  id: string;
  result: CaseResult;
  judgement: Judgement;
  expectation?: Expectation;
}

/** What a column process reported, and how it ended. */
export interface ColumnRun {
  column: Column;
  version: string;
  results: ReportedResult[];
  exit: { code: number | null; signal: string | null };
  /** A fatal problem the process reported (bad expectations file), or how it died. */
  error?: string;
  ms: number;
}

export interface ColumnRunOptions {
  binaries: Binaries;
  entries: CatalogEntry[];
  filter?: string;
  /** Called after each result, for progress. */
  onResult?(result: ReportedResult, done: number): void;
  /** Extra arguments for the column process. */
  extraArgs?: string[];
  /** Wraps the command, e.g. to run it inside the lab's namespace. */
  wrap?(command: { program: string; args: string[] }): { program: string; args: string[] };
}

/** Time for a runtime to start and load the suites, beyond the cases' own limits. */
const STARTUP_MS = 30_000;

/**
 * Runs `column` in a child process.
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
export function runColumnProcess(column: Column, options: ColumnRunOptions): Promise<ColumnRun> {
  const args = [...(options.filter ? ["--filter", options.filter] : []), ...(options.extraArgs ?? [])];
  const command = columnCommand(column, options.binaries, args);
  const { program, args: argv } = options.wrap ? options.wrap(command) : command;
  const started = performance.now();
  const run: ColumnRun = { column, version: "", results: [], exit: { code: null, signal: null }, ms: 0 };
  const budget = STARTUP_MS + options.entries.reduce((ms, e) => ms + (e.case.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + 1000, 0);

  return new Promise((resolve) => {
    const child = spawn(program, argv, { env: { ...process.env, ...command.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let killedForTime = false;
    const timer = setTimeout(() => {
      killedForTime = true;
      child.kill("SIGKILL");
    }, budget);
    child.stderr.on("data", (chunk) => stderr = (stderr + chunk).slice(-4000));
    createInterface({ input: child.stdout }).on("line", (line) => {
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
    });
    const finish = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      run.exit = { code, signal };
      run.ms = Math.round(performance.now() - started);
      fillMissing(run, options.entries, killedForTime, stderr);
      resolve(run);
    };
    child.on("error", (err) => {
      run.error = `cannot start ${program}: ${err.message}`;
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/** Cases the process never reported: it died (`crash`) or hung (`timeout`). */
function fillMissing(run: ColumnRun, entries: CatalogEntry[], killedForTime: boolean, stderr: string): void {
  if (run.error) return; // nothing ran: the caller reports the error
  const seen = new Set(run.results.map((r) => r.id));
  const missing = entries.filter((e) => !seen.has(e.case.id));
  if (!missing.length) return;
  const expectations = loadExpectations(run.column);
  const how = killedForTime
    ? "the column process exceeded its time budget and was killed"
    : `the column process exited (code ${run.exit.code}, signal ${run.exit.signal}) before this case reported`;
  const lastLine = stderr.trim().split("\n").pop() ?? "";
  run.error = `${how}${lastLine ? `: ${lastLine}` : ""}`;
  for (const [i, entry] of missing.entries()) {
    // The case running when the process died is the one that hung or crashed it.
    const verdict = i === 0 && killedForTime ? "timeout" : "crash";
    const result: CaseResult = { id: entry.case.id, verdict, observed: "", observations: {}, detail: run.error, ms: 0 };
    const expectation = expectations.get(entry.case.id);
    run.results.push({ id: entry.case.id, result, judgement: judge(result, expectation), expectation });
  }
}
