/**
 * TCP bulk throughput, one connection, one way, the column as client:
 * 256 MiB (full plan) in a warm-up and five windows by bytes.
 *
 * - Column sending: the column writes 64 KiB chunks, each write awaited;
 *   the peer reads in 1 MiB gulps inside its own process (`peer.bulk.sink`)
 *   and notes when its byte count passes each window's mark, so each
 *   window is timed where the bytes arrive.
 * - Column receiving: the peer writes 1 MiB chunks inside its own process
 *   (`peer.bulk.source`); the column reads whatever its API hands over and
 *   times the windows where it counts the bytes.
 *
 * At each mark the peer also reads the column process's peak RSS and
 * restarts it (`peer.columnMemory`), without the column waiting for the
 * answer, so each window gets its own peak.
 *
 * @module
 */
import type { Conn } from "../core/adapter.ts";
import type { MemoryFigures } from "../peer/mod.ts";
import { bounded, type Resources } from "./_resources.ts";
import { acceptOne, type BenchContext, type Figures, LOOPBACK, MiB } from "./context.ts";
import { bulkMarks, WINDOWS } from "./plan.ts";

/** MiB/s of each window between consecutive marks, from the times (ms) each mark was passed. */
function rates(marks: readonly number[], times: readonly number[]): number[] {
  if (times.length !== marks.length) throw new Error(`${times.length} of ${marks.length} marks were reached`);
  return times.slice(1).map((t, i) => (marks[i + 1] - marks[i]) / MiB / ((t - times[i]) / 1000));
}

/** Each window's peak RSS in MiB: the reading at a window's end covers that window (the first covers the warm-up). */
async function peaks(readings: Promise<MemoryFigures>[]): Promise<number[]> {
  return (await Promise.all(readings)).slice(1).map((m) => m.peak / MiB);
}

/** A connection from the column to the peer, and the peer's end of it. */
async function connection(ctx: BenchContext, resources: Resources): Promise<{ column: Conn; peerEnd: Conn }> {
  const listener = resources.hold(await ctx.peer.tcp.listen(LOOPBACK));
  const column = resources.hold(await ctx.net.tcp.connect(listener.addr));
  const peerEnd = resources.hold(await acceptOne(listener));
  await resources.close(listener);
  return { column, peerEnd };
}

/**
 * The column sends.
 *
 * @example
 * ```ts
 * import { tcpBulkSend } from "./tcp_bulk.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * console.log((await tcpBulkSend(ctx))["tcp.throughput.send"]);
 * ```
 */
export function tcpBulkSend(ctx: BenchContext): Promise<Figures> {
  const { peer, plan } = ctx;
  return bounded(plan.workloadLimitMs, async (resources) => {
    const { column, peerEnd } = await connection(ctx, resources);
    const marks = bulkMarks(plan.bulk);
    const sinking = peer.bulk.sink(peerEnd, { marks, limitMs: plan.workloadLimitMs });
    const chunk = new Uint8Array(plan.bulk.chunkBytes).fill(0x61);
    const memory: Promise<MemoryFigures>[] = [];
    for (let written = 0; written < marks[WINDOWS];) {
      const part = chunk.subarray(0, Math.min(chunk.byteLength, marks[WINDOWS] - written));
      await column.write(part);
      written += part.byteLength;
      while (memory.length < marks.length && written >= marks[memory.length]) {
        memory.push(peer.columnMemory({ resetPeak: true }));
        ctx.progress("tcp.bulk.send", memory.length - 1, WINDOWS);
      }
    }
    // The peer's sink ends at EOF; a half-close sends it after every byte the API still holds.
    if (column.closeWrite && ctx.net.capabilities.has("halfClose")) await column.closeWrite();
    else await resources.close(column);
    const { bytes, marksMs } = await sinking;
    if (bytes !== marks[WINDOWS]) throw new Error(`the peer received ${bytes} of ${marks[WINDOWS]} bytes`);
    return { "tcp.throughput.send": { windows: rates(marks, marksMs) }, "memory.bulk.send": { windows: await peaks(memory) } };
  });
}

/**
 * The column receives.
 *
 * @example
 * ```ts
 * import { tcpBulkReceive } from "./tcp_bulk.ts";
 * import type { BenchContext } from "./context.ts";
 * declare const ctx: BenchContext;
 * console.log((await tcpBulkReceive(ctx))["tcp.throughput.receive"]);
 * ```
 */
export function tcpBulkReceive(ctx: BenchContext): Promise<Figures> {
  const { peer, plan } = ctx;
  return bounded(plan.workloadLimitMs, async (resources) => {
    const { column, peerEnd } = await connection(ctx, resources);
    const marks = bulkMarks(plan.bulk);
    const sourcing = peer.bulk.source(peerEnd, { bytes: marks[WINDOWS], limitMs: plan.workloadLimitMs });
    const times: number[] = [];
    const memory: Promise<MemoryFigures>[] = [];
    let got = 0;
    for (let chunk = await column.read(); chunk; chunk = await column.read()) {
      got += chunk.byteLength;
      while (times.length < marks.length && got >= marks[times.length]) {
        times.push(performance.now());
        memory.push(peer.columnMemory({ resetPeak: true }));
        ctx.progress("tcp.bulk.receive", times.length - 1, WINDOWS);
      }
    }
    await sourcing;
    if (got !== marks[WINDOWS]) throw new Error(`the column received ${got} of ${marks[WINDOWS]} bytes`);
    return { "tcp.throughput.receive": { windows: rates(marks, times) }, "memory.bulk.receive": { windows: await peaks(memory) } };
  });
}
