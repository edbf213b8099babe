/**
 * `sockcheck matrix`: every column in its own processes, four columns per
 * core at once (or `--jobs N`), then the matrix in JSON, Markdown, HTML and JUnit,
 * and a table on the terminal. A column whose runtime is found nowhere is
 * reported as not run, with the reason.
 *
 * @module
 */
import os from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import type { Column } from "../columns/registry.ts";
import { parseOptions, UsageError } from "../harness/args.ts";
import { casesFrom } from "../harness/cases.ts";
import { type ColumnRun, notRun, pool, runColumnProcess } from "../harness/start.ts";
import { buildMatrix, type Matrix, renderTerminal, writeReport } from "../report/mod.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import type { HostDescriptor } from "../hosts/descriptor.ts";
import { installProgress } from "./install_progress.ts";
import { BINARY_OPTIONS, checkExpectations, columnsNamed, entriesFor } from "./options.ts";
import { progress } from "./progress.ts";
import { binariesFor, type HostBinary, missingLine, missingRuntimes, notRunReason } from "./runtimes.ts";

const OPTIONS = {
  out: { type: "string" },
  runtime: { type: "string" },
  filter: { type: "string" },
  cases: { type: "string" },
  jobs: { type: "string" },
  ...BINARY_OPTIONS,
} as const;

/** The most columns `--jobs` may run at once. */
const MAX_JOBS = 16;

/**
 * How many columns run at once: `--jobs N`, else four per core. A column's
 * processes spend much of their time waiting (bounded waits, the kernel's
 * timers, the peer, their children), and one column's waits overlap the
 * others' work: on 2 cores, 7 columns took 19.0 s four at a time and
 * 16.2-16.5 s all at once.
 */
function jobsFrom(value: string | undefined): number {
  if (value === undefined) return 4 * (os.availableParallelism?.() ?? os.cpus().length);
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1 || jobs > MAX_JOBS) {
    throw new UsageError(`--jobs takes a whole number from 1 to ${MAX_JOBS}, not "${value}"`);
  }
  return jobs;
}

/** Runs every column whose runtime was found, at most `jobs` at once; the others are not run. */
async function runAll(
  columns: readonly Column[],
  options: { binaries: Map<HostDescriptor, HostBinary>; entries: CatalogEntry[]; jobs: number; filter?: string; cases?: string },
): Promise<ColumnRun[]> {
  const bar = progress(options.entries.length);
  const runs = await pool(columns.map((column) => async () => {
    const found = options.binaries.get(column.host)!;
    if ("missing" in found) return notRun(column, notRunReason(column, found.missing));
    bar.start(column.id);
    const run = await runColumnProcess(column, {
      binary: found.binary,
      entries: options.entries,
      filter: options.filter,
      cases: options.cases,
      onResult: (_, n) => bar.step(column.id, n),
    });
    bar.finish(run);
    return run;
  }), options.jobs);
  bar.end();
  return runs;
}

/** The table of the columns that ran, each column's trouble and each unexpected cell; the exit status. */
function summarize(matrix: Matrix, runs: readonly ColumnRun[], out: string): number {
  process.stdout.write(renderTerminal(matrix));
  const ran = runs.filter((run) => run.notRun === undefined);
  const unexpected = ran.flatMap((run) =>
    run.results.filter((r) => !r.judgement.ok).map((r) => `${run.column.id} ${r.id}: ${r.judgement.message}`)
  );
  for (const run of ran) if (run.error) process.stdout.write(`${run.column.id}: ${run.error}\n`);
  for (const line of unexpected) process.stdout.write(`‼ ${line}\n`);
  const verdict = unexpected.length ? `${unexpected.length} not as expected` : "all as expected";
  const skipped = runs.filter((run) => run.notRun !== undefined).map((run) => run.column.id);
  const notRunNote = skipped.length ? ` (not run: ${skipped.join(", ")})` : "";
  process.stdout.write(
    `${ran.length} columns × ${matrix.catalog.length} cases${notRunNote}; ${verdict}; report in ${out}/\n`,
  );
  const failedToRun = ran.some((run) => run.error && !run.results.length);
  return unexpected.length || failedToRun ? 1 : 0;
}

/**
 * `sockcheck matrix [--out DIR] [--runtime A,B,...] [--filter GLOBS] [--cases FILE] [--jobs N] [--deno|--bun|--node PATH|VERSION]`.
 * Without `--runtime`, a column whose runtime is found nowhere is not run
 * (one line says how to get it) and the exit status is that of the columns
 * that ran; a column named with `--runtime` must run: its runtime missing
 * is bad usage.
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
  const jobs = jobsFrom(values.jobs);
  const cases = values.cases === undefined ? undefined : resolve(values.cases);
  const extra = cases === undefined ? undefined : await casesFrom(cases);
  const entries = entriesFor({ filter: values.filter, extra });
  for (const column of columns) checkExpectations(column, { extraIds: extra?.map((c) => c.id) });
  const out = values.out ?? "sockcheck-report";
  const binaries = await binariesFor(columns, values, { onProgress: installProgress() });
  const missing = missingRuntimes(binaries).map((m) => missingLine(m, columns));
  if (missing.length && values.runtime !== undefined) throw new UsageError(missing.join("\n"));
  for (const line of missing) process.stderr.write(`sockcheck: ${line}\n`);
  if (columns.every((c) => "missing" in binaries.get(c.host)!)) {
    throw new UsageError("no column can run here: none of their runtimes was found (see the lines above)");
  }
  const runs = await runAll(columns, { binaries, entries, jobs, filter: values.filter, cases });
  const matrix = buildMatrix(runs, entries);
  writeReport(matrix, out);
  return summarize(matrix, runs, out);
}
