/**
 * The performance lane's metrics: what each figure is, its unit, which way
 * is better and how it is measured. One workload gives one or more metrics
 * (the ping-pong gives its rate and its p50 and p99 round trip; a bulk
 * transfer its throughput and the column's peak RSS). Any metric of any
 * column may instead be n/a, with the reason (a column without UDP, an API
 * without a listener), or an error, with what failed.
 *
 * @module
 */

/** The workloads, each one run in the column process with the reference peer on the other side. */
export type WorkloadId =
  | "tcp.latency"
  | "tcp.bulk.send"
  | "tcp.bulk.receive"
  | "tcp.churn.client"
  | "tcp.churn.server"
  | "udp.send"
  | "udp.receive";

/** One metric of the lane. */
export interface Metric {
  id: string;
  /** A short title (ASCII). */
  title: string;
  /** The unit of every figure (ASCII: `us`, not the micro sign). */
  unit: string;
  /** Which way is better: a rate is better higher, a latency or a memory figure lower. */
  better: "higher" | "lower";
  workload: WorkloadId;
  /** How it is measured, in one sentence. */
  how: string;
}

/**
 * Every metric, in report order.
 *
 * @example
 * ```ts
 * import { METRICS } from "./metrics.ts";
 * console.log(METRICS.map((m) => `${m.id} (${m.unit})`).join("\n"));
 * ```
 */
export const METRICS: readonly Metric[] = [
  {
    id: "tcp.latency.rate",
    title: "TCP ping-pong",
    unit: "round trips/s",
    better: "higher",
    workload: "tcp.latency",
    how: "one connection, the column as client: write 1 byte, read the 1-byte echo, again; round trips per second",
  },
  {
    id: "tcp.latency.p50",
    title: "TCP round trip, p50",
    unit: "us",
    better: "lower",
    workload: "tcp.latency",
    how: "the median of the window's round trips (write 1 byte until the echo is read)",
  },
  {
    id: "tcp.latency.p99",
    title: "TCP round trip, p99",
    unit: "us",
    better: "lower",
    workload: "tcp.latency",
    how: "the 99th percentile of the window's round trips",
  },
  {
    id: "tcp.throughput.send",
    title: "TCP bulk, column sending",
    unit: "MiB/s",
    better: "higher",
    workload: "tcp.bulk.send",
    how: "one connection, 64 KiB writes, each awaited; timed where the peer receives, by bytes counted",
  },
  {
    id: "tcp.throughput.receive",
    title: "TCP bulk, column receiving",
    unit: "MiB/s",
    better: "higher",
    workload: "tcp.bulk.receive",
    how: "one connection, the peer writing 1 MiB at a time; timed where the column reads, by bytes counted",
  },
  {
    id: "memory.bulk.send",
    title: "Peak RSS, column sending",
    unit: "MiB",
    better: "lower",
    workload: "tcp.bulk.send",
    how: "the column process's VmHWM over each window of the sending transfer (the peak restarted at each window)",
  },
  {
    id: "memory.bulk.receive",
    title: "Peak RSS, column receiving",
    unit: "MiB",
    better: "lower",
    workload: "tcp.bulk.receive",
    how: "the column process's VmHWM over each window of the receiving transfer",
  },
  {
    id: "tcp.churn.client",
    title: "Connect + close, column as client",
    unit: "connections/s",
    better: "higher",
    workload: "tcp.churn.client",
    how: "one at a time: connect to the peer's listener, close once connected; the peer accepts and closes each",
  },
  {
    id: "tcp.churn.server",
    title: "Accept + close, column as server",
    unit: "connections/s",
    better: "higher",
    workload: "tcp.churn.server",
    how: "the peer keeps 4 connects in flight, each closed after the column's close; the column accepts and closes",
  },
  {
    id: "udp.send",
    title: "UDP 1 KiB, column sending",
    unit: "datagrams/s",
    better: "higher",
    workload: "udp.send",
    how: "sends completed per second, 32 in flight; the peer counts what arrives (loss beside the figure)",
  },
  {
    id: "udp.receive",
    title: "UDP 1 KiB, column receiving",
    unit: "datagrams/s",
    better: "higher",
    workload: "udp.receive",
    how: "datagrams received per second while the peer sends as fast as the kernel takes them (loss beside the figure)",
  },
];

/**
 * The metric with this id, or `undefined`.
 *
 * @example
 * ```ts
 * import { findMetric } from "./metrics.ts";
 * findMetric("udp.send")?.unit; // "datagrams/s"
 * ```
 */
export function findMetric(id: string): Metric | undefined {
  return METRICS.find((m) => m.id === id);
}
