/**
 * The reference peer as this process starts it: a child process (peer/main.ts)
 * whose stdin and stdout carry the requests (peer/_protocol.ts), driven
 * through the same client as any other channel (channel_peer.ts).
 *
 * @module
 */
import { type Peer, peerOver } from "./channel_peer.ts";
import { type PeerOptions, PeerProcess } from "./_process.ts";
import type { PeerChannel } from "./_protocol.ts";

export type { Backlog, ColumnSocket, ColumnSocketQuery, Peer, SocketOptionName, SocketOptions } from "./channel_peer.ts";

/**
 * Starts the reference peer as a child of this process (so it lives in this
 * process's network namespace, a lab namespace included) and returns it at
 * once: operations wait for it to run. Start it once per column process,
 * early, so its start-up overlaps the first cases; close it at the end (it
 * also ends by itself when this process ends, however it ends).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startPeer } from "./client.ts";
 * const peer = startPeer();
 * try {
 *   const listener = await peer.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 *   const conn = await peer.tcp.connect(listener.addr);
 *   const accepted = (await listener.accept())!;
 *   await conn.write(new TextEncoder().encode("hello"));
 *   assert.equal(await peer.outq(conn), 0); // loopback acknowledges at once
 *   await Promise.all([conn.close(), accepted.close(), listener.close()]);
 * } finally {
 *   await peer.close();
 * }
 * ```
 */
export function startPeer(options: PeerOptions = {}): Peer {
  return peerOver(new PeerProcess(options));
}

/**
 * Starts the reference peer as a child of this process and returns the
 * channel to it, for a process that carries the peer's requests for another
 * (the workerd host bridges them to its worker); {@linkcode startPeer} is
 * the peer on this channel.
 *
 * @example
 * ```ts
 * import { startPeerChannel } from "./client.ts";
 * const channel = startPeerChannel();
 * console.log((await channel.ready).pid);
 * await channel.close();
 * ```
 */
export function startPeerChannel(options: PeerOptions = {}): PeerChannel {
  return new PeerProcess(options);
}
