/**
 * The workloads in the order a bench column process runs them, and how one
 * is run: its figures, or for each of its metrics the reason it is n/a or
 * what failed.
 *
 * @module
 */
import { ApiMissingError, SocketError } from "../core/errors.ts";
import { type BenchContext, type Figures, NotApplicable } from "./context.ts";
import { METRICS, type WorkloadId } from "./metrics.ts";
import { tcpBulkReceive, tcpBulkSend } from "./tcp_bulk.ts";
import { tcpChurnClient, tcpChurnServer } from "./tcp_churn.ts";
import { tcpLatency } from "./tcp_latency.ts";
import { udpReceive, udpSend } from "./udp_rate.ts";

/** Every workload, in running order. */
export const WORKLOADS: readonly (readonly [WorkloadId, (ctx: BenchContext) => Promise<Figures>])[] = [
  ["tcp.latency", tcpLatency],
  ["tcp.bulk.send", tcpBulkSend],
  ["tcp.bulk.receive", tcpBulkReceive],
  ["tcp.churn.client", tcpChurnClient],
  ["tcp.churn.server", tcpChurnServer],
  ["udp.send", udpSend],
  ["udp.receive", udpReceive],
];

/**
 * What went wrong, in one line: a socket error's code and operation, else the error's name and message.
 *
 * @example
 * ```ts
 * import { describeError } from "./workloads.ts";
 * describeError(new RangeError("too far")); // "RangeError: too far"
 * ```
 */
export function describeError(err: unknown): string {
  if (err instanceof SocketError) return `${err.op}: ${err.code}${err.raw.message ? ` (${err.raw.message})` : ""}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * The same answer for every metric of `workload`.
 *
 * @example
 * ```ts
 * import { everyMetric } from "./workloads.ts";
 * everyMetric("udp.send", { na: "the API has no UDP sockets" }); // { "udp.send": { na: "..." } }
 * ```
 */
export function everyMetric(workload: WorkloadId, figure: Figures[string]): Figures {
  return Object.fromEntries(METRICS.filter((m) => m.workload === workload).map((m) => [m.id, figure]));
}

/**
 * Runs one workload; never throws. A metric the workload did not report is
 * an error.
 *
 * @example
 * ```ts
 * import { runWorkload, WORKLOADS } from "./workloads.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * for (const [id, workload] of WORKLOADS) console.log(await runWorkload(id, workload, ctx));
 * ```
 */
export async function runWorkload(
  id: WorkloadId,
  workload: (ctx: BenchContext) => Promise<Figures>,
  ctx: BenchContext,
): Promise<Figures> {
  let figures: Figures;
  try {
    figures = await workload(ctx);
  } catch (err) {
    // The adapter's word that the runtime lacks a method the API has (ApiMissingError) is n/a too.
    const na = err instanceof NotApplicable || err instanceof ApiMissingError;
    return everyMetric(id, na ? { na: (err as Error).message } : { error: describeError(err) });
  }
  const missing = everyMetric(id, { error: "the workload gave no figure for it" });
  return { ...missing, ...figures };
}
