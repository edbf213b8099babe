/**
 * What the reference peer adds to a column's run: the same eleven cases
 * (test/fixtures/_peer_cost.ts) run with one of them against the peer, and
 * with none, alternately, each as a user runs a column
 * (`sockcheck run --runtime COLUMN --cases FILE`). Prints, in wall-clock
 * milliseconds, the fastest and the median run of each and their
 * differences: on a shared machine the fastest runs are the least disturbed.
 *
 *   node --import tsx scripts/peer_cost.ts [RUNS] [COLUMN,...]
 *
 * RUNS defaults to 9, the columns to node, deno, bun and kernel. The peer's
 * own CPU is bounded by harness/peer_test.ts.
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const fixture = (kind: string) => fileURLToPath(new URL(`../test/fixtures/peer_cost_${kind}_cases.ts`, import.meta.url));
const runs = Number(process.argv[2] ?? 9);
const columns = (process.argv[3] ?? "node,deno,bun,kernel").split(",");
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  process.stderr.write("peer_cost: RUNS must be a whole number from 1 to 50\n");
  process.exit(2);
}

/** One run's wall-clock ms. */
function time(column: string, kind: "column" | "peer"): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, "run", "--runtime", column, "--cases", fixture(kind)], { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`sockcheck run --runtime ${column} (${kind}) exited ${r.status}`);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cells = (values: number[]) => values.map((v) => v.toFixed(0).padStart(8)).join(" ");

process.stdout.write(`${runs} alternating runs of \`sockcheck run\` each, wall-clock ms\n`);
process.stdout.write(`${"".padEnd(8)} ${"fastest: no peer".padStart(17)} ${"peer".padStart(8)} ${"added".padStart(8)} | ${"median: no peer".padStart(17)} ${"peer".padStart(8)} ${"added".padStart(8)}\n`);
for (const column of columns) {
  const without: number[] = [];
  const withPeer: number[] = [];
  for (let i = 0; i < runs; i++) {
    without.push(time(column, "column"));
    withPeer.push(time(column, "peer"));
  }
  const [fa, fb] = [Math.min(...without), Math.min(...withPeer)];
  const [ma, mb] = [median(without), median(withPeer)];
  process.stdout.write(`${column.padEnd(8)}          ${cells([fa, fb, fb - fa])} |          ${cells([ma, mb, mb - ma])}\n`);
}
