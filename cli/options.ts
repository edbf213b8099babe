/**
 * What the commands share: the columns asked for, the cases to run, the
 * runtime options (`--deno`, `--bun`, `--node` give a path or a release;
 * `runtimes.ts` finds them) and the expectations check.
 *
 * @module
 */
import { type ExpectationsSource, loadExpectations } from "../columns/expectations.ts";
import { type Column, COLUMNS, findColumn, HOSTS } from "../columns/registry.ts";
import type { Case } from "../core/case.ts";
import { ExpectationsError } from "../core/expectations.ts";
import { UsageError } from "../harness/args.ts";
import { selectEntries } from "../harness/cases.ts";
import type { CatalogEntry } from "../suites/catalog.ts";

/** One string option per host, naming its binary or release: `--deno`, `--bun`, `--node`. */
export const BINARY_OPTIONS: Record<string, { type: "string" }> = Object.fromEntries(
  HOSTS.map((host) => [host.name, { type: "string" as const }]),
);

/** `--runtime A,B,...` as columns; every column when not given. */
export function columnsNamed(list: string | undefined): Column[] {
  if (list === undefined) return [...COLUMNS];
  return list.split(",").map((s) => s.trim()).filter(Boolean).map((id) => findColumn(id) ?? unknownColumn(id));
}

/** A UsageError naming an unknown column and the known ones. */
export function unknownColumn(id: string): never {
  throw new UsageError(`unknown column "${id}" (columns: ${COLUMNS.map((c) => c.id).join(", ")})`);
}

/** The entries `filter` selects, from the catalog or from `extra`; a UsageError if none. */
export function entriesFor(options: { filter?: string; extra?: readonly Case[] }): CatalogEntry[] {
  const entries = selectEntries(options);
  if (!entries.length) throw new UsageError(`filter "${options.filter}" matches no case`);
  return entries;
}

/** A column's expectations must be valid before anything runs: one line and exit 2 otherwise. */
export function checkExpectations(column: Column, source?: ExpectationsSource): void {
  try {
    loadExpectations(column, source);
  } catch (err) {
    if (err instanceof ExpectationsError) throw new UsageError(err.message);
    throw err;
  }
}
