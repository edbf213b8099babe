/** The cases a column process never reported, and why each did not run. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findColumn } from "../columns/registry.ts";
import { cases } from "../test/fixtures/misbehaving_cases.ts";
import { lossDetail, lostResults } from "./never_ran.ts";

const column = findColumn("node")!;
// Cases no expectations file names: each is expected to pass.
const entries = cases.map((c) => ({ topic: "extra", case: c }));
const ids = entries.map((e) => e.case.id);

test("a process that exited leaves every unreported case a crash, judged against the column's expectations", () => {
  const loss = { killedForTime: false, concurrent: false, detail: "the column process exited (code 7, signal null)" };
  const lost = lostResults(column, { entries, reported: [], loss });
  assert.deepEqual(lost.map((r) => [r.id, r.result.verdict, r.result.detail]), ids.map((id) => [id, "crash", loss.detail]));
  assert.ok(lost.every((r) => r.judgement.ok === false && r.judgement.expected === "pass"));
});

test("killed at its budget, the first unreported case hung it; in the slow batch, every one was still running", () => {
  const reported = lostResults(column, { entries: entries.slice(0, 1), reported: [], loss: { killedForTime: false, concurrent: false, detail: "x" } });
  const loss = { killedForTime: true, concurrent: false, detail: "budget" };
  const oneByOne = lostResults(column, { entries, reported, loss });
  assert.deepEqual(oneByOne.map((r) => [r.id, r.result.verdict]), [[ids[1], "timeout"], [ids[2], "crash"]]);
  const slow = entries.map((e) => ({ ...e, case: { ...e.case, slow: true } }));
  const batch = lostResults(column, { entries: slow, reported: [], loss: { ...loss, concurrent: true } });
  assert.deepEqual(batch.map((r) => r.result.verdict), ["timeout", "timeout", "timeout"]);
  // The batch runs first: with a slow case unreported it was still running, and the others never started.
  const mixed = [entries[0], slow[1], entries[2]];
  const during = lostResults(column, { entries: mixed, reported: [], loss: { ...loss, concurrent: true } });
  assert.deepEqual(during.map((r) => r.result.verdict), ["crash", "timeout", "crash"]);
  // Every slow case reported: the first unreported case hung the process.
  const after = lostResults(column, { entries: [entries[0], entries[1]], reported: [], loss: { ...loss, concurrent: true } });
  assert.deepEqual(after.map((r) => r.result.verdict), ["timeout", "crash"]);
});

test("the detail says how the process ended and the last line it wrote", () => {
  assert.equal(
    lossDetail({ code: 7, signal: null }, { killedForTime: false, stderr: "warming up\nTypeError: boom\n" }),
    "the column process exited (code 7, signal null) before this case reported: TypeError: boom",
  );
  assert.equal(
    lossDetail({ code: null, signal: "SIGKILL" }, { killedForTime: true, stderr: "" }),
    "the column process exceeded its time budget and was killed",
  );
});
