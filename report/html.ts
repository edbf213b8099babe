/**
 * The matrix as one self-contained HTML page: inline CSS and script, no
 * external assets, nothing fetched. Open it from disk or attach it to a CI run.
 *
 * The page is the grid of `_grid_html.ts` over the matrix's columns; the
 * functions here turn a column, a case and a cell of a matrix into the grid's
 * terms, so a timeline (the same grid, columns being versions of one runtime
 * column) renders each version's cells exactly as the matrix does.
 *
 * @module
 */
import type { Matrix, MatrixCase, MatrixCell, MatrixColumn } from "./schema.ts";
import {
  againstPeer,
  byTopic,
  cellOf,
  clip,
  columnTrouble,
  explanation,
  orderedColumns,
  PEER_MARK,
  SIDES_NOTE,
} from "./_layout.ts";
import {
  type GridCell,
  type GridColumn,
  type GridFact,
  type GridPage,
  type GridRow,
  renderGridPage,
} from "./_grid_html.ts";

/**
 * Renders the matrix as a static page: a summary per column first, then a
 * compact grid (kernel first) with the divergent cases on top, a sticky header
 * row and case column, and each cell's details in a side panel: verdict
 * against expectation, what was observed, the case's semantic and reference,
 * and the expectation's reason and upstream link.
 *
 * Hooks for browser tests: every case row has `data-case`; every column
 * header `data-column`; every cell `data-case`, `data-column` and
 * `data-verdict` (`missing` where the column has no result).
 *
 * @example
 * ```ts
 * import { readFileSync, writeFileSync } from "node:fs";
 * import { parseMatrix } from "./schema.ts";
 * import { renderHtml } from "./html.ts";
 * const m = parseMatrix(readFileSync("matrix.json", "utf8"), "matrix.json");
 * writeFileSync("matrix.html", renderHtml(m));
 * ```
 */
export function renderHtml(m: Matrix): string {
  return renderGridPage(matrixGridPage(m));
}

/**
 * The matrix in the grid's terms: its columns (kernel first), its cases by
 * topic, and a cell lookup. A column without a cell for a case shows "no result".
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { parseMatrix } from "./schema.ts";
 * import { matrixGridPage } from "./html.ts";
 * const page = matrixGridPage(parseMatrix(readFileSync("matrix.json", "utf8"), "matrix.json"));
 * console.log(page.columns.map((c) => c.id)); // ["kernel", "deno", ...]
 * ```
 */
export function matrixGridPage(m: Matrix): GridPage {
  const host = `${m.host.os} ${m.host.release} (${m.host.arch})`;
  return {
    title: `sockcheck matrix · ${host}`,
    meta: [`Host ${host} · generated ${m.generated}`],
    columns: orderedColumns(m).map((c) => gridColumnOf(c)),
    rows: byTopic(m).flatMap(({ cases }) => cases.map(gridRowOf)),
    notes: m.catalog.some(againstPeer) ? [SIDES_NOTE] : [],
    cellAt: (caseId, columnId) => {
      const cell = cellOf(m, columnId, caseId);
      return cell && gridCellOf(cell);
    },
  };
}

/**
 * A matrix column as a grid column: headed by its id over its version, named
 * in full (`deno-node: deno 2.9.6, node:net`) on hover and in the panel. A
 * timeline heads each column by its version instead: pass `label` and `sub`.
 *
 * @example
 * ```ts
 * import { gridColumnOf } from "./html.ts";
 * const column = { id: "deno", runtime: "deno", version: "2.0.0", api: "Deno.connect" };
 * gridColumnOf(column); // header "deno" over "2.0.0"
 * gridColumnOf(column, { label: column.version, sub: "2024-10-09" }); // a timeline's header
 * ```
 */
export function gridColumnOf(c: MatrixColumn, options: { label?: string; sub?: string } = {}): GridColumn {
  const trouble = columnTrouble(c);
  const facts: GridFact[] = [
    { label: "column", text: c.id },
    { label: "runtime", text: `${c.runtime} ${c.version}` },
    { label: "API", text: c.api },
  ];
  if (c.notRun !== undefined) facts.push({ label: "not run", text: c.notRun });
  if (trouble) facts.push({ label: "ended", text: trouble });
  return {
    id: c.id,
    // An id that carries its version (`deno@2.0.0`) is headed by the rest, over the version.
    label: options.label ?? (c.id.endsWith(`@${c.version}`) ? c.id.slice(0, -c.version.length - 1) : c.id),
    sub: options.sub ?? c.version,
    name: `${c.id}: ${c.runtime} ${c.version}, ${c.api}`,
    facts,
    ...(c.notRun !== undefined ? { notRun: c.notRun } : {}),
    ...(trouble ? { trouble: clip(trouble, 160) } : {}),
  };
}

/**
 * A case as a grid row, grouped by its topic; the panel shows its semantic,
 * reference and level.
 *
 * @example
 * ```ts
 * import { gridRowOf } from "./html.ts";
 * const row = gridRowOf({
 *   id: "tcp.connect.refused", title: "Connect to a closed port", semantic: "RST: ECONNREFUSED.",
 *   reference: "UNP 4.3", topic: "tcp_connect", level: "kernel",
 * });
 * console.log(row.group); // "tcp_connect"
 * ```
 */
export function gridRowOf(c: MatrixCase): GridRow {
  return {
    id: c.id,
    title: c.title,
    group: c.topic,
    facts: [
      { label: "semantic", text: c.semantic },
      { label: "reference", text: c.reference },
      { label: "level", text: c.level === "kernel" ? "kernel semantics" : "runtime contract (no kernel counterpart)" },
      {
        label: "sides",
        text: againstPeer(c)
          ? "column+peer: the column's API at one end, the kernel reference peer at the other"
          : "column: both ends on the column's API",
      },
    ],
    ...(againstPeer(c) ? { mark: { text: PEER_MARK, title: "run against the kernel reference peer (column+peer)" } } : {}),
  };
}

/**
 * A matrix cell as a grid cell: its verdict against the expected one, what
 * was observed, the detail, the time, and the expectation's reason and
 * upstream link.
 *
 * @example
 * ```ts
 * import { gridCellOf } from "./html.ts";
 * const cell = gridCellOf({ verdict: "fail", expected: "fail", ok: true, observed: "EPIPE", ms: 4, reason: "known" });
 * console.log(cell.hint); // "fail (expected fail): EPIPE"
 * ```
 */
export function gridCellOf(cell: MatrixCell): GridCell {
  const facts: GridFact[] = [
    { label: "verdict", text: verdictLine(cell) },
    { label: "expected", text: cell.expected },
  ];
  if (cell.judgement) facts.push({ label: "judgement", text: cell.judgement });
  facts.push({ label: "observed", text: cell.observed || "(nothing recorded)" });
  if (cell.detail) facts.push({ label: "detail", text: cell.detail, pre: true });
  facts.push({ label: "time", text: `${Math.round(cell.ms)} ms` });
  if (cell.reason) facts.push({ label: "expectation", text: cell.reason });
  if (cell.issue) facts.push({ label: "upstream", text: cell.issue, href: cell.issue });
  const why = explanation(cell);
  return { verdict: cell.verdict, ok: cell.ok, hint: `${verdictLine(cell)}${why ? `: ${clip(why, 100)}` : ""}`, facts };
}

/**
 * The verdict against the expectation in a few words. A case that could not
 * run here (unsupported, skipped) is not held against an expected pass.
 */
function verdictLine(cell: MatrixCell): string {
  if (!cell.ok) return `${cell.verdict}, expected ${cell.expected}: not what the expectations say`;
  if (cell.verdict === "pass" && cell.expected === "pass") return "pass";
  return cell.verdict === cell.expected ? `${cell.verdict} (expected ${cell.expected})` : cell.verdict;
}
