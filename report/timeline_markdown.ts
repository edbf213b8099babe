/**
 * The timeline as Markdown: cases × releases, the cases whose verdict
 * changes first with the release where it first changed, then what each
 * change was, in the cases' own observations.
 *
 * @module
 */
import type { MatrixCell, Verdict } from "./schema.ts";
import { clip, columnTrouble, explanation } from "./_layout.ts";
import { casesInOrder, type Timeline, type TimelineCase, versionColumn } from "./timeline.ts";

/** One short word per verdict, so twenty releases fit a table. */
const WORD: Readonly<Record<Verdict, string>> = {
  pass: "ok",
  fail: "FAIL",
  unsupported: "n/a",
  skipped: "skip",
  timeout: "TIME",
  crash: "CRASH",
};

/**
 * Renders the timeline as GitHub-flavoured Markdown.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { renderTimelineMarkdown } from "./timeline_markdown.ts";
 * import type { Timeline } from "./timeline.ts";
 * declare const t: Timeline;
 * writeFileSync("timeline.md", renderTimelineMarkdown(t));
 * ```
 */
export function renderTimelineMarkdown(t: Timeline): string {
  const versions = t.versions.map((v) => v.version);
  const ordered = casesInOrder(t);
  const changed = ordered.filter((c) => t.cases[c.id]?.changes.length);
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const lines = [
    `## sockcheck timeline: ${text(t.column.id)} (${text(t.column.api)} on ${text(t.column.runtime)})`,
    "",
    `${text(t.column.runtime)} ${versions.map(text).join(", ")} · ` +
    `host ${text(`${t.host.os} ${t.host.release} (${t.host.arch})`)} · generated ${text(t.generated)}`,
    "",
    changed.length
      ? `**${count(changed.length, "case")} change verdict** across these releases; ` +
        `${count(ordered.length - changed.length, "case")} keep theirs.`
      : `No case changes verdict across these releases (${count(ordered.length, "case")}).`,
    "",
    row(["Case", "First change", ...versions.map(text)]),
    row(["---", "---", ...versions.map(() => "---")]),
  ];
  ordered.forEach((c, i) => {
    if (i === changed.length && changed.length) lines.push(row(["**unchanged**", "", ...versions.map(() => "")]));
    const tc = t.cases[c.id];
    const first = tc?.changes[0];
    lines.push(row([
      code(c.id),
      first ? `${text(first.version)}: ${first.from} → ${first.to}` : "—",
      ...versions.map((v) => cellWord(tc?.cells[v])),
    ]));
  });
  lines.push(...whatChanged(t, changed.map((c) => c.id)), ...troubles(t));
  lines.push(
    "",
    "ok pass · FAIL fail · n/a unsupported · skip skipped · TIME timeout · CRASH crash · — no result",
    "",
  );
  return lines.join("\n");
}

/** For each case that changed, each change with what was observed on both sides. */
function whatChanged(t: Timeline, ids: string[]): string[] {
  if (!ids.length) return [];
  const lines = ["", "### What changed", ""];
  for (const id of ids) {
    const tc = t.cases[id]!;
    const title = t.catalog.find((c) => c.id === id)?.title ?? "";
    const steps = tc.changes.map((ch) => {
      const before = previousVersion(t, tc, ch.version);
      return `${side(before, tc.cells[before])} → ${side(ch.version, tc.cells[ch.version])}`;
    });
    lines.push(`- ${code(id)} ${text(title)}: ${steps.join("; ")}`);
  }
  return lines;
}

/** The last release before `version` that has a cell for the case. */
function previousVersion(t: Timeline, tc: TimelineCase, version: string): string {
  const at = t.versions.findIndex((v) => v.version === version);
  return t.versions.slice(0, at).map((v) => v.version).filter((v) => tc.cells[v]).at(-1) ?? version;
}

function side(version: string, cell: MatrixCell | undefined): string {
  if (!cell) return `no result at ${text(version)}`;
  const why = explanation(cell);
  return `${cell.verdict} at ${text(version)}${why ? ` (${text(clip(why, 120))})` : ""}`;
}

/** Releases on which the column did not end cleanly. */
function troubles(t: Timeline): string[] {
  const lines = t.versions.flatMap((v) => {
    const trouble = columnTrouble(versionColumn(t, v));
    return trouble ? [`- ${text(v.version)}: ${text(clip(trouble, 200))}`] : [];
  });
  return lines.length ? ["", "### Releases that did not end cleanly", "", ...lines] : [];
}

function cellWord(cell: MatrixCell | undefined): string {
  return cell ? WORD[cell.verdict] : "—";
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Text safe inside a table cell: one line, Markdown and HTML punctuation escaped. */
function text(s: string): string {
  return s.replace(/\s+/g, " ").replace(/[\\`*_[\]<>|~&]/g, "\\$&");
}

/** A code span safe inside a table cell. */
function code(s: string): string {
  return `\`${s.replace(/\s+/g, " ").replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}
