/**
 * TCP ping-pong: one connection, the column as client. The column writes
 * one byte and reads the one-byte echo, again and again; the peer echoes
 * inside its own process (`peer.bulk.echo`), so no peer request is in the
 * round trip. Figures per window: round trips per second, and the p50 and
 * p99 of the round trips.
 *
 * @module
 */
import type { Conn } from "../core/adapter.ts";
import { bounded } from "./_resources.ts";
import { acceptOne, type BenchContext, type Figures, LOOPBACK } from "./context.ts";
import { quantile } from "./stats.ts";
import { perSecond, timedWindows, type Window } from "./windows.ts";

/** Reads until `n` bytes have arrived. */
async function readBytes(conn: Conn, n: number): Promise<void> {
  for (let got = 0; got < n;) {
    const chunk = await conn.read();
    if (!chunk) throw new Error(`EOF after ${got} of ${n} bytes`);
    got += chunk.byteLength;
  }
}

/** The `q` quantile of a window's round trips, in µs. */
function roundTripUs(window: Window, q: number): number {
  const sorted = Float64Array.from(window.samples!).sort();
  return quantile(sorted, q) * 1000;
}

/**
 * The ping-pong workload.
 *
 * @example
 * ```ts
 * import { tcpLatency } from "./tcp_latency.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * const figures = await tcpLatency(ctx);
 * console.log(figures["tcp.latency.p50"]);
 * ```
 */
export function tcpLatency(ctx: BenchContext): Promise<Figures> {
  const { net, peer, plan } = ctx;
  return bounded(plan.workloadLimitMs, async (resources) => {
    const listener = resources.hold(await peer.tcp.listen(LOOPBACK));
    const conn = resources.hold(await net.tcp.connect(listener.addr));
    const echoed = resources.hold(await acceptOne(listener));
    const echoing = peer.bulk.echo(echoed, { limitMs: plan.workloadLimitMs });
    const request = new Uint8Array([0x2a]);
    const windows = await timedWindows(plan.latency, async () => {
      await conn.write(request);
      await readBytes(conn, 1);
      return 1;
    }, { samples: true, onWindow: (done, of) => ctx.progress("tcp.latency", done, of) });
    await resources.close(conn); // the peer's echo ends at EOF
    await echoing;
    return {
      "tcp.latency.rate": { windows: windows.map(perSecond) },
      "tcp.latency.p50": { windows: windows.map((w) => roundTripUs(w, 0.5)) },
      "tcp.latency.p99": { windows: windows.map((w) => roundTripUs(w, 0.99)) },
    };
  });
}
