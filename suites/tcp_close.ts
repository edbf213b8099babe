/**
 * close(): orderly release, abortive release, and what the peer sees.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter, Conn } from "../core/adapter.ts";
import { type CaseContext, type CasePeer, defineCase } from "../core/case.ts";
import {
  bytes,
  connectedPair,
  failureSeen,
  LOOPBACK4,
  pattern,
  peerOf,
  peerPair,
  piecesOf,
  readExactly,
  readToEnd,
  readUntilEnd,
  reportsOf,
  roundTrip,
  roundTripFromPeer,
  settle,
  settlement,
  shown,
  stillPendingAfter,
  text,
  within,
  writeUntilHeld,
} from "./helpers.ts";

export const peerReadsEof = defineCase({
  id: "tcp.close.peer-reads-eof",
  title: "after close the peer reads the last data, then EOF",
  semantic:
    "close() on a socket with no unread data sends the queued data and then FIN: the peer reads everything written and then EOF (read returns 0).",
  reference: "UNP 4.9 (close), 5.12; RFC 9293 3.6",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.write(bytes("bye"));
      await pair.client.close();
      const got = await readToEnd(pair.server);
      ctx.observe("server read", `${text(got.data)} then EOF`);
      assert.equal(text(got.data), "bye");
    } finally {
      await pair.close();
    }
  },
});

export const unreadDataSendsRst = defineCase({
  id: "tcp.close.unread-data-sends-rst",
  title: "closing with unread received data sends RST",
  semantic:
    "If a socket is closed while data it received is still unread in its kernel receive buffer, the kernel discards the data and sends RST instead of FIN, so the other end's read fails with ECONNRESET. Here the reference peer writes 6 bytes the column never reads, then the column closes: the bytes are unread in the column's kernel receive buffer, unless its runtime read them ahead of any read (then close finds nothing unread and sends FIN, and the peer reads EOF). What the peer's read gives and the state its kernel is left in are recorded.",
  reference: "RFC 2525 2.17; RFC 9293 3.10.4 (CLOSE); Linux tcp(7)",
  sides: "column+peer",
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await peerPair(net, { peer, column: "client" });
    try {
      await pair.peer.write(bytes("unread"));
      // Lets the column's runtime see the data arrive (and read it ahead, if it does), as it would before any close.
      await roundTripFromPeer(net, peer);
      await pair.column.close();
      const read = await settle(pair.peer.read());
      ctx.observe("peer's state after its read", (await peer.tcpInfo(pair.peer)).state);
      failureSeen(ctx, { key: "peer read", settled: read, reports: pair.peer.reports, codes: ["ECONNRESET"] });
    } finally {
      await pair.close();
    }
  },
});

const CHUNK = 64 * 1024;
/** Far beyond any loopback send plus receive buffer and a runtime's read-ahead (a few MiB). */
const MAX_UNREAD = 64 * 1024 * 1024;
/** How long an operation pending when its socket closes or is aborted may take to settle. */
const SETTLES_MS = 1000;

export const abortive = defineCase({
  id: "tcp.close.abortive",
  title: "close with SO_LINGER 0 sends RST and discards unsent data: the peer's read fails",
  semantic:
    "With SO_LINGER {on, 0}, close() aborts the connection: it sends RST and discards the data still unsent in its send buffer, and the peer's pending read fails with ECONNRESET. With the peer not reading, a writer held by flow control has data unsent; after the abort the peer reads at most what had reached it (its runtime's read-ahead and its kernel receive buffer), fewer bytes than were written, then ECONNRESET.",
  reference: "UNP 7.5 (SO_LINGER), figure 7.7; RFC 9293 3.10.4 (ABORT: queued SENDs are flushed); Linux socket(7)",
  slow: true,
  requires: { capabilities: ["tcpListen", "abortiveClose"] },
  timeLimitMs: 15000,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const reading = pair.server.read();
      await pair.client.abort!();
      failureSeen(ctx, { key: "pending read", settled: await settle(reading), reports: pair.server.reports, codes: ["ECONNRESET"] });
    } finally {
      await pair.close();
    }
    const loaded = await connectedPair(net);
    try {
      const chunk = new Uint8Array(CHUNK).fill(7);
      const { written, held } = await writeUntilHeld(loaded.client, { piece: (offset) => offset < MAX_UNREAD ? chunk : undefined });
      ctx.observe("written before held", written);
      assert.ok(held, `every write of ${MAX_UNREAD} bytes completed with nobody reading: nothing was left unsent`);
      await loaded.client.abort!();
      const hangs = await stillPendingAfter(held.writing, SETTLES_MS);
      ctx.observe("held write after abort", hangs ? `still pending after ${SETTLES_MS} ms` : await settlement(held.writing));
      const { data: { byteLength: received }, last } = await readUntilEnd(loaded.server);
      ctx.observe("peer read before the reset", received);
      failureSeen(ctx, { key: "peer's last read", settled: last, reports: loaded.server.reports, codes: ["ECONNRESET"] });
      assert.ok(received < written, `the peer read ${received} of the ${written} bytes written: the unsent data was not discarded`);
    } finally {
      await loaded.close();
    }
  },
});

/**
 * A connection from the column to the peer that the peer has reset, the RST
 * known to have reached the column's runtime; `body` gets the column's end
 * and the peer, and the pair is closed after it.
 */
async function afterPeerReset(
  net: Adapter,
  { ctx, body }: { ctx: CaseContext; body(column: Conn, peer: CasePeer): Promise<void> },
): Promise<void> {
  const peer = peerOf(ctx);
  const pair = await peerPair(net, { peer, column: "client" });
  try {
    await pair.peer.abort!();
    await roundTripFromPeer(net, peer); // the RST has reached the column's runtime
    await body(pair.column, peer);
  } finally {
    await pair.close();
  }
}

export const readAfterPeerReset = defineCase({
  id: "tcp.close.read-after-peer-reset",
  title: "a read issued after the peer's RST arrived fails with ECONNRESET",
  semantic:
    "Once an RST has arrived, the connection is gone: a later read (not one already pending) fails with ECONNRESET rather than returning EOF. The reference peer sends the RST (SO_LINGER 0 and close), so every column answers, whether or not its own API can reset a connection.",
  reference: "UNP 5.13, 7.5; RFC 9293 3.10.7.4 (RST in ESTABLISHED); Linux tcp(7)",
  sides: "column+peer",
  run: (net, ctx) =>
    afterPeerReset(net, {
      ctx,
      async body(column) {
        const read = await settle(column.read());
        failureSeen(ctx, { key: "column read", settled: read, reports: column.reports, codes: ["ECONNRESET"] });
      },
    }),
});

export const writeAfterPeerClose = defineCase({
  id: "tcp.close.write-after-peer-close",
  title: "after the peer closed, one write is accepted and every later one fails with EPIPE",
  semantic:
    "After the peer has closed (its FIN read as EOF), the first write is accepted: the kernel sends the data and the closed peer answers it with RST. Every later write fails with EPIPE (Linux reports the RST to a socket that had the peer's FIN as EPIPE, and the connection stays unwritable), so exactly one write is accepted.",
  reference: "UNP 5.12, 5.13 (SIGPIPE: writing to a socket that received RST returns EPIPE); RFC 9293 3.10.7.4; Linux tcp(7)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.server.close();
      assert.equal((await readToEnd(pair.client)).data.byteLength, 0);
      const first = await settle(pair.client.write(bytes("after close")));
      ctx.observe("write 1", shown(first));
      await roundTrip(net); // the peer's RST has come back
      const later = [await settle(pair.client.write(bytes("again"))), await settle(pair.client.write(bytes("again")))];
      later.forEach((w, i) => ctx.observe(`write ${i + 2}`, shown(w)));
      await roundTrip(net); // any report of these failures has been made
      ctx.observe("reports", reportsOf(pair.client.reports));
      assert.ok(first.ok, `the first write after the peer closed failed (${shown(first)}); the kernel accepts it`);
      for (const [i, w] of later.entries()) {
        assert.ok(!w.ok && w.error.code === "EPIPE", `write ${i + 2} gave ${shown(w)}, expected EPIPE`);
      }
    } finally {
      await pair.close();
    }
  },
});

export const pendingReadSettles = defineCase({
  id: "tcp.close.pending-read-settles",
  title: "closing while a read is pending settles the read and still sends FIN",
  semantic:
    "Closing a connection while a read is pending on it settles that read (EOF or an error) instead of leaving it hanging, and the peer still sees an orderly FIN. The kernel has no such rule for a read blocked in another thread; this is the JavaScript API's contract, for APIs whose read is an operation that can be pending.",
  reference: "Linux close(2) (NOTES); UNP 4.9",
  level: "runtime",
  requires: { capabilities: ["tcpListen", "pendingRead"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const reading = pair.client.read();
      reading.catch(() => {}); // settled below, or left hanging: the finding
      await pair.client.close();
      const hangs = await stillPendingAfter(reading, SETTLES_MS);
      ctx.observe("pending read", hangs ? `still pending ${SETTLES_MS} ms after close` : await settlement(reading));
      assert.ok(!hangs, `the pending read was still pending ${SETTLES_MS} ms after its connection closed`);
      const peer = await readToEnd(pair.server);
      ctx.observe("peer", "EOF");
      assert.equal(peer.data.byteLength, 0);
    } finally {
      await pair.close();
    }
  },
});

/** Written to a peer that is not reading: well within what every column's kernel and runtime take (3.7 MiB measured). */
const QUEUED = 1024 * 1024;

export const deliversWrittenData = defineCase({
  id: "tcp.close.delivers-written-data",
  title: "close() after the kernel took 1 MiB the peer has not read: the peer reads every byte, then EOF",
  semantic:
    "close() with nothing unread is an orderly release: data the kernel has taken but not yet delivered (here 1 MiB written to a peer that was not reading, most of it still in our send buffer) is not discarded: the kernel keeps sending it after close returns, then FIN, so the peer reads every byte in order, then EOF. Only SO_LINGER 0 discards it. (tcp.close.peer-reads-eof closes after 3 bytes that have already arrived; here most of the data is still queued at the close.)",
  reference: "UNP 7.5 (SO_LINGER off: close returns at once and the kernel tries to deliver the remaining data), 4.9; RFC 9293 3.10.4 (CLOSE: queued SENDs are sent, then FIN)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const data = pattern(QUEUED, 5);
      const { written, held } = await writeUntilHeld(pair.client, { piece: piecesOf(data, CHUNK) });
      ctx.observe("written before close", written);
      // The premise: every write completed, so the bytes are the kernel's, not a runtime's queue.
      assert.ok(!held, `a write was held after ${written} bytes with the peer not reading: the kernel did not take ${QUEUED} bytes`);
      await pair.client.close();
      const { data: got, last } = await readUntilEnd(pair.server);
      ctx.observe("peer read", `${got.byteLength} bytes, then ${shown(last)}`);
      assert.ok(last.ok, `the peer's reads ended with ${shown(last)} after ${got.byteLength} bytes`);
      assert.equal(got.byteLength, QUEUED, "the peer's EOF came before every byte written");
      assert.ok(Buffer.compare(got, data) === 0, "the bytes before EOF differ from those written");
    } finally {
      await pair.close();
    }
  },
});

export const resetIsAnError = defineCase({
  id: "tcp.close.reset-is-an-error",
  title: "a peer's RST after data: the reader gets the data, then ECONNRESET, never a plain EOF",
  semantic:
    "When the other end aborts (RST) right after sending data, the read that follows the data fails with ECONNRESET: a reset is reported as an error, never as the EOF an orderly FIN gives. The reference peer sends the data, lets the column's runtime see it arrive, then sends the RST, so every column answers. (The kernel also keeps the data that arrived before the RST readable first; how much the reader got is recorded, only the error is checked. tcp.close.read-after-peer-reset resets with nothing sent; here data precedes the RST, still unread when it arrives, and the end of that data must not read as EOF.)",
  reference: "UNP 5.13, 7.5 (SO_LINGER 0: RST); RFC 9293 3.10.7.4 (RST in ESTABLISHED: the user is told the connection was reset); Linux tcp(7)",
  sides: "column+peer",
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await peerPair(net, { peer, column: "client" });
    try {
      const words = bytes("last words");
      await pair.peer.write(words);
      // The data reaches the column's runtime (read ahead, if it does) before the RST: one order, every run.
      await roundTripFromPeer(net, peer);
      await pair.peer.abort!();
      await roundTripFromPeer(net, peer); // the RST has reached the column's runtime
      const { data, last } = await readUntilEnd(pair.column);
      ctx.observe("read before the end", `${data.byteLength} of ${words.byteLength} bytes`);
      failureSeen(ctx, { key: "the read after the data", settled: last, reports: pair.column.reports, codes: ["ECONNRESET"] });
    } finally {
      await pair.close();
    }
  },
});

export const localCloseNoError = defineCase({
  id: "tcp.close.local-close-no-error",
  title: "closing our own connection reports no error on it",
  semantic:
    "close() by this side is not a failure: it succeeds, and nothing is reported on the connection afterwards (no ECONNRESET, EPIPE or other error of its own making), even with data exchanged both ways just before.",
  reference: "POSIX close(); UNP 4.9 (close), 2.6; RFC 9293 3.10.4 (CLOSE)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.write(bytes("ping"));
      await readExactly(pair.server, 4);
      await pair.server.write(bytes("pong"));
      await readExactly(pair.client, 4);
      const closing = await settle(pair.client.close());
      ctx.observe("close", shown(closing));
      await roundTrip(net); // any report of the close has been made
      ctx.observe("reports", reportsOf(pair.client.reports));
      assert.ok(closing.ok, `close() of our own connection failed: ${shown(closing)}`);
      assert.equal(reportsOf(pair.client.reports), "none", "an error was reported on a connection this side closed");
    } finally {
      await pair.close();
    }
  },
});

/** How long the aborted socket may take to leave the kernel's socket table. */
const GONE_MS = 200;

export const abortDiscardsUnsent = defineCase({
  id: "tcp.close.abort-discards-unsent",
  title: "an abortive close with data queued sends RST at once: no socket stays to send the queue, and the peer gets ECONNRESET",
  semantic:
    "With SO_LINGER {on, 0}, close() discards the data still queued in the send buffer and sends RST at once: the connection leaves the kernel's socket table at once (a graceful close would leave it in FIN_WAIT1, still trying to send the queue to a peer that is not reading), and the peer reads at most what had reached it, then ECONNRESET. Every write had completed (1 MiB, all taken by the kernel), so what the peer lacks was discarded by the kernel, not held back by the runtime. (tcp.close.abortive aborts with a write still held by flow control and checks the peer; here nothing is held, and the point is that no socket remains.)",
  reference: "UNP 7.5 (SO_LINGER with l_linger 0: the data in the send buffer is discarded and RST is sent); RFC 9293 3.10.4 (ABORT); Linux socket(7), tcp(7)",
  requires: { capabilities: ["tcpListen", "abortiveClose"], fixtures: ["lab"] },
  async run(net, ctx) {
    const lab = ctx.lab;
    assert.ok(lab, "the lab's socket table is not available to this case");
    const pair = await connectedPair(net);
    try {
      const { written, held } = await writeUntilHeld(pair.client, { piece: piecesOf(new Uint8Array(QUEUED).fill(7), CHUNK) });
      ctx.observe("written before the abort", written);
      assert.ok(!held, `a write was held after ${written} bytes with the peer not reading: the kernel did not take ${QUEUED} bytes`);
      const client = `${LOOPBACK4}:${pair.client.localAddr.port}`;
      await pair.client.abort!();
      const gone = await within(GONE_MS, async () => !(await lab.tcpSockets()).some((s) => s.local === client));
      const left = (await lab.tcpSockets()).filter((s) => s.local === client).map((s) => s.state);
      ctx.observe("client's socket after the abort", left.length ? left : "gone");
      const { data, last } = await readUntilEnd(pair.server);
      ctx.observe("peer read before the end", data.byteLength);
      assert.ok(gone, `the client's socket ${client} was still listed (${left.join(", ")}) ${GONE_MS} ms after the abort`);
      failureSeen(ctx, { key: "peer's last read", settled: last, reports: pair.server.reports, codes: ["ECONNRESET"] });
    } finally {
      await pair.close();
    }
  },
});

export const writeAfterPeerReset = defineCase({
  id: "tcp.close.write-after-peer-reset",
  title: "writes after the peer's RST fail with ECONNRESET or EPIPE, never silently",
  semantic:
    "Once the other end's RST has arrived the connection is gone: the first write fails with ECONNRESET (the error the RST left pending) and every later one with EPIPE; none is accepted. The reference peer sends the RST, so every column answers. (tcp.close.write-after-peer-close starts from the peer's FIN, after which one write is accepted; here the RST comes first, so no write may succeed.)",
  reference: "UNP 5.13 (writing to a socket that received RST: EPIPE), 7.5; RFC 9293 3.10.7.4; Linux tcp(7), send(2) [ECONNRESET, EPIPE]",
  sides: "column+peer",
  run: (net, ctx) =>
    afterPeerReset(net, {
      ctx,
      async body(column, peer) {
        const writes = [];
        for (let i = 0; i < 3; i++) writes.push(await settle(column.write(bytes("after the reset"))));
        writes.forEach((w, i) => ctx.observe(`write ${i + 1}`, shown(w)));
        await roundTripFromPeer(net, peer); // any report of these failures has been made
        ctx.observe("reports", reportsOf(column.reports));
        for (const [i, w] of writes.entries()) {
          assert.ok(!w.ok && ["ECONNRESET", "EPIPE"].includes(w.error.code), `write ${i + 1} gave ${shown(w)}, expected ECONNRESET or EPIPE`);
        }
      },
    }),
});

export const settlesHeldWrite = defineCase({
  id: "tcp.close.settles-held-write",
  title: "closing a connection settles its write held by flow control",
  semantic:
    "A write held back by flow control (the peer not reading) is an operation pending in the API; closing the connection must settle it (reject it, or resolve it if the runtime had handed its bytes to the kernel) instead of leaving it pending forever. The kernel has no such rule for a write blocked in another thread: this is the JavaScript API's contract. (tcp.close.abortive only records what its held write does after an abort; here close() must settle it.)",
  reference: "Linux close(2) (NOTES: closing a descriptor other threads use); UNP 4.9, 16.2 (nonblocking writes)",
  slow: true,
  level: "runtime",
  timeLimitMs: 15000,
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const chunk = new Uint8Array(CHUNK).fill(7);
      const { written, held } = await writeUntilHeld(pair.client, { piece: (offset) => offset < MAX_UNREAD ? chunk : undefined });
      ctx.observe("written before held", written);
      assert.ok(held, `every write of ${MAX_UNREAD} bytes completed with nobody reading: no write was held`);
      await pair.client.close();
      const hangs = await stillPendingAfter(held.writing, SETTLES_MS);
      ctx.observe("held write after close", hangs ? `still pending ${SETTLES_MS} ms after close` : await settlement(held.writing));
      // Whether the held write's bytes reached the peer, beside how it settled (recorded, not checked).
      const { data, last } = await readUntilEnd(pair.server);
      ctx.observe("peer read", `${data.byteLength} bytes (${written} before the held write, ${held.bytes} in it), then ${shown(last)}`);
      assert.ok(!hangs, `the held write was still pending ${SETTLES_MS} ms after its connection closed`);
    } finally {
      await pair.close();
    }
  },
});
