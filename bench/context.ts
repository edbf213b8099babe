/**
 * What every workload gets: the column's adapter, the reference peer, the
 * plan, and a way to report progress; and what it gives back.
 *
 * @module
 */
import type { Adapter, Conn, Listener } from "../core/adapter.ts";
import type { Peer } from "../peer/mod.ts";
import type { WorkloadId } from "./metrics.ts";
import type { Plan } from "./plan.ts";
import type { RawFigure } from "./protocol.ts";

/** A workload's surroundings. */
export interface BenchContext {
  /** The column's adapter: the socket API under measurement. */
  net: Adapter;
  /** The reference peer: the other side of every workload. */
  peer: Peer;
  plan: Plan;
  progress(workload: WorkloadId, done: number, of: number): void;
}

/** A workload's figures, by metric id. */
export type Figures = Record<string, RawFigure>;

/** The column's API cannot do what the workload needs: its metrics are n/a, with this reason. */
export class NotApplicable extends Error {
  override name = "NotApplicable";
}

/** Where every workload listens and binds: loopback, a port the kernel picks. */
export const LOOPBACK = { hostname: "127.0.0.1", port: 0 } as const;

/** 1 MiB, the unit of the throughput and memory figures. */
export const MiB = 1024 * 1024;

/**
 * The next connection of `listener`; an error if the listener ended instead.
 *
 * @example
 * ```ts
 * import { acceptOne } from "./context.ts";
 * import type { Listener } from "../core/adapter.ts";
 * declare const listener: Listener;
 * const conn = await acceptOne(listener);
 * await conn.close();
 * ```
 */
export async function acceptOne(listener: Listener): Promise<Conn> {
  const conn = await listener.accept();
  if (!conn) throw new Error("the listener ended before a connection arrived");
  return conn;
}
