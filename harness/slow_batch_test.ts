/**
 * The slow cases' concurrent batch and its leak check, with a fake socket count:
 * slow cases overlap, a leak is pinned on its case by running the batch
 * again alone, and a fault only the concurrent run shows stays a fault.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { defineCase } from "../core/case.ts";
import { findColumn } from "../columns/registry.ts";
import type { RuntimeHost } from "../hosts/in_process.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { fakeNet } from "../test/fixtures/fake_adapter.ts";
import type { Outcome, PreparedColumn } from "./column.ts";
import { combineRuns, runWithSlowBatch } from "./slow_batch.ts";

const base = { title: "t", semantic: "s", reference: "r" };

/** A lab host whose socket count the cases below move by hand. */
function fakeSockets() {
  const state = { sockets: 0, running: new Set<string>(), overlapped: false };
  const host: RuntimeHost = { runtime: "node", version: "test", fixtures: {}, countSockets: () => Promise.resolve(state.sockets) };
  const prepared: PreparedColumn = { column: findColumn("node")!, adapter: fakeNet().adapter, expectations: new Map(), host };
  /** A slow case that runs 50 ms and then does `after` (with whether another case ran meanwhile). */
  const slow = (id: string, after: (crowded: boolean) => void) => ({
    topic: "t",
    case: defineCase({
      ...base,
      id,
      slow: true,
      async run() {
        state.running.add(id);
        let crowded = state.running.size > 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        crowded ||= state.running.size > 1;
        state.overlapped ||= crowded;
        state.running.delete(id);
        after(crowded);
      },
    }),
  });
  const run = async (entries: CatalogEntry[]) => {
    const outcomes: Outcome[] = [];
    await runWithSlowBatch(prepared, { entries, report: (o) => outcomes.push(o) });
    return outcomes;
  };
  return { state, slow, run };
}

test("slow cases run at the same time, before the others; a leak in the batch is pinned on its case by running them again alone", async () => {
  const { state, slow, run } = fakeSockets();
  const quick = { topic: "t", case: defineCase({ ...base, id: "test.lab.quick", run: async () => {} }) };
  const outcomes = await run([slow("test.lab.clean", () => {}), quick, slow("test.lab.leaky", () => state.sockets++)]);

  assert.ok(state.overlapped, "the slow cases did not overlap");
  // The batch comes first, then the others one at a time.
  assert.deepEqual(outcomes.map((o) => o.entry.case.id), ["test.lab.clean", "test.lab.leaky", "test.lab.quick"]);
  const [clean, leaky, afterBatch] = outcomes;
  assert.equal(afterBatch.result.verdict, "pass");
  assert.equal(clean.result.verdict, "pass");
  assert.equal(leaky.result.verdict, "fail");
  assert.equal(leaky.judgement.ok, false);
  assert.match(leaky.result.detail ?? "", /left 1 socket descriptor/);
  assert.match(String(clean.result.observations.batchLeak), /left 1 socket\(s\) open, each left by a case that leaks alone too/);
  // Both runs stay in the cell.
  assert.deepEqual(clean.result.observations.concurrent, { verdict: "pass", observed: "" });
  assert.equal((leaky.result.observations.concurrent as { verdict: string }).verdict, "pass");
});

test("a leak that shows only when the slow cases run together fails them, said to be only under concurrency", async () => {
  const { state, slow, run } = fakeSockets();
  // Each leaks a socket only when the other ran at the same time; alone, neither does.
  const racy = (id: string) => slow(id, (crowded) => crowded && state.sockets++);
  const outcomes = await run([racy("test.lab.racy-a"), racy("test.lab.racy-b")]);

  assert.ok(state.overlapped, "the slow cases did not overlap");
  for (const { result, judgement } of outcomes) {
    assert.equal(result.verdict, "fail", result.id);
    assert.equal(judgement.ok, false);
    assert.match(result.detail ?? "", /^only under concurrency: the concurrent batch of 2 cases left 2 socket\(s\) open, 2 of them left by no case run alone/);
    assert.deepEqual(result.observations.alone, { verdict: "pass", observed: "" });
  }
});

test("a failure that shows only in the concurrent run stays a failure when its lone run passes", async () => {
  const { state, slow, run } = fakeSockets();
  const lonely = slow("test.lab.lonely", (crowded) => assert.equal(crowded, false, "ran beside another case"));
  // The leaky case makes the batch leak, so every case runs again alone.
  const outcomes = await run([lonely, slow("test.lab.leaky", () => state.sockets++)]);

  const [alone, leaky] = outcomes;
  assert.equal(alone.result.verdict, "fail");
  assert.equal(alone.judgement.ok, false);
  assert.match(alone.result.detail ?? "", /^only under concurrency: ran beside another case; run alone, the case passes$/);
  assert.equal((alone.result.observations.alone as { verdict: string }).verdict, "pass");
  assert.equal(leaky.result.verdict, "fail");
  assert.match(leaky.result.detail ?? "", /left 1 socket descriptor/);
});

test("a case about leaks runs in the concurrent batch, whose own check stands in for the case's", async () => {
  const { slow, run } = fakeSockets();
  const entry = slow("test.lab.leaks-nothing", () => {});
  const aboutLeaks = { ...entry, case: { ...entry.case, requires: { fixtures: ["socketCount" as const] } } };
  const [outcome] = await run([aboutLeaks, slow("test.lab.other", () => {})]);
  assert.equal(outcome.result.verdict, "pass", outcome.result.detail ?? "");
});

test("a lone run that fails is the cell, with the concurrent run kept beside it", () => {
  const run = (verdict: "pass" | "fail", detail?: string) => ({ id: "x.y", verdict, observed: "", observations: {}, ms: 1, detail });
  const cell = combineRuns({ concurrent: run("pass"), alone: run("fail", "EPIPE") }, { cases: 2, leaked: 1, unpinned: 0 });
  assert.deepEqual([cell.verdict, cell.detail], ["fail", "EPIPE"]);
  assert.deepEqual(cell.observations.concurrent, { verdict: "pass", observed: "" });
});
