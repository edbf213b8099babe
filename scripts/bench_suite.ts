/**
 * Times the full matrix and each column alone, as a user runs them:
 * `npm run bench:suite [-- RUNS]`. Prints wall-clock seconds (median of RUNS,
 * default 3).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { COLUMNS } from "../columns/registry.ts";

const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const runs = Number(process.argv[2] ?? 3);
if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
  process.stderr.write("bench:suite: RUNS must be a whole number from 1 to 20\n");
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), "sockcheck-bench-"));

function time(args: string[]): { seconds: number; status: number | null } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: "ignore" });
  return { seconds: (performance.now() - started) / 1000, status: r.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows: [string, number, string][] = [];
const measure = (label: string, args: string[]) => {
  const samples = Array.from({ length: runs }, () => time(args));
  const failed = samples.filter((s) => s.status !== 0).length;
  rows.push([label, median(samples.map((s) => s.seconds)), failed ? `${failed} run(s) not as expected` : "as expected"]);
};

measure(`matrix, all ${COLUMNS.length} columns`, ["matrix", "--out", out]);
for (const column of COLUMNS) measure(`run --runtime ${column.id}`, ["run", "--runtime", column.id]);
rmSync(out, { recursive: true, force: true });

process.stdout.write(`median of ${runs} run(s), wall-clock seconds\n`);
for (const [label, seconds, note] of rows) process.stdout.write(`${label.padEnd(32)} ${seconds.toFixed(1).padStart(6)} s  ${note}\n`);
