/**
 * Runs a column in child processes and collects its results, so one
 * runtime crashing or hanging cannot take the caller down: cases a process
 * never reported become `crash` (it exited) or `timeout` (it hung and was
 * killed), with the exit status in the detail. Each process runs its slow
 * cases at the same time, before the others (harness/slow_batch.ts).
 *
 * Where the fault lab can be made, every case runs in a lab column process,
 * one per lab profile, each inside its own private network namespace (lab/),
 * all at the same time; their results are merged back in catalog order.
 * Where it cannot, everything runs in one process on the host and the
 * lab's cases are `skipped` with the reason.
 *
 * @module
 */
import type { Column } from "../columns/registry.ts";
import { type ChildStarter, runToEnd, startChild } from "../hosts/child.ts";
import type { Command } from "../hosts/descriptor.ts";
import { labStatus, type LabStatus } from "../lab/availability.ts";
import { labCommand } from "../lab/namespace.ts";
import { labProcessesFor } from "../lab/placement.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { mergeRuns } from "./merge.ts";
import { type ColumnRun, type ProcessOptions, runProcess } from "./process.ts";
import type { ReportedResult } from "./protocol.ts";

export type { ColumnPart, ColumnRun } from "./process.ts";

/** How to run a column. */
export interface ColumnRunOptions {
  entries: CatalogEntry[];
  /** The runtime binary; by default the host's installed one. */
  binary?: string;
  /** How this process starts children; by default through `node:child_process`. */
  start?: ChildStarter;
  filter?: string;
  /** A module whose `cases` run instead of the catalog's (`--cases FILE`). */
  cases?: string;
  /** An expectations file to use instead of the column's own. */
  expectations?: string;
  /** `false`: one process on the host for every entry, no lab (its cases are skipped). Default: the lab where it can be made. */
  lab?: boolean;
  /** Time allowed for a process to start, beyond the cases' own limits (default 30 s). */
  startupMs?: number;
  /** Called after each result, for progress. */
  onResult?(result: ReportedResult, done: number): void;
}

/**
 * Whether the lab can be made here, probed with `start`; `lab: false`
 * leaves it out.
 */
export function labHere(options: { start?: ChildStarter; lab?: boolean }): Promise<LabStatus> {
  if (options.lab === false) return Promise.resolve({ ok: false, reason: "the run was asked to leave the fault lab out" });
  const start = options.start ?? startChild;
  return labStatus((command) => runToEnd(start, command));
}

/**
 * Runs `column`: the lab's cases in lab namespaces and the rest on the
 * host, all processes at once.
 *
 * @example
 * ```ts
 * import { runColumnProcess } from "./start.ts";
 * import { findColumn } from "../columns/registry.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const run = await runColumnProcess(findColumn("node")!, { entries: [...CATALOG] });
 * console.log(run.results.length);
 * ```
 */
export async function runColumnProcess(column: Column, options: ColumnRunOptions): Promise<ColumnRun> {
  const status = await labHere(options);
  let done = 0;
  const base: ProcessOptions = {
    binary: options.binary ?? column.host.installed(),
    entries: options.entries,
    // Every process runs its slow cases at the same time, before the others (harness/slow_batch.ts).
    request: { filter: options.filter, cases: options.cases, expectations: options.expectations, concurrent: true },
    start: options.start,
    startupMs: options.startupMs,
    onResult: (r) => options.onResult?.(r, ++done),
  };
  if (!status.ok) return runProcess(column, { ...base, request: { ...base.request, labUnavailable: status.reason } });
  const places = labProcessesFor(options.entries);
  if (!places.size) return runProcess(column, base);

  const started = performance.now();
  const ids = (entries: readonly CatalogEntry[]) => entries.map((e) => e.case.id).join(",");
  const parts = await Promise.all([...places].map(async ([place, entries]) => {
    const request = { ...base.request, filter: ids(entries) };
    const wrap = (command: Command) => labCommand(place, status.mode, command);
    return { place, entries, run: await runProcess(column, { ...base, entries, request, wrap }) };
  }));
  return mergeRuns(parts, { entries: options.entries, started, expectations: options.expectations });
}

/**
 * A column that did not run at all, and why (its runtime was not found).
 *
 * @example
 * ```ts
 * import { notRun } from "./start.ts";
 * import { findColumn } from "../columns/registry.ts";
 * notRun(findColumn("bun")!, "no bun here").results.length; // 0
 * ```
 */
export function notRun(column: Column, reason: string): ColumnRun {
  return { column, version: "", results: [], exit: { code: null, signal: null }, ms: 0, notRun: reason };
}

/**
 * Runs `tasks` with at most `limit` at once, results in the tasks' order.
 *
 * @example
 * ```ts
 * import { pool } from "./start.ts";
 * console.log(await pool([() => Promise.resolve(1), () => Promise.resolve(2)], 1)); // [1, 2]
 * ```
 */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }));
  return results;
}
