/**
 * Connection churn: how many connections a second the column opens and
 * closes as a client, and accepts and closes as a server. The peer's side
 * is a loop inside its own process (`peer.bulk.acceptLoop`,
 * `peer.bulk.connectLoop`), so no peer request is made per connection.
 *
 * - Column as client: one connection at a time, connect then close; the
 *   peer accepts each and closes it at once, from a deep accept queue.
 * - Column as server: the peer keeps four connects in flight, each closed
 *   once the column has closed it; the column accepts and closes. An API
 *   without a listener has no figure here (n/a, with its reason).
 *
 * @module
 */
import type { Listener } from "../core/adapter.ts";
import { SocketError } from "../core/errors.ts";
import { bounded } from "./_resources.ts";
import { acceptOne, type BenchContext, type Figures, LOOPBACK, NotApplicable } from "./context.ts";
import { perSecond, timedWindows } from "./windows.ts";

/** Connects the peer keeps in flight against the column's listener. */
const CONCURRENCY = 4;
/**
 * The peer listener's backlog (clamped by net.core.somaxconn, 4096 by
 * default): at thousands of connections a second, a peer not scheduled for
 * 40 ms would overflow the usual 128, and a dropped SYN costs the column a
 * 1 s retransmission (measured on a loaded machine).
 */
const PEER_BACKLOG = 4096;

/**
 * The column connects and closes.
 *
 * @example
 * ```ts
 * import { tcpChurnClient } from "./tcp_churn.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * console.log((await tcpChurnClient(ctx))["tcp.churn.client"]);
 * ```
 */
export function tcpChurnClient(ctx: BenchContext): Promise<Figures> {
  const { net, peer, plan } = ctx;
  return bounded(plan.workloadLimitMs, async (resources) => {
    const listener = resources.hold(await peer.tcp.listen({ ...LOOPBACK, backlog: PEER_BACKLOG }));
    const accepting = peer.bulk.acceptLoop(listener, { limitMs: plan.workloadLimitMs });
    resources.hold({ close: () => accepting.stop() });
    await accepting.started;
    const windows = await timedWindows(plan.churn, async () => {
      const conn = await net.tcp.connect(listener.addr);
      await conn.close();
      return 1;
    }, { onWindow: (done, of) => ctx.progress("tcp.churn.client", done, of) });
    await accepting.stop();
    await accepting.result;
    return { "tcp.churn.client": { windows: windows.map(perSecond) } };
  });
}

/** The column's listener; NotApplicable where the API has none (its listen rejects with something other than a socket error). */
async function listenHere(ctx: BenchContext): Promise<Listener> {
  try {
    return await ctx.net.tcp.listen(LOOPBACK);
  } catch (err) {
    if (err instanceof SocketError) throw err;
    throw new NotApplicable(`the API cannot listen: ${(err as Error).message}`);
  }
}

/**
 * The column accepts and closes.
 *
 * @example
 * ```ts
 * import { tcpChurnServer } from "./tcp_churn.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * console.log((await tcpChurnServer(ctx))["tcp.churn.server"]);
 * ```
 */
export function tcpChurnServer(ctx: BenchContext): Promise<Figures> {
  const { peer, plan } = ctx;
  return bounded(plan.workloadLimitMs, async (resources) => {
    const listener = resources.hold(await listenHere(ctx));
    const connecting = peer.bulk.connectLoop(listener.addr, { concurrency: CONCURRENCY, limitMs: plan.workloadLimitMs });
    resources.hold({ close: () => connecting.stop() });
    await connecting.started;
    let accepted = 0;
    const acceptAndClose = async () => {
      await (await acceptOne(listener)).close();
      accepted++;
      return 1;
    };
    const windows = await timedWindows(plan.churn, acceptAndClose, {
      onWindow: (done, of) => ctx.progress("tcp.churn.server", done, of),
    });
    await connecting.stop();
    const { connected } = await connecting.result;
    // Every connection the peer completed is accepted and closed, so none outlives the workload.
    while (accepted < connected) await acceptAndClose();
    return { "tcp.churn.server": { windows: windows.map(perSecond) } };
  });
}
