/**
 * How a workload's outcome becomes figures: measured figures pass through,
 * an API that cannot do the workload makes every one of its metrics n/a
 * with the reason, a failure makes them errors with what failed, and a
 * metric the workload forgot is an error.
 *
 * Run: `node --import tsx --test bench/workloads_test.ts`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiMissingError, SocketError } from "../core/errors.ts";
import { type BenchContext, NotApplicable } from "./context.ts";
import { QUICK } from "./plan.ts";
import { runWorkload, WORKLOADS } from "./workloads.ts";

const ctx = {} as BenchContext;

test("a workload's figures pass through, and a metric it did not report is an error", async () => {
  const figures = await runWorkload("tcp.latency", () => Promise.resolve({ "tcp.latency.rate": { windows: [1, 2, 3, 4, 5] } }), ctx);
  assert.deepEqual(figures["tcp.latency.rate"], { windows: [1, 2, 3, 4, 5] });
  assert.deepEqual(figures["tcp.latency.p50"], { error: "the workload gave no figure for it" });
  assert.deepEqual(Object.keys(figures).sort(), ["tcp.latency.p50", "tcp.latency.p99", "tcp.latency.rate"]);
});

test("an API that cannot makes every metric of the workload n/a, with the reason", async () => {
  const na = await runWorkload("udp.send", () => Promise.reject(new NotApplicable("the API has no UDP sockets")), ctx);
  assert.deepEqual(na, { "udp.send": { na: "the API has no UDP sockets" } });
  const missing = await runWorkload("udp.receive", () => Promise.reject(new ApiMissingError("dgram.createSocket")), ctx);
  assert.deepEqual(missing, { "udp.receive": { na: "API missing: dgram.createSocket" } });
});

test("a failure makes every metric of the workload an error saying what failed", async () => {
  const failed = await runWorkload("tcp.bulk.send", () => {
    throw new SocketError("write", "EPIPE", { class: "Error", message: "broken pipe" });
  }, ctx);
  assert.deepEqual(failed, {
    "tcp.throughput.send": { error: "write: EPIPE (broken pipe)" },
    "memory.bulk.send": { error: "write: EPIPE (broken pipe)" },
  });
});

test("a client-only API without UDP (as WinterTC's connect()) has n/a for the server and UDP metrics, with the reasons", async () => {
  class NoListenerError extends Error {}
  const net = {
    api: "connect() only",
    capabilities: new Set(),
    tcp: { connect: () => Promise.reject(new Error("not reached")), listen: () => Promise.reject(new NoListenerError("no listener here")) },
  } as unknown as BenchContext["net"];
  const clientOnly = { net, peer: {}, plan: QUICK, progress() {} } as unknown as BenchContext;
  const byId = new Map(WORKLOADS);
  assert.deepEqual(await runWorkload("tcp.churn.server", byId.get("tcp.churn.server")!, clientOnly), {
    "tcp.churn.server": { na: "the API cannot listen: no listener here" },
  });
  for (const id of ["udp.send", "udp.receive"] as const) {
    assert.deepEqual(await runWorkload(id, byId.get(id)!, clientOnly), { [id]: { na: "the API has no UDP sockets" } });
  }
});
