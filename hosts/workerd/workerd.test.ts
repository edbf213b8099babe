/**
 * `node --test` entry: the workerd column (the WinterTC sockets API inside
 * workerd), run as `sockcheck run` runs it: its column process, the
 * reference peer bridged to the worker, and its expectations. A quick
 * selection; the lab's cases are left to `sockcheck run`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findColumn } from "../../columns/registry.ts";
import { selectEntries } from "../../harness/cases.ts";
import { runColumnProcess } from "../../harness/start.ts";

const FILTER = "sockets.*,tcp.connect.established,tcp.connect.before-peer-accepts,tcp.shutdown.half-close,tcp.close.*-peer-reset,tcp.data.echo,udp.send.*,unix.stream.*";

test("the workerd column runs its cases in workerd against the reference peer, all as its expectations say", async (t) => {
  const column = findColumn("workerd")!;
  const entries = selectEntries({ filter: FILTER });
  const run = await runColumnProcess(column, { entries, filter: FILTER, lab: false });
  assert.equal(run.error, undefined, `the column process failed: ${run.error}`);
  assert.equal(run.results.length, entries.length);
  for (const r of run.results) t.diagnostic(`${r.result.verdict} ${r.id}${r.judgement.ok ? "" : `: ${r.judgement.message}`}`);
  assert.deepEqual(run.results.filter((r) => !r.judgement.ok).map((r) => `${r.id}: ${r.judgement.message}`), []);
  const answered = run.results.filter((r) => r.result.verdict === "pass" || r.result.verdict === "fail");
  assert.ok(answered.length >= 12, `only ${answered.length} cases answered`);
  // A listening case reaching the adapter would crash with NoListenerError: the tcpListen capability must keep it out.
  assert.deepEqual(run.results.filter((r) => r.result.verdict === "crash").map((r) => r.id), []);
});
