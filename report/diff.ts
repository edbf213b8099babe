/**
 * What changed between two matrices: cells fixed, regressed or otherwise
 * changed, and cases or columns that came or went.
 *
 * @module
 */
import type { Matrix, MatrixCell, Verdict } from "./schema.ts";
import { cellOf, DIVERGING, orderedColumns } from "./_layout.ts";

/** One cell whose verdict or standing against the expectations changed. */
export interface Change {
  column: string;
  caseId: string;
  from: Verdict;
  to: Verdict;
  /** Whether the old verdict was the expected one. */
  fromOk: boolean;
  /** Whether the new verdict is the expected one. */
  toOk: boolean;
}

/** The difference between two matrices. */
export interface MatrixDiff {
  /** Now passes where it did not, or now matches the expectations where it did not. */
  fixed: Change[];
  /** Passed and now fails, times out or crashes, or matched the expectations and no longer does. */
  regressed: Change[];
  /** Every other change of verdict. */
  changed: Change[];
  newCases: string[];
  removedCases: string[];
  newColumns: string[];
  removedColumns: string[];
  /**
   * Columns in both matrices that did not run in one of them (`bun: not run
   * in the new matrix: bun not found`): their cells are not compared.
   */
  notRun: string[];
}

/** A missing cell reads as a crash: the column stopped before the case. */
const NO_RESULT: Pick<MatrixCell, "verdict" | "ok"> = { verdict: "crash", ok: false };

/**
 * Compares two matrices cell by cell over the cases and columns they share.
 * A change of verdict to or from `pass` decides first (to pass: fixed; from
 * pass to fail, timeout or crash: regressed); otherwise a change in whether
 * the verdict is the expected one decides; anything else is `changed`.
 * Changes are listed in the new matrix's column and catalog order. A column
 * that did not run in either matrix is not compared, only named.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { parseMatrix } from "./schema.ts";
 * import { diffMatrices, renderDiff } from "./diff.ts";
 * const load = (file: string) => parseMatrix(readFileSync(file, "utf8"), file);
 * const d = diffMatrices(load("old.json"), load("new.json"));
 * console.log(renderDiff(d));
 * if (d.regressed.length) process.exitCode = 1;
 * ```
 */
export function diffMatrices(oldM: Matrix, newM: Matrix): MatrixDiff {
  const oldCases = new Set(oldM.catalog.map((c) => c.id));
  const newCases = new Set(newM.catalog.map((c) => c.id));
  const oldColumns = new Set(oldM.columns.map((c) => c.id));
  const newColumns = new Set(newM.columns.map((c) => c.id));
  const d: MatrixDiff = {
    fixed: [],
    regressed: [],
    changed: [],
    newCases: [...newCases].filter((id) => !oldCases.has(id)),
    removedCases: [...oldCases].filter((id) => !newCases.has(id)),
    newColumns: orderedColumns(newM).map((c) => c.id).filter((id) => !oldColumns.has(id)),
    removedColumns: orderedColumns(oldM).map((c) => c.id).filter((id) => !newColumns.has(id)),
    notRun: [],
  };
  for (const column of orderedColumns(newM)) {
    if (!oldColumns.has(column.id)) continue;
    const old = oldM.columns.find((c) => c.id === column.id)!;
    if (old.notRun !== undefined || column.notRun !== undefined) {
      const [which, why] = column.notRun !== undefined ? ["new", column.notRun] : ["old", old.notRun];
      d.notRun.push(`${column.id}: not run in the ${which} matrix (${why})`);
      continue;
    }
    for (const { id: caseId } of newM.catalog) {
      if (!oldCases.has(caseId)) continue;
      const before = cellOf(oldM, column.id, caseId) ?? NO_RESULT;
      const after = cellOf(newM, column.id, caseId) ?? NO_RESULT;
      if (before.verdict === after.verdict && before.ok === after.ok) continue;
      const change: Change = {
        column: column.id,
        caseId,
        from: before.verdict,
        to: after.verdict,
        fromOk: before.ok,
        toOk: after.ok,
      };
      d[kind(change)].push(change);
    }
  }
  return d;
}

function kind(c: Change): "fixed" | "regressed" | "changed" {
  if (c.from !== "pass" && c.to === "pass") return "fixed";
  if (c.from === "pass" && DIVERGING.has(c.to)) return "regressed";
  if (!c.fromOk && c.toOk) return "fixed";
  if (c.fromOk && !c.toOk) return "regressed";
  return "changed";
}

/**
 * Renders a diff as plain text: a section per kind of change, one line per
 * change, and `no changes` when there are none.
 *
 * @example
 * ```ts
 * import { renderDiff } from "./diff.ts";
 * const empty = {
 *   fixed: [], regressed: [], changed: [], newCases: [], removedCases: [], newColumns: [], removedColumns: [], notRun: [],
 * };
 * console.log(renderDiff(empty)); // "no changes\n"
 * ```
 */
export function renderDiff(d: MatrixDiff): string {
  const sections: string[] = [];
  const changes = (title: string, list: Change[]) => {
    if (list.length) sections.push([`${title} (${list.length}):`, ...list.map(line)].join("\n"));
  };
  const ids = (title: string, list: string[]) => {
    if (list.length) sections.push([`${title} (${list.length}):`, ...list.map((id) => `  ${id}`)].join("\n"));
  };
  changes("Regressed", d.regressed);
  changes("Fixed", d.fixed);
  changes("Changed", d.changed);
  ids("New cases", d.newCases);
  ids("Removed cases", d.removedCases);
  ids("New columns", d.newColumns);
  ids("Removed columns", d.removedColumns);
  ids("Not compared", d.notRun);
  return `${sections.length ? sections.join("\n\n") : "no changes"}\n`;
}

function line(c: Change): string {
  const show = (verdict: Verdict, ok: boolean) => ok ? verdict : `${verdict} (unexpected)`;
  return `  ${c.column}  ${c.caseId}: ${show(c.from, c.fromOk)} → ${show(c.to, c.toOk)}`;
}
