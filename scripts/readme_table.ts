/**
 * Prints the README's "Where the runtimes depart from the kernel" table from
 * a real matrix: every case where some column does not pass, every such
 * cell with what it observed (or, for n/a, the capability its API lacks),
 * and the capability legend below it.
 * `node --import tsx scripts/readme_table.ts sockcheck-report/matrix.json`
 */
import { readFileSync } from "node:fs";
import process from "node:process";

interface Cell {
  verdict: string;
  detail?: string;
  observed: string;
  reason?: string;
}
interface Matrix {
  generated: string;
  host: { os: string; release: string; arch: string };
  columns: { id: string; runtime: string; version: string; notRun?: string }[];
  catalog: { id: string }[];
  cells: Record<string, Record<string, Cell>>;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: readme_table.ts MATRIX_JSON\n");
  process.exit(2);
}
const m: Matrix = JSON.parse(readFileSync(file, "utf8"));
const columns = m.columns.filter((c) => !c.notRun);
const clip = (text: string, n = 70) => (text.length > n ? `${text.slice(0, n - 1)}…` : text).replaceAll("|", "\\|");

function show(cell: Cell | undefined): string {
  if (!cell) return "—";
  if (cell.verdict === "pass") return "ok";
  if (cell.verdict === "unsupported") {
    const missing = cell.detail?.match(/has no (.+)$/)?.[1];
    if (missing) return `n/a: ${missing}`;
    return cell.detail?.startsWith("a JavaScript-level contract") ? "n/a: JS-level" : `n/a: ${clip(cell.detail ?? "")}`;
  }
  // An assertion's first line names no value; what was observed does.
  const said = cell.detail && !/^Expected values/.test(cell.detail) ? cell.detail : cell.observed;
  return `**${cell.verdict}**: ${clip(said)}`;
}

const lines = [
  `| case | ${columns.map((c) => c.id).join(" | ")} |`,
  `| --- | ${columns.map(() => "---").join(" | ")} |`,
];
for (const { id } of m.catalog) {
  const cells = columns.map((c) => m.cells[c.id]?.[id]);
  if (cells.every((cell) => cell?.verdict === "pass")) continue;
  lines.push(`| \`${id}\` | ${cells.map(show).join(" | ")} |`);
}
const versions = columns.map((c) => `${c.id} ${c.version}`).join(", ");
process.stdout.write(`From \`npx sockcheck matrix\` on ${m.generated.slice(0, 10)}, ${m.host.os} ${m.host.release} ${m.host.arch}: ${versions}.\n\n`);
process.stdout.write(lines.join("\n") + "\n");
