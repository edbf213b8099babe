/**
 * TCP bind and listen: ports, addresses, reuse, and what closing a
 * listener does to the connections that reach it afterwards.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conn, Listener } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import { LAB_NAMES } from "../lab/names.ts";
import { connectedPair, failureSeen, LOOPBACK4, LOOPBACK4_OTHER, readToEnd, settle, within } from "./helpers.ts";

export const portZero = defineCase({
  id: "tcp.listen.port-zero",
  title: "listening on port 0 gets an ephemeral port that accepts connections",
  semantic:
    "bind() with port 0 lets the kernel choose an ephemeral port; getsockname reports it, and connections to it are accepted.",
  reference: "UNP 4.4 (bind with port 0), 4.10 (getsockname)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      ctx.observe("port", pair.listener.addr.port);
      assert.ok(pair.listener.addr.port > 0);
      assert.equal(pair.client.remoteAddr.port, pair.listener.addr.port);
    } finally {
      await pair.close();
    }
  },
});

export const addrInUse = defineCase({
  id: "tcp.listen.addr-in-use",
  title: "a second listener on the same address and port fails with EADDRINUSE",
  semantic:
    "Binding a TCP socket to an address and port that a listening socket holds fails with EADDRINUSE.",
  reference: "UNP 4.4, 7.5 (TCP never allows a completely duplicate binding); POSIX bind() [EADDRINUSE]; Linux socket(7)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const first = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    try {
      await rejectsWith(ctx, "second listen", net.tcp.listen({ hostname: LOOPBACK4, port: first.addr.port }), "EADDRINUSE");
    } finally {
      await first.close();
    }
  },
});

export const specificAddress = defineCase({
  id: "tcp.listen.specific-address",
  title: "a listener bound to 127.0.0.1 refuses connects to 127.0.0.2",
  semantic:
    "A listener bound to one local address accepts only connections to that address: a SYN to the same port on another local address (127.0.0.2) finds no listener and gets RST, ECONNREFUSED.",
  reference: "UNP 4.4 (bind to a specific IP address); RFC 9293 3.10.7.1",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    try {
      await rejectsWith(ctx, "connect 127.0.0.2", net.tcp.connect({ hostname: LOOPBACK4_OTHER, port: listener.addr.port }), "ECONNREFUSED");
    } finally {
      await listener.close();
    }
  },
});

export const anyAddress = defineCase({
  id: "tcp.listen.any-address",
  title: "a listener on 0.0.0.0 accepts on 127.0.0.1 and 127.0.0.2",
  semantic:
    "A listener bound to the wildcard address accepts connections to any local address; each accepted socket's local address is the address the client connected to.",
  reference: "UNP 4.4 (wildcard address, INADDR_ANY), 4.10",
  // A wildcard listener: inside the lab's namespace where there is one.
  lab: { preferred: true },
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: "0.0.0.0", port: 0 });
    try {
      for (const hostname of [LOOPBACK4, LOOPBACK4_OTHER]) {
        const client = await net.tcp.connect({ hostname, port: listener.addr.port });
        const server = await listener.accept();
        try {
          assert.ok(server, "accept returned no connection");
          ctx.observe(hostname, server.localAddr.hostname);
          assert.equal(server.localAddr.hostname, hostname);
        } finally {
          await Promise.all([client.close(), server?.close()]);
        }
      }
    } finally {
      await listener.close();
    }
  },
});

/** How long the closed connection may take to show in TIME_WAIT in the socket table. */
const LISTED_MS = 1000;

export const reuseAfterClose = defineCase({
  id: "tcp.listen.reuse-after-close",
  title: "a server can listen again on its port while an old connection sits in TIME_WAIT",
  semantic:
    "The side that closes a connection first holds it in TIME_WAIT afterwards (for 2MSL, a minute on Linux). After the server closes an accepted connection first and then its listener, the kernel lists that connection in TIME_WAIT on the server's port, and a new listener on the same port still succeeds: a listener set up as servers set it up (SO_REUSEADDR) may bind a port whose only other users are in TIME_WAIT. On Linux the TIME_WAIT socket must carry SO_REUSEADDR too, inherited from the listener that accepted it: both listeners ask for it.",
  reference: "UNP 2.7 (TIME_WAIT), 7.5 (SO_REUSEADDR); RFC 9293 3.6; Linux socket(7), tcp(7)",
  // The kernel's socket table shows TIME_WAIT where the lab can be made.
  lab: { preferred: true },
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net, { reuseAddress: true });
    const port = pair.listener.addr.port;
    await pair.server.close(); // active close: the server's end goes to TIME_WAIT
    assert.equal((await readToEnd(pair.client)).data.byteLength, 0);
    await pair.client.close();
    await pair.listener.close();
    const lab = ctx.lab;
    if (lab) {
      const local = `${LOOPBACK4}:${port}`;
      const listed = await within(LISTED_MS, async () => (await lab.tcpSockets()).some((s) => s.state === "TIME_WAIT" && s.local === local));
      ctx.observe("TIME_WAIT on the port", listed ? "listed" : "not listed");
      assert.ok(listed, `the kernel lists no TIME_WAIT socket on ${local} after the server closed first`);
    } else {
      ctx.observe("TIME_WAIT on the port", "not checked (no socket table outside the lab)");
    }
    const again = await net.tcp.listen({ hostname: LOOPBACK4, port, reuseAddress: true });
    try {
      ctx.observe("relisten", "ok");
      assert.equal(again.addr.port, port);
    } finally {
      await again.close();
    }
  },
});

export const localhostMeetsConnect = defineCase({
  id: "tcp.listen.localhost-meets-connect",
  title: "listen(\"localhost\") and connect(\"localhost\") meet",
  semantic:
    "A server listening on a name binds the first address getaddrinfo gives for it that binds (::1 for localhost when the hosts file lists both families), and a client connecting to the same name tries the same addresses in the same order until one connects, so the two meet: the listener accepts the client's connection, at the address the client reached. In the lab, whose own hosts file lists localhost as ::1 and 127.0.0.1.",
  reference: "UNP 11.12 (tcp_connect), 11.13 (tcp_listen: bind the first address that works); getaddrinfo(3) (AI_PASSIVE); RFC 6724 section 6",
  requires: { capabilities: ["tcpListen"], fixtures: ["lab", "ipv6"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LAB_NAMES.localhost, port: 0 });
    const opened: Conn[] = [];
    try {
      ctx.observe("listening on", `${listener.addr.hostname}:${listener.addr.port}`);
      const client = await net.tcp.connect({ hostname: LAB_NAMES.localhost, port: listener.addr.port });
      opened.push(client);
      ctx.observe("connected to", client.remoteAddr.hostname);
      const server = await listener.accept();
      assert.ok(server, "accept returned no connection");
      opened.push(server);
      assert.equal(server.remoteAddr.port, client.localAddr.port, "the listener's connection is not the client's");
      assert.equal(server.localAddr.hostname, client.remoteAddr.hostname);
    } finally {
      await Promise.all(opened.map((c) => c.close()));
      await listener.close();
    }
  },
});

/** How many clients may connect before both SO_REUSEPORT listeners must have been given one. */
const REUSE_PORT_CLIENTS = 64;

/** The next connection either listener hands over, and which one did. */
function firstOf(pending: Promise<Conn | null>[]): Promise<{ index: number; conn: Conn | null }> {
  return Promise.race(pending.map((p, index) => p.then((conn) => ({ index, conn }))));
}

export const reusePort = defineCase({
  id: "tcp.listen.reuse-port",
  title: "two listeners with SO_REUSEPORT share one port and both accept connections",
  semantic:
    "With SO_REUSEPORT set on both before bind, two listening sockets bind the same address and port; the kernel hands each new connection to one of them by a hash of its 4-tuple, so over enough clients (here at most 64, each with its own ephemeral port) both accept at least one.",
  reference: "Linux socket(7) (SO_REUSEPORT); UNP 7.5 (SO_REUSEPORT)",
  requires: { capabilities: ["tcpListen", "reusePort"] },
  async run(net, ctx) {
    const listeners: Listener[] = [await net.tcp.listen({ hostname: LOOPBACK4, port: 0, reusePort: true })];
    const conns: Conn[] = [];
    try {
      const port = listeners[0].addr.port;
      listeners.push(await net.tcp.listen({ hostname: LOOPBACK4, port, reusePort: true }));
      const accepted = [0, 0];
      const pending = listeners.map((l) => l.accept());
      pending.forEach((p) => p.catch(() => {})); // the accepts still pending at the end settle as the listeners close
      for (let i = 0; i < REUSE_PORT_CLIENTS && accepted.includes(0); i++) {
        conns.push(await net.tcp.connect({ hostname: LOOPBACK4, port }));
        const { index, conn } = await firstOf(pending);
        assert.ok(conn, `listener ${index + 1}'s accept returned no connection`);
        conns.push(conn);
        accepted[index]++;
        pending[index] = listeners[index].accept();
        pending[index].catch(() => {});
      }
      ctx.observe("accepted by listener 1, 2", accepted);
      assert.ok(!accepted.includes(0), `one listener accepted all ${accepted[0] + accepted[1]} clients`);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
      await Promise.all(listeners.map((l) => l.close()));
    }
  },
});

export const closeRefusesNew = defineCase({
  id: "tcp.listen.close-refuses-new",
  title: "after the listener closes, a new connect gets ECONNREFUSED while its accepted connection lives on",
  semantic:
    "Closing the listening socket removes the listener from the port: a later SYN to it finds none and gets RST, so connect() fails with ECONNREFUSED, although a connection the listener accepted still uses the same local port.",
  reference: "UNP 4.8 (the listening socket closed, the connected socket kept); RFC 9293 3.10.7.1; Linux tcp(7)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.listener.close();
      ctx.observe("accepted connection", `still open on local port ${pair.server.localAddr.port}`);
      await rejectsWith(ctx, "connect after close", net.tcp.connect({ hostname: LOOPBACK4, port: pair.listener.addr.port }), "ECONNREFUSED");
    } finally {
      await pair.close();
    }
  },
});

const QUEUED = 2;

export const closeResetsQueued = defineCase({
  id: "tcp.listen.close-resets-queued",
  title: "closing a listener resets the connections still waiting to be accepted",
  semantic:
    "Connections whose handshake completed but that were never accepted belong to the listening socket: closing it aborts each of them with RST, so every such client's read fails with ECONNRESET.",
  reference: "UNP 4.5 (completed connection queue); RFC 9293 3.10.4 (CLOSE: RST); Linux tcp(7)",
  // Connections wait in the kernel's queue only where the API accepts when asked.
  requires: { capabilities: ["tcpListen", "acceptOnDemand"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const clients: Conn[] = [];
    try {
      for (let i = 0; i < QUEUED; i++) clients.push(await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port }));
      await listener.close();
      for (const [i, client] of clients.entries()) {
        failureSeen(ctx, { key: `client ${i + 1} read`, settled: await settle(client.read()), reports: client.reports, codes: ["ECONNRESET"] });
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await listener.close();
    }
  },
});
