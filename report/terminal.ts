/**
 * The matrix as a compact table for the terminal: cases × columns, one
 * short word per cell, `!` where the cell is not what the column's
 * expectations say.
 *
 * @module
 */
import type { Matrix, Verdict } from "./schema.ts";

const SHORT: Readonly<Record<Verdict, string>> = {
  pass: "ok",
  fail: "FAIL",
  unsupported: "n/a",
  skipped: "skip",
  timeout: "TIME",
  crash: "CRASH",
};

/**
 * The cases × columns table, one line a case.
 *
 * @example
 * ```ts
 * import { renderTerminal } from "./terminal.ts";
 * import type { Matrix } from "./schema.ts";
 * declare const matrix: Matrix;
 * process.stdout.write(renderTerminal(matrix));
 * ```
 */
export function renderTerminal(m: Matrix): string {
  // A column that did not run has no cells; the command names it with its reason.
  const ids = m.columns.filter((c) => c.notRun === undefined).map((c) => c.id);
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
