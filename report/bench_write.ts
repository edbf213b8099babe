/**
 * Writes the bench report's files: bench.json, bench.md and bench.html.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderBenchHtml } from "./bench_html.ts";
import { renderBenchMarkdown } from "./bench_markdown.ts";
import type { BenchReport } from "./bench_schema.ts";

/**
 * Writes every file of `report` to the folder `out`, made if need be.
 *
 * @example
 * ```ts
 * import { writeBenchReport } from "./bench_write.ts";
 * import type { BenchReport } from "./bench_schema.ts";
 * declare const report: BenchReport;
 * writeBenchReport(report, "sockcheck-report");
 * ```
 */
export function writeBenchReport(report: BenchReport, out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "bench.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(out, "bench.md"), renderBenchMarkdown(report));
  writeFileSync(join(out, "bench.html"), renderBenchHtml(report));
}
