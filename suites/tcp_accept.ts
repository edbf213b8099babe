/**
 * TCP accept: waiting, ordering, peer addresses, what closing the listener
 * does, and what accept does with a connection reset in the queue or with
 * no descriptor free.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type CaseContext, defineCase, type FilledTable } from "../core/case.ts";
import type { Adapter, Conn, Listener } from "../core/adapter.ts";
import {
  bytes,
  connectedPair,
  failureSeen,
  LOOPBACK4,
  peerOf,
  readExactly,
  reportsOf,
  settle,
  settlement,
  shown,
  stillPendingAfter,
  text,
} from "./helpers.ts";

/** How long a pending accept must stay pending to show it waits. */
const NO_CLIENT_MS = 100;
/** How long an operation pending when its socket closes may take to settle. */
const SETTLES_MS = 1000;

export const waitsForClient = defineCase({
  id: "tcp.accept.waits-for-client",
  title: "a pending accept settles only when a client connects",
  semantic:
    "accept() on a listener with an empty completed-connection queue waits; it returns once a client's handshake completes, with that client's connection. The client is the reference peer, so only the column's accept is measured.",
  reference: "UNP 4.6 (accept blocks until a connection completes); POSIX accept()",
  // Only an API with an accept operation can have one pending; an event API's "pending accept" would be the adapter's.
  requires: { capabilities: ["tcpListen", "acceptOnDemand"] },
  sides: "column+peer",
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    let client: Conn | undefined;
    let server: Conn | null = null;
    try {
      const accepting = listener.accept();
      const waited = await stillPendingAfter(accepting, NO_CLIENT_MS);
      ctx.observe("pending without client", waited);
      assert.ok(waited, "accept settled with no client connecting");
      client = await peer.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
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
    "Connections whose handshake completed wait in the listener's completed-connection queue, and accept() takes them first in, first out. The reference peer connects three clients one after another; the column accepts them.",
  reference: "UNP 4.5 (completed connection queue, FIFO), 4.6",
  // The connections wait in the kernel's queue only where the API accepts when asked.
  requires: { capabilities: ["tcpListen", "acceptOnDemand"] },
  sides: "column+peer",
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const clients: Conn[] = [];
    const accepted: Conn[] = [];
    try {
      for (let i = 0; i < 3; i++) clients.push(await peer.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port }));
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
    "accept() returns the peer's address (what getpeername gives): the client's local IPv4 address and ephemeral port; the accepted socket's local address is the listener's. The client is the reference peer, so the addresses compared with are the kernel's.",
  reference: "UNP 4.6 (accept's cliaddr), 4.10; POSIX accept()",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    let client: Conn | undefined;
    let server: Conn | null = null;
    try {
      client = await peer.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
      server = await listener.accept();
      assert.ok(server, "accept returned no connection");
      ctx.observe("peer", `${server.remoteAddr.hostname}:${server.remoteAddr.port} (${server.remoteAddr.family})`);
      assert.deepEqual(server.remoteAddr, { hostname: LOOPBACK4, port: client.localAddr.port, family: "IPv4" });
      assert.deepEqual(server.localAddr, listener.addr);
    } finally {
      await Promise.all([client?.close(), server?.close()]);
      await listener.close();
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
  requires: { capabilities: ["tcpListen", "acceptOnDemand"] },
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
  requires: { capabilities: ["tcpListen"] },
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
  requires: { capabilities: ["tcpListen"] },
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

/** A client connected to `listener`, accepted, and one byte each way between them. */
async function servedClient(net: Adapter, listener: Listener, opened: Conn[]): Promise<void> {
  opened.push(await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port }));
  const server = await listener.accept();
  assert.ok(server, "accept returned no connection");
  opened.push(server);
  await opened.at(-2)!.write(bytes("?"));
  assert.equal(text(await readExactly(server, 1)), "?");
}

export const resetBeforeAccept = defineCase({
  id: "tcp.accept.reset-before-accept",
  title: "a client that resets before it is accepted is still returned by accept, its first read failing ECONNRESET",
  semantic:
    "When a completed connection is reset by its client before the server accepts it, Linux leaves it in the queue: accept() returns it, its first read fails with ECONNRESET, and the listener goes on accepting new clients as before.",
  reference: "UNP 5.11 (connection abort before accept returns); POSIX accept() [ECONNABORTED]; Linux accept(2), tcp(7)",
  // The connection waits in the kernel's queue only where the API accepts when asked; the client must send RST.
  requires: { capabilities: ["tcpListen", "acceptOnDemand", "abortiveClose"] },
  differsOn: {
    darwin: "BSD-derived kernels take a connection reset in the queue out of it: accept() never returns it (UNP 5.11)",
    freebsd: "BSD-derived kernels take a connection reset in the queue out of it: accept() never returns it (UNP 5.11)",
  },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const opened: Conn[] = [];
    try {
      const client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
      opened.push(client);
      await client.abort!();
      const accepted = await settle(listener.accept());
      ctx.observe("accept", accepted.ok && accepted.value ? "a connection" : shown(accepted));
      assert.ok(accepted.ok && accepted.value, `accept gave ${shown(accepted)}, not the reset connection`);
      opened.push(accepted.value);
      assert.equal(accepted.value.remoteAddr.port, client.localAddr.port, "accept returned another client");
      const read = await settle(accepted.value.read());
      failureSeen(ctx, { key: "first read", settled: read, reports: accepted.value.reports, codes: ["ECONNRESET"] });
      await servedClient(net, listener, opened);
      ctx.observe("next client", "accepted, data flows");
    } finally {
      await Promise.all(opened.map((c) => c.close()));
      await listener.close();
    }
  },
});

/** How long an accept must stay pending to show it waits for a descriptor. */
const WAITS_MS = 100;
/** How long the waiting client may take to be accepted once a descriptor is free. */
const RECOVERS_MS = 500;

/**
 * Fills the descriptor table with a client waiting to be accepted: where the
 * API accepts when asked, the client connects first and waits in the
 * kernel's queue; where it accepts on readiness, the client takes the one
 * descriptor left free, so the runtime's own accept meets the full table.
 */
async function clientAtFullTable(
  net: Adapter,
  ctx: CaseContext,
  options: { listener: Listener; opened: Conn[]; filled: (table: FilledTable) => void },
): Promise<Conn> {
  const connect = () => net.tcp.connect({ hostname: LOOPBACK4, port: options.listener.addr.port });
  const onDemand = net.capabilities.has("acceptOnDemand");
  if (onDemand) options.opened.push(await connect());
  const table = await ctx.descriptors!.fill();
  options.filled(table);
  if (!onDemand) {
    table.free();
    options.opened.push(await connect());
    ctx.observe("accept with no descriptor free", "the runtime's own, on readiness");
  }
  return options.opened.at(-1)!;
}

/**
 * The first accept with no descriptor free: rejected (EMFILE), or still
 * pending; frees a descriptor and returns the accept to wait on.
 */
async function acceptAtFullTable(
  ctx: CaseContext,
  listener: Listener,
  table: FilledTable,
): Promise<{ accepting: Promise<Conn | null> }> {
  const accepting = listener.accept();
  accepting.catch(() => {}); // settled below
  if (await stillPendingAfter(accepting, WAITS_MS)) {
    ctx.observe("accept with no descriptor free", `pending after ${WAITS_MS} ms`);
    table.free();
    return { accepting };
  }
  const first = await settle(accepting);
  ctx.observe("accept with no descriptor free", shown(first));
  if (first.ok) await first.value?.close();
  assert.ok(!first.ok, `accept gave ${shown(first)} with no descriptor free`);
  assert.equal(first.error.code, "EMFILE", `accept failed with ${first.error.code}, not EMFILE`);
  table.free();
  return { accepting: listener.accept() };
}

/**
 * Frees a descriptor and waits for the waiting client to be accepted, or
 * for a runtime that accepts by itself to drop it instead (the client's
 * `pendingRead` ends: no descriptor needed to see that).
 */
async function acceptOnceFree(
  ctx: CaseContext,
  options: { listener: Listener; table: FilledTable; onDemand: boolean; pendingRead?: Promise<Uint8Array | null> },
): Promise<Conn> {
  const { listener, table, onDemand, pendingRead } = options;
  const { accepting } = onDemand ? await acceptAtFullTable(ctx, listener, table) : (table.free(), { accepting: listener.accept() });
  const dropped = pendingRead ? settle(pendingRead) : new Promise<never>(() => {});
  const recovery = Promise.race([accepting.then((conn) => ({ conn })), dropped.then((read) => ({ read }))]);
  recovery.catch(() => {}); // awaited below unless the bounded wait ends the case
  const stuck = await stillPendingAfter(recovery, RECOVERS_MS); // bounded: the table must not stay full
  ctx.observe("listener reports", reportsOf(listener.reports));
  if (stuck) ctx.observe("waiting client", `not accepted within ${RECOVERS_MS} ms of a descriptor being free`);
  assert.ok(!stuck, `the waiting client was not accepted within ${RECOVERS_MS} ms of a descriptor being free`);
  const outcome = await recovery;
  if ("read" in outcome) {
    ctx.observe("waiting client", `dropped: its read gave ${shown(outcome.read)}`);
    assert.fail(`the waiting client was dropped, never accepted: its read gave ${shown(outcome.read)}`);
  }
  assert.ok(outcome.conn, "accept returned no connection");
  ctx.observe("waiting client", "accepted once a descriptor is free");
  return outcome.conn;
}

export const emfileRecovers = defineCase({
  id: "tcp.accept.emfile-recovers",
  title: "with no descriptor free, accept fails with EMFILE or waits, and takes the waiting client once one is free",
  semantic:
    "accept() needs a new descriptor: with the process at its RLIMIT_NOFILE it fails with EMFILE (or, in an API that waits, does not return yet) and the completed connection stays in the listener's queue. The listener survives: once a descriptor is free the waiting client is accepted, data flows, and later clients are accepted as before.",
  reference: "UNP 4.6 (accept); POSIX accept() [EMFILE]; Linux accept(2) (EMFILE), getrlimit(2) (RLIMIT_NOFILE)",
  requires: { capabilities: ["tcpListen"], fixtures: ["descriptorLimit"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const opened: Conn[] = [];
    const onDemand = net.capabilities.has("acceptOnDemand");
    let table: FilledTable | undefined;
    try {
      const client = await clientAtFullTable(net, ctx, { listener, opened, filled: (t) => table = t });
      const pendingRead = onDemand ? undefined : client.read();
      pendingRead?.catch(() => {}); // settled in acceptOnceFree or below
      const server = await acceptOnceFree(ctx, { listener, table: table!, onDemand, pendingRead });
      opened.push(server);
      assert.equal(server.remoteAddr.port, client.localAddr.port, "accept returned another client");
      await table!.restore();
      await server.write(bytes("!"));
      const echoed = await (pendingRead ?? client.read());
      assert.ok(echoed && text(echoed) === "!", "the accepted connection carried no data");
      await servedClient(net, listener, opened);
    } finally {
      await table?.restore();
      await Promise.all(opened.map((c) => c.close()));
      await listener.close();
    }
  },
});
