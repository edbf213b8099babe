/**
 * A column process that dies or hangs takes only its own cells with it:
 * they become `crash` (with the exit status) or `timeout`, and another
 * column running at the same time is unaffected.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { findColumn } from "../columns/registry.ts";
import { runColumnProcess } from "../harness/start.ts";
import { CATALOG } from "../suites/catalog.ts";
import { cases as misbehaving } from "./fixtures/misbehaving_cases.ts";
import { cases as hanging } from "./fixtures/hanging_cases.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const entries = (cases: typeof misbehaving) => cases.map((c) => ({ topic: "extra", case: c }));

for (const columnId of ["node", "deno", "bun"]) {
  test(`a ${columnId} column process that exits mid-run gives crash cells with its exit status, and another column is unaffected`, async () => {
    const healthy = CATALOG.filter((e) => e.case.id === "tcp.connect.refused");
    const [dying, other] = await Promise.all([
      runColumnProcess(findColumn(columnId)!, {
        entries: entries(misbehaving),
        cases: fixture("misbehaving_cases.ts"),
        lab: false,
      }),
      runColumnProcess(findColumn("node")!, { entries: healthy, filter: "tcp.connect.refused", lab: false }),
    ]);
    assert.deepEqual(dying.results.map((r) => [r.id, r.result.verdict]), [
      ["fixture.passes", "pass"],
      ["fixture.exits", "crash"],
      ["fixture.after-exit", "crash"],
    ]);
    assert.equal(dying.exit.code, 7);
    assert.match(dying.results[1].result.detail ?? "", /exited \(code 7/);
    assert.equal(dying.results[1].judgement.ok, false);
    assert.deepEqual(other.results.map((r) => [r.id, r.result.verdict]), [["tcp.connect.refused", "pass"]]);
  });
}

test("a column process whose case blocks the event loop is killed at its budget and the case is a timeout", async () => {
  const started = performance.now();
  const run = await runColumnProcess(findColumn("node")!, {
    entries: entries(hanging),
    cases: fixture("hanging_cases.ts"),
    lab: false,
    startupMs: 4000,
  });
  assert.deepEqual(run.results.map((r) => [r.id, r.result.verdict]), [["fixture.blocks-the-loop", "timeout"]]);
  assert.equal(run.exit.signal, "SIGKILL");
  assert.match(run.results[0].result.detail ?? "", /exceeded its time budget/);
  assert.ok(performance.now() - started < 15_000, "the budget was not enforced");
});
