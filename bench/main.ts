/**
 * The bench column process: `<runtime> bench/main.ts --column=ID [--quick]`,
 * started by the parent (`sockcheck bench`) one column at a time. It loads
 * the column's adapter, starts the reference peer as its own child, runs
 * every workload with the column on one side and the peer on the other,
 * and reports on stdout (see protocol.ts).
 *
 * @module
 */
import process from "node:process";
import { findColumn, loadAdapter } from "../columns/registry.ts";
import { parseOptions, UsageError } from "../harness/args.ts";
import { startPeer } from "../peer/mod.ts";
import type { BenchContext } from "./context.ts";
import { FULL, QUICK } from "./plan.ts";
import { BENCH_OPTIONS, emit } from "./protocol.ts";
import { describeError, everyMetric, runWorkload, WORKLOADS } from "./workloads.ts";

async function bench(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { options: BENCH_OPTIONS });
  if (!values.column) throw new UsageError("missing --column");
  const column = findColumn(values.column);
  if (!column) throw new UsageError(`unknown column "${values.column}"`);
  const peer = startPeer(); // its start overlaps the adapter's loading
  const net = await loadAdapter(column);
  try {
    let peerStartMs = 0;
    let peerFailure: string | undefined;
    await peer.ready().then((ready) => peerStartMs = ready.startMs, (err) => peerFailure = describeError(err));
    emit({ type: "start", column: column.id, api: net.api, peerStartMs });
    const plan = values.quick ? QUICK : FULL;
    const ctx: BenchContext = { net, peer, plan, progress: (workload, done, of) => emit({ type: "progress", workload, done, of }) };
    for (const [id, workload] of WORKLOADS) {
      const figures = peerFailure ? everyMetric(id, { error: peerFailure }) : await runWorkload(id, workload, ctx);
      for (const [metric, figure] of Object.entries(figures)) emit({ type: "figure", metric, figure });
    }
  } finally {
    await peer.close();
  }
  emit({ type: "end" });
}

try {
  await bench(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  emit({ type: "error", message: err.message });
  process.exit(2);
}
// Sockets an adapter left behind must not keep the process alive.
process.exit(0);
