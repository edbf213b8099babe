/**
 * What the kernel sees: the options a TCP socket carries when the program
 * asked for none, read from the column's own sockets by the reference peer
 * (getsockopt on a copy of the descriptor). A runtime that sets an option
 * on its own changes what the program gets from the kernel.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conn } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import type { CasePeer } from "../core/case.ts";
import type { SocketOptionName } from "../core/peer.ts";
import { connectedPair, LOOPBACK4, peerOf } from "./helpers.ts";

/** One option of both ends of a connection made and accepted by the column, as the kernel holds them. */
async function optionOfBothEnds(
  peer: CasePeer,
  ends: { client: Conn; server: Conn },
  name: SocketOptionName,
): Promise<{ connected?: number; accepted?: number }> {
  const [connected, accepted] = await Promise.all([ends.client, ends.server].map(async (conn) => {
    const socket = await peer.columnSocket({ local: conn.localAddr, remote: conn.remoteAddr });
    return (await socket.options())[name];
  }));
  return { connected, accepted };
}

export const nodelayDefault = defineCase({
  id: "tcp.options.nodelay-default",
  title: "a new TCP socket, connected or accepted, has TCP_NODELAY 0: Nagle's algorithm is on",
  semantic:
    "TCP_NODELAY is off on a new TCP socket, so the Nagle algorithm holds small segments while data is unacknowledged; a program turns it on with setsockopt. Both the connecting socket and the one accept() returns read 0.",
  reference: "Linux tcp(7) (TCP_NODELAY); UNP 7.9 (TCP_NODELAY); RFC 9293 3.7.4 (Nagle algorithm)",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await connectedPair(net);
    try {
      const seen = await optionOfBothEnds(peer, pair, "TCP_NODELAY");
      ctx.observe("TCP_NODELAY", seen);
      assert.deepEqual(seen, { connected: 0, accepted: 0 });
    } finally {
      await pair.close();
    }
  },
});

export const keepaliveDefault = defineCase({
  id: "tcp.options.keepalive-default",
  title: "a new TCP socket, connected or accepted, has SO_KEEPALIVE 0",
  semantic:
    "SO_KEEPALIVE is off on a new socket: an idle connection sends no keepalive probes until the program turns it on. Both the connecting socket and the one accept() returns read 0.",
  reference: "Linux socket(7) (SO_KEEPALIVE), tcp(7) (tcp_keepalive_time); UNP 7.5 (SO_KEEPALIVE); RFC 9293 3.8.4",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await connectedPair(net);
    try {
      const seen = await optionOfBothEnds(peer, pair, "SO_KEEPALIVE");
      ctx.observe("SO_KEEPALIVE", seen);
      assert.deepEqual(seen, { connected: 0, accepted: 0 });
    } finally {
      await pair.close();
    }
  },
});

export const reuseaddrListener = defineCase({
  id: "tcp.options.reuseaddr-listener",
  title: "a new listening socket has SO_REUSEADDR 0 unless the program asks for it",
  semantic:
    "SO_REUSEADDR is off on a new socket: a listener binds a port that an old connection still holds in TIME_WAIT only if the program set it before bind(). A listener made without asking reads 0.",
  reference: "Linux socket(7) (SO_REUSEADDR); UNP 7.5 (SO_REUSEADDR)",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    try {
      const socket = await peer.columnSocket({ local: listener.addr });
      const { SO_REUSEADDR } = await socket.options();
      ctx.observe("SO_REUSEADDR", SO_REUSEADDR);
      assert.equal(SO_REUSEADDR, 0);
    } finally {
      await listener.close();
    }
  },
});

export const v6onlyDefault = defineCase({
  id: "tcp.options.v6only-default",
  title: "a listener on :: has IPV6_V6ONLY 0: it takes IPv4 connections too",
  semantic:
    "An IPv6 socket takes its IPV6_V6ONLY from net.ipv6.bindv6only, 0 on Linux by default: a listener bound to :: without asking reads 0 and accepts IPv4 connections as IPv4-mapped addresses.",
  reference: "Linux ipv6(7) (IPV6_V6ONLY, bindv6only); RFC 3493 5.3; UNP 12.2",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"], fixtures: ["peerColumnView", "ipv6"] },
  // A wildcard listener: inside the lab where it can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await net.tcp.listen({ hostname: "::", port: 0 });
    try {
      const socket = await peer.columnSocket({ local: listener.addr });
      const { IPV6_V6ONLY } = await socket.options();
      ctx.observe("IPV6_V6ONLY", IPV6_V6ONLY);
      assert.equal(IPV6_V6ONLY, 0);
    } finally {
      await listener.close();
    }
  },
});

/** A backlog nothing uses by default, and far below net.core.somaxconn (4096 since Linux 5.4), which would clamp it. */
const BACKLOG = 7;

export const listenBacklog = defineCase({
  id: "tcp.options.listen-backlog",
  title: "the backlog a program passes to listen is the limit of the listener's accept queue",
  semantic:
    "listen(backlog) sets the limit of the queue of completed connections waiting for accept(), clamped to net.core.somaxconn: a listener asked for a backlog of 7 has a queue limit of 7 (the Send-Q `ss -lt` shows). Recorded as well: the limit the API sets when the program asks for none, the API's own default.",
  reference: "POSIX listen(); Linux listen(2) (backlog, somaxconn), tcp(7); UNP 4.5",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen", "listenBacklog"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const limitOf = async (backlog?: number): Promise<number> => {
      const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0, backlog });
      try {
        return (await (await peer.columnSocket({ local: listener.addr })).backlog()).limit;
      } finally {
        await listener.close();
      }
    };
    ctx.observe("queue limit, none asked (the API's default)", await limitOf());
    const asked = await limitOf(BACKLOG);
    ctx.observe(`queue limit, ${BACKLOG} asked`, asked);
    assert.equal(asked, BACKLOG);
  },
});
