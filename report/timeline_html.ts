/**
 * The timeline as one self-contained HTML page: the matrix's grid, its
 * columns being releases of one runtime (oldest at the left), each cell shown
 * exactly as the matrix shows it. The cases whose verdict changes come first,
 * under a band naming the release where they first changed; a release's
 * header counts the cases that changed there, and a cell where the verdict
 * changed says from what.
 *
 * @module
 */
import { type GridCell, type GridColumn, type GridPage, type GridRow, renderGridPage } from "./_grid_html.ts";
import { gridCellOf, gridColumnOf, gridRowOf } from "./html.ts";
import { casesInOrder, type Timeline, versionColumn } from "./timeline.ts";

/**
 * Renders the timeline page.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { renderTimelineHtml } from "./timeline_html.ts";
 * import type { Timeline } from "./timeline.ts";
 * declare const t: Timeline;
 * writeFileSync("timeline.html", renderTimelineHtml(t));
 * ```
 */
export function renderTimelineHtml(t: Timeline): string {
  return renderGridPage(timelineGridPage(t));
}

/**
 * The timeline in the grid's terms.
 *
 * @example
 * ```ts
 * import { timelineGridPage } from "./timeline_html.ts";
 * import type { Timeline } from "./timeline.ts";
 * declare const t: Timeline;
 * console.log(timelineGridPage(t).columns.map((c) => c.label)); // ["1.1.0", "1.2.0", ...]
 * ```
 */
export function timelineGridPage(t: Timeline): GridPage {
  const host = `${t.host.os} ${t.host.release} (${t.host.arch})`;
  const versions = t.versions.map((v) => v.version);
  const changedAt = (version: string) =>
    Object.values(t.cases).filter((c) => c.changes.some((ch) => ch.version === version)).length;
  const columns: GridColumn[] = t.versions.map((v) => {
    const n = changedAt(v.version);
    const column = gridColumnOf(versionColumn(t, v), { label: v.version, sub: n ? `${n} changed` : "" });
    // Named by its release; the column it is a release of is the page's.
    const facts = [{ label: "column", text: t.column.id }, ...(column.facts ?? []).slice(1)];
    return { ...column, name: `${t.column.runtime} ${v.version}`, facts };
  });
  return {
    title: `sockcheck timeline · ${t.column.id} on ${t.column.runtime} ${versions[0]} → ${versions.at(-1)}`,
    meta: [
      `${t.column.id}: ${t.column.api} on ${t.column.runtime}, ${versions.length} releases · host ${host} · generated ${t.generated}`,
      headline(t),
    ],
    columns,
    rows: casesInOrder(t).map((c) => rowOf(t, gridRowOf(c))),
    cellAt: (caseId, version) => cellAt(t, caseId, version),
  };
}

/** Which cases changed, and where, in a sentence. */
function headline(t: Timeline): string {
  const changed = casesInOrder(t).filter((c) => t.cases[c.id]?.changes.length);
  if (!changed.length) return `No case changes verdict across these releases.`;
  const first = changed.slice(0, 6).map((c) => {
    const ch = t.cases[c.id]!.changes[0]!;
    return `${c.id} (${ch.from} → ${ch.to} at ${ch.version})`;
  });
  const more = changed.length > first.length ? `, and ${changed.length - first.length} more` : "";
  return `${changed.length} of ${t.catalog.length} cases change verdict: ${first.join(", ")}${more}.`;
}

/** A case that changed goes under the band of the release where it first changed. */
function rowOf(t: Timeline, row: GridRow): GridRow {
  const first = t.cases[row.id]?.changes[0];
  if (!first) return row;
  const changes = t.cases[row.id]!.changes.map((ch) => `${ch.from} → ${ch.to} at ${ch.version}`).join("; ");
  return { ...row, group: `first changed at ${first.version}`, facts: [{ label: "changes", text: changes }, ...row.facts] };
}

/** The matrix's cell, with the change that happened at this release, if one did. */
function cellAt(t: Timeline, caseId: string, version: string): GridCell | undefined {
  const tc = t.cases[caseId];
  const cell = tc?.cells[version];
  if (!cell) return undefined;
  const grid = gridCellOf(cell);
  const change = tc.changes.find((ch) => ch.version === version);
  if (!change) return grid;
  return {
    ...grid,
    hint: `${grid.hint} (was ${change.from} before ${version})`,
    facts: [{ label: "changed", text: `${change.from} before ${version}, ${change.to} from here` }, ...grid.facts],
  };
}
