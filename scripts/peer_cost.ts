/**
 * What the reference peer adds to a column's run: the same eleven cases
 * (test/fixtures/_peer_cost.ts) run with one of them against the peer, and
 * with none, alternately, each as a user runs a column
 * (`sockcheck run --runtime COLUMN --cases FILE`). Prints the median
 * wall-clock milliseconds of each and their difference:
 *
 *   node --import tsx scripts/peer_cost.ts [RUNS] [COLUMN,...]
 *
 * RUNS defaults to 7, the columns to node, deno, bun and kernel.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const fixture = (kind: string) => fileURLToPath(new URL(`../test/fixtures/peer_cost_${kind}_cases.ts`, import.meta.url));
const runs = Number(process.argv[2] ?? 7);
const columns = (process.argv[3] ?? "node,deno,bun,kernel").split(",");
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  process.stderr.write("peer_cost: RUNS must be a whole number from 1 to 50\n");
  process.exit(2);
}

/** CPU ms used by this process's waited-for descendants so far (cutime + cstime, Linux). */
function childrenCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /s, "").split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms
}

/** One run: its wall-clock ms, and the CPU ms it and every process it started used. */
function time(column: string, kind: "column" | "peer"): { wall: number; cpu: number } {
  const cpu = childrenCpuMs();
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, "run", "--runtime", column, "--cases", fixture(kind)], { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`sockcheck run --runtime ${column} (${kind}) exited ${r.status}`);
  return { wall: performance.now() - started, cpu: childrenCpuMs() - cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const cells = (values: number[]) => values.map((v) => v.toFixed(0).padStart(8)).join(" ");
process.stdout.write(`median of ${runs} alternating runs of \`sockcheck run\`, ms (CPU: every process of the run)\n`);
process.stdout.write(`${"".padEnd(8)} ${"wall: no peer".padStart(17)} ${"peer".padStart(8)} ${"added".padStart(8)} | ${"CPU: no peer".padStart(17)} ${"peer".padStart(8)} ${"added".padStart(8)}\n`);
for (const column of columns) {
  const without: { wall: number; cpu: number }[] = [];
  const withPeer: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    without.push(time(column, "column"));
    withPeer.push(time(column, "peer"));
  }
  const [wa, wb] = [median(without.map((r) => r.wall)), median(withPeer.map((r) => r.wall))];
  const [ca, cb] = [median(without.map((r) => r.cpu)), median(withPeer.map((r) => r.cpu))];
  process.stdout.write(`${column.padEnd(8)}          ${cells([wa, wb, wb - wa])} |          ${cells([ca, cb, cb - ca])}\n`);
}
