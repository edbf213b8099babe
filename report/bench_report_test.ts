/**
 * The bench report from synthetic runs: figures summarized, ratios to the
 * reference, n/a and errors carried with their reasons, the UDP loss as a
 * fraction; the Markdown and the HTML page show them (the page ASCII only,
 * no script, a chart per metric); the schema check refuses a bad file.
 *
 * Run: `node --import tsx --test report/bench_report_test.ts`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { METRICS } from "../bench/metrics.ts";
import type { RawFigure } from "../bench/protocol.ts";
import type { BenchRun } from "../bench/run.ts";
import { findColumn } from "../columns/registry.ts";
import { buildBench } from "./bench_build.ts";
import { renderBenchHtml } from "./bench_html.ts";
import { renderBenchMarkdown } from "./bench_markdown.ts";
import { BenchError, isMeasured, parseBench } from "./bench_schema.ts";
import { renderBenchTerminal } from "./bench_terminal.ts";

const HOST = { os: "linux", release: "6.18.44", arch: "x64", cpus: 2, cpuModel: "Test CPU", load: 0.5 };

function run(id: string, figures: (metric: string) => RawFigure, extra: Partial<BenchRun> = {}): BenchRun {
  const column = findColumn(id)!;
  const all = Object.fromEntries(METRICS.map((m) => [m.id, figures(m.id)]));
  return { column, version: "1.0.0", api: column.adapter.api, figures: all, exit: { code: 0, signal: null }, ms: 1234, ...extra };
}

const kernel = run("kernel", (m) => m.startsWith("udp.") ? { windows: [100, 200, 300, 400, 500], loss: { sent: 1000, received: 990 } } : { windows: [10, 12, 11, 9, 30] });
const bun = run("bun", (m) =>
  m === "udp.receive" ? { na: "the API has no UDP sockets" }
  : m === "tcp.churn.server" ? { error: "accept: EMFILE" }
  : m === "tcp.latency.p99" ? { windows: [5, 0, 5, 5, 5] }
  : { windows: [22, 22, 22, 22, 22] });
const report = buildBench([bun, kernel, run("node", () => ({ windows: [] }), { notRun: "node not found" })], {
  plan: "quick",
  host: HOST,
  generated: new Date("2026-01-01T00:00:00Z"),
});

test("figures are the median of the windows with their spread, and their ratio to the reference column", () => {
  assert.equal(report.reference, "kernel");
  assert.deepEqual(report.columns.map((c) => c.id), ["kernel", "bun", "node"]);
  const k = report.figures.kernel["tcp.latency.rate"];
  assert.ok(isMeasured(k));
  assert.deepEqual([k.value, k.min, k.max, k.ratio], [11, 9, 30, 1]);
  const b = report.figures.bun["tcp.latency.rate"];
  assert.ok(isMeasured(b));
  assert.equal(b.ratio, 2);
  const loss = report.figures.kernel["udp.send"];
  assert.ok(isMeasured(loss));
  assert.deepEqual(loss.loss, { sent: 1000, received: 990, fraction: 0.01 });
});

test("n/a and errors keep their reasons; a window that is not positive makes the figure an error; a column not run has none", () => {
  assert.deepEqual(report.figures.bun["udp.receive"], { na: "the API has no UDP sockets" });
  assert.deepEqual(report.figures.bun["tcp.churn.server"], { error: "accept: EMFILE" });
  assert.deepEqual(report.figures.bun["tcp.latency.p99"], { error: "a window measured 0" });
  assert.equal(report.figures.node, undefined);
  assert.equal(report.columns[2].notRun, "node not found");
});

test("the Markdown and the terminal table show each figure with its ratio, and say why the others are missing", () => {
  const markdown = renderBenchMarkdown(report);
  assert.match(markdown, /\| TCP ping-pong \(round trips\/s\) \| higher \| 11 \(1\.00x\) \| 22 \(2\.00x\) \|/);
  assert.match(markdown, /- bun udp\.receive: n\/a: the API has no UDP sockets/);
  assert.match(markdown, /- bun tcp\.churn\.server: error: accept: EMFILE/);
  assert.match(markdown, /\| node \| node \| 1\.0\.0 \| .* \| not run: node not found \|/);
  assert.match(markdown, /1\.0% of 1,000/);
  assert.match(renderBenchTerminal(report), /TCP ping-pong \(round trips\/s\) +11 \(1\.00x\) +22 \(2\.00x\)/);
});

test("the HTML page is ASCII without script, with a bar chart per metric and the reason where a figure is missing", () => {
  const html = renderBenchHtml({ ...report, host: { ...report.host, cpuModel: "Müller CPU" } });
  assert.match(html, /^[\x00-\x7f]*$/);
  assert.doesNotMatch(html, /<script/i);
  assert.equal(html.match(/<svg /g)?.length, METRICS.length);
  assert.match(html, /n\/a: the API has no UDP sockets/);
  assert.match(html, /M&#252;ller CPU/);
});

test("the schema check refuses another schema, a missing figure and a figure that is not positive", () => {
  const text = JSON.stringify(report);
  assert.equal(parseBench(text, "ok.json").reference, "kernel");
  const broken = (change: (r: Record<string, any>) => void) => {
    const r = JSON.parse(text);
    change(r);
    return JSON.stringify(r);
  };
  assert.throws(() => parseBench(broken((r) => r.schema = "sockcheck-bench/0"), "a.json"), BenchError);
  assert.throws(() => parseBench(broken((r) => delete r.figures.bun["udp.send"]), "b.json"), /b\.json: no figure for udp\.send on bun/);
  assert.throws(() => parseBench(broken((r) => r.figures.kernel["udp.send"].windows[0] = -1), "c.json"), /not a positive number/);
  assert.throws(() => parseBench("{", "d.json"), /d\.json is not JSON/);
});
