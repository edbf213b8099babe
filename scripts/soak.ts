/**
 * Soak: the whole matrix N times in a row, reporting every cell whose verdict
 * changed between runs. `npm run soak -- [RUNS] [--load]`; RUNS defaults to
 * 20 (at most 50). `--load` keeps two busy-looping processes running
 * meanwhile, one per core here, to shake out timing assumptions.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const args = process.argv.slice(2);
const load = args.includes("--load");
const runs = Number(args.find((a) => !a.startsWith("--")) ?? 20);
if (!Number.isInteger(runs) || runs < 2 || runs > 50) {
  process.stderr.write("soak: RUNS must be a whole number from 2 to 50\n");
  process.exit(2);
}

const hogs = load
  ? [0, 1].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }))
  : [];
const stopHogs = () => hogs.forEach((h) => h.kill("SIGKILL"));
process.on("exit", stopHogs);

const out = mkdtempSync(join(tmpdir(), "sockcheck-soak-"));
const history = new Map<string, string[]>();
/** What each cell said in each run, to show why a verdict changed. */
const details = new Map<string, (string | undefined)[]>();
const started = performance.now();
let unexpectedRuns = 0;
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, [CLI, "matrix", "--out", out], { stdio: ["ignore", "ignore", "ignore"] });
  if (r.status !== 0) unexpectedRuns++;
  const m = JSON.parse(readFileSync(join(out, "matrix.json"), "utf8"));
  for (const [column, cells] of Object.entries(m.cells as Record<string, Record<string, { verdict: string; detail?: string }>>)) {
    for (const [id, cell] of Object.entries(cells)) {
      const key = `${column} ${id}`;
      history.set(key, [...(history.get(key) ?? []), cell.verdict]);
      details.set(key, [...(details.get(key) ?? []), cell.detail]);
    }
  }
  process.stderr.write(`run ${i + 1}/${runs}${r.status === 0 ? "" : ` (exit ${r.status})`}\n`);
}
stopHogs();
rmSync(out, { recursive: true, force: true });

const changed = [...history].filter(([, verdicts]) => new Set(verdicts).size > 1);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${runs} runs${load ? " under load (2 busy processes)" : ""}: ${changed.length} changed verdicts, ` +
    `${unexpectedRuns} runs not as expected, ${seconds.toFixed(0)} s (${(seconds / runs).toFixed(1)} s a run)\n`,
);
for (const [key, verdicts] of changed) {
  process.stdout.write(`  ${key}: ${verdicts.join(" ")}\n`);
  // The runs whose verdict is not the first run's, with what the cell said.
  verdicts.forEach((verdict, run) => {
    if (verdict !== verdicts[0]) process.stdout.write(`    run ${run + 1}: ${verdict}: ${details.get(key)![run] ?? "(no detail)"}\n`);
  });
}
process.exit(changed.length || unexpectedRuns ? 1 : 0);
