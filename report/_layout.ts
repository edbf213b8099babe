/**
 * What every renderer lays out the same way: column order, topic grouping,
 * verdict labels and per-column counts.
 *
 * @module
 */
import type { Matrix, MatrixCase, MatrixCell, MatrixColumn, Verdict } from "./schema.ts";

/** The emoji shown beside each verdict. */
export const ICON: Readonly<Record<Verdict, string>> = {
  pass: "✅",
  fail: "❌",
  unsupported: "⚪",
  skipped: "⏭",
  timeout: "⏱",
  crash: "💥",
};

/** The mark beside a case whose other end is the kernel reference peer (`sides: "column+peer"`). */
export const PEER_MARK = "↔";

/** What the two kinds of case are, for a report's legend. */
export const SIDES_NOTE =
  `${PEER_MARK} marks a case run against the kernel reference peer: the column's API is one end of each connection ` +
  "and the kernel itself, in a process of its own, the other, so a divergence there is the column's alone. " +
  "Unmarked cases run both ends on the column's own API.";

/** Whether a case runs against the reference peer (a matrix from before cases said so: no). */
export function againstPeer(c: MatrixCase): boolean {
  return c.sides === "column+peer";
}

/** Verdicts that mean the column behaved differently from the kernel. */
export const DIVERGING: ReadonlySet<Verdict> = new Set(["fail", "timeout", "crash"]);

/** Shown where a column has no cell for a case. */
export const NO_CELL = "—";

/** The reference column (the kernel) first, if present, then the others in the order given. */
export function orderedColumns(m: Matrix): MatrixColumn[] {
  return [...m.columns.filter((c) => c.reference), ...m.columns.filter((c) => !c.reference)];
}

/** Cases grouped by topic, topics in order of first appearance in the catalog. */
export function byTopic(m: Matrix): { topic: string; cases: MatrixCase[] }[] {
  const groups = new Map<string, MatrixCase[]>();
  for (const c of m.catalog) {
    const group = groups.get(c.topic) ?? [];
    group.push(c);
    groups.set(c.topic, group);
  }
  return [...groups].map(([topic, cases]) => ({ topic, cases }));
}

/** The cell of a case on a column, or `undefined` where the column has none. */
export function cellOf(m: Matrix, columnId: string, caseId: string): MatrixCell | undefined {
  const column = Object.hasOwn(m.cells, columnId) ? m.cells[columnId] : undefined;
  return column && Object.hasOwn(column, caseId) ? column[caseId] : undefined;
}

/**
 * What explains a cell that did not pass, in its own words: for a divergence
 * what was observed, for a case that could not run why not.
 */
export function explanation(cell: MatrixCell): string {
  if (cell.verdict === "pass") return "";
  return DIVERGING.has(cell.verdict) ? cell.observed || cell.detail || "" : cell.detail || cell.observed;
}

/** Per-column tallies. A missing cell counts as `missing` and as unexpected. */
export interface Counts {
  passed: number;
  /** fail, timeout or crash. */
  diverging: number;
  unsupported: number;
  skipped: number;
  missing: number;
  /** Cells whose verdict is not the expected one (`ok` false), missing cells included. */
  unexpected: number;
}

/** Tallies one column's cells over the whole catalog. */
export function countColumn(m: Matrix, columnId: string): Counts {
  const counts: Counts = { passed: 0, diverging: 0, unsupported: 0, skipped: 0, missing: 0, unexpected: 0 };
  for (const c of m.catalog) {
    const cell = cellOf(m, columnId, c.id);
    if (!cell) {
      counts.missing++;
      counts.unexpected++;
      continue;
    }
    if (cell.verdict === "pass") counts.passed++;
    else if (cell.verdict === "unsupported" || cell.verdict === "skipped") counts[cell.verdict]++;
    else counts.diverging++;
    if (!cell.ok) counts.unexpected++;
  }
  return counts;
}

/** One line of at most `max` characters: whitespace runs collapsed, an ellipsis where cut. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** How a column ended, in a few words, if it did not end cleanly. */
export function columnTrouble(column: MatrixColumn): string | undefined {
  const parts: string[] = [];
  if (column.exit?.signal) parts.push(`killed by ${column.exit.signal}`);
  else if (column.exit && column.exit.code !== 0 && column.exit.code !== null) {
    parts.push(`exited with ${column.exit.code}`);
  }
  if (column.error) parts.push(column.error);
  return parts.length ? parts.join(": ") : undefined;
}

/** A column as the host line names it: `deno 2.9.6 (Deno.connect)`. */
export function columnLabel(column: MatrixColumn): string {
  return `${column.id}: ${column.runtime} ${column.version} (${column.api})`;
}
