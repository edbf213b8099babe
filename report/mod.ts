/**
 * The matrix report: the matrix built from the column runs, the matrix
 * file's schema and parser, and the views people and CI read: Markdown, a
 * static HTML page, JUnit XML per column, a terminal table, and a diff
 * between two matrices. The timeline: one column over releases of its
 * runtime, as JSON, Markdown and the same HTML grid.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { parseMatrix, renderMarkdown } from "./mod.ts";
 * const m = parseMatrix(readFileSync("matrix.json", "utf8"), "matrix.json");
 * console.log(renderMarkdown(m));
 * ```
 *
 * @module
 */
export {
  type Matrix,
  MATRIX_SCHEMA,
  type MatrixCase,
  type MatrixCell,
  type MatrixColumn,
  MatrixError,
  type MatrixHost,
  parseMatrix,
  type Verdict,
} from "./schema.ts";
export { renderMarkdown } from "./markdown.ts";
export { renderHtml } from "./html.ts";
export { renderJunit } from "./junit.ts";
export { type Change, diffMatrices, type MatrixDiff, renderDiff } from "./diff.ts";
export { mergeMatrices } from "./merge.ts";
export { buildMatrix } from "./build.ts";
export { renderTerminal } from "./terminal.ts";
export { writeReport, writeTimeline } from "./write.ts";
export {
  buildTimeline,
  type Timeline,
  type TimelineCase,
  type TimelineChange,
  type TimelineVersion,
  TIMELINE_SCHEMA,
  type VersionRun,
} from "./timeline.ts";
export { renderTimelineMarkdown } from "./timeline_markdown.ts";
export { renderTimelineHtml } from "./timeline_html.ts";
