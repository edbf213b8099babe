/**
 * `sockcheck run`: one column in its own process, one line per case with
 * every divergence explained, and its results as JSON on request.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { findColumn } from "../columns/registry.ts";
import { parseOptions, UsageError } from "../harness/args.ts";
import { casesFrom } from "../harness/cases.ts";
import { runColumnProcess } from "../harness/start.ts";
import { columnRunJson, formatRun } from "./format.ts";
import { installProgress } from "./install_progress.ts";
import { BINARY_OPTIONS, checkExpectations, entriesFor, unknownColumn } from "./options.ts";
import { binariesFor, missingLine } from "./runtimes.ts";

const OPTIONS = {
  runtime: { type: "string" },
  filter: { type: "string" },
  json: { type: "string" },
  expectations: { type: "string" },
  cases: { type: "string" },
  ...BINARY_OPTIONS,
} as const;

/**
 * `sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--expectations FILE] [--cases FILE] [--deno|--bun|--node PATH|VERSION]`.
 *
 * @example
 * ```ts
 * import { runCommand } from "./run.ts";
 * process.exitCode = await runCommand(["--runtime", "node", "--filter", "tcp.connect.*"]);
 * ```
 */
export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { options: OPTIONS });
  if (!values.runtime) throw new UsageError("run needs --runtime COLUMN");
  const column = findColumn(values.runtime) ?? unknownColumn(values.runtime);
  const cases = values.cases === undefined ? undefined : resolve(values.cases);
  const extra = cases === undefined ? undefined : await casesFrom(cases);
  const entries = entriesFor({ filter: values.filter, extra });
  const expectations = values.expectations === undefined ? undefined : resolve(values.expectations);
  checkExpectations(column, { file: expectations, extraIds: extra?.map((c) => c.id) });
  const found = (await binariesFor([column], values, { onProgress: installProgress() })).get(column.host)!;
  if ("missing" in found) throw new UsageError(missingLine(found.missing, [column]));

  const live = process.stderr.isTTY;
  const run = await runColumnProcess(column, {
    binary: found.binary,
    entries,
    expectations,
    filter: values.filter,
    cases,
    onResult: (_, done) => live && process.stderr.write(`\r${column.id}: ${done}/${entries.length}`),
  });
  if (live) process.stderr.write("\r\x1b[K");
  if (run.error && !run.results.length) {
    process.stderr.write(`sockcheck: ${column.id}: ${run.error}\n`);
    return 2;
  }
  process.stdout.write(formatRun(run));
  if (values.json) writeFileSync(values.json, JSON.stringify(columnRunJson(run), null, 2) + "\n");
  return run.results.every((r) => r.judgement.ok) ? 0 : 1;
}
