/**
 * TCP accept: waiting, ordering, peer addresses, and what closing the
 * listener does.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defineCase } from "../core/case.ts";
import type { Conn } from "../core/adapter.ts";
import { bytes, connectedPair, LOOPBACK4, readExactly, settle, settlement, stillPendingAfter, text } from "./helpers.ts";

/** How long a pending accept must stay pending to show it waits. */
const NO_CLIENT_MS = 100;
/** How long an operation pending when its socket closes may take to settle. */
const SETTLES_MS = 1000;

export const waitsForClient = defineCase({
  id: "tcp.accept.waits-for-client",
  title: "a pending accept settles only when a client connects",
  semantic:
    "accept() on a listener with an empty completed-connection queue waits; it returns once a client's handshake completes, with that client's connection.",
  reference: "UNP 4.6 (accept blocks until a connection completes); POSIX accept()",
  // Only an API with an accept operation can have one pending; an event API's "pending accept" would be the adapter's.
  requires: { capabilities: ["acceptOnDemand"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    let client: Conn | undefined;
    let server: Conn | null = null;
    try {
      const accepting = listener.accept();
      const waited = await stillPendingAfter(accepting, NO_CLIENT_MS);
      ctx.observe("pending without client", waited);
      assert.ok(waited, "accept settled with no client connecting");
      client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
      server = await accepting;
      assert.ok(server, "accept returned no connection");
      assert.deepEqual(server.remoteAddr, client.localAddr);
    } finally {
      await Promise.all([client?.close(), server?.close()]);
      await listener.close();
    }
  },
});

export const fifo = defineCase({
  id: "tcp.accept.fifo",
  title: "completed connections are accepted in arrival order",
  semantic:
    "Connections whose handshake completed wait in the listener's completed-connection queue, and accept() takes them first in, first out.",
  reference: "UNP 4.5 (completed connection queue, FIFO), 4.6",
  // The connections wait in the kernel's queue only where the API accepts when asked.
  requires: { capabilities: ["acceptOnDemand"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const clients: Conn[] = [];
    const accepted: Conn[] = [];
    try {
      for (let i = 0; i < 3; i++) clients.push(await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port }));
      for (let i = 0; i < 3; i++) {
        const conn = await listener.accept();
        assert.ok(conn, "accept returned no connection");
        accepted.push(conn);
      }
      const sent = clients.map((c) => c.localAddr.port);
      const got = accepted.map((c) => c.remoteAddr.port);
      ctx.observe("connect order", sent);
      ctx.observe("accept order", got);
      assert.deepEqual(got, sent);
    } finally {
      await Promise.all([...clients, ...accepted].map((c) => c.close()));
      await listener.close();
    }
  },
});

export const peerAddress = defineCase({
  id: "tcp.accept.peer-address",
  title: "accept reports the client's address and port",
  semantic:
    "accept() returns the peer's address (what getpeername gives): the client's local IPv4 address and ephemeral port; the accepted socket's local address is the listener's.",
  reference: "UNP 4.6 (accept's cliaddr), 4.10; POSIX accept()",
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      ctx.observe("peer", `${pair.server.remoteAddr.hostname}:${pair.server.remoteAddr.port} (${pair.server.remoteAddr.family})`);
      assert.deepEqual(pair.server.remoteAddr, { hostname: LOOPBACK4, port: pair.client.localAddr.port, family: "IPv4" });
      assert.deepEqual(pair.server.localAddr, pair.listener.addr);
    } finally {
      await pair.close();
    }
  },
});

export const listenerCloseSettlesPending = defineCase({
  id: "tcp.accept.listener-close-settles-pending",
  title: "closing the listener settles a pending accept",
  semantic:
    "An accept pending when its own listener is closed must settle, with no connection or with an error, rather than hang. The kernel's blocking accept() has no such rule on Linux (close() in another thread does not wake it); this is the JavaScript API's contract, for APIs whose accept is an operation that can be pending.",
  reference: "UNP 4.6; Linux accept(2), close(2) (NOTES: closing a descriptor in use by another thread)",
  level: "runtime",
  requires: { capabilities: ["acceptOnDemand"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const accepting = listener.accept();
    accepting.catch(() => {}); // settled below, or left hanging: the finding
    await listener.close();
    const hangs = await stillPendingAfter(accepting, SETTLES_MS);
    ctx.observe("pending accept", hangs ? `still pending ${SETTLES_MS} ms after close` : await settlement(accepting));
    assert.ok(!hangs, `the pending accept was still pending ${SETTLES_MS} ms after its listener closed`);
    const accepted = await settle(accepting);
    if (accepted.ok && accepted.value) await accepted.value.close();
    assert.ok(!accepted.ok || accepted.value === null, "a closed listener handed out a connection");
  },
});

export const listenerCloseKeepsConnections = defineCase({
  id: "tcp.accept.listener-close-keeps-connections",
  title: "closing the listener leaves accepted connections working",
  semantic:
    "The listening socket and an accepted socket are independent descriptors: closing the listener (as a concurrent server's child does, UNP 4.8) leaves the accepted connection working in both directions.",
  reference: "UNP 4.8 (concurrent servers: close of the listening socket), 4.9",
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.listener.close();
      await pair.client.write(bytes("ping"));
      assert.equal(text(await readExactly(pair.server, 4)), "ping");
      await pair.server.write(bytes("pong"));
      assert.equal(text(await readExactly(pair.client, 4)), "pong");
      ctx.observe("after listener close", "ping/pong ok");
    } finally {
      await pair.close();
    }
  },
});

const CLIENTS = 64;

export const concurrentClients = defineCase({
  id: "tcp.accept.concurrent-clients",
  title: "64 clients at once are each served their own reply",
  semantic:
    "64 clients connecting at once all complete (the backlog holds them) and each is accepted as its own connection: a server answering each with its own request uppercased reaches the right client every time.",
  reference: "UNP 4.5 (backlog), 4.8 (concurrent servers)",
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const served: Conn[] = [];
    const serving = (async () => {
      const replies: Promise<void>[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const conn = await listener.accept();
        assert.ok(conn, "accept returned no connection");
        served.push(conn);
        replies.push(readExactly(conn, 8).then((req) => conn.write(bytes(text(req).toUpperCase()))));
      }
      await Promise.all(replies);
    })();
    serving.catch(() => {}); // awaited below; a client failure must not leave it unhandled
    const clients: Conn[] = [];
    try {
      const answers = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
        const conn = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
        clients.push(conn);
        const request = `client${String(i).padStart(2, "0")}`;
        await conn.write(bytes(request));
        return text(await readExactly(conn, 8)) === request.toUpperCase();
      }));
      await serving;
      ctx.observe("right replies", answers.filter(Boolean).length);
      assert.equal(answers.filter(Boolean).length, CLIENTS);
    } finally {
      await Promise.all([...clients, ...served].map((c) => c.close()));
      await listener.close();
    }
  },
});
