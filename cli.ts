/**
 * `sockcheck`: the command line.
 *
 *   sockcheck list [--json]
 *   sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--expectations FILE] [--cases FILE] [--deno PATH] [--bun PATH] [--node PATH]
 *   sockcheck matrix [--out DIR] [--runtime A,B,...] [--filter GLOBS] [--deno PATH] [--bun PATH] [--node PATH]
 *   sockcheck diff OLD.json NEW.json
 *   sockcheck merge --out DIR MATRIX.json...
 *
 * Exit status: 0 when every result matches its expectation, 1 when one does
 * not, 2 on bad usage (one line on stderr names the problem).
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import process from "node:process";
import { idFilter } from "./core/filter.ts";
import { CATALOG, type CatalogEntry } from "./suites/catalog.ts";
import type { Case } from "./core/case.ts";
import { type Column, COLUMNS, findColumn } from "./runtimes/columns.ts";
import { type ExpectationsSource, loadExpectations } from "./runtimes/_column.ts";
import { ExpectationsError } from "./core/expectations.ts";
import { runColumnProcess } from "./runtimes/spawn.ts";
import { columnRunJson, formatRun } from "./cli/_format.ts";
import { parseArgs, UsageError } from "./cli/_args.ts";
import { matrixOptions, runMatrix, writeReport } from "./cli/_matrix.ts";
import { diffMatrices, MatrixError, mergeMatrices, parseMatrix, renderDiff } from "./report/mod.ts";

const USAGE = `usage: sockcheck list [--json]
       sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--expectations FILE] [--cases FILE] [--deno PATH] [--bun PATH] [--node PATH]
       sockcheck matrix [--out DIR] [--runtime A,B,...] [--filter GLOBS] [--deno PATH] [--bun PATH] [--node PATH]
       sockcheck diff OLD.json NEW.json
       sockcheck merge --out DIR MATRIX.json...
columns: ${COLUMNS.map((c) => c.id).join(", ")}`;

async function list(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { booleans: ["json"], strings: [] });
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  if (args.flags.has("json")) {
    const catalog = CATALOG.map(({ topic, case: c }) => ({
      id: c.id,
      title: c.title,
      topic,
      semantic: c.semantic,
      reference: c.reference,
      level: c.level ?? "kernel",
      requires: c.requires ?? {},
    }));
    process.stdout.write(JSON.stringify(catalog, null, 2) + "\n");
  } else {
    for (const { case: c } of CATALOG) process.stdout.write(`${c.id.padEnd(48)} ${c.title}\n`);
    process.stdout.write(`${CATALOG.length} cases\n`);
  }
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const { values: args, positionals } = parseArgs(argv, {
    booleans: [],
    strings: ["runtime", "filter", "json", "expectations", "cases", "deno", "bun", "node"],
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!args.runtime) throw new UsageError("run needs --runtime COLUMN");
  const column = findColumn(args.runtime);
  if (!column) throw new UsageError(`unknown column "${args.runtime}" (columns: ${COLUMNS.map((c) => c.id).join(", ")})`);
  const casesFile = args.cases === undefined ? undefined : resolve(args.cases);
  const extra = casesFile === undefined ? undefined : await extraCases(casesFile);
  const pool: CatalogEntry[] = extra ? extra.map((c) => ({ topic: "extra", case: c })) : [...CATALOG];
  const entries = pool.filter((e) => idFilter(args.filter)(e.case.id));
  if (!entries.length) throw new UsageError(`filter "${args.filter}" matches no case`);
  const { binaries } = matrixOptions({ ...args, runtime: column.id });

  const expectations = args.expectations === undefined ? undefined : resolve(args.expectations);
  checkExpectations(column, { file: expectations, extraIds: extra?.map((c) => c.id) });
  const result = await runColumnProcess(column, {
    binaries,
    entries,
    expectations,
    filter: args.filter,
    ...(casesFile ? { extraArgs: ["--cases", casesFile] } : {}),
    onResult: (_, done) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${column.id}: ${done}/${entries.length}`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  if (result.error && !result.results.length) {
    process.stderr.write(`sockcheck: ${column.id}: ${result.error}\n`);
    return 2;
  }
  process.stdout.write(formatRun(result));
  if (args.json) writeFileSync(args.json, JSON.stringify(columnRunJson(result), null, 2) + "\n");
  return result.results.every((r) => r.judgement.ok) ? 0 : 1;
}

/** The cases a module exports as `cases` (`run --cases FILE`): one line and exit 2 if it has none. */
async function extraCases(file: string): Promise<Case[]> {
  let cases: unknown;
  try {
    cases = (await import(pathToFileURL(file).href)).cases;
  } catch (err) {
    throw new UsageError(`cannot load cases from ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!Array.isArray(cases) || !cases.every((c) => typeof c?.id === "string" && typeof c?.run === "function")) {
    throw new UsageError(`${file} exports no \`cases\` array of cases`);
  }
  return cases;
}

/** A column's expectations must be valid before anything runs: one line and exit 2 otherwise. */
function checkExpectations(column: Column, source: ExpectationsSource = {}): void {
  try {
    loadExpectations(column, source);
  } catch (err) {
    if (err instanceof ExpectationsError) throw new UsageError(err.message);
    throw err;
  }
}

async function matrix(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, { booleans: [], strings: ["out", "runtime", "filter", "deno", "bun", "node"] });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const options = matrixOptions(values);
  for (const column of options.columns) checkExpectations(column);
  return await runMatrix(options);
}

function readMatrix(path: string) {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseMatrix(text, path);
  } catch (err) {
    if (err instanceof MatrixError) throw new UsageError(err.message);
    throw err;
  }
}

async function diff(argv: string[]): Promise<number> {
  const { positionals } = parseArgs(argv, { booleans: [], strings: [] });
  if (positionals.length !== 2) throw new UsageError("diff needs two matrix files: OLD.json NEW.json");
  const changes = diffMatrices(readMatrix(positionals[0]), readMatrix(positionals[1]));
  process.stdout.write(renderDiff(changes));
  return changes.regressed.length ? 1 : 0;
}

async function merge(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, { booleans: [], strings: ["out"] });
  if (!values.out) throw new UsageError("merge needs --out DIR");
  if (!positionals.length) throw new UsageError("merge needs at least one matrix file");
  const merged = mergeMatrices(positionals.map(readMatrix));
  writeReport(merged, values.out);
  process.stdout.write(`${merged.columns.length} columns × ${merged.catalog.length} cases; report in ${values.out}/\n`);
  return Object.values(merged.cells).every((col) => Object.values(col).every((cell) => cell.ok)) ? 0 : 1;
}

const commands: Record<string, (argv: string[]) => Promise<number>> = { list, run, matrix, diff, merge };

/** Runs the command line; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(USAGE + "\n");
    return name ? 0 : 2;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(", ")})`);
    return await command(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sockcheck: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
