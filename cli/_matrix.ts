/**
 * `sockcheck matrix`: every column in its own process, as many at once as the
 * machine has cores, then the matrix in JSON, Markdown, HTML and JUnit.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import process from "node:process";
import { idFilter } from "../core/filter.ts";
import { type Matrix, MATRIX_SCHEMA, type MatrixCell } from "../report/schema.ts";
import { renderHtml, renderJunit, renderMarkdown } from "../report/mod.ts";
import { CATALOG, type CatalogEntry } from "../suites/catalog.ts";
import { type Column, COLUMNS, findColumn, type RuntimeName } from "../runtimes/columns.ts";
import { type Binaries, defaultBinaries } from "../runtimes/launch.ts";
import { type ColumnRun, runColumnProcess } from "../runtimes/spawn.ts";
import { UsageError } from "./_args.ts";

/** What `matrix` was asked for. */
export interface MatrixOptions {
  out: string;
  columns: Column[];
  entries: CatalogEntry[];
  filter?: string;
  binaries: Binaries;
}

/** Turns the command's arguments into options, or a UsageError naming the problem. */
export function matrixOptions(args: Record<string, string | undefined>): MatrixOptions {
  const ids = typeof args.runtime === "string" ? args.runtime.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
  const columns = ids
    ? ids.map((id) => findColumn(id) ?? unknownColumn(id))
    : [...COLUMNS];
  const filter = args.filter;
  const entries = CATALOG.filter((e) => idFilter(filter)(e.case.id));
  if (!entries.length) throw new UsageError(`filter "${filter}" matches no case`);
  const binaries = defaultBinaries();
  for (const runtime of ["deno", "bun", "node"] as const) {
    const given = args[runtime];
    if (typeof given === "string") binaries[runtime] = checkBinary(runtime, given);
  }
  return { out: args.out ?? "sockcheck-report", columns, entries, filter, binaries };
}

function unknownColumn(id: string): never {
  throw new UsageError(`unknown column "${id}" (columns: ${COLUMNS.map((c) => c.id).join(", ")})`);
}

/** Code that prints the runtime's version only when it is that runtime. */
const IDENTIFY: Record<RuntimeName, string[]> = {
  deno: ["eval", "console.log(globalThis.Deno?.version.deno ?? '')"],
  bun: ["-e", "console.log(globalThis.Bun?.version ?? '')"],
  node: ["-e", "console.log(globalThis.Bun || globalThis.Deno ? '' : process.versions.node)"],
};

/** A `--deno/--bun/--node PATH` must exist and be that runtime. */
function checkBinary(runtime: RuntimeName, path: string): string {
  if (!existsSync(path)) throw new UsageError(`--${runtime} ${path}: no such file`);
  const probe = spawnSync(path, IDENTIFY[runtime], {
    encoding: "utf8",
    timeout: 20_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
  });
  if (probe.error || probe.status !== 0 || !probe.stdout.trim()) {
    throw new UsageError(`--${runtime} ${path}: not a ${runtime} binary (${probe.error?.message ?? `exit ${probe.status}`})`);
  }
  return path;
}

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
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

/** Progress on stderr: one live line on a terminal, start/finish lines otherwise. */
function progress(columns: Column[], total: number) {
  const done = new Map<string, number>();
  const live = process.stderr.isTTY;
  const draw = () => {
    const parts = [...done].map(([id, n]) => `${id} ${n}/${total}`);
    process.stderr.write(`\r\x1b[K${parts.join("  ")}`);
  };
  return {
    start(column: Column) {
      done.set(column.id, 0);
      if (live) draw();
      else process.stderr.write(`${column.id}: started\n`);
    },
    step(column: Column, n: number) {
      done.set(column.id, n);
      if (live) draw();
    },
    finish(run: ColumnRun) {
      if (live) draw();
      else process.stderr.write(`${run.column.id}: ${run.results.length}/${total} in ${run.ms} ms\n`);
    },
    end() {
      if (live) process.stderr.write("\r\x1b[K");
    },
    columns,
  };
}

/** Assembles the matrix document from the column runs. */
export function buildMatrix(runs: ColumnRun[], entries: CatalogEntry[]): Matrix {
  const cells: Matrix["cells"] = {};
  for (const run of runs) {
    const column: Record<string, MatrixCell> = {};
    for (const { id, result, judgement, expectation } of run.results) {
      column[id] = {
        verdict: result.verdict,
        expected: judgement.expected,
        ok: judgement.ok,
        ...(judgement.message ? { judgement: judgement.message } : {}),
        observed: result.observed,
        ...(result.detail ? { detail: result.detail } : {}),
        ms: result.ms,
        ...(expectation ? { reason: expectation.reason } : {}),
        ...(expectation?.issue ? { issue: expectation.issue } : {}),
      };
    }
    cells[run.column.id] = column;
  }
  return {
    schema: MATRIX_SCHEMA,
    generated: new Date().toISOString(),
    host: { os: os.type(), release: os.release(), arch: os.arch() },
    columns: runs.map((run) => ({
      id: run.column.id,
      runtime: run.column.runtime,
      version: run.version,
      api: run.column.api,
      exit: run.exit,
      ...(run.error ? { error: run.error } : {}),
    })),
    catalog: entries.map(({ topic, case: c }) => ({
      id: c.id,
      title: c.title,
      semantic: c.semantic,
      reference: c.reference,
      topic,
      level: c.level ?? "kernel",
    })),
    cells,
  };
}

const SHORT: Record<string, string> = { pass: "ok", fail: "FAIL", unsupported: "n/a", skipped: "skip", timeout: "TIME", crash: "CRASH" };

/** A compact cases × columns table for the terminal; unexpected cells marked `!`. */
export function terminalTable(m: Matrix): string {
  const ids = m.columns.map((c) => c.id);
  const width = Math.max(...m.catalog.map((c) => c.id.length));
  const colWidth = Math.max(6, ...ids.map((id) => id.length)) + 1;
  const lines = [`${"".padEnd(width)} ${ids.map((id) => id.padEnd(colWidth)).join("")}`];
  for (const c of m.catalog) {
    const row = ids.map((col) => {
      const cell = m.cells[col]?.[c.id];
      const text = cell ? `${SHORT[cell.verdict]}${cell.ok ? "" : "!"}` : "—";
      return text.padEnd(colWidth);
    });
    lines.push(`${c.id.padEnd(width)} ${row.join("")}`);
  }
  return lines.join("\n") + "\n";
}

/** Writes matrix.json, matrix.md, matrix.html and junit-<column>.xml to `out`. */
export function writeReport(matrix: Matrix, out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "matrix.json"), JSON.stringify(matrix, null, 2) + "\n");
  writeFileSync(join(out, "matrix.md"), renderMarkdown(matrix));
  writeFileSync(join(out, "matrix.html"), renderHtml(matrix));
  for (const column of matrix.columns) {
    const file = column.id.replace(/[^A-Za-z0-9.-]+/g, "_");
    writeFileSync(join(out, `junit-${file}.xml`), renderJunit(matrix, column.id));
  }
}

/** Runs the matrix, writes the report files, returns the exit status. */
export async function runMatrix(options: MatrixOptions): Promise<number> {
  const bar = progress(options.columns, options.entries.length);
  const runs = await pool(options.columns.map((column) => async () => {
    bar.start(column);
    const run = await runColumnProcess(column, {
      binaries: options.binaries,
      entries: options.entries,
      filter: options.filter,
      onResult: (_, n) => bar.step(column, n),
    });
    bar.finish(run);
    return run;
  }), os.availableParallelism?.() ?? os.cpus().length);
  bar.end();

  const matrix = buildMatrix(runs, options.entries);
  writeReport(matrix, options.out);

  process.stdout.write(terminalTable(matrix));
  const unexpected = runs.flatMap((run) => run.results.filter((r) => !r.judgement.ok).map((r) => `${run.column.id} ${r.id}: ${r.judgement.message}`));
  for (const run of runs) {
    if (run.error) process.stdout.write(`${run.column.id}: ${run.error}\n`);
  }
  for (const line of unexpected) process.stdout.write(`‼ ${line}\n`);
  process.stdout.write(
    `${matrix.columns.length} columns × ${matrix.catalog.length} cases; ${unexpected.length ? `${unexpected.length} not as expected` : "all as expected"}; report in ${options.out}/\n`,
  );
  const failedToRun = runs.some((run) => run.error && !run.results.length);
  return unexpected.length || failedToRun ? 1 : 0;
}
