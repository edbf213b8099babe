/**
 * TCP connect: how an active open succeeds and how it fails on loopback.
 * (Failures that need routes or dropped SYNs live in the lab suite.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import { bytes, closedPort, connectedPair, LOOPBACK4, LOOPBACK6, readExactly, text } from "./helpers.ts";

export const established = defineCase({
  id: "tcp.connect.established",
  title: "connect to a listening port succeeds with the right addresses",
  semantic:
    "connect() to a listening port completes the three-way handshake; getsockname gives a local 127.0.0.1 address and getpeername the listener's address and port, and the server's accepted socket sees the client's address as its peer.",
  reference: "UNP 4.3 (connect), 4.10 (getsockname/getpeername); POSIX connect()",
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const { client, server, listener } = pair;
      ctx.observe("client", `${client.localAddr.hostname}:${client.localAddr.port} -> ${client.remoteAddr.hostname}:${client.remoteAddr.port}`);
      assert.deepEqual(client.remoteAddr, { hostname: LOOPBACK4, port: listener.addr.port, family: "IPv4" });
      assert.equal(client.localAddr.hostname, LOOPBACK4);
      assert.notEqual(client.localAddr.port, 0);
      assert.deepEqual(server.remoteAddr, client.localAddr);
      assert.deepEqual(server.localAddr, client.remoteAddr);
    } finally {
      await pair.close();
    }
  },
});

export const ephemeralPort = defineCase({
  id: "tcp.connect.ephemeral-port",
  title: "an unbound client gets a kernel-chosen ephemeral port",
  semantic:
    "A socket that connects without bind() is given an ephemeral local port by the kernel: non-zero, and different for two simultaneous connections to the same destination.",
  reference: "UNP 4.3, 4.4 (bind: ephemeral ports); Linux ip(7) ip_local_port_range",
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const a = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
    const b = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
    try {
      ctx.observe("ports", [a.localAddr.port, b.localAddr.port]);
      assert.ok(a.localAddr.port > 0 && b.localAddr.port > 0, "local port is 0");
      assert.notEqual(a.localAddr.port, b.localAddr.port);
    } finally {
      await Promise.all([a.close(), b.close()]);
      for (let n = 0; n < 2; n++) await (await listener.accept())?.close();
      await listener.close();
    }
  },
});

export const sourceAddress = defineCase({
  id: "tcp.connect.source-address",
  title: "the kernel picks a source address matching the destination's family and scope",
  semantic:
    "An unbound socket connecting to 127.0.0.1 gets local address 127.0.0.1, and one connecting to ::1 gets ::1: the kernel chooses the source address from the route to the destination.",
  reference: "UNP 4.3 (connect assigns the local address), 4.10; Linux ip(7), ipv6(7)",
  requires: { fixtures: ["ipv6"] },
  async run(net, ctx) {
    for (const hostname of [LOOPBACK4, LOOPBACK6]) {
      const pair = await connectedPair(net, hostname);
      try {
        ctx.observe(hostname, pair.client.localAddr.hostname);
        assert.equal(pair.client.localAddr.hostname, hostname);
        assert.equal(pair.client.localAddr.family, hostname === LOOPBACK6 ? "IPv6" : "IPv4");
      } finally {
        await pair.close();
      }
    }
  },
});

export const refused = defineCase({
  id: "tcp.connect.refused",
  title: "connect to a closed port fails with ECONNREFUSED at once",
  semantic:
    "A SYN to a port with no listener is answered with RST, and connect() fails with ECONNREFUSED within one round trip (well under a second on loopback).",
  reference: "UNP 4.3 (hard error: RST); RFC 9293 3.10.7.3; Linux tcp(7)",
  async run(net, ctx) {
    const port = await closedPort(net);
    const started = performance.now();
    await rejectsWith(ctx, "connect", net.tcp.connect({ hostname: LOOPBACK4, port }), "ECONNREFUSED");
    const ms = Math.round(performance.now() - started);
    ctx.observe("ms", ms);
    assert.ok(ms < 1000, `refusal took ${ms} ms`);
  },
});

export const completesBeforeAccept = defineCase({
  id: "tcp.connect.completes-before-accept",
  title: "the handshake completes before the server calls accept",
  semantic:
    "The kernel completes the three-way handshake for a listening socket and queues the connection; connect() returns and the client can send before the server calls accept(), and the data is there once it does. No accept is made until the client has connected and written.",
  reference: "UNP 4.5 (listen: incomplete and completed connection queues), 4.6",
  // An API that accepts on readiness takes the connection at once: the premise (no accept yet) cannot be set up.
  requires: { capabilities: ["acceptOnDemand"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
    try {
      await client.write(bytes("early"));
      ctx.observe("connected", "before accept");
      const server = await listener.accept();
      assert.ok(server, "accept returned no connection");
      try {
        assert.equal(text(await readExactly(server, 5)), "early");
      } finally {
        await server.close();
      }
    } finally {
      await client.close();
      await listener.close();
    }
  },
});

const REFUSED_CONNECTS = 200;

export const failureLeaksNothing = defineCase({
  id: "tcp.connect.failure-leaks-nothing",
  title: "200 refused connects leave no descriptor behind",
  semantic:
    "A socket whose connect() failed is still a descriptor the caller must close; an API that hides the socket must close it. After 200 refused connects the process holds no more sockets than before (counted by the runner from the process's descriptor table).",
  reference: "UNP 4.3 (a failed connect leaves the socket unusable and to be closed); POSIX connect(), close()",
  requires: { fixtures: ["socketCount"] },
  async run(net, ctx) {
    const port = await closedPort(net);
    const codes = new Map<string, number>();
    // In batches of 20 so the test stays fast without exhausting descriptors.
    for (let done = 0; done < REFUSED_CONNECTS; done += 20) {
      await Promise.all(Array.from({ length: 20 }, async () => {
        try {
          const conn = await net.tcp.connect({ hostname: LOOPBACK4, port });
          await conn.close();
          codes.set("connected", (codes.get("connected") ?? 0) + 1);
        } catch (err) {
          const code = (err as { code?: string }).code ?? "thrown";
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }));
    }
    ctx.observe("outcomes", Object.fromEntries(codes));
    assert.deepEqual(Object.fromEntries(codes), { ECONNREFUSED: REFUSED_CONNECTS });
  },
});
