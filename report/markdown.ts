/**
 * The matrix as a GitHub-flavoured Markdown table, for a pull request, a
 * README or a CI step summary.
 *
 * @module
 */
import type { Matrix, MatrixCell, MatrixColumn } from "./schema.ts";
import {
  againstPeer,
  byTopic,
  cellOf,
  clip,
  columnLabel,
  columnTrouble,
  countColumn,
  type Counts,
  explanation,
  ICON,
  NO_CELL,
  orderedColumns,
  PEER_MARK,
  SIDES_NOTE,
} from "./_layout.ts";

/** How much of the observed behaviour a cell shows. */
const OBSERVED_CHARS = 60;
/** How much of the judge's line an unexpected cell shows; the list below the table has all of it. */
const JUDGEMENT_CHARS = 80;
/** How much of the judge's line the list below the table shows. */
const LISTED_CHARS = 400;

/**
 * Renders the matrix as Markdown: one table, cases × columns (kernel first),
 * a bold row per topic, then per-column summary rows and a line naming the
 * host and versions. Unexpected cells (verdict not the expected one) are
 * bold and marked ‼. A column that did not run is named at the top with
 * its reason, headed "not run", and left empty.
 *
 * @example
 * ```ts
 * import { readFileSync, appendFileSync } from "node:fs";
 * import { parseMatrix } from "./schema.ts";
 * import { renderMarkdown } from "./markdown.ts";
 * const m = parseMatrix(readFileSync("matrix.json", "utf8"), "matrix.json");
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY ?? "summary.md", renderMarkdown(m));
 * ```
 */
export function renderMarkdown(m: Matrix): string {
  const columns = orderedColumns(m);
  const ran = (c: MatrixColumn) => c.notRun === undefined;
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  // A column that did not run has no counts: its cells are not missing, they were never asked for.
  const counts = columns.map((c) => ran(c) ? countColumn(m, c.id) : undefined);
  const unexpected = counts.reduce((sum, c) => sum + (c?.unexpected ?? 0), 0);
  const notRun = columns.filter((c) => !ran(c));

  const lines = [
    "## sockcheck matrix",
    "",
    unexpected
      ? `**‼ ${unexpected} unexpected ${
        unexpected === 1 ? "result" : "results"
      }** (not what the column's expectations say).`
      : "All results match the expectations.",
    ...(notRun.length ? ["", `**Not run**: ${notRun.map((c) => `${text(c.id)}: ${text(c.notRun!)}`).join(" · ")}`] : []),
    "",
    row(["Case", ...columns.map((c) => ran(c) ? `${text(c.id)} ${text(c.version)}` : `${text(c.id)} (not run)`)]),
    row(["---", ...columns.map(() => "---")]),
  ];
  for (const { topic, cases } of byTopic(m)) {
    lines.push(row([`**${text(topic)}**`, ...columns.map(() => "")]));
    for (const c of cases) {
      const label = `${code(c.id)}${againstPeer(c) ? ` ${PEER_MARK}` : ""} ${text(c.title)}`;
      lines.push(row([label, ...columns.map((col) => ran(col) ? cell(cellOf(m, col.id, c.id)) : "")]));
    }
  }
  lines.push(
    ...summaryRows(counts).map(row),
    "",
    `Host: ${text(`${m.host.os} ${m.host.release} (${m.host.arch})`)} · ` +
      `${columns.map((c) => text(ran(c) ? columnLabel(c) : `${c.id}: not run`)).join(" · ")} · generated ${
        text(m.generated)
      }`,
  );
  for (const c of columns) {
    const trouble = ran(c) ? columnTrouble(c) : undefined;
    if (trouble) lines.push("", `⚠ ${text(c.id)}: ${text(clip(trouble, 200))}`);
  }
  lines.push(...judgements(m));
  lines.push(
    "",
    `${ICON.pass} pass · ${ICON.fail} fail · ${ICON.unsupported} unsupported · ${ICON.skipped} skipped · ` +
      `${ICON.timeout} timeout · ${ICON.crash} crash · ${NO_CELL} no result · ` +
      `**‼ bold**: not what the expectations say · *(known)*: an expected divergence`,
    "",
    text(SIDES_NOTE),
    "",
  );
  return lines.join("\n");
}

/** The per-column rows under the table; a column that did not run says so. */
function summaryRows(counts: (Counts | undefined)[]): string[][] {
  return [
    [
      "**Summary** (passed / diverging / unsupported / skipped)",
      ...counts.map((n) =>
        n
          ? `${n.passed} / ${n.diverging} / ${n.unsupported} / ${n.skipped}${n.missing ? ` (${n.missing} missing)` : ""}`
          : "not run"
      ),
    ],
    ["**Unexpected**", ...counts.map((n) => !n ? "not run" : n.unexpected ? `**‼ ${n.unexpected}**` : "0")],
  ];
}

function cell(c: MatrixCell | undefined): string {
  if (!c) return `**‼ ${NO_CELL}**`;
  let label = `${ICON[c.verdict]} ${c.verdict}`;
  // The judge's line says what is wrong; the full line is listed below the table.
  if (!c.ok && c.judgement) return `**‼ ${label}**: ${text(clip(c.judgement, JUDGEMENT_CHARS))}`;
  if (!c.ok) label = `**‼ ${label}** (expected ${c.expected})`;
  else if (c.verdict !== "pass" && c.verdict === c.expected) label += " *(known)*";
  const why = explanation(c);
  return why ? `${label}: ${text(clip(why, OBSERVED_CHARS))}` : label;
}

/** The judge's lines for every unexpected cell, as a list after the table; nothing when there are none. */
function judgements(m: Matrix): string[] {
  const items: string[] = [];
  for (const col of orderedColumns(m)) {
    for (const c of m.catalog) {
      const judged = cellOf(m, col.id, c.id)?.judgement;
      if (judged) items.push(`- ${text(col.id)} ${code(c.id)}: ${text(clip(judged, LISTED_CHARS))}`);
    }
  }
  return items.length ? ["", "### Not as expected", "", ...items] : [];
}

/** Text safe inside a table cell: one line, Markdown and HTML punctuation escaped. */
function text(s: string): string {
  return s.replace(/\s+/g, " ").replace(/[\\`*_[\]<>|~&]/g, "\\$&");
}

/** A code span safe inside a table cell. */
function code(s: string): string {
  return `\`${s.replace(/\s+/g, " ").replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}
