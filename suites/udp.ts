/**
 * UDP: bind, sendto/recvfrom, datagram boundaries and sizes, ICMP errors on
 * unconnected and connected sockets, disconnect, truncation, bursts, close.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DatagramSocket } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import {
  bindUdp,
  bytes,
  connectedUdp,
  deadUdpPort,
  LOOPBACK4,
  LOOPBACK4_OTHER,
  reportsOf,
  settle,
  settlement,
  shown,
  stillPendingAfter,
  text,
  trapUncaught,
  udpRoundTrip,
} from "./helpers.ts";

/** Bytes 0..n-1 of a repeating pattern, so a cut or a shift shows. */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

export const portZero = defineCase({
  id: "udp.bind.port-zero",
  title: "binding a UDP socket to port 0 gets an ephemeral port that receives",
  semantic:
    "bind() with port 0 lets the kernel choose an ephemeral port; getsockname reports it with the bound address, and datagrams sent to it arrive.",
  reference: "UNP 4.4 (bind with port 0), 4.10 (getsockname); Linux udp(7), ip(7) ip_local_port_range",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      const addr = receiver.address();
      ctx.observe("address", `${addr.hostname}:${addr.port} (${addr.family})`);
      assert.notEqual(addr.port, 0);
      assert.deepEqual(addr, { hostname: LOOPBACK4, port: addr.port, family: "IPv4" });
      await sender.send(bytes("hello"), addr);
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      assert.equal(text(got.data), "hello");
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const addrInUse = defineCase({
  id: "udp.bind.addr-in-use",
  title: "a second UDP bind of the same address and port fails with EADDRINUSE",
  semantic:
    "Binding a UDP socket to an address and port another UDP socket holds fails with EADDRINUSE.",
  reference: "UNP 4.4, 7.5 (SO_REUSEADDR with UDP); POSIX bind() [EADDRINUSE]; Linux socket(7)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const first = await bindUdp(net);
    try {
      await rejectsWith(ctx, "second bind", net.udp!.bind({ hostname: LOOPBACK4, port: first.address().port }), "EADDRINUSE");
    } finally {
      await first.close();
    }
  },
});

export const implicitBind = defineCase({
  id: "udp.send.implicit-bind",
  title: "an unbound UDP socket gets an ephemeral port on its first send",
  semantic:
    "A UDP socket that was never bound is bound by the kernel on its first sendto(): to the wildcard address (0.0.0.0) and an ephemeral port, which getsockname then reports and the receiver sees as the source port.",
  reference: "UNP 8.6 (dg_cli: the ephemeral port is chosen on the first sendto); Linux udp(7) (automatic bind to INADDR_ANY)",
  requires: { capabilities: ["udp", "udpUnbound"] },
  // The implicit bind is to the wildcard address: inside the lab where it can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await net.udp!.open!({ family: "IPv4" });
    try {
      await sender.send(bytes("first"), receiver.address());
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      const local = sender.address();
      ctx.observe("sender after first send", `${local.hostname}:${local.port}`);
      ctx.observe("receiver saw", `${got.from.hostname}:${got.from.port}`);
      assert.notEqual(local.port, 0, "still no port after the first send");
      assert.equal(local.hostname, "0.0.0.0", "the implicit bind is to the wildcard address");
      assert.equal(got.from.port, local.port);
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const unconnectedMultiDest = defineCase({
  id: "udp.send.unconnected-multi-dest",
  title: "one unconnected UDP socket sends to two receivers",
  semantic:
    "An unconnected UDP socket names the destination in each sendto(), so one socket can send to any number of peers: each receiver gets its own datagram, from the same source address and port.",
  reference: "UNP 8.1, 8.2 (sendto); RFC 768",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const sender = await bindUdp(net);
    const a = await bindUdp(net, LOOPBACK4);
    const b = await bindUdp(net, LOOPBACK4_OTHER);
    try {
      await sender.send(bytes("to a"), a.address());
      await sender.send(bytes("to b"), b.address());
      const gotA = await a.receive();
      const gotB = await b.receive();
      assert.ok(gotA && gotB, "a receive returned null");
      ctx.observe("received", [text(gotA.data), text(gotB.data)]);
      assert.equal(text(gotA.data), "to a");
      assert.equal(text(gotB.data), "to b");
      assert.deepEqual(gotA.from, sender.address());
      assert.deepEqual(gotB.from, sender.address());
    } finally {
      await Promise.all([sender.close(), a.close(), b.close()]);
    }
  },
});

export const senderAddress = defineCase({
  id: "udp.recv.sender-address",
  title: "recvfrom reports the sender's address and port, and a reply there arrives",
  semantic:
    "recvfrom() returns the source address and port of each datagram (here 127.0.0.2 and the sender's port), and a datagram sent back to that address reaches the sender: the echo server's pattern.",
  reference: "UNP 8.2 (recvfrom), 8.3 (dg_echo); RFC 768",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net, LOOPBACK4);
    const sender = await bindUdp(net, LOOPBACK4_OTHER);
    try {
      await sender.send(bytes("who am i"), receiver.address());
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("from", `${got.from.hostname}:${got.from.port} (${got.from.family})`);
      assert.deepEqual(got.from, { hostname: LOOPBACK4_OTHER, port: sender.address().port, family: "IPv4" });
      await receiver.send(bytes("you are"), got.from);
      const reply = await sender.receive();
      assert.ok(reply, "the reply did not arrive");
      assert.equal(text(reply.data), "you are");
      assert.deepEqual(reply.from, receiver.address());
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

const SIZES = [300, 1, 1200];

export const boundaries = defineCase({
  id: "udp.recv.boundaries",
  title: "three sends arrive as three datagrams of the same sizes, in order",
  semantic:
    "UDP keeps message boundaries: each sendto() is one datagram and each recvfrom() returns exactly one, never merged or split. On loopback they arrive in the order sent (UDP itself does not promise order).",
  reference: "UNP 8.1 (datagrams are records); RFC 768; Linux udp(7)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      for (const [i, n] of SIZES.entries()) await sender.send(pattern(n).fill(i, 0, 1), receiver.address());
      const sizes: number[] = [];
      for (const [i, n] of SIZES.entries()) {
        const got = await receiver.receive();
        assert.ok(got, "receive returned null");
        sizes.push(got.data.byteLength);
        assert.deepEqual(got.data, pattern(n).fill(i, 0, 1), `datagram ${i + 1} differs`);
      }
      ctx.observe("sizes", sizes);
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const zeroLength = defineCase({
  id: "udp.send.zero-length",
  title: "an empty datagram is delivered as an empty message",
  semantic:
    "sendto() with length 0 sends a UDP datagram with no payload; the receiver's recvfrom() returns it as a message of 0 bytes (with the sender's address), before the datagram sent after it.",
  reference: "UNP 8.2 (a datagram of length 0 is acceptable; recvfrom can return 0); RFC 768",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      await sender.send(new Uint8Array(0), receiver.address());
      await sender.send(bytes("after"), receiver.address());
      const first = await receiver.receive();
      assert.ok(first, "receive returned null");
      ctx.observe("first datagram", `${first.data.byteLength} bytes`);
      assert.equal(first.data.byteLength, 0);
      assert.deepEqual(first.from, sender.address());
      const second = await receiver.receive();
      assert.ok(second, "receive returned null");
      assert.equal(text(second.data), "after");
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

/** 65535 (IPv4 total length) - 20 (IP header) - 8 (UDP header). */
const MAX_IPV4_PAYLOAD = 65507;

export const maxIpv4 = defineCase({
  id: "udp.send.max-ipv4",
  title: "a 65507-byte datagram, the IPv4 maximum, arrives intact",
  semantic:
    "The largest UDP payload over IPv4 is 65507 bytes (65535 total length, less the 20-byte IP and 8-byte UDP headers); on loopback (MTU 65536) it is sent and received whole, byte for byte.",
  reference: "UNP 2.11 (datagram size limits); RFC 768 (16-bit length); RFC 791; Linux udp(7)",
  requires: { capabilities: ["udp"] },
  differsOn: {
    darwin: "outgoing UDP datagrams are capped by the net.inet.udp.maxdgram sysctl (9216 bytes by default), so 65507 bytes fail with EMSGSIZE (FreeBSD and macOS udp(4))",
  },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      const data = pattern(MAX_IPV4_PAYLOAD);
      await sender.send(data, receiver.address());
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("received", `${got.data.byteLength} bytes`);
      assert.equal(got.data.byteLength, MAX_IPV4_PAYLOAD);
      const differs = data.findIndex((byte, i) => got.data[i] !== byte);
      assert.equal(differs, -1, `the datagram differs from byte ${differs} on`);
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const tooLarge = defineCase({
  id: "udp.send.too-large",
  title: "a 65508-byte datagram fails with EMSGSIZE, once",
  semantic:
    "One byte over the IPv4 maximum cannot be sent: sendto() fails with EMSGSIZE at once and nothing is sent. The failure is reported once, by that call: no other channel reports it again, the next send on the same socket succeeds, and the receiver's first datagram is that one.",
  reference: "UNP 2.11; POSIX sendto() [EMSGSIZE]; Linux udp(7), ip(7)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      const tooLarge = await settle(sender.send(pattern(MAX_IPV4_PAYLOAD + 1), receiver.address()));
      ctx.observe("send 65508 bytes", shown(tooLarge));
      const next = await settle(sender.send(bytes("next"), receiver.address()));
      ctx.observe("next send", shown(next));
      const got = next.ok ? await receiver.receive() : null;
      if (got) ctx.observe("receiver's first datagram", `${got.data.byteLength} bytes`);
      await udpRoundTrip(net); // any later report of the failure has been made
      ctx.observe("reports", reportsOf(sender.reports));
      assert.ok(!tooLarge.ok && tooLarge.error.code === "EMSGSIZE", `the 65508-byte send gave ${shown(tooLarge)}, expected EMSGSIZE`);
      const again = sender.reports.list[0];
      assert.ok(!again, `the failure was reported again: ${again?.channel} ${again?.error.code}`);
      assert.ok(next.ok, `the next send gave ${shown(next)}`);
      assert.ok(got, "receive returned null");
      assert.equal(text(got.data), "next");
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

export const unconnectedDeadPort = defineCase({
  id: "udp.send.unconnected-dead-port",
  title: "sending to a port nobody listens on reports nothing on an unconnected socket",
  semantic:
    "A datagram to a closed port draws an ICMP port unreachable, but the kernel does not report it to an unconnected socket (Linux: unless IP_RECVERR is set): sendto() succeeds, no channel reports an error, and the socket's later sends and receives go on as if nothing happened.",
  reference: "UNP 8.9 (server not running: asynchronous errors are not returned for unconnected UDP sockets); Linux udp(7) (ERROR HANDLING), ip(7) (IP_RECVERR)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const dead = await deadUdpPort(net);
    const socket = await bindUdp(net);
    const echo = await bindUdp(net);
    try {
      await socket.send(bytes("nobody"), { hostname: LOOPBACK4, port: dead });
      ctx.observe("send to the dead port", "accepted");
      // On loopback the ICMP error came back within that send: the next send meets whatever it left.
      await socket.send(bytes("ping"), echo.address());
      const ping = await echo.receive();
      assert.ok(ping, "the echo peer got nothing");
      await echo.send(ping.data, ping.from);
      const reply = await socket.receive(); // an error here fails the case with its code
      assert.ok(reply, "receive returned null");
      ctx.observe("next receive", text(reply.data));
      assert.equal(text(reply.data), "ping");
      await udpRoundTrip(net); // any report of the ICMP error has been made
      ctx.observe("reports", reportsOf(socket.reports));
      const report = socket.reports.list[0];
      assert.ok(!report, `the socket reported ${report?.error.code} on its ${report?.channel}`);
    } finally {
      await Promise.all([socket.close(), echo.close()]);
    }
  },
});

export const connectedDeadPort = defineCase({
  id: "udp.connected.dead-port",
  title: "a connected UDP socket reports ECONNREFUSED once after sending to a dead port, then works again",
  semantic:
    "On a connected UDP socket the kernel keeps the ICMP port unreachable as a pending error: the send that drew it succeeds, and the next operation (a send or a receive) fails with ECONNREFUSED. One ICMP error is reported once, on one channel: once a peer listens on that port, the socket's sends reach it, the peer's reply is received, and no further report comes.",
  reference: "UNP 8.11 (connect with UDP: asynchronous errors are returned), 8.12; Linux udp(7) (ERROR HANDLING)",
  requires: { capabilities: ["udp", "udpConnect"] },
  async run(net, ctx) {
    const dead = await deadUdpPort(net);
    const socket = await connectedUdp(net, { hostname: LOOPBACK4, port: dead });
    let peer: DatagramSocket | undefined;
    try {
      const first = await settle(socket.send(bytes("1")));
      ctx.observe("first send", shown(first));
      assert.ok(first.ok, `the send that drew the ICMP error gave ${shown(first)}`);
      await udpRoundTrip(net); // the ICMP error has reached the runtime
      // From here on the port has a listener: no further ICMP error can be drawn.
      peer = await net.udp!.bind({ hostname: LOOPBACK4, port: dead });
      const failures: string[] = [];
      const worked = await exchange(socket, { peer, failures });
      ctx.observe("once a peer listens", worked);
      await udpRoundTrip(net); // any later report has been made
      for (const r of socket.reports.list) failures.push(`${r.channel} ${r.error.code}`);
      ctx.observe("failures reported", failures);
      assert.ok(failures.length > 0, "a send to a dead port, and no send, receive or report gave an error");
      assert.deepEqual(failures.map((f) => f.split(" ").pop()), ["ECONNREFUSED"], `one ICMP error was reported as ${failures.join(", ")}; expected once, ECONNREFUSED`);
      assert.equal(worked, "reply received", "the socket does not work again once a peer listens");
    } finally {
      await Promise.all([socket.close(), peer?.close()]);
    }
  },
});

/**
 * A datagram from `socket` to `peer` and the peer's reply back. A send or
 * a receive that fails is recorded in `failures` and made once more. Says
 * how far it got.
 */
async function exchange(socket: DatagramSocket, options: { peer: DatagramSocket; failures: string[] }): Promise<string> {
  const { peer, failures } = options;
  let sent = await settle(socket.send(bytes("to the peer")));
  if (!sent.ok) {
    failures.push(`send ${sent.error.code}`);
    sent = await settle(socket.send(bytes("to the peer")));
    if (!sent.ok) return `the send after the failed one gave ${shown(sent)}`;
  }
  const got = await peer.receive();
  if (!got) return "the peer got nothing";
  await peer.send(bytes("reply"), got.from);
  let reply = await settle(socket.receive());
  if (!reply.ok) {
    failures.push(`receive ${reply.error.code}`);
    reply = await settle(socket.receive());
  }
  if (!reply.ok || !reply.value) return `receive gave ${shown(reply)}`;
  return text(reply.value.data) === "reply" ? "reply received" : `received ${text(reply.value.data)}`;
}

export const filtersPeer = defineCase({
  id: "udp.connected.filters-peer",
  title: "a connected UDP socket receives only from its peer",
  semantic:
    "connect() on a UDP socket fixes the peer: datagrams from any other address and port are not delivered to it, while the peer's datagrams arrive.",
  reference: "UNP 8.11 (connect with UDP), figure 8.15; Linux udp(7)",
  requires: { capabilities: ["udp", "udpConnect"] },
  async run(net, ctx) {
    const peer = await bindUdp(net);
    const other = await bindUdp(net);
    const socket = await connectedUdp(net, peer.address());
    try {
      await other.send(bytes("other"), socket.address());
      await peer.send(bytes("peer 1"), socket.address());
      await peer.send(bytes("peer 2"), socket.address());
      const got: string[] = [];
      for (let i = 0; i < 2; i++) {
        const d = await socket.receive();
        assert.ok(d, "receive returned null");
        got.push(`${text(d.data)} from ${d.from.port === peer.address().port ? "the peer" : `port ${d.from.port}`}`);
      }
      ctx.observe("received", got);
      // "other" was sent first: delivered, it would have come first.
      assert.deepEqual(got, ["peer 1 from the peer", "peer 2 from the peer"]);
    } finally {
      await Promise.all([socket.close(), peer.close(), other.close()]);
    }
  },
});

export const sendWithoutAddress = defineCase({
  id: "udp.connected.send-without-address",
  title: "a connected UDP socket sends without naming the destination",
  semantic:
    "After connect() a UDP socket sends with send()/write() and no address: each datagram goes to the connected peer, which sees the socket's own address as the source.",
  reference: "UNP 8.11 (connect with UDP: write or send instead of sendto); POSIX send()",
  requires: { capabilities: ["udp", "udpConnect"] },
  async run(net, ctx) {
    const peer = await bindUdp(net);
    const socket = await connectedUdp(net, peer.address());
    try {
      await socket.send(bytes("no address"));
      const got = await peer.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("peer got", `${text(got.data)} from ${got.from.hostname}:${got.from.port}`);
      assert.equal(text(got.data), "no address");
      assert.deepEqual(got.from, socket.address());
    } finally {
      await Promise.all([socket.close(), peer.close()]);
    }
  },
});

export const disconnect = defineCase({
  id: "udp.connect.disconnect",
  title: "a disconnected UDP socket sends to another address and receives from any sender again",
  semantic:
    "connect() with an address of family AF_UNSPEC dissolves a UDP socket's association: it has no peer any more, sendto() names any destination, and datagrams from any sender are delivered to it again (while connected, the kernel drops them). Linux lets a connected UDP socket sendto() another address anyway (BSD refuses with EISCONN), so the delivery is what tells. On Linux a port the kernel chose is given up too, and the next send binds a new one (recorded, not checked).",
  reference: "UNP 8.11 (calling connect multiple times for a UDP socket: AF_UNSPEC to unconnect); Linux connect(2) (AF_UNSPEC), udp(7)",
  requires: { capabilities: ["udp", "udpConnect", "udpDisconnect"] },
  async run(net, ctx) {
    const peer = await bindUdp(net);
    const other = await bindUdp(net, LOOPBACK4_OTHER);
    const socket = await connectedUdp(net, peer.address());
    try {
      const connectedFrom = socket.address();
      await socket.disconnect!();
      await socket.send(bytes("to another"), other.address());
      const got = await other.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("connected from", `${connectedFrom.hostname}:${connectedFrom.port}`);
      ctx.observe("other got", `"${text(got.data)}" from ${got.from.hostname}:${got.from.port}`);
      assert.equal(text(got.data), "to another");
      await other.send(bytes("from another"), got.from);
      const reply = await socket.receive();
      assert.ok(reply, "receive returned null");
      ctx.observe("socket got", `"${text(reply.data)}" from ${reply.from.hostname}:${reply.from.port}`);
      assert.equal(text(reply.data), "from another");
      assert.deepEqual(reply.from, other.address());
    } finally {
      await Promise.all([socket.close(), peer.close(), other.close()]);
    }
  },
});

export const unconnectedNoAddress = defineCase({
  id: "udp.send.unconnected-no-address",
  title: "send() without an address on an unconnected UDP socket fails with EDESTADDRREQ",
  semantic:
    "An unconnected UDP socket has no peer to send to: send() without a destination fails with EDESTADDRREQ and nothing is sent, so a receiver's first datagram is the one sent after it with an address.",
  reference: "UNP 8.11 (an unconnected UDP socket must name the destination); POSIX send() [EDESTADDRREQ]; Linux udp(7)",
  // The API's send without an address exists where it has connected UDP.
  requires: { capabilities: ["udp", "udpConnect"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const socket = await bindUdp(net);
    try {
      await rejectsWith(ctx, "send without address", socket.send(bytes("nowhere")), "EDESTADDRREQ");
      await socket.send(bytes("addressed"), receiver.address());
      const got = await receiver.receive();
      assert.ok(got, "receive returned null");
      ctx.observe("receiver's first datagram", text(got.data));
      assert.equal(text(got.data), "addressed");
    } finally {
      await Promise.all([receiver.close(), socket.close()]);
    }
  },
});

export const truncation = defineCase({
  id: "udp.recv.truncation",
  title: "a datagram larger than the receive buffer is cut, and the cut is reported",
  semantic:
    "recvmsg() into a buffer smaller than the datagram returns the first bytes only and sets MSG_TRUNC; the rest of that datagram is discarded, and the next receive returns the next datagram.",
  reference: "UNP 22.3 (datagram truncation), 14.5 (MSG_TRUNC); POSIX recvmsg(); Linux udp(7)",
  requires: { capabilities: ["udp", "udpRecvBuffer"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      await sender.send(pattern(100), receiver.address());
      await sender.send(bytes("next"), receiver.address());
      const cut = await receiver.receive({ bufferSize: 10 });
      assert.ok(cut, "receive returned null");
      ctx.observe("received", `${cut.data.byteLength} bytes, truncated=${cut.truncated}`);
      assert.deepEqual(cut.data, pattern(10));
      assert.equal(cut.truncated, true, "the truncation was not reported");
      const next = await receiver.receive({ bufferSize: 10 });
      assert.ok(next, "receive returned null");
      assert.equal(text(next.data), "next");
      assert.equal(next.truncated, false);
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

const BURST = 100;
const BURST_SIZE = 32;

export const burst = defineCase({
  id: "udp.recv.burst",
  title: "100 datagrams sent back to back on loopback all arrive",
  semantic:
    "UDP has no flow control: datagrams not yet read wait only in the receiver's socket buffer (SO_RCVBUF). Within it nothing is lost on loopback: 100 datagrams of 32 bytes sent back to back all arrive, each once (Linux's default 212992-byte buffer holds 256 such datagrams, each charged about 832 bytes).",
  reference: "UNP 8.13 (lack of flow control with UDP), 7.5 (SO_RCVBUF); Linux udp(7), socket(7)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const sender = await bindUdp(net);
    try {
      const to = receiver.address();
      await Promise.all(Array.from({ length: BURST }, (_, i) => sender.send(new Uint8Array(BURST_SIZE).fill(i), to)));
      const order: number[] = [];
      for (let i = 0; i < BURST; i++) {
        const d = await receiver.receive();
        assert.ok(d, "receive returned null");
        assert.equal(d.data.byteLength, BURST_SIZE);
        order.push(d.data[0]);
      }
      const inOrder = order.every((n, i) => n === i);
      ctx.observe("in order", inOrder);
      assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: BURST }, (_, i) => i));
    } finally {
      await Promise.all([receiver.close(), sender.close()]);
    }
  },
});

/** How long a receive pending when its socket closes may take to settle. */
const SETTLES_MS = 1000;

export const pendingReceiveSettles = defineCase({
  id: "udp.close.pending-receive-settles",
  title: "closing a UDP socket settles a pending receive",
  semantic:
    "Closing a datagram socket while a receive is pending settles that receive, with null or an error and never a datagram, instead of leaving it hanging, and the close completes. The kernel has no such rule: close() in one thread does not wake a recvfrom() blocked in another; this is the JavaScript API's contract, for APIs whose receive is an operation that can be pending.",
  reference: "Linux close(2) (NOTES); UNP 8.2",
  level: "runtime",
  requires: { capabilities: ["udp", "pendingReceive"] },
  async run(net, ctx) {
    const socket = await bindUdp(net);
    const receiving = socket.receive();
    receiving.catch(() => {}); // settled below, or left hanging: the finding
    await socket.close();
    const hangs = await stillPendingAfter(receiving, SETTLES_MS);
    ctx.observe("pending receive", hangs ? `still pending ${SETTLES_MS} ms after close` : await settlement(receiving));
    assert.ok(!hangs, `the pending receive was still pending ${SETTLES_MS} ms after its socket closed`);
    const received = await settle(receiving);
    assert.ok(!received.ok || received.value === null, "the closed socket's pending receive returned a datagram");
  },
});

export const sendAfterClose = defineCase({
  id: "udp.send.after-close",
  title: "a send on a closed UDP socket fails with an error, and nothing crashes",
  semantic:
    "Once a socket is closed its descriptor is gone: sendto() on it fails (the kernel gives EBADF for a descriptor that is not open) and sends nothing. An API may refuse the call itself with its own closed-socket error before any system call (the libc adapter does: the number may already name another descriptor, so the call is not made); any error passes, and its code is recorded. A send that succeeds, or an uncaught exception, fails the case.",
  reference: "POSIX close(), sendto() [EBADF]; UNP 4.9 (close), 8.2",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const receiver = await bindUdp(net);
    const marker = await bindUdp(net);
    const trap = trapUncaught();
    try {
      const socket = await bindUdp(net);
      await socket.close();
      const sent = await settle(socket.send(bytes("after close"), receiver.address()));
      ctx.observe("send after close", shown(sent));
      // Sent after the closed socket's send settled: had that one gone out, it would come first.
      await marker.send(bytes("marker"), receiver.address());
      const first = await receiver.receive();
      await udpRoundTrip(net); // whatever the runtime raises for the closed socket has been raised
      ctx.observe("uncaught", trap.caught.length ? trap.caught : "none");
      assert.ok(!sent.ok, "the send on the closed socket succeeded");
      assert.ok(first, "receive returned null");
      assert.equal(text(first.data), "marker", "the closed socket's datagram was delivered");
      assert.deepEqual(trap.caught, [], "the runtime raised uncaught exceptions, which end a process that has no last-resort handler");
    } finally {
      trap.release();
      await Promise.all([receiver.close(), marker.close()]);
    }
  },
});
