/**
 * UDP datagrams per second, 1 KiB each, on loopback, with the loss counted.
 *
 * - Column sending: sends with 32 in flight, each awaited, to a peer socket
 *   whose loop (`peer.bulk.udpSink`) counts what arrives. The figure is
 *   sends completed per second; the loss is what was sent and never
 *   arrived (a send the API refused counts as sent and lost).
 * - Column receiving: the peer's loop (`peer.bulk.udpSource`) sends as fast
 *   as its kernel takes them, from a socket connected to the column's; the
 *   figure is datagrams the column received per second. At the end the
 *   peer stops, and the column keeps receiving until nothing has arrived
 *   for {@linkcode QUIET_MS}; what the peer sent and the column never
 *   received is the loss.
 *
 * An API without UDP has no figures here (n/a).
 *
 * @module
 */
import type { Adapter, DatagramSocket } from "../core/adapter.ts";
import { bounded } from "./_resources.ts";
import { type BenchContext, type Figures, LOOPBACK, NotApplicable } from "./context.ts";
import { perSecond, timedWindows } from "./windows.ts";

/** How long the end of a receiving run waits for one more datagram: a bounded wait showing that none follows. */
const QUIET_MS = 50;

/** The adapter's UDP, or NotApplicable. */
function udpOf(net: Adapter): NonNullable<Adapter["udp"]> {
  if (!net.udp || !net.capabilities.has("udp")) throw new NotApplicable("the API has no UDP sockets");
  return net.udp;
}

/**
 * The column sends.
 *
 * @example
 * ```ts
 * import { udpSend } from "./udp_rate.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * console.log((await udpSend(ctx))["udp.send"]);
 * ```
 */
export function udpSend(ctx: BenchContext): Promise<Figures> {
  const { peer, plan } = ctx;
  const udp = udpOf(ctx.net);
  return bounded(plan.workloadLimitMs, async (resources) => {
    const sinkSocket = resources.hold(await peer.udp.bind(LOOPBACK));
    const sinking = peer.bulk.udpSink(sinkSocket, { limitMs: plan.workloadLimitMs });
    resources.hold({ close: () => sinking.stop() });
    await sinking.started;
    const socket = resources.hold(await udp.bind(LOOPBACK));
    const to = sinkSocket.address();
    const datagram = new Uint8Array(plan.udp.size).fill(0x75);
    let sent = 0;
    const batch = async () => {
      const sends = Array.from({ length: plan.udp.inFlight }, () => socket.send(datagram, to));
      sent += sends.length;
      return (await Promise.allSettled(sends)).filter((s) => s.status === "fulfilled").length;
    };
    const windows = await timedWindows(plan.udp, batch, { onWindow: (done, of) => ctx.progress("udp.send", done, of) });
    // A datagram sent on loopback is queued at the receiver by the time its send completes.
    await sinking.stop();
    const { datagrams } = await sinking.result;
    return { "udp.send": { windows: windows.map(perSecond), loss: { sent, received: datagrams } } };
  });
}

/** Receives until nothing arrives for QUIET_MS; how many arrived. */
async function drain(socket: DatagramSocket, pending: Promise<unknown>): Promise<number> {
  let received = 0;
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const quiet = new Promise<"quiet">((resolve) => timer = setTimeout(() => resolve("quiet"), QUIET_MS));
    const got = await Promise.race([pending, quiet]);
    clearTimeout(timer);
    if (got === "quiet" || !got) return received; // the pending receive is settled by the socket's close
    received++;
    pending = socket.receive();
  }
}

/**
 * The column receives.
 *
 * @example
 * ```ts
 * import { udpReceive } from "./udp_rate.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * console.log((await udpReceive(ctx))["udp.receive"]);
 * ```
 */
export function udpReceive(ctx: BenchContext): Promise<Figures> {
  const { peer, plan } = ctx;
  const udp = udpOf(ctx.net);
  return bounded(plan.workloadLimitMs, async (resources) => {
    const socket = resources.hold(await udp.bind(LOOPBACK));
    const sourceSocket = resources.hold(await peer.udp.bind(LOOPBACK));
    await sourceSocket.connect!(socket.address());
    const sourcing = peer.bulk.udpSource(sourceSocket, {
      size: plan.udp.size,
      count: Number.MAX_SAFE_INTEGER,
      limitMs: plan.workloadLimitMs,
    });
    resources.hold({ close: () => sourcing.stop() });
    await sourcing.started;
    let received = 0;
    const windows = await timedWindows(plan.udp, async () => {
      if (!await socket.receive()) throw new Error("the socket ended while receiving");
      received++;
      return 1;
    }, { onWindow: (done, of) => ctx.progress("udp.receive", done, of) });
    const pending = socket.receive();
    await sourcing.stop();
    const { sent } = await sourcing.result;
    received += await drain(socket, pending);
    return { "udp.receive": { windows: windows.map(perSecond), loss: { sent, received } } };
  });
}
