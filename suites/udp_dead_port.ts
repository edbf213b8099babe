/**
 * UDP: what sends to a port nobody listens on leave behind on an
 * unconnected socket. Each draws an ICMP port unreachable, which the kernel
 * does not report to an unconnected socket (UNP 8.9): no error anywhere, no
 * crash, no lost datagram to a live peer, and the socket goes on receiving.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter, DatagramSocket } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import {
  bindUdp,
  bytes,
  deadUdpPort,
  LOOPBACK4,
  reportsOf,
  settle,
  shown,
  text,
  trapUncaught,
  udpRoundTrip,
} from "./helpers.ts";

/** Ports nobody has bound, each drawing its own ICMP port unreachable. */
async function deadPorts(net: Adapter, count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await deadUdpPort(net));
  return ports;
}

/** Sends one datagram to each port on loopback; how each send settled. */
async function sendToEach(socket: DatagramSocket, ports: number[]): Promise<string[]> {
  const results: string[] = [];
  for (const port of ports) {
    results.push(shown(await settle(socket.send(bytes("nobody"), { hostname: LOOPBACK4, port }))));
  }
  return results;
}

const DEAD_PORTS = 3;

export const deadPortNoEvent = defineCase({
  id: "udp.send.dead-port-no-event",
  title: "sends to dead ports fail nothing and report nothing on an unconnected socket",
  semantic:
    "The ICMP port unreachables drawn by sendto() to closed ports are not reported to an unconnected UDP socket (Linux: unless IP_RECVERR is set): every send succeeds, a receive pending meanwhile is not failed but gets the next datagram that arrives, and no error event or handler call is made.",
  reference:
    "UNP 8.9 (asynchronous errors are not returned for unconnected UDP sockets); Linux udp(7) (ERROR HANDLING), ip(7) (IP_RECVERR)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const ports = await deadPorts(net, DEAD_PORTS);
    const socket = await bindUdp(net);
    const peer = await bindUdp(net);
    try {
      // Pending before the first ICMP error comes back, settled by the peer's datagram below.
      const receiving = settle(socket.receive());
      const sends = await sendToEach(socket, ports);
      ctx.observe("sends to dead ports", sends);
      await peer.send(bytes("live"), socket.address());
      const received = await receiving;
      const got = received.ok ? received.value : null;
      ctx.observe("receive pending meanwhile", got ? `"${text(got.data)}"` : shown(received));
      await udpRoundTrip(net); // any report of the ICMP errors has been made
      ctx.observe("reports", reportsOf(socket.reports));
      assert.deepEqual(sends, Array(DEAD_PORTS).fill("ok"), "a send to a dead port failed");
      assert.ok(received.ok, `the receive pending over the ICMP errors gave ${shown(received)}`);
      assert.equal(got ? text(got.data) : null, "live", "the pending receive did not get the next datagram");
      const report = socket.reports.list[0];
      assert.ok(!report, `the socket reported ${report?.error.code} on its ${report?.channel}`);
    } finally {
      await Promise.all([socket.close(), peer.close()]);
    }
  },
});

const NO_HANDLER_SENDS = 5;

export const deadPortNoHandlerNoCrash = defineCase({
  id: "udp.send.dead-port-no-handler-no-crash",
  title: "with no error handler registered, sends to a dead port do not end the process",
  semantic:
    "Nothing in the kernel can end a process for a UDP send to a closed port: the ICMP port unreachable is dropped for an unconnected socket, so a program that registers no error handler on it goes on. The socket is opened without any listener on the API's error channel (node's `error` event, Bun's `error` handler); an uncaught exception raised meanwhile (which ends the process unless a last-resort hook catches it) is caught here and recorded as what would have ended it.",
  reference:
    "UNP 8.9 (asynchronous errors are not returned for unconnected UDP sockets); Linux udp(7) (ERROR HANDLING)",
  requires: { capabilities: ["udp", "udpNoErrorListener"], fixtures: ["uncaughtHooks"] },
  async run(net, ctx) {
    const dead = await deadUdpPort(net);
    // Set before the socket exists: whatever the API raises for it is caught, and the column lives on.
    const trap = trapUncaught();
    let socket: DatagramSocket | undefined;
    try {
      socket = await net.udp!.bind({ hostname: LOOPBACK4, port: 0, errorListener: false });
      ctx.observe("sends", await sendToEach(socket, Array(NO_HANDLER_SENDS).fill(dead)));
      await udpRoundTrip(net); // the runtime has handled whatever the ICMP errors raised
      ctx.observe("uncaught", trap.caught.length ? trap.caught : "none");
      assert.deepEqual(
        trap.caught,
        [],
        "the runtime raised uncaught exceptions, which end a process that has no last-resort handler",
      );
    } finally {
      await socket?.close();
      trap.release();
    }
  },
});

const INTERLEAVED = 100;

export const deadPortInterleaved = defineCase({
  id: "udp.send.dead-port-interleaved",
  title: "100 sends alternating a dead port and a live peer deliver all 50 live datagrams",
  semantic:
    "An ICMP port unreachable leaves nothing behind on an unconnected UDP socket, so sends to a closed port do not disturb the sends around them: of 100 sends alternating a dead port and a live peer, every send succeeds and all 50 datagrams to the peer arrive.",
  reference:
    "UNP 8.9 (asynchronous errors are not returned for unconnected UDP sockets); Linux udp(7) (ERROR HANDLING), ip(7) (IP_RECVERR)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const dead = await deadUdpPort(net);
    const socket = await bindUdp(net);
    const peer = await bindUdp(net);
    const marker = await bindUdp(net);
    try {
      const failures = new Map<string, number>();
      for (let i = 0; i < INTERLEAVED; i++) {
        const live = i % 2 === 1;
        const sent = await settle(
          socket.send(new Uint8Array([i]), live ? peer.address() : { hostname: LOOPBACK4, port: dead }),
        );
        const key = `${live ? "live" : "dead"} ${sent.ok ? "" : sent.error.code}`.trim();
        if (!sent.ok) failures.set(key, (failures.get(key) ?? 0) + 1);
      }
      ctx.observe("failed sends", failures.size ? Object.fromEntries(failures) : "none");
      // Sent once all 100 sends have settled: it queues behind every datagram they delivered.
      await marker.send(bytes("end"), peer.address());
      const arrived: number[] = [];
      for (let d = await peer.receive(); d && d.from.port !== marker.address().port; d = await peer.receive()) {
        arrived.push(d.data[0]);
      }
      ctx.observe("live datagrams arrived", `${arrived.length} of ${INTERLEAVED / 2}`);
      assert.equal(arrived.length, INTERLEAVED / 2, "not every live datagram arrived");
      const expected = Array.from({ length: INTERLEAVED / 2 }, (_, i) => 2 * i + 1);
      assert.deepEqual(
        [...arrived].sort((a, b) => a - b),
        expected,
        "the live datagrams that arrived are not the 50 sent",
      );
      assert.equal(failures.size, 0, "a send failed");
    } finally {
      await Promise.all([socket.close(), peer.close(), marker.close()]);
    }
  },
});

export const deadPortSocketStaysOpen = defineCase({
  id: "udp.send.dead-port-socket-stays-open",
  title: "after sends to dead ports the socket still receives, at the same address",
  semantic:
    "Sends to closed ports change nothing about an unconnected UDP socket: it keeps its address and port (getsockname is unchanged) and a datagram another socket then sends to that address is received.",
  reference:
    "UNP 8.9 (asynchronous errors are not returned for unconnected UDP sockets), 4.10 (getsockname); Linux udp(7)",
  requires: { capabilities: ["udp"] },
  async run(net, ctx) {
    const ports = await deadPorts(net, DEAD_PORTS);
    const socket = await bindUdp(net);
    const stranger = await bindUdp(net);
    try {
      const before = socket.address();
      // How these sends settle is dead-port-no-event's concern: here only what follows them.
      ctx.observe("sends to dead ports", await sendToEach(socket, ports));
      const after = socket.address();
      ctx.observe("address", `${before.hostname}:${before.port} before, ${after.hostname}:${after.port} after`);
      await stranger.send(bytes("still there"), before);
      const got = await socket.receive(); // an error here fails the case with its code
      ctx.observe("received", got ? `"${text(got.data)}" from port ${got.from.port}` : "null");
      assert.deepEqual(after, before, "the socket's address changed");
      assert.ok(got, "receive returned null");
      assert.equal(text(got.data), "still there");
      assert.deepEqual(got.from, stranger.address());
    } finally {
      await Promise.all([socket.close(), stranger.close()]);
    }
  },
});
