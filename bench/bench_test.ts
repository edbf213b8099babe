/**
 * `sockcheck bench --quick` end to end on two columns (the kernel reference
 * and node): the three files are written, bench.json passes its schema
 * check, every figure of both columns is a positive number, every ratio is
 * to the kernel column (1 on itself), and bad usage is one line and exit 2.
 *
 * Run: `node --import tsx --test bench/bench_test.ts` (about 10 s).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { isMeasured, parseBench } from "../report/bench_schema.ts";
import { METRICS } from "./metrics.ts";

const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sockcheck-bench-"));
after(() => rmSync(work, { recursive: true, force: true }));

function sockcheck(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("bench --quick on kernel and node writes the three files, every figure positive, every ratio to the kernel", () => {
  const out = join(work, "report");
  const began = performance.now();
  const r = sockcheck("bench", "--runtime", "kernel,node", "--quick", "--out", out);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(performance.now() - began < 30_000, `the quick bench took ${Math.round(performance.now() - began)} ms`);
  const report = parseBench(readFileSync(join(out, "bench.json"), "utf8"), "bench.json");
  assert.equal(report.plan, "quick");
  assert.equal(report.reference, "kernel");
  assert.deepEqual(report.columns.map((c) => c.id), ["kernel", "node"]);
  assert.deepEqual(report.metrics.map((m) => m.id), METRICS.map((m) => m.id));
  for (const column of report.columns) {
    for (const metric of report.metrics) {
      const figure = report.figures[column.id][metric.id];
      assert.ok(isMeasured(figure), `${column.id} ${metric.id}: ${JSON.stringify(figure)}`);
      assert.equal(figure.windows.length, report.windows);
      for (const n of [figure.value, figure.min, figure.max, figure.ratio!, ...figure.windows]) {
        assert.ok(Number.isFinite(n) && n > 0, `${column.id} ${metric.id}: ${n}`);
      }
      assert.ok(figure.min <= figure.value && figure.value <= figure.max);
      const kernel = report.figures.kernel[metric.id];
      assert.ok(isMeasured(kernel));
      assert.equal(figure.ratio, figure.value / kernel.value);
    }
  }
  const markdown = readFileSync(join(out, "bench.md"), "utf8");
  const html = readFileSync(join(out, "bench.html"), "utf8");
  for (const metric of report.metrics) {
    assert.ok(markdown.includes(`${metric.title} (${metric.unit})`), `bench.md lacks ${metric.id}`);
    assert.ok(html.includes(`<section id="${metric.id}">`), `bench.html lacks ${metric.id}`);
  }
  assert.match(r.stdout, /TCP ping-pong/);
});

test("bench with bad usage gives one line and exit 2", () => {
  for (const args of [["--runtime", "java"], ["--fast"], ["--out"], ["--runtime", "workerd"]]) {
    const r = sockcheck("bench", ...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  assert.match(sockcheck("bench", "--runtime", "workerd").stderr, /the bench lane does not run on workerd yet: workerd cannot be benched/);
});
