/**
 * Writes the report files: matrix.json, matrix.md, matrix.html and
 * junit-<column>.xml for a matrix; timeline.json, timeline.md and
 * timeline.html for a timeline.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderHtml } from "./html.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import type { Matrix } from "./schema.ts";
import type { Timeline } from "./timeline.ts";
import { renderTimelineHtml } from "./timeline_html.ts";
import { renderTimelineMarkdown } from "./timeline_markdown.ts";

/**
 * Writes every report file of `matrix` to the folder `out`, made if need be.
 *
 * @example
 * ```ts
 * import { writeReport } from "./write.ts";
 * import type { Matrix } from "./schema.ts";
import type { Timeline } from "./timeline.ts";
import { renderTimelineHtml } from "./timeline_html.ts";
import { renderTimelineMarkdown } from "./timeline_markdown.ts";
 * declare const matrix: Matrix;
 * writeReport(matrix, "sockcheck-report");
 * ```
 */
export function writeReport(matrix: Matrix, out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "matrix.json"), JSON.stringify(matrix, null, 2) + "\n");
  writeFileSync(join(out, "matrix.md"), renderMarkdown(matrix));
  writeFileSync(join(out, "matrix.html"), renderHtml(matrix));
  for (const column of matrix.columns) {
    const file = column.id.replace(/[^A-Za-z0-9.-]+/g, "_");
    writeFileSync(join(out, `junit-${file}.xml`), renderJunit(matrix, column.id));
  }
}

/**
 * Writes `timeline.json`, `timeline.md` and `timeline.html` to the folder
 * `out`, made if need be.
 *
 * @example
 * ```ts
 * import { writeTimeline } from "./write.ts";
 * import type { Timeline } from "./timeline.ts";
 * declare const timeline: Timeline;
 * writeTimeline(timeline, "sockcheck-timeline");
 * ```
 */
export function writeTimeline(timeline: Timeline, out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "timeline.json"), JSON.stringify(timeline, null, 2) + "\n");
  writeFileSync(join(out, "timeline.md"), renderTimelineMarkdown(timeline));
  writeFileSync(join(out, "timeline.html"), renderTimelineHtml(timeline));
}
