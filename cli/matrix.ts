/**
 * `sockcheck matrix`: every column in its own process, as many at once as
 * the machine has cores, then the matrix in JSON, Markdown, HTML and JUnit,
 * and a table on the terminal.
 *
 * @module
 */
import os from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import type { Column } from "../columns/registry.ts";
import { parseOptions } from "../harness/args.ts";
import { casesFrom } from "../harness/cases.ts";
import { type ColumnRun, notRun, pool, runColumnProcess } from "../harness/start.ts";
import { buildMatrix, type Matrix, renderTerminal, writeReport } from "../report/mod.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { BINARY_OPTIONS, binariesFor, checkExpectations, columnsNamed, entriesFor } from "./options.ts";
import { progress } from "./progress.ts";

const OPTIONS = {
  out: { type: "string" },
  runtime: { type: "string" },
  filter: { type: "string" },
  cases: { type: "string" },
  ...BINARY_OPTIONS,
} as const;

/** Runs every column asked for, at most as many at once as there are cores. */
async function runAll(
  columns: readonly Column[],
  options: { entries: CatalogEntry[]; filter?: string; cases?: string; given: Record<string, string | undefined> },
): Promise<ColumnRun[]> {
  const binaries = await binariesFor(columns, options.given);
  const bar = progress(options.entries.length);
  const runs = await pool(columns.map((column) => async () => {
    bar.start(column.id);
    const found = binaries.get(column.host)!;
    const run = "missing" in found ? notRun(column, found.missing) : await runColumnProcess(column, {
      binary: found.binary,
      entries: options.entries,
      filter: options.filter,
      cases: options.cases,
      onResult: (_, n) => bar.step(column.id, n),
    });
    bar.finish(run);
    return run;
  }), os.availableParallelism?.() ?? os.cpus().length);
  bar.end();
  return runs;
}

/** The table, each column's trouble and each unexpected cell; the exit status. */
function summarize(matrix: Matrix, runs: readonly ColumnRun[], out: string): number {
  process.stdout.write(renderTerminal(matrix));
  const unexpected = runs.flatMap((run) => run.results.filter((r) => !r.judgement.ok).map((r) => `${run.column.id} ${r.id}: ${r.judgement.message}`));
  for (const run of runs) {
    if (run.notRun) process.stdout.write(`${run.column.id}: not run: ${run.notRun}\n`);
    else if (run.error) process.stdout.write(`${run.column.id}: ${run.error}\n`);
  }
  for (const line of unexpected) process.stdout.write(`‼ ${line}\n`);
  const verdict = unexpected.length ? `${unexpected.length} not as expected` : "all as expected";
  process.stdout.write(`${matrix.columns.length} columns × ${matrix.catalog.length} cases; ${verdict}; report in ${out}/\n`);
  const failedToRun = runs.some((run) => run.notRun || (run.error && !run.results.length));
  return unexpected.length || failedToRun ? 1 : 0;
}

/**
 * `sockcheck matrix [--out DIR] [--runtime A,B,...] [--filter GLOBS] [--cases FILE] [--deno|--bun|--node PATH|VERSION]`.
 *
 * @example
 * ```ts
 * import { matrixCommand } from "./matrix.ts";
 * process.exitCode = await matrixCommand(["--runtime", "node", "--filter", "tcp.connect.*"]);
 * ```
 */
export async function matrixCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { options: OPTIONS });
  const columns = columnsNamed(values.runtime);
  const cases = values.cases === undefined ? undefined : resolve(values.cases);
  const extra = cases === undefined ? undefined : await casesFrom(cases);
  const entries = entriesFor({ filter: values.filter, extra });
  for (const column of columns) checkExpectations(column, { extraIds: extra?.map((c) => c.id) });
  const out = values.out ?? "sockcheck-report";
  const runs = await runAll(columns, { entries, filter: values.filter, cases, given: values });
  const matrix = buildMatrix(runs, entries);
  writeReport(matrix, out);
  return summarize(matrix, runs, out);
}
