/**
 * `sockcheck bench`: the performance lane. Each column runs in a process of
 * its own, one after another (so columns do not compete for the cores),
 * with the reference peer as its child on the other side of every
 * workload; then bench.json, bench.md and bench.html, and a table on the
 * terminal. The kernel column is always run: every ratio is to it.
 *
 * @module
 */
import process from "node:process";
import { type Column, COLUMNS, HOSTS } from "../columns/registry.ts";
import { parseOptions, UsageError } from "../harness/args.ts";
import type { HostDescriptor } from "../hosts/descriptor.ts";
import { HostError } from "../hosts/errors.ts";
import { type BenchRun, runBench } from "../bench/run.ts";
import { benchHost, buildBench } from "../report/bench_build.ts";
import { notMeasured } from "../report/bench_format.ts";
import { renderBenchTerminal } from "../report/bench_terminal.ts";
import { writeBenchReport } from "../report/bench_write.ts";
import { benchProgress } from "./bench_progress.ts";
import { BINARY_OPTIONS, columnsNamed } from "./options.ts";

const OPTIONS = {
  out: { type: "string" },
  runtime: { type: "string" },
  quick: { type: "boolean" },
  ...BINARY_OPTIONS,
} as const;

/** The columns asked for, with the reference column first (added when it was left out). */
function withReference(columns: Column[]): Column[] {
  const reference = COLUMNS.filter((c) => c.adapter.reference);
  const missing = reference.filter((r) => !columns.includes(r));
  if (missing.length) process.stderr.write(`sockcheck: running the ${missing.map((c) => c.id).join(", ")} column too: the ratios are to it\n`);
  return [...reference, ...columns.filter((c) => !c.adapter.reference)];
}

/** The columns asked for (every one by default) whose host runs the bench lane; naming one that does not is bad usage. */
function benchedColumns(list: string | undefined): Column[] {
  const named = columnsNamed(list);
  const unbenched = named.filter((c) => !c.host.benches);
  if (list !== undefined && unbenched.length) {
    throw new UsageError(`the bench lane does not run on ${unbenched.map((c) => c.host.name).join(", ")} yet: ${unbenched.map((c) => c.id).join(", ")} cannot be benched`);
  }
  return named.filter((c) => c.host.benches);
}

type Lookup = { binary: string; version: string } | { missing: string };

/** Each host's binary and version, found where `given` names it or where the host looks. */
async function lookups(columns: readonly Column[], given: Record<string, string | undefined>): Promise<Map<HostDescriptor, Lookup>> {
  const hosts = [...new Set(columns.map((c) => c.host))];
  const found = await Promise.all(hosts.map(async (host): Promise<Lookup> => {
    try {
      const lookup = await host.find(given[host.name]);
      return lookup.found ? { binary: lookup.path, version: lookup.version } : { missing: `${lookup.reason}; ${lookup.hint}` };
    } catch (err) {
      if (err instanceof HostError) throw new UsageError(err.message);
      throw err;
    }
  }));
  return new Map(hosts.map((host, i) => [host, found[i]]));
}

/** A column that did not run, and why. */
function notRun(column: Column, reason: string): BenchRun {
  return { column, version: "", api: column.adapter.api, figures: {}, exit: { code: null, signal: null }, ms: 0, notRun: reason };
}

/** Runs the columns one after another. */
async function runAll(columns: readonly Column[], found: Map<HostDescriptor, Lookup>, quick: boolean): Promise<BenchRun[]> {
  const bar = benchProgress(columns.length);
  const runs: BenchRun[] = [];
  for (const column of columns) {
    const lookup = found.get(column.host)!;
    const platforms = column.adapter.platforms;
    bar.start(column.id);
    const run = "missing" in lookup
      ? notRun(column, lookup.missing)
      : platforms && !platforms.includes(process.platform)
      ? notRun(column, `the ${column.id} column runs on ${platforms.join(", ")} only`)
      : await runBench(column, { ...lookup, quick, onEvent: (event) => bar.event(column.id, event) });
    bar.finish(run);
    runs.push(run);
  }
  bar.end();
  return runs;
}

/**
 * `sockcheck bench [--runtime A,B,...] [--out DIR] [--quick] [--deno|--bun|--node PATH|VERSION]`.
 * Exit status 0 when every column ran and every figure was measured or is
 * n/a; 1 when a figure is an error or a column did not run.
 *
 * @example
 * ```ts
 * import { benchCommand } from "./bench.ts";
 * process.exitCode = await benchCommand(["--runtime", "kernel,node", "--quick", "--out", "bench-out"]);
 * ```
 */
export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { options: OPTIONS });
  const columns = withReference(benchedColumns(values.runtime));
  const out = values.out ?? "sockcheck-report";
  const host = benchHost();
  const given = Object.fromEntries(HOSTS.map((h) => [h.name, (values as Record<string, string | undefined>)[h.name]]));
  const runs = await runAll(columns, await lookups(columns, given), values.quick ?? false);
  const report = buildBench(runs, { plan: values.quick ? "quick" : "full", host });
  writeBenchReport(report, out);
  process.stdout.write(renderBenchTerminal(report));
  const missing = notMeasured(report);
  for (const line of missing) process.stdout.write(`${line}\n`);
  for (const column of report.columns.filter((c) => c.notRun)) process.stdout.write(`${column.id}: not run: ${column.notRun}\n`);
  process.stdout.write(`${report.columns.length} columns x ${report.metrics.length} metrics; report in ${out}/\n`);
  const errors = Object.values(report.figures).some((figures) => Object.values(figures).some((f) => "error" in f));
  const failed = errors || report.columns.some((c) => c.notRun);
  return failed ? 1 : 0;
}
