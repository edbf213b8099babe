/**
 * A column's expectations, read from its file (or one given instead) and
 * checked against the case ids that can run.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Expectations, ExpectationsError, parseExpectations } from "../core/expectations.ts";
import { CASE_IDS } from "../suites/catalog.ts";
import type { Column } from "./registry.ts";

/** Where a column's expectations come from, beyond the column's own file. */
export interface ExpectationsSource {
  /** An expectations file to use instead of the column's own. */
  file?: string;
  /** Ids of cases run besides the catalog's (`--cases`), which the file may name too. */
  extraIds?: Iterable<string>;
}

/**
 * Loads and validates a column's expectations: its own file, or
 * `source.file` instead. Throws ExpectationsError with one line naming the
 * problem.
 *
 * @example
 * ```ts
 * import { loadExpectations } from "./expectations.ts";
 * import { findColumn } from "./registry.ts";
 * console.log(loadExpectations(findColumn("kernel")!).size); // 0
 * ```
 */
export function loadExpectations(column: Column, source: ExpectationsSource = {}): Expectations {
  const { file, extraIds = [] } = source;
  const path = file ?? fileURLToPath(column.expectations.href);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ExpectationsError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const known = new Set([...CASE_IDS, ...extraIds]);
  return parseExpectations(text, file ?? `expectations of ${column.id}`, known);
}
