/**
 * `sockcheck`: the command line.
 *
 *   sockcheck list [--json]
 *   sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--deno PATH] [--bun PATH] [--node PATH]
 *
 * Exit status: 0 when every result matches its expectation, 1 when one does
 * not, 2 on bad usage (one line on stderr names the problem).
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import process from "node:process";
import { idFilter } from "./core/filter.ts";
import { CATALOG } from "./suites/catalog.ts";
import { COLUMNS, findColumn } from "./runtimes/columns.ts";
import { defaultBinaries } from "./runtimes/launch.ts";
import { runColumnProcess } from "./runtimes/spawn.ts";
import { columnRunJson, formatRun } from "./cli/_format.ts";
import { parseArgs, UsageError } from "./cli/_args.ts";

const USAGE = `usage: sockcheck list [--json]
       sockcheck run --runtime COLUMN [--filter GLOBS] [--json FILE] [--deno PATH] [--bun PATH] [--node PATH]
columns: ${COLUMNS.map((c) => c.id).join(", ")}`;

async function list(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { booleans: ["json"], strings: [] });
  if (args.json) {
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
  const args = parseArgs(argv, { booleans: [], strings: ["runtime", "filter", "json", "deno", "bun", "node"] });
  if (!args.runtime) throw new UsageError("run needs --runtime COLUMN");
  const column = findColumn(args.runtime);
  if (!column) throw new UsageError(`unknown column "${args.runtime}" (columns: ${COLUMNS.map((c) => c.id).join(", ")})`);
  const entries = CATALOG.filter((e) => idFilter(args.filter)(e.case.id));
  if (!entries.length) throw new UsageError(`filter "${args.filter}" matches no case`);
  const binaries = { ...defaultBinaries(), ...pick(args, ["deno", "bun", "node"]) };

  const result = await runColumnProcess(column, {
    binaries,
    entries,
    filter: args.filter,
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

function pick(args: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => typeof args[k] === "string").map((k) => [k, args[k] as string]));
}

const commands: Record<string, (argv: string[]) => Promise<number>> = { list, run };

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
