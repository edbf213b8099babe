/**
 * The concurrent server (UNP 4.8, 4.9, 5.2): a
 * connection or listener handed to another process is one socket with a
 * descriptor in each. Closing one descriptor sends nothing; the last close
 * sends the FIN; `shutdown` acts on the socket, whatever the count. The
 * child runs the same adapter in the same runtime (`handOff`), and the case
 * tells it what to do.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter, ChildProcess, Conn } from "../core/adapter.ts";
import { type CaseContext, defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import { bytes, connectedPair, LOOPBACK4, type Pair, settlement, stillPendingAfter, text } from "./helpers.ts";

/** Starting a child runtime takes a while (a TypeScript loader under Node): more room than the default limit. */
const CHILD_CASE_MS = 12_000;
/** How long a read must stay pending to show that nothing (no FIN, no RST) arrived. */
const NOTHING_MS = 300;
/** What is sent now (a FIN, a reply) arrives at once on loopback; still pending after this, it is not coming. */
const PROMPT_MS = 3000;

// These cases are not `slow`, though they wait: each starts a child runtime, and five of them started together
// at the head of every column process, beside every other column's, cost more CPU than their waits save
// (the matrix took 16.5-17 s with them batched, 13.7-15.2 s without, on 2 cores).
const requires = { capabilities: ["tcpListen" as const, "handOff" as const], fixtures: ["childProcess" as const] };

/** Reads until `length` bytes have come (the first read may already be pending); their text. */
async function readText(conn: Conn, options: { length: number; first?: Promise<Uint8Array | null> }): Promise<string> {
  let got = "";
  let first = options.first;
  while (got.length < options.length) {
    const chunk = await (first ?? conn.read());
    first = undefined;
    assert.ok(chunk !== null, `EOF after ${JSON.stringify(got)}`);
    got += text(chunk);
  }
  return got;
}

/** Awaits `operation`, which must settle at once; fails rather than waiting out the case's limit if it does not. */
async function promptly<T>(operation: Promise<T>, what: string): Promise<T> {
  // Bounded wait: still pending after PROMPT_MS, it is not coming.
  assert.ok(!(await stillPendingAfter(operation, PROMPT_MS)), `${what}: nothing within ${PROMPT_MS} ms`);
  return await operation;
}

/** A connected pair and a child, closed together: the child first (SIGKILL), then the sockets. */
async function withChild(net: Adapter, body: (pair: Pair, child: ChildProcess) => Promise<void>): Promise<void> {
  const pair = await connectedPair(net);
  let child: ChildProcess | undefined;
  try {
    child = await net.handOff!.spawnChild();
    await body(pair, child);
  } finally {
    await child?.close();
    await pair.close();
  }
}

/** Records how a pending read settled, or that it is still pending. */
async function readState(ctx: CaseContext, options: { key: string; reading: Promise<unknown>; pending: boolean }): Promise<void> {
  ctx.observe(options.key, options.pending ? "pending" : await settlement(options.reading));
}

export const echoServedByChild = defineCase({
  id: "tcp.fork.echo-served-by-child",
  title: "a connection handed to a child is served by the child after the parent closes its copy",
  semantic:
    "UNP's concurrent echo server: the parent accepts, hands the connection to a child and closes its own descriptor; the child, holding the only one left, reads each line and writes it back (upper-cased, so a reply is told from its request), and the client gets every reply.",
  reference: "UNP 4.8 (concurrent servers: fork, the parent closes connfd), 5.2 (TCP echo server), 15.7 (passing descriptors)",
  requires,
  timeLimitMs: CHILD_CASE_MS,
  async run(net, ctx) {
    await withChild(net, async (pair, child) => {
      const held = await child.sendConn(pair.server);
      await pair.server.close();
      const echoing = held.echoUpper();
      const lines = ["hello\n", "fork and serve\n", "last line\n"];
      const replies: string[] = [];
      for (const line of lines) {
        await pair.client.write(bytes(line));
        replies.push(await promptly(readText(pair.client, { length: line.length }), `the reply to ${JSON.stringify(line)}`));
      }
      ctx.observe("replies", replies);
      assert.deepEqual(replies, lines.map((line) => line.toUpperCase()));
      await pair.client.close();
      const echoed = await promptly(echoing, "the child's echo after EOF");
      ctx.observe("lines the child echoed before EOF", echoed);
      assert.equal(echoed, lines.length);
      await held.close(); // closed by the child at EOF already: it answers at once
    });
  },
});

export const parentCloseKeepsConnection = defineCase({
  id: "tcp.fork.parent-close-keeps-connection",
  title: "the parent's close of a connection a child still holds sends nothing",
  semantic:
    "close() only removes one descriptor: while the child still holds the socket, the parent's close sends no FIN and no RST, the client reads no EOF, and the connection goes on through the child's descriptor.",
  reference: "UNP 4.8 (reference counts of descriptors: close only decrements it), 4.9 (close)",
  requires,
  timeLimitMs: CHILD_CASE_MS,
  async run(net, ctx) {
    await withChild(net, async (pair, child) => {
      const held = await child.sendConn(pair.server);
      await pair.server.close();
      const reading = pair.client.read();
      // Bounded wait: nothing must arrive after the parent's close.
      const pending = await stillPendingAfter(reading, NOTHING_MS);
      await readState(ctx, { key: "client read after the parent's close", reading, pending });
      assert.ok(pending, "the client's read settled after the parent closed its copy");
      const echoing = held.echoUpper();
      await pair.client.write(bytes("still here\n"));
      const reply = await promptly(readText(pair.client, { length: "still here\n".length, first: reading }), "the reply");
      ctx.observe("reply through the child's copy", reply);
      assert.equal(reply, "STILL HERE\n");
      await pair.client.close();
      await promptly(echoing, "the child's echo after EOF");
      await held.close(); // closed by the child at EOF already: it answers at once
    });
  },
});

export const lastCloseSendsFin = defineCase({
  id: "tcp.fork.last-close-sends-fin",
  title: "the FIN goes out only when the last descriptor of a connection is closed",
  semantic:
    "With the socket held by a child and the parent, the child's close sends nothing; the parent's close, the last, sends the FIN, and only then does the client read EOF.",
  reference: "UNP 4.8 (only when the reference count reaches 0 is the FIN sent), 4.9; RFC 9293 3.6",
  requires,
  timeLimitMs: CHILD_CASE_MS,
  async run(net, ctx) {
    await withChild(net, async (pair, child) => {
      const held = await child.sendConn(pair.server);
      await held.close();
      const reading = pair.client.read();
      // Bounded wait: no FIN while the parent still holds its descriptor.
      const pending = await stillPendingAfter(reading, NOTHING_MS);
      await readState(ctx, { key: "client read after the child's close", reading, pending });
      assert.ok(pending, "the client's read settled after the child closed its copy, with the parent still holding one");
      await pair.server.close();
      const last = await promptly(reading, "the client's read after the last close");
      ctx.observe("client read after the parent's close", last === null ? "EOF (null)" : `${last.byteLength} bytes`);
      assert.equal(last, null);
    });
  },
});

export const shutdownIgnoresCopies = defineCase({
  id: "tcp.fork.shutdown-ignores-copies",
  title: "shutdown(SHUT_WR) by one holder sends the FIN although another still holds the socket",
  semantic:
    "shutdown acts on the socket, not on a descriptor: the child's shutdown(SHUT_WR) sends the FIN at once, although the parent still holds a descriptor, and the socket stays open for reading through the parent's.",
  reference: "UNP 6.6 (shutdown: the FIN is sent regardless of the reference count)",
  requires,
  timeLimitMs: CHILD_CASE_MS,
  async run(net, ctx) {
    await withChild(net, async (pair, child) => {
      const held = await child.sendConn(pair.server);
      await held.closeWrite();
      const eof = await promptly(pair.client.read(), "the client's read after the child's shutdown");
      ctx.observe("client read after the child's shutdown", eof === null ? "EOF (null)" : `${eof.byteLength} bytes`);
      assert.equal(eof, null);
      // The child lets go; the parent's descriptor still reads what the client sends.
      await held.close();
      await pair.client.write(bytes("after\n"));
      const got = await promptly(readText(pair.server, { length: "after\n".length }), "the parent's read");
      ctx.observe("parent read after the shutdown", got);
      assert.equal(got, "after\n");
    });
  },
});

/** Connects, sends `line`, returns the reply; closes the connection. */
async function exchange(net: Adapter, options: { port: number; line: string }): Promise<string> {
  const client = await net.tcp.connect({ hostname: LOOPBACK4, port: options.port });
  try {
    await client.write(bytes(options.line));
    return await promptly(readText(client, { length: options.line.length }), `the reply to ${JSON.stringify(options.line)}`);
  } finally {
    await client.close();
  }
}

export const sharedListener = defineCase({
  id: "tcp.fork.shared-listener",
  title: "a listener handed to two children is served by both, after the parent closed its copy",
  semantic:
    "A listening socket held by two children and the parent is one socket: after the parent closes its descriptor both children accept on it and every client is served; when one child closes its descriptor the other still accepts, and only the last close stops the listening (a connect is then refused).",
  reference: "UNP 4.8 (listenfd shared by parent and children), 30.6-30.7 (preforked servers, children calling accept on a shared listener)",
  requires,
  timeLimitMs: CHILD_CASE_MS,
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const port = listener.addr.port;
    const started = await Promise.allSettled([net.handOff!.spawnChild(), net.handOff!.spawnChild()]);
    const children = started.flatMap((s) => s.status === "fulfilled" ? [s.value] : []);
    try {
      for (const s of started) if (s.status === "rejected") throw s.reason;
      const held = [await children[0].sendListener(listener), await children[1].sendListener(listener)];
      await listener.close();
      await Promise.all(held.map((h) => h.serve()));
      const first = await exchange(net, { port, line: "first\n" });
      const afterFirst = await Promise.all(held.map((h) => h.accepted()));
      ctx.observe("accepted by each child after the first client", afterFirst);
      assert.equal(first, "FIRST\n");
      assert.equal(afterFirst[0] + afterFirst[1], 1, "one child accepted the first client");
      // The child that accepted lets go; the other must still be listening.
      const [served, other] = afterFirst[0] === 1 ? held : [held[1], held[0]];
      await served.close();
      const second = await exchange(net, { port, line: "second\n" });
      const afterSecond = await other.accepted();
      ctx.observe("replies", [first, second]);
      ctx.observe("accepted by the other child", afterSecond);
      assert.equal(second, "SECOND\n");
      assert.equal(afterSecond, 1, "the other child accepted the second client");
      await other.close();
      await rejectsWith(ctx, "connect after the last close", net.tcp.connect({ hostname: LOOPBACK4, port }), "ECONNREFUSED");
    } finally {
      await Promise.all(children.map((c) => c.close()));
      await listener.close();
    }
  },
});
