/**
 * `sockcheck`: the command line. Each command parses its arguments and
 * calls the harness and the report.
 *
 *   sockcheck list [--json]
 *   sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--expectations FILE] [--cases FILE] [--deno|--bun|--node PATH|VERSION]
 *   sockcheck matrix [--out DIR] [--runtime A,B,...] [--filter GLOBS] [--cases FILE] [--jobs N] [--deno|--bun|--node PATH|VERSION] [--workerd PATH]
 *   sockcheck diff OLD.json NEW.json
 *   sockcheck merge --out DIR MATRIX.json...
 *   sockcheck bench [--runtime A,B,...] [--out DIR] [--quick] [--deno|--bun|--node PATH|VERSION]
 *   sockcheck timeline --runtime COLUMN (--versions A,B,... | --since X) [--last N] [--out DIR] [--filter GLOBS] [--cases FILE]
 *   sockcheck bisect --runtime COLUMN --case ID --good V1 --bad V2 [--cases FILE]
 *
 * Exit status: 0 when every result matches its expectation, 1 when one does
 * not, 2 on bad usage (one line on stderr names the problem).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { sidesOf } from "./core/case.ts";
import { COLUMNS } from "./columns/registry.ts";
import { parseOptions, UsageError } from "./harness/args.ts";
import { benchCommand } from "./cli/bench.ts";
import { matrixCommand } from "./cli/matrix.ts";
import { runCommand } from "./cli/run.ts";
import { bisectCommand } from "./cli/bisect.ts";
import { timelineCommand } from "./cli/timeline.ts";
import { diffMatrices, type Matrix, MatrixError, mergeMatrices, parseMatrix, renderDiff, writeReport } from "./report/mod.ts";
import { CATALOG } from "./suites/catalog.ts";

const USAGE = `usage: sockcheck list [--json]
       sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--expectations FILE] [--cases FILE] [--deno|--bun|--node PATH|VERSION]
       sockcheck matrix [--out DIR] [--runtime A,B,...] [--filter GLOBS] [--cases FILE] [--jobs N] [--deno|--bun|--node PATH|VERSION] [--workerd PATH]
       sockcheck diff OLD.json NEW.json
       sockcheck merge --out DIR MATRIX.json...
       sockcheck bench [--runtime A,B,...] [--out DIR] [--quick] [--deno PATH] [--bun PATH] [--node PATH]
       sockcheck timeline --runtime COLUMN (--versions A,B,... | --since X) [--last N] [--out DIR] [--filter GLOBS] [--cases FILE]
       sockcheck bisect --runtime COLUMN --case ID --good V1 --bad V2 [--cases FILE]
columns: ${COLUMNS.map((c) => c.id).join(", ")}`;

function list(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { options: { json: { type: "boolean" } } });
  if (values.json) {
    const catalog = CATALOG.map(({ topic, case: c }) => ({
      id: c.id,
      title: c.title,
      topic,
      semantic: c.semantic,
      reference: c.reference,
      level: c.level ?? "kernel",
      sides: sidesOf(c),
      requires: c.requires ?? {},
    }));
    process.stdout.write(JSON.stringify(catalog, null, 2) + "\n");
  } else {
    for (const { case: c } of CATALOG) process.stdout.write(`${c.id.padEnd(48)} ${c.title}\n`);
    process.stdout.write(`${CATALOG.length} cases\n`);
  }
  return Promise.resolve(0);
}

function readMatrix(path: string): Matrix {
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

function diff(argv: string[]): Promise<number> {
  const { positionals } = parseOptions(argv, { options: {}, positionals: true });
  if (positionals.length !== 2) throw new UsageError("diff needs two matrix files: OLD.json NEW.json");
  const changes = diffMatrices(readMatrix(positionals[0]), readMatrix(positionals[1]));
  process.stdout.write(renderDiff(changes));
  return Promise.resolve(changes.regressed.length ? 1 : 0);
}

function merge(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { options: { out: { type: "string" } }, positionals: true });
  if (!values.out) throw new UsageError("merge needs --out DIR");
  if (!positionals.length) throw new UsageError("merge needs at least one matrix file");
  const merged = mergeMatrices(positionals.map(readMatrix));
  writeReport(merged, values.out);
  process.stdout.write(`${merged.columns.length} columns × ${merged.catalog.length} cases; report in ${values.out}/\n`);
  return Promise.resolve(Object.values(merged.cells).every((col) => Object.values(col).every((cell) => cell.ok)) ? 0 : 1);
}

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  list,
  run: runCommand,
  matrix: matrixCommand,
  diff,
  merge,
  timeline: timelineCommand,
  bisect: bisectCommand,
  bench: benchCommand,
};

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
      // A live progress line may be on screen: clear it first. One line per problem (a matrix may miss more than one runtime).
      if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
      for (const line of err.message.split("\n")) process.stderr.write(`sockcheck: ${line}\n`);
      return 2;
    }
    throw err;
  }
}
