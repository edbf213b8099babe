/** The matrix built from column runs, and its terminal table. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findColumn } from "../columns/registry.ts";
import type { ColumnRun } from "../harness/start.ts";
import { notRun } from "../harness/start.ts";
import { CATALOG } from "../suites/catalog.ts";
import { buildMatrix } from "./build.ts";
import { parseMatrix } from "./schema.ts";
import { renderTerminal } from "./terminal.ts";

const entries = CATALOG.slice(0, 2);
const [a, b] = entries.map((e) => e.case.id);

function kernelRun(): ColumnRun {
  return {
    column: findColumn("kernel")!,
    version: "Linux 6.8.0",
    exit: { code: 0, signal: null },
    ms: 10,
    results: [{
      id: a,
      result: { id: a, verdict: "fail", observed: "EPIPE on connect", observations: {}, ms: 2, detail: "expected ECONNREFUSED" },
      judgement: { ok: true, expected: "fail" },
      expectation: { verdict: "fail", reason: "on purpose", issue: "https://example.org/1" },
    }],
  };
}

test("each run becomes a column with its host's runtime and its adapter's API, and each result a cell", () => {
  const m = buildMatrix([kernelRun()], entries);
  assert.deepEqual(m.columns, [{
    id: "kernel",
    runtime: "deno",
    version: "Linux 6.8.0",
    api: "libc socket calls (via Deno FFI)",
    reference: true,
    exit: { code: 0, signal: null },
  }]);
  assert.deepEqual(m.cells.kernel[a], {
    verdict: "fail",
    expected: "fail",
    ok: true,
    observed: "EPIPE on connect",
    detail: "expected ECONNREFUSED",
    ms: 2,
    reason: "on purpose",
    issue: "https://example.org/1",
  });
  assert.deepEqual(m.catalog.map((c) => c.id), [a, b]);
  assert.deepEqual(parseMatrix(JSON.stringify(m), "built"), m);
});

test("a column that did not run has no cells and says why; the terminal table leaves it out", () => {
  const m = buildMatrix([kernelRun(), notRun(findColumn("bun")!, "no bun here")], entries);
  assert.equal(m.columns[1].notRun, "no bun here");
  assert.deepEqual(m.cells.bun, {});
  const [head, first] = renderTerminal(m).trimEnd().split("\n");
  assert.deepEqual(head.trim().split(/\s+/), ["kernel"]);
  assert.match(first, new RegExp(`^${a.replaceAll(".", "\\.")}\\s+FAIL\\s*$`));
});
