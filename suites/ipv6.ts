/**
 * IPv6: TCP and UDP on ::1, dual-stack sockets taking IPv4 peers,
 * IPV6_V6ONLY, and IPv4-mapped addresses.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conn } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import type { DatagramSocket } from "../core/adapter.ts";
import { bindUdp, bytes, connectedPair, LOOPBACK4, LOOPBACK6, readExactly, text } from "./helpers.ts";

/** 127.0.0.1 as an IPv4-mapped IPv6 address (RFC 4291 2.5.5.2). */
const MAPPED4 = "::ffff:127.0.0.1";

export const tcpLoopback = defineCase({
  id: "tcp.ipv6.loopback",
  title: "TCP connect, accept and echo on ::1, every address reported as IPv6",
  semantic:
    "A listener on ::1 accepts a client connecting to ::1; data flows both ways, and getsockname/getpeername on both ends give ::1 (AF_INET6) with the listener's and the client's ports.",
  reference: "UNP 4.3, 4.10, 12.1; RFC 4291 2.5.3 (the loopback address); Linux ipv6(7)",
  requires: { capabilities: ["tcpListen"], fixtures: ["ipv6"] },
  async run(net, ctx) {
    const pair = await connectedPair(net, LOOPBACK6);
    try {
      const { listener, client, server } = pair;
      ctx.observe("client", `[${client.localAddr.hostname}]:${client.localAddr.port} -> [${client.remoteAddr.hostname}]:${client.remoteAddr.port}`);
      assert.deepEqual(listener.addr, { hostname: LOOPBACK6, port: listener.addr.port, family: "IPv6" });
      assert.deepEqual(client.remoteAddr, listener.addr);
      assert.deepEqual(client.localAddr, { hostname: LOOPBACK6, port: client.localAddr.port, family: "IPv6" });
      assert.deepEqual(server.remoteAddr, client.localAddr);
      assert.deepEqual(server.localAddr, listener.addr);
      await client.write(bytes("ping6"));
      assert.equal(text(await readExactly(server, 5)), "ping6");
      await server.write(bytes("pong6"));
      assert.equal(text(await readExactly(client, 5)), "pong6");
    } finally {
      await pair.close();
    }
  },
});

export const dualStack = defineCase({
  id: "tcp.ipv6.dual-stack",
  title: "a listener on :: accepts an IPv4 client, seen as IPv4-mapped",
  semantic:
    "An AF_INET6 listener on the wildcard :: without IPV6_V6ONLY (Linux's default, net.ipv6.bindv6only=0) also accepts IPv4 clients; accept() reports such a client's address as IPv4-mapped, ::ffff:127.0.0.1 (AF_INET6) with the client's port, while the client itself sees plain 127.0.0.1, and data flows.",
  reference: "UNP 12.2 (IPv4 client, IPv6 server); RFC 4291 2.5.5.2 (IPv4-mapped addresses); RFC 3493 3.7; Linux ipv6(7)",
  requires: { capabilities: ["tcpListen"], fixtures: ["ipv6"] },
  // A wildcard listener: inside the lab where it can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: "::", port: 0 });
    try {
      const client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
      const server = await listener.accept();
      try {
        assert.ok(server, "accept returned no connection");
        const peer = server.remoteAddr;
        ctx.observe("server sees the client as", `${peer.hostname} (${peer.family})`);
        ctx.observe("server's local address", `${server.localAddr.hostname} (${server.localAddr.family})`);
        assert.deepEqual(peer, { hostname: "::ffff:127.0.0.1", port: client.localAddr.port, family: "IPv6" });
        assert.equal(client.localAddr.hostname, LOOPBACK4);
        await client.write(bytes("v4"));
        assert.equal(text(await readExactly(server, 2)), "v4");
      } finally {
        await Promise.all([client.close(), server?.close()]);
      }
    } finally {
      await listener.close();
    }
  },
});

export const v6only = defineCase({
  id: "tcp.ipv6.v6only",
  title: "a listener on :: with IPV6_V6ONLY refuses IPv4 and leaves the port to IPv4",
  semantic:
    "With IPV6_V6ONLY set, a listener on :: takes IPv6 clients only: a connect to 127.0.0.1 on its port finds no listener and gets RST (ECONNREFUSED), a connect to ::1 is accepted, and an IPv4 socket can bind 127.0.0.1 on the same port.",
  reference: "UNP 7.8 (IPV6_V6ONLY), 12.2; RFC 3493 5.3; Linux ipv6(7)",
  requires: { capabilities: ["tcpListen", "ipv6Only"], fixtures: ["ipv6"] },
  // A wildcard listener: inside the lab where it can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: "::", port: 0, ipv6Only: true });
    try {
      const port = listener.addr.port;
      let ipv4Client: Conn | undefined;
      const ipv4Connect = net.tcp.connect({ hostname: LOOPBACK4, port }).then((conn) => ipv4Client = conn);
      try {
        await rejectsWith(ctx, "connect 127.0.0.1", ipv4Connect, "ECONNREFUSED");
      } finally {
        // Accepted after all: close both ends.
        if (ipv4Client) await Promise.all([ipv4Client.close(), listener.accept().then((c) => c?.close())]);
      }
      const client = await net.tcp.connect({ hostname: LOOPBACK6, port });
      const server = await listener.accept();
      try {
        assert.ok(server, "accept returned no connection");
        ctx.observe("connect ::1", "accepted");
        assert.equal(server.remoteAddr.hostname, LOOPBACK6);
      } finally {
        await Promise.all([client.close(), server?.close()]);
      }
      const ipv4 = await net.tcp.listen({ hostname: LOOPBACK4, port });
      ctx.observe("IPv4 listener on the same port", "ok");
      await ipv4.close();
    } finally {
      await listener.close();
    }
  },
});

export const udpLoopback = defineCase({
  id: "udp.ipv6.loopback",
  title: "UDP on ::1: the datagram arrives with the sender's IPv6 address",
  semantic:
    "A UDP socket bound to ::1 receives a datagram from another socket on ::1; recvfrom() reports the sender as ::1 (AF_INET6) with its port, and a reply to that address arrives.",
  reference: "UNP 8.2, 12.1; RFC 768; Linux ipv6(7), udp(7)",
  requires: { capabilities: ["udp"], fixtures: ["ipv6"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net, LOOPBACK6);
    const sender = await bindUdp(net, LOOPBACK6);
    try {
      assert.deepEqual(receiver.address(), { hostname: LOOPBACK6, port: receiver.address().port, family: "IPv6" });
      await sender.send(bytes("v6"), receiver.address());
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("from", `[${got.from.hostname}]:${got.from.port} (${got.from.family})`);
      assert.equal(text(got.data), "v6");
      assert.deepEqual(got.from, { hostname: LOOPBACK6, port: sender.address().port, family: "IPv6" });
      await receiver.send(bytes("back"), got.from);
      const reply = await sender.receive();
      assert.ok(reply, "the reply did not arrive");
      assert.equal(text(reply.data), "back");
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const udpDualStack = defineCase({
  id: "udp.ipv6.dual-stack",
  title: "a UDP socket on :: receives IPv4 datagrams, the sender shown as ::ffff:127.0.0.1",
  semantic:
    "An AF_INET6 UDP socket bound to :: without IPV6_V6ONLY (Linux's default) also receives IPv4 datagrams; recvfrom() reports the sender as IPv4-mapped, ::ffff:127.0.0.1 (AF_INET6) with its port, and a reply sent to that address reaches the IPv4 sender, from 127.0.0.1.",
  reference: "UNP 12.2, 12.4 (IPv6 server, IPv4 client); RFC 4291 2.5.5.2 (IPv4-mapped addresses); RFC 3493 3.7; Linux ipv6(7)",
  requires: { capabilities: ["udp"], fixtures: ["ipv6"] },
  // A wildcard socket: inside the lab where it can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const receiver = await net.udp!.bind({ hostname: "::", port: 0 });
    const sender = await bindUdp(net);
    try {
      const port = receiver.address().port;
      await sender.send(bytes("v4"), { hostname: LOOPBACK4, port });
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("from", `${got.from.hostname} (${got.from.family})`);
      assert.equal(text(got.data), "v4");
      assert.deepEqual(got.from, { hostname: MAPPED4, port: sender.address().port, family: "IPv6" });
      await receiver.send(bytes("back"), got.from);
      const reply = await sender.receive();
      assert.ok(reply, "the reply did not arrive");
      ctx.observe("reply from", `${reply.from.hostname} (${reply.from.family})`);
      assert.equal(text(reply.data), "back");
      assert.deepEqual(reply.from, { hostname: LOOPBACK4, port, family: "IPv4" });
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

/** The next datagram on `socket`, as text. */
async function nextText(socket: DatagramSocket): Promise<string> {
  const got = await socket.receive();
  assert.ok(got, "receive returned null");
  return text(got.data);
}

export const udpV6only = defineCase({
  id: "udp.ipv6.v6only",
  title: "a UDP socket on :: with IPV6_V6ONLY gets no IPv4 datagrams and leaves the port to IPv4",
  semantic:
    "With IPV6_V6ONLY set before bind, a UDP socket on :: receives IPv6 datagrams only: an IPv4 datagram sent to 127.0.0.1 on its port never reaches it (the IPv6 datagram sent after it is the first it receives), and an IPv4 socket can bind 127.0.0.1 on the same port and receives the IPv4 datagrams.",
  reference: "UNP 7.8 (IPV6_V6ONLY), 12.2; RFC 3493 5.3; Linux ipv6(7)",
  requires: { capabilities: ["udp", "udpIpv6Only"], fixtures: ["ipv6"] },
  // A wildcard socket: inside the lab where it can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const v6only = await net.udp!.bind({ hostname: "::", port: 0, ipv6Only: true });
    // The first IPv4 datagram draws an ICMP port unreachable: its sender is used for nothing else.
    const lost4 = await bindUdp(net);
    const from4 = await bindUdp(net);
    const from6 = await bindUdp(net, LOOPBACK6);
    let v4: DatagramSocket | undefined;
    try {
      const port = v6only.address().port;
      // Loopback delivers a datagram before its send returns, so an IPv4 datagram that reached the socket would be first.
      await lost4.send(bytes("v4"), { hostname: LOOPBACK4, port });
      await from6.send(bytes("v6"), { hostname: LOOPBACK6, port });
      const first = await nextText(v6only);
      ctx.observe("first datagram on the IPV6_V6ONLY socket", first);
      assert.equal(first, "v6", "the IPV6_V6ONLY socket received the IPv4 datagram");
      v4 = await net.udp!.bind({ hostname: LOOPBACK4, port });
      ctx.observe("IPv4 bind on the same port", "ok");
      await from4.send(bytes("v4 again"), { hostname: LOOPBACK4, port });
      await from6.send(bytes("v6 again"), { hostname: LOOPBACK6, port });
      assert.equal(await nextText(v4), "v4 again");
      assert.equal(await nextText(v6only), "v6 again", "the IPV6_V6ONLY socket received an IPv4 datagram");
    } finally {
      await Promise.all([v6only.close(), lost4.close(), from4.close(), from6.close(), v4?.close()]);
    }
  },
});

export const mappedConnect = defineCase({
  id: "tcp.ipv6.mapped-connect",
  title: "connecting to ::ffff:127.0.0.1 reaches an IPv4 listener",
  semantic:
    "An AF_INET6 socket connecting to the IPv4-mapped address ::ffff:127.0.0.1 talks IPv4 on the wire and reaches a listener on 127.0.0.1: the client's own addresses read IPv4-mapped (AF_INET6), the server sees a plain IPv4 client at 127.0.0.1 with the client's port, and data flows.",
  reference: "RFC 4291 2.5.5.2 (IPv4-mapped addresses); RFC 3493 3.7; UNP 12.3 (IPv6 client, IPv4 server); Linux ipv6(7)",
  requires: { capabilities: ["tcpListen"], fixtures: ["ipv6"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    try {
      const client = await net.tcp.connect({ hostname: MAPPED4, port: listener.addr.port });
      const server = await listener.accept();
      try {
        assert.ok(server, "accept returned no connection");
        ctx.observe("client", `${client.localAddr.hostname} -> ${client.remoteAddr.hostname} (${client.remoteAddr.family})`);
        ctx.observe("server sees", `${server.remoteAddr.hostname} (${server.remoteAddr.family})`);
        assert.deepEqual(client.remoteAddr, { hostname: MAPPED4, port: listener.addr.port, family: "IPv6" });
        assert.deepEqual(client.localAddr, { hostname: MAPPED4, port: client.localAddr.port, family: "IPv6" });
        assert.deepEqual(server.remoteAddr, { hostname: LOOPBACK4, port: client.localAddr.port, family: "IPv4" });
        await client.write(bytes("mapped"));
        assert.equal(text(await readExactly(server, 6)), "mapped");
      } finally {
        await Promise.all([client.close(), server?.close()]);
      }
    } finally {
      await listener.close();
    }
  },
});
