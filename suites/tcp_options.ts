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
import { type Case, type CasePeer, defineCase } from "../core/case.ts";
import type { SocketOptionName } from "../core/peer.ts";
import { connectedPair, LOOPBACK4, peerOf } from "./helpers.ts";

/** Every option of both ends of a connection made and accepted by the column, as the kernel holds them. */
async function optionsOfBothEnds(peer: CasePeer, pair: { client: Conn; server: Conn }) {
  const [connected, accepted] = await Promise.all([pair.client, pair.server].map(async (conn) => {
    const socket = await peer.columnSocket({ local: conn.localAddr, remote: conn.remoteAddr });
    return await socket.options();
  }));
  return { connected, accepted };
}

/** One option of both ends of a connection made and accepted by the column, as the kernel holds them. */
async function optionOfBothEnds(
  peer: CasePeer,
  { pair, name }: { pair: { client: Conn; server: Conn }; name: SocketOptionName },
): Promise<{ connected?: number; accepted?: number }> {
  const { connected, accepted } = await optionsOfBothEnds(peer, pair);
  return { connected: connected[name], accepted: accepted[name] };
}

/** A case body: `name` reads 0 on both ends of a new connection, as the kernel makes it. */
function offOnBothEnds(name: SocketOptionName): Case["run"] {
  return async (net, ctx) => {
    const pair = await connectedPair(net);
    try {
      const seen = await optionOfBothEnds(peerOf(ctx), { pair, name });
      ctx.observe(name, seen);
      assert.deepEqual(seen, { connected: 0, accepted: 0 });
    } finally {
      await pair.close();
    }
  };
}

export const nodelayDefault = defineCase({
  id: "tcp.options.nodelay-default",
  title: "a new TCP socket, connected or accepted, has TCP_NODELAY 0: Nagle's algorithm is on",
  semantic:
    "TCP_NODELAY is off on a new TCP socket, so the Nagle algorithm holds small segments while data is unacknowledged; a program turns it on with setsockopt. Both the connecting socket and the one accept() returns read 0.",
  reference: "Linux tcp(7) (TCP_NODELAY); UNP 7.9 (TCP_NODELAY); RFC 9293 3.7.4 (Nagle algorithm)",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"], fixtures: ["peerColumnView"] },
  run: offOnBothEnds("TCP_NODELAY"),
});

export const setNodelay = defineCase({
  id: "tcp.options.set-nodelay",
  title: "turning no-delay on and then off reaches the kernel both ways: TCP_NODELAY 1, then 0",
  semantic:
    "setsockopt(TCP_NODELAY, 1) turns the Nagle algorithm off and setsockopt(TCP_NODELAY, 0) turns it on again; the kernel keeps what was set last. On both the connecting socket and the one accept() returns, turning no-delay on reads 1, and turning it off afterwards reads 0.",
  reference: "Linux tcp(7) (TCP_NODELAY); UNP 7.9 (TCP_NODELAY); RFC 9293 3.7.4 (Nagle algorithm)",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen", "noDelay"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await connectedPair(net);
    try {
      const ends = [pair.client, pair.server];
      const set = (on: boolean) => Promise.all(ends.map((conn) => conn.setNoDelay!(on)));
      const before = await optionOfBothEnds(peer, { pair, name: "TCP_NODELAY" });
      await set(true);
      const on = await optionOfBothEnds(peer, { pair, name: "TCP_NODELAY" });
      await set(false);
      const off = await optionOfBothEnds(peer, { pair, name: "TCP_NODELAY" });
      ctx.observe("TCP_NODELAY", { new: before, on, off });
      assert.deepEqual({ on, off }, { on: { connected: 1, accepted: 1 }, off: { connected: 0, accepted: 0 } });
    } finally {
      await pair.close();
    }
  },
});

/** The keep-alive idle time the case asks for, in ms as the APIs take it; nothing uses it by default (tcp_keepalive_time is 7200 s). */
const KEEPALIVE_DELAY_MS = 3_000;

export const keepalive = defineCase({
  id: "tcp.options.keepalive",
  title: "enabling keep-alive with a 3 s initial delay sets SO_KEEPALIVE 1 and TCP_KEEPIDLE 3, and nothing else",
  semantic:
    "setsockopt(SO_KEEPALIVE, 1) turns keepalive probes on, and setsockopt(TCP_KEEPIDLE, 3) makes the first probe go after 3 s of idleness instead of net.ipv4.tcp_keepalive_time (7200 s); the time between probes (TCP_KEEPINTVL) and their number (TCP_KEEPCNT) stay what they were (tcp_keepalive_intvl and tcp_keepalive_probes: 75 s and 9 by default). On both the connecting socket and the one accept() returns, keep-alive enabled with a 3 s initial delay reads SO_KEEPALIVE 1 and TCP_KEEPIDLE 3, and TCP_KEEPINTVL and TCP_KEEPCNT as before (observed: connected/accepted, before → after).",
  reference:
    "Linux socket(7) (SO_KEEPALIVE), tcp(7) (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, tcp_keepalive_time); UNP 7.5 (SO_KEEPALIVE); RFC 9293 3.8.4 (TCP keep-alives)",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen", "keepAlive"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await connectedPair(net);
    try {
      const read = () => keepaliveOptions(peer, pair);
      const before = await read();
      await Promise.all([pair.client, pair.server].map((conn) => conn.setKeepAlive!(true, KEEPALIVE_DELAY_MS)));
      const after = await read();
      // What the program did not ask for first: it is what a runtime adds.
      for (const name of ["TCP_KEEPINTVL", "TCP_KEEPCNT", "SO_KEEPALIVE", "TCP_KEEPIDLE"] as const) {
        ctx.observe(name, `${ends(before[name])} → ${ends(after[name])}`);
      }
      const both = (value: number) => ({ connected: value, accepted: value });
      assert.deepEqual(
        { SO_KEEPALIVE: after.SO_KEEPALIVE, TCP_KEEPIDLE: after.TCP_KEEPIDLE },
        { SO_KEEPALIVE: both(1), TCP_KEEPIDLE: both(KEEPALIVE_DELAY_MS / 1000) },
      );
      assert.deepEqual(
        { TCP_KEEPINTVL: after.TCP_KEEPINTVL, TCP_KEEPCNT: after.TCP_KEEPCNT },
        { TCP_KEEPINTVL: before.TCP_KEEPINTVL, TCP_KEEPCNT: before.TCP_KEEPCNT },
        `TCP_KEEPINTVL ${ends(before.TCP_KEEPINTVL)} → ${ends(after.TCP_KEEPINTVL)}, TCP_KEEPCNT ${
          ends(before.TCP_KEEPCNT)
        } → ${ends(after.TCP_KEEPCNT)}: neither asked for`,
      );
    } finally {
      await pair.close();
    }
  },
});

/** One option of both ends as `connected/accepted`. */
function ends(value: { connected?: number; accepted?: number }): string {
  return `${value.connected}/${value.accepted}`;
}

/** The keep-alive options of both ends, as the kernel holds them (each end read once). */
async function keepaliveOptions(
  peer: CasePeer,
  pair: { client: Conn; server: Conn },
): Promise<Record<"SO_KEEPALIVE" | "TCP_KEEPIDLE" | "TCP_KEEPINTVL" | "TCP_KEEPCNT", { connected?: number; accepted?: number }>> {
  const { connected, accepted } = await optionsOfBothEnds(peer, pair);
  const both = (name: SocketOptionName) => ({ connected: connected[name], accepted: accepted[name] });
  return { SO_KEEPALIVE: both("SO_KEEPALIVE"), TCP_KEEPIDLE: both("TCP_KEEPIDLE"), TCP_KEEPINTVL: both("TCP_KEEPINTVL"), TCP_KEEPCNT: both("TCP_KEEPCNT") };
}

export const keepaliveDefault = defineCase({
  id: "tcp.options.keepalive-default",
  title: "a new TCP socket, connected or accepted, has SO_KEEPALIVE 0",
  semantic:
    "SO_KEEPALIVE is off on a new socket: an idle connection sends no keepalive probes until the program turns it on. Both the connecting socket and the one accept() returns read 0.",
  reference: "Linux socket(7) (SO_KEEPALIVE), tcp(7) (tcp_keepalive_time); UNP 7.5 (SO_KEEPALIVE); RFC 9293 3.8.4",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"], fixtures: ["peerColumnView"] },
  run: offOnBothEnds("SO_KEEPALIVE"),
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
