/**
 * The matrix document from the column runs: every column with its
 * runtime, version and how its processes ended, the catalog, and each
 * column's cells.
 *
 * @module
 */
import os from "node:os";
import { sidesOf } from "../core/case.ts";
import type { ReportedResult } from "../harness/protocol.ts";
import type { ColumnRun } from "../harness/start.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { type Matrix, MATRIX_SCHEMA, type MatrixCase, type MatrixCell, type MatrixColumn } from "./schema.ts";

/** One case's outcome as a cell. */
function cellOf({ result, judgement, expectation }: ReportedResult): MatrixCell {
  return {
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

/** A column run's header in the matrix. */
function columnOf(run: ColumnRun): MatrixColumn {
  const { column } = run;
  return {
    id: column.id,
    runtime: column.host.name,
    version: run.version,
    api: column.adapter.api,
    ...(column.adapter.reference ? { reference: true } : {}),
    ...(run.notRun === undefined ? { exit: run.exit } : { notRun: run.notRun }),
    ...(run.error ? { error: run.error } : {}),
  };
}

/** A catalog entry as the matrix describes it. */
function caseOf({ topic, case: c }: CatalogEntry): MatrixCase {
  return {
    id: c.id,
    title: c.title,
    semantic: c.semantic,
    reference: c.reference,
    topic,
    level: c.level ?? "kernel",
    sides: sidesOf(c),
  };
}

/**
 * Assembles the matrix document from the column runs over `entries`.
 *
 * @example
 * ```ts
 * import { buildMatrix } from "./build.ts";
 * import { runColumnProcess } from "../harness/start.ts";
 * import { findColumn } from "../columns/registry.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const entries = [...CATALOG];
 * const matrix = buildMatrix([await runColumnProcess(findColumn("node")!, { entries })], entries);
 * console.log(matrix.columns[0].version);
 * ```
 */
export function buildMatrix(runs: readonly ColumnRun[], entries: readonly CatalogEntry[]): Matrix {
  const cells: Matrix["cells"] = {};
  for (const run of runs) cells[run.column.id] = Object.fromEntries(run.results.map((r) => [r.id, cellOf(r)]));
  return {
    schema: MATRIX_SCHEMA,
    generated: new Date().toISOString(),
    host: { os: os.type(), release: os.release(), arch: os.arch() },
    columns: runs.map(columnOf),
    catalog: entries.map(caseOf),
    cells,
  };
}
