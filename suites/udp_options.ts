/**
 * UDP socket options that change where datagrams go or how they travel:
 * SO_BROADCAST, multicast membership, IP_TTL, SO_REUSEPORT; and what the
 * kernel sees on a new UDP socket (its options, read by the reference peer).
 *
 * Broadcast and multicast run inside the fault lab (lab/topology.ts): the
 * receiver binds the wildcard address there, and `lo` is the namespace's
 * only interface, so nothing sent to the broadcast address or the group can
 * leave it. The loopback guard lets the group through only there.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter, Datagram, DatagramSocket } from "../core/adapter.ts";
import { rejectsWith } from "../core/assert.ts";
import { defineCase } from "../core/case.ts";
import type { CasePeer } from "../core/case.ts";
import type { SocketOptions } from "../core/peer.ts";
import { LAB_ADDRESSES } from "../lab/topology.ts";
import { bindUdp, bytes, LOOPBACK4, peerOf, text } from "./helpers.ts";

const { local: LOCAL, broadcast: BROADCAST, multicastGroup: GROUP } = LAB_ADDRESSES;

/** Where a lab receiver binds: every local address of the namespace, so broadcasts and the group's datagrams reach it. */
const WILDCARD = "0.0.0.0";

/** A datagram as recorded: `"allowed" from 127.0.0.1:40000`. */
function seen(d: Datagram | null): string {
  return d ? `"${text(d.data)}" from ${d.from.hostname}:${d.from.port}` : "null";
}

export const broadcastNeedsPermission = defineCase({
  id: "udp.send.broadcast-needs-permission",
  title: "a send to the broadcast address fails with EACCES until SO_BROADCAST is set, then it is delivered",
  semantic:
    "Sending to a broadcast address needs SO_BROADCAST: without it, sendto() to lo's broadcast address 127.255.255.255 fails with EACCES and nothing is sent; once the option is set, the datagram is delivered to a socket bound to the wildcard address on the destination port (in the lab's namespace).",
  reference:
    "UNP 20.4 (dg_cli with broadcast: EACCES without SO_BROADCAST), 7.5 (SO_BROADCAST); Linux socket(7) (SO_BROADCAST), ip(7) (ERRORS: EACCES)",
  requires: { capabilities: ["udp", "udpBroadcast"], fixtures: ["lab"] },
  async run(net, ctx) {
    const receiver = await net.udp!.bind({ hostname: WILDCARD, port: 0 });
    const sender = await bindUdp(net, LOCAL);
    try {
      const to = { hostname: BROADCAST, port: receiver.address().port };
      await rejectsWith(ctx, "send without SO_BROADCAST", sender.send(bytes("denied"), to), "EACCES");
      await sender.setBroadcast!(true);
      await sender.send(bytes("allowed"), to);
      const got = await receiver.receive();
      ctx.observe("receiver's first datagram", seen(got));
      assert.ok(got, "receive returned null");
      assert.equal(text(got.data), "allowed");
      assert.deepEqual(got.from, sender.address());
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const multicastLoopback = defineCase({
  id: "udp.send.multicast-loopback",
  title: "a member of 239.1.2.3 on lo receives a datagram sent to the group",
  semantic:
    "A datagram sent to a multicast group is delivered to the sockets that joined the group on the interface it goes out on, on the host itself too: after IP_ADD_MEMBERSHIP of 239.1.2.3 on lo, a socket bound to the wildcard address receives what another local socket sends to the group and its port, from that socket's address; before the join, the same send is not delivered. IP_MULTICAST_LOOP is on by default, and on lo it makes no difference: the loopback device brings back every datagram it sends (measured: delivered with it off too). In the lab's namespace, whose only interface is lo.",
  reference:
    "UNP 21.6 (IP_ADD_MEMBERSHIP, IP_MULTICAST_LOOP), 21.10; RFC 1112 (host group membership); RFC 2365 (239/8); Linux ip(7) (IP_ADD_MEMBERSHIP, IP_MULTICAST_LOOP)",
  requires: { capabilities: ["udp", "udpMulticast"], fixtures: ["lab"] },
  async run(net, ctx) {
    const member = await net.udp!.bind({ hostname: WILDCARD, port: 0 });
    const sender = await bindUdp(net, LOCAL);
    try {
      const to = { hostname: GROUP, port: member.address().port };
      // Nobody on lo is a member yet: the kernel does not deliver it.
      await sender.send(bytes("before joining"), to);
      await member.joinGroup!({ group: GROUP, interface: LOCAL });
      await sender.send(bytes("after joining"), to);
      const got = await member.receive();
      ctx.observe("member's first datagram", seen(got));
      assert.ok(got, "receive returned null");
      assert.equal(text(got.data), "after joining");
      assert.deepEqual(got.from, sender.address());
    } finally {
      await Promise.all([member.close(), sender.close()]);
    }
  },
});

/** A TTL nothing sets by default (Linux's net.ipv4.ip_default_ttl is 64). */
const TTL = 3;

export const ttl = defineCase({
  id: "udp.send.ttl",
  title: "the TTL set on a UDP socket is the TTL its datagrams arrive with",
  semantic:
    "IP_TTL sets the time-to-live of the unicast datagrams a socket sends, and a receiver that set IP_RECVTTL reads each datagram's TTL from it. On loopback no router decrements it: a datagram sent before the option arrives with the default TTL (net.ipv4.ip_default_ttl), one sent after it with the TTL set.",
  reference: "UNP 7.6 (IP_TTL); Linux ip(7) (IP_TTL, IP_RECVTTL), RFC 791 (Time to Live)",
  // The receiver needs IP_RECVTTL, which only the libc adapter offers: the case belongs on the reference peer once there is one.
  requires: { capabilities: ["udp", "udpTtl", "udpRecvTtl"] },
  async run(net, ctx) {
    const receiver = await net.udp!.bind({ hostname: LOOPBACK4, port: 0, recvTtl: true });
    const sender = await bindUdp(net);
    try {
      await sender.send(bytes("default"), receiver.address());
      await sender.setTtl!(TTL);
      await sender.send(bytes("set"), receiver.address());
      const before = await receiver.receive();
      const after = await receiver.receive();
      assert.ok(before && after, "receive returned null");
      ctx.observe("TTL received", { [text(before.data)]: before.ttl, [text(after.data)]: after.ttl });
      assert.equal(typeof before.ttl, "number", "the receiver reported no TTL");
      assert.notEqual(before.ttl, TTL, `the default TTL is already ${TTL}: the option's effect cannot be told`);
      assert.equal(after.ttl, TTL);
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

/**
 * Senders tried at most: the kernel picks a socket by a hash of the
 * sender's address and port, so 32 senders all land on one of two sockets
 * with a probability of 2^-31.
 */
const MAX_SENDERS = 32;

export const reusePort = defineCase({
  id: "udp.bind.reuse-port",
  title: "two UDP sockets with SO_REUSEPORT bind one port and both receive",
  semantic:
    "With SO_REUSEPORT set before bind() on each, two UDP sockets of one user bind the same address and port, and the kernel spreads incoming datagrams over them by a hash of the sender's address and port: datagrams from enough different senders (one socket, so one source port, each) reach both.",
  reference: "Linux socket(7) (SO_REUSEPORT, since Linux 3.9); UNP 7.5 (SO_REUSEPORT)",
  requires: { capabilities: ["udp", "udpReusePort"] },
  async run(net, ctx) {
    const first = await net.udp!.bind({ hostname: LOOPBACK4, port: 0, reusePort: true });
    let second: DatagramSocket | undefined;
    try {
      second = await net.udp!.bind({ hostname: LOOPBACK4, port: first.address().port, reusePort: true });
      const counts = await spread(net, [first, second]);
      ctx.observe("datagrams per socket", counts);
      assert.ok(counts.every((n) => n > 0), `after ${counts[0] + counts[1]} senders one socket had received nothing`);
    } finally {
      await Promise.all([first.close(), second?.close()]);
    }
  },
});

/**
 * Sends one datagram from each of up to {@linkcode MAX_SENDERS} fresh
 * sockets to the port both `sockets` share, waiting for it on whichever
 * socket receives it, until both have received; how many each got.
 */
async function spread(net: Adapter, sockets: readonly [DatagramSocket, DatagramSocket]): Promise<[number, number]> {
  const to = sockets[0].address();
  const counts: [number, number] = [0, 0];
  // One receive outstanding per socket; closing the sockets settles (or abandons) the last ones.
  const next = (i: 0 | 1): Promise<0 | 1> => {
    const receiving = sockets[i].receive().then((d) => (assert.ok(d, "receive returned null"), i));
    receiving.catch(() => {});
    return receiving;
  };
  const receiving = [next(0), next(1)];
  for (let n = 0; n < MAX_SENDERS && !(counts[0] && counts[1]); n++) {
    const sender = await bindUdp(net);
    try {
      await sender.send(bytes(`sender ${n}`), to);
      const i = await Promise.race(receiving);
      counts[i]++;
      receiving[i] = next(i);
    } finally {
      await sender.close();
    }
  }
  return counts;
}

/** The options of one of the column's UDP sockets, as the kernel holds them. */
async function udpOptionsOf(peer: CasePeer, socket: DatagramSocket): Promise<SocketOptions> {
  return await (await peer.columnSocket({ protocol: "udp", local: socket.address() })).options();
}

export const recverrDefault = defineCase({
  id: "udp.options.recverr-default",
  title: "a new UDP socket has IP_RECVERR 0",
  semantic:
    "IP_RECVERR is off on a new socket: the kernel queues no extended errors (an ICMP port unreachable is not reported on an unconnected UDP socket) until the program sets it. A bound UDP socket reads 0.",
  reference: "Linux ip(7) (IP_RECVERR); UNP 8.9 (asynchronous errors)",
  sides: "column+peer",
  requires: { capabilities: ["udp"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const socket = await bindUdp(net);
    try {
      const { IP_RECVERR } = await udpOptionsOf(peer, socket);
      ctx.observe("IP_RECVERR", IP_RECVERR);
      assert.equal(IP_RECVERR, 0);
    } finally {
      await socket.close();
    }
  },
});

export const broadcastDefault = defineCase({
  id: "udp.options.broadcast-default",
  title: "a new UDP socket has SO_BROADCAST 0 until the program enables broadcast",
  semantic:
    "SO_BROADCAST is off on a new socket, so a send to a broadcast address fails with EACCES; the program turns it on with setsockopt. A bound UDP socket reads 0, and 1 once broadcast is enabled (where the API can enable it).",
  reference: "Linux socket(7) (SO_BROADCAST); UNP 7.5 (SO_BROADCAST), 20.4",
  sides: "column+peer",
  requires: { capabilities: ["udp"], fixtures: ["peerColumnView"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const socket = await bindUdp(net);
    try {
      const before = (await udpOptionsOf(peer, socket)).SO_BROADCAST;
      const enabled = socket.setBroadcast ? (await socket.setBroadcast(true), (await udpOptionsOf(peer, socket)).SO_BROADCAST) : "not offered";
      ctx.observe("SO_BROADCAST", { new: before, enabled });
      assert.equal(before, 0);
      if (socket.setBroadcast) assert.equal(enabled, 1, "enabling broadcast left SO_BROADCAST off");
    } finally {
      await socket.close();
    }
  },
});

/**
 * The buffer size the buffer cases ask for: far below net.core.rmem_max and
 * wmem_max (212992 by default), which would clamp it, and doubled unlike
 * either default (rmem_default and wmem_default, 212992).
 */
const BUFFER_SIZE = 40_000;

/** A buffer case: `set` asks for {@linkcode BUFFER_SIZE}, and `option` must read twice that. */
function bufferCase(options: {
  id: string;
  which: "receive" | "send";
  option: "SO_RCVBUF" | "SO_SNDBUF";
  set: (socket: DatagramSocket, bytes: number) => Promise<void>;
}) {
  const { id, which, option, set } = options;
  return defineCase({
    id,
    title: `setting a UDP socket's ${which} buffer to N gives ${option} 2N`,
    semantic:
      `setsockopt(${option}, N) sets the socket's ${which} buffer, and Linux doubles N (at most net.core.${
        which === "receive" ? "rmem_max" : "wmem_max"
      } before doubling) to leave room for its own bookkeeping, so getsockopt reads 2N: a UDP socket whose ${which} buffer was set to ${BUFFER_SIZE} bytes reads ${
        2 * BUFFER_SIZE
      }.`,
    reference: `Linux socket(7) (${option}: "the kernel doubles this value"); UNP 7.5 (SO_RCVBUF and SO_SNDBUF)`,
    sides: "column+peer",
    requires: { capabilities: ["udp", "udpBufferSizes"], fixtures: ["peerColumnView"] },
    async run(net, ctx) {
      const peer = peerOf(ctx);
      const socket = await bindUdp(net);
      try {
        const before = (await udpOptionsOf(peer, socket))[option];
        await set(socket, BUFFER_SIZE);
        const after = (await udpOptionsOf(peer, socket))[option];
        ctx.observe(option, { new: before, [`${BUFFER_SIZE} asked`]: after });
        assert.equal(after, 2 * BUFFER_SIZE);
      } finally {
        await socket.close();
      }
    },
  });
}

export const recvBuffer = bufferCase({
  id: "udp.options.recv-buffer",
  which: "receive",
  option: "SO_RCVBUF",
  set: (socket, bytes) => socket.setRecvBufferSize!(bytes),
});

export const sendBuffer = bufferCase({
  id: "udp.options.send-buffer",
  which: "send",
  option: "SO_SNDBUF",
  set: (socket, bytes) => socket.setSendBufferSize!(bytes),
});
