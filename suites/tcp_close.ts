/**
 * close(): orderly release, abortive release, and what the peer sees.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conn } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import {
  bytes,
  connectedPair,
  failureSeen,
  readToEnd,
  reportsOf,
  roundTrip,
  settle,
  type Settled,
  settlement,
  shown,
  stillPendingAfter,
  text,
  writeUntilHeld,
} from "./helpers.ts";

export const peerReadsEof = defineCase({
  id: "tcp.close.peer-reads-eof",
  title: "after close the peer reads the last data, then EOF",
  semantic:
    "close() on a socket with no unread data sends the queued data and then FIN: the peer reads everything written and then EOF (read returns 0).",
  reference: "UNP 4.9 (close), 5.12; RFC 9293 3.6",
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
    "If a socket is closed while data it received is still unread in its kernel receive buffer, the kernel discards the data and sends RST instead of FIN, so the peer's read fails with ECONNRESET. Here the server never reads: the 6 bytes the client wrote are unread in its kernel receive buffer, unless its runtime read them ahead of any read (then close finds nothing unread and sends FIN).",
  reference: "RFC 2525 2.17; RFC 9293 3.10.4 (CLOSE); Linux tcp(7)",
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.write(bytes("unread"));
      // Lets the server's runtime see the data arrive (and read it ahead, if it does), as it would before any close.
      await roundTrip(net);
      await pair.server.close();
      const read = await settle(pair.client.read());
      failureSeen(ctx, { key: "client read", settled: read, reports: pair.client.reports, codes: ["ECONNRESET"] });
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
  requires: { capabilities: ["abortiveClose"] },
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
      const { received, last } = await readUntilEnd(loaded.server);
      ctx.observe("peer read before the reset", received);
      failureSeen(ctx, { key: "peer's last read", settled: last, reports: loaded.server.reports, codes: ["ECONNRESET"] });
      assert.ok(received < written, `the peer read ${received} of the ${written} bytes written: the unsent data was not discarded`);
    } finally {
      await loaded.close();
    }
  },
});

/** Reads until a read fails or gives EOF: the bytes read before, and that last read. */
async function readUntilEnd(conn: Conn): Promise<{ received: number; last: Settled<Uint8Array | null> }> {
  let received = 0;
  for (;;) {
    const last = await settle(conn.read());
    if (!last.ok || last.value === null) return { received, last };
    received += last.value.byteLength;
  }
}

export const readAfterPeerReset = defineCase({
  id: "tcp.close.read-after-peer-reset",
  title: "a read issued after the peer's RST arrived fails with ECONNRESET",
  semantic:
    "Once an RST has arrived, the connection is gone: a later read (not one already pending) fails with ECONNRESET rather than returning EOF.",
  reference: "UNP 5.13, 7.5; RFC 9293 3.10.7.4 (RST in ESTABLISHED); Linux tcp(7)",
  requires: { capabilities: ["abortiveClose"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.abort!();
      await roundTrip(net); // the RST has reached the server's runtime
      const read = await settle(pair.server.read());
      failureSeen(ctx, { key: "server read", settled: read, reports: pair.server.reports, codes: ["ECONNRESET"] });
    } finally {
      await pair.close();
    }
  },
});

export const writeAfterPeerClose = defineCase({
  id: "tcp.close.write-after-peer-close",
  title: "after the peer closed, one write is accepted and every later one fails with EPIPE",
  semantic:
    "After the peer has closed (its FIN read as EOF), the first write is accepted: the kernel sends the data and the closed peer answers it with RST. Every later write fails with EPIPE (Linux reports the RST to a socket that had the peer's FIN as EPIPE, and the connection stays unwritable), so exactly one write is accepted.",
  reference: "UNP 5.12, 5.13 (SIGPIPE: writing to a socket that received RST returns EPIPE); RFC 9293 3.10.7.4; Linux tcp(7)",
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
  requires: { capabilities: ["pendingRead"] },
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
