/**
 * TCP bind and listen: ports, addresses, and reuse.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import { connectedPair, LOOPBACK4, LOOPBACK4_OTHER, readToEnd } from "./_helpers.ts";

export const portZero = defineCase({
  id: "tcp.listen.port-zero",
  title: "listening on port 0 gets an ephemeral port that accepts connections",
  semantic:
    "bind() with port 0 lets the kernel choose an ephemeral port; getsockname reports it, and connections to it are accepted.",
  reference: "UNP 4.4 (bind with port 0), 4.10 (getsockname)",
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
    "Binding a TCP socket to an address and port that a listening socket holds fails with EADDRINUSE, even when both set SO_REUSEADDR (only SO_REUSEPORT, which shares the port on purpose, allows it).",
  reference: "UNP 4.4, 7.5 (SO_REUSEADDR, SO_REUSEPORT); POSIX bind(); Linux socket(7)",
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

export const reuseAfterClose = defineCase({
  id: "tcp.listen.reuse-after-close",
  title: "a server can listen again on its port while old connections sit in TIME_WAIT",
  semantic:
    "After the server closes a connection first (its side enters TIME_WAIT) and then its listener, a new listener on the same port succeeds, because servers set SO_REUSEADDR; without it bind() fails with EADDRINUSE until TIME_WAIT ends.",
  reference: "UNP 7.5 (SO_REUSEADDR), 2.7 (TIME_WAIT); Linux socket(7)",
  async run(net, ctx) {
    const pair = await connectedPair(net);
    const port = pair.listener.addr.port;
    await pair.server.close(); // active close: the server's end goes to TIME_WAIT
    assert.equal((await readToEnd(pair.client)).data.byteLength, 0);
    await pair.client.close();
    await pair.listener.close();
    const again = await net.tcp.listen({ hostname: LOOPBACK4, port });
    try {
      ctx.observe("relisten", "ok");
      assert.equal(again.addr.port, port);
    } finally {
      await again.close();
    }
  },
});
