/** One column run from the processes of its places. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findColumn } from "../columns/registry.ts";
import { cases } from "../test/fixtures/misbehaving_cases.ts";
import { mergeRuns } from "./merge.ts";
import type { ColumnRun } from "./process.ts";

const column = findColumn("node")!;
const [first, second, third] = cases.map((c) => ({ topic: "extra", case: c }));
const passed = (id: string) => ({
  id,
  result: { id, verdict: "pass" as const, observed: "", observations: {}, ms: 1 },
  judgement: { ok: true, expected: "pass" as const },
});
const run = (more: Partial<ColumnRun>): ColumnRun => ({ column, version: "", results: [], exit: { code: 0, signal: null }, ms: 5, ...more });

test("results come back in the entries' order, with the first failed process's exit and each place's account", () => {
  const merged = mergeRuns([
    { place: "host", entries: [first, third], run: run({ version: "20.0.0", results: [passed(third.case.id), passed(first.case.id)] }) },
    { place: "syn-retries-1", entries: [second], run: run({ results: [passed(second.case.id)], exit: { code: 1, signal: null } }) },
  ], { entries: [first, second, third], started: performance.now() });
  assert.deepEqual(merged.results.map((r) => r.id), [first, second, third].map((e) => e.case.id));
  assert.deepEqual([merged.version, merged.exit.code, merged.error], ["20.0.0", 1, undefined]);
  assert.deepEqual(merged.parts?.map((p) => [p.place, p.cases]), [["host", 2], ["syn-retries-1", 1]]);
});

test("a process that could not start at all reported nothing: its cases crash with its error, named by its place", () => {
  const merged = mergeRuns([
    { place: "host", entries: [first], run: run({ results: [passed(first.case.id)] }) },
    { place: "syn-retries-2-ipv4-only", entries: [second, third], run: run({ error: "cannot start unshare: ENOENT", exit: { code: null, signal: null } }) },
  ], { entries: [first, second, third], started: performance.now() });
  assert.deepEqual(merged.results.map((r) => r.result.verdict), ["pass", "crash", "crash"]);
  assert.equal(merged.results[1].result.detail, "cannot start unshare: ENOENT");
  assert.equal(merged.error, "lab syn-retries-2-ipv4-only: cannot start unshare: ENOENT");
});
