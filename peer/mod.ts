/**
 * The kernel reference peer: the other end of a connection, run by the
 * kernel adapter (libc through Deno's FFI) in a process of its own, started
 * once per column process as its child, so in its network namespace.
 *
 * A case that needs it gets it as `ctx.peer` and drives it with the same
 * adapter contract as the column (`net`), so a body reads the same whichever
 * side it drives. Beyond the contract the peer gives the kernel's view:
 * - of its own sockets: `peer.inq(conn)` / `peer.outq(conn)` (SIOCINQ /
 *   SIOCOUTQ: bytes unread, bytes unacknowledged), `peer.tcpInfo(conn)`
 *   (TCP_INFO), `peer.soError(conn)` (SO_ERROR, an errno number);
 * - of the column's own sockets: `peer.columnSocket({ local, remote? })`
 *   finds the column's socket by its endpoints and reads what the runtime set
 *   (`options()`: TCP_NODELAY, SO_KEEPALIVE, ...), its `backlog()`,
 *   `tcpInfo()`, `inq()`, `outq()`. It needs root or CAP_SYS_PTRACE: where it
 *   is not allowed it rejects with an {@linkcode UnavailableError}
 *   ("unavailable: reason"), and `(await peer.ready()).columnView` says so
 *   before any case runs, for the runner to turn into `skipped`.
 *
 * For the performance lane, `peer.bulk` runs whole workloads inside the
 * peer (echo, sink or source a transfer, accept or open connections, sink
 * or source datagrams) with one request each, and `peer.columnMemory()`
 * reads the column process's RSS and its peak.
 *
 * The contract (`Peer` and its view types) lives in core/peer.ts, so a
 * case's context can carry it; this folder implements it. Wiring (the
 * harness does it, harness/peer.ts): `startPeer()` once per column process,
 * early (it returns at once; its start overlaps the column's own), closed
 * at the end. A peer that cannot start rejects every operation with an
 * UnavailableError. Deno column processes need `--allow-run` for the Deno
 * binary, read access to find it, and `--allow-env` for the few variables
 * the peer is given (HOME, DENO_DIR, XDG_CACHE_HOME) and NODE_V8_COVERAGE,
 * which Deno's node:child_process reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Adapter } from "../core/adapter.ts";
 * import { type Peer, startPeer } from "./mod.ts";
 *
 * // A case body: the column connects to the peer's listener; the peer reads the column's socket.
 * async function body(net: Adapter, peer: Peer) {
 *   const listener = await peer.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 *   const conn = await net.tcp.connect(listener.addr);
 *   const accepted = (await listener.accept())!;
 *   try {
 *     const theirs = await peer.columnSocket({ local: conn.localAddr, remote: conn.remoteAddr });
 *     const { TCP_NODELAY } = await theirs.options(); // what the runtime set
 *     assert.equal(typeof TCP_NODELAY, "number");
 *     assert.equal((await peer.tcpInfo(accepted)).state, "ESTABLISHED");
 *   } finally {
 *     await Promise.all([conn.close(), accepted.close(), listener.close()]);
 *   }
 * }
 *
 * declare const net: Adapter;
 * const peer = startPeer();
 * await body(net, peer);
 * await peer.close();
 * ```
 *
 * @module
 */
export {
  type Backlog,
  type ColumnSocket,
  type ColumnSocketQuery,
  type Peer,
  type SocketOptionName,
  type SocketOptions,
  startPeer,
  startPeerChannel,
} from "./client.ts";
export { peerOver } from "./channel_peer.ts";
export { type BulkOptions, type BulkRun, type PeerBulk } from "./_bulk_client.ts";
export { type PeerOptions, type PeerReady } from "./_process.ts";
export { type MemoryFigures, type PeerChannel, UnavailableError, type ViewStatus } from "./_protocol.ts";
export type { TcpInfo } from "./_tcp_info.ts";
