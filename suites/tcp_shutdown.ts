/**
 * shutdown(SHUT_WR): the half-close, and what it allows and forbids.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conn } from "../core/adapter.ts";
import { type CaseContext, defineCase, type TcpTableEntry } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import {
  bytes,
  connectedPair,
  LOOPBACK4,
  pattern,
  peerOf,
  peerPair,
  piecesOf,
  readAgainst,
  readExactly,
  readToEnd,
  readUntilEnd,
  reportsOf,
  roundTrip,
  settle,
  shown,
  text,
  within,
} from "./helpers.ts";

export const halfClose = defineCase({
  id: "tcp.shutdown.half-close",
  title: "after shutdown(SHUT_WR) the peer reads EOF and its reply still arrives",
  semantic:
    "shutdown(SHUT_WR) sends FIN after the queued data: the other end reads the request then EOF, and can still send its reply, which the half-closed side reads before its own EOF. The column half-closes; the reference peer reads, replies and half-closes in turn.",
  reference: "UNP 6.6 (shutdown), 6.7 (str_cli with shutdown); RFC 9293 3.6 (half-closed connections)",
  requires: { capabilities: ["halfClose"] },
  sides: "column+peer",
  async run(net, ctx) {
    const pair = await peerPair(net, { peer: peerOf(ctx), column: "client" });
    try {
      await pair.column.write(bytes("request"));
      await pair.column.closeWrite!();
      const request = await readToEnd(pair.peer);
      ctx.observe("peer read", `${text(request.data)} then EOF`);
      assert.equal(text(request.data), "request");
      await pair.peer.write(bytes("reply"));
      await pair.peer.closeWrite!();
      const reply = await readToEnd(pair.column);
      ctx.observe("column read", `${text(reply.data)} then EOF`);
      assert.equal(text(reply.data), "reply");
    } finally {
      await pair.close();
    }
  },
});

export const peerHalfClose = defineCase({
  id: "tcp.shutdown.peer-half-close",
  title: "after the peer's shutdown(SHUT_WR) the column reads EOF and can still reply",
  semantic:
    "A FIN ends only the sender's direction: the receiver reads the request then EOF, and its socket stays writable, so its reply reaches the half-closed sender, which reads it then the receiver's own EOF. The reference peer half-closes; the column reads EOF, replies and closes.",
  reference: "UNP 6.6 (shutdown), 6.7; RFC 9293 3.6 (CLOSE-WAIT: the receiver may continue to send)",
  sides: "column+peer",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await peerPair(net, { peer: peerOf(ctx), column: "server" });
    try {
      await pair.peer.write(bytes("request"));
      await pair.peer.closeWrite!();
      const request = await readUntilEnd(pair.column);
      ctx.observe("column read", `${text(request.data)}, then ${shown(request.last)}`);
      assert.ok(request.last.ok, `the column's reads ended with ${shown(request.last)}, not EOF`);
      assert.equal(text(request.data), "request");
      const replying = await settle(pair.column.write(bytes("reply")));
      ctx.observe("column's reply", shown(replying));
      assert.ok(replying.ok, `the column could not reply after reading EOF: ${shown(replying)}`);
      await pair.column.close();
      const reply = await readUntilEnd(pair.peer);
      ctx.observe("peer read", `${text(reply.data)}, then ${shown(reply.last)}`);
      assert.ok(reply.last.ok, `the peer's reads ended with ${shown(reply.last)}`);
      assert.equal(text(reply.data), "reply");
    } finally {
      await pair.close();
    }
  },
});

export const peerCanStillWrite = defineCase({
  id: "tcp.shutdown.peer-can-still-write",
  title: "the side that received the FIN can keep writing later",
  semantic:
    "Receiving a FIN only ends the peer's direction: the receiver's socket stays writable for as long as it likes, so data it writes after later events (here, a message on another connection) still reaches the half-closed peer.",
  reference: "UNP 6.6; RFC 9293 3.6 (CLOSE-WAIT: the receiver may continue to send)",
  requires: { capabilities: ["tcpListen", "halfClose"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    const control = await connectedPair(net);
    try {
      await pair.client.closeWrite!();
      assert.equal((await readToEnd(pair.server)).data.byteLength, 0);
      // Wait for a real later event: a message on another connection.
      await control.client.write(bytes("go"));
      await readExactly(control.server, 2);
      await pair.server.write(bytes("later"));
      await control.client.write(bytes("go"));
      await readExactly(control.server, 2);
      await pair.server.write(bytes("+more"));
      await pair.server.close();
      const got = await readToEnd(pair.client);
      ctx.observe("client read", text(got.data));
      assert.equal(text(got.data), "later+more");
    } finally {
      await Promise.all([pair.close(), control.close()]);
    }
  },
});

export const writeAfterShutdown = defineCase({
  id: "tcp.shutdown.write-after-shutdown",
  title: "writing after shutdown(SHUT_WR) fails with EPIPE",
  semantic:
    "After shutdown(SHUT_WR) the socket can no longer send: write() fails with EPIPE.",
  reference: "POSIX shutdown(), write() [EPIPE]; UNP 5.13 (SIGPIPE), 6.6",
  requires: { capabilities: ["tcpListen", "halfClose"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.closeWrite!();
      await rejectsWith(ctx, "write after shutdown", pair.client.write(bytes("late")), "EPIPE");
    } finally {
      await pair.close();
    }
  },
});

/** Far beyond the kernel's loopback buffers and any runtime's read-ahead (a few MiB together). */
const BULK = 8 * 1024 * 1024;
const PIECE = 1 << 20;
/** What the writer gets ahead of a peer not yet reading: less than every column takes unread (3.7 MiB measured). */
const HEAD_START = 2 * 1024 * 1024;

/** Asserts `conn`'s reads ended in EOF after exactly `data`, recording under `key` what they gave. */
async function readsExactlyThenEof(ctx: CaseContext, options: { conn: Conn; data: Uint8Array; key: string }): Promise<void> {
  const { conn, data, key } = options;
  const { bytes, firstDifference, last } = await readAgainst(conn, data, { toEnd: true });
  ctx.observe(key, `${bytes} bytes, then ${shown(last!)}`);
  assert.ok(last!.ok, `the reads ended with ${shown(last!)} after ${bytes} of ${data.byteLength} bytes`);
  assert.equal(bytes, data.byteLength, "EOF came before every byte written");
  assert.equal(firstDifference, undefined, `the bytes before EOF differ from those written from byte ${firstDifference} on`);
}

export const deliversAllBeforeFin = defineCase({
  id: "tcp.shutdown.delivers-all-before-fin",
  title: "8 MiB written, then shutdown(SHUT_WR): the peer reads all 8 MiB, then EOF",
  semantic:
    "shutdown(SHUT_WR) puts the FIN behind the data already written: nothing queued is dropped. Here the peer reads nothing until 2 MiB have been written, so it is megabytes behind the writer when shutdown is called and the FIN waits behind them; the peer then reads all 8 MiB in order, and only then EOF. (tcp.shutdown.half-close checks the FIN after a few bytes; here it waits behind megabytes.)",
  reference:
    "UNP 6.6 (shutdown SHUT_WR: data in the send buffer is sent, followed by the normal termination sequence); RFC 9293 3.6 (the FIN follows the queued data), 3.10.4 (CLOSE)",
  requires: { capabilities: ["tcpListen", "halfClose"] },
  timeLimitMs: 10000,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const data = pattern(BULK, 3);
      const next = piecesOf(data, PIECE);
      let offset = 0;
      const writeUpTo = async (end: number) => {
        for (let piece = next(offset); piece && offset < end; piece = next(offset)) {
          await pair.client.write(piece);
          offset += piece.byteLength;
        }
      };
      await writeUpTo(HEAD_START);
      ctx.observe("written before the peer read", offset);
      const reading = readsExactlyThenEof(ctx, { conn: pair.server, data, key: "peer read" });
      reading.catch(() => {}); // awaited below, once the writes are done
      await writeUpTo(BULK);
      await pair.client.closeWrite!();
      await reading;
    } finally {
      await pair.close();
    }
  },
});

export const readsAfterOwnFin = defineCase({
  id: "tcp.shutdown.reads-after-own-fin",
  title: "after our shutdown(SHUT_WR), a peer's 8 MiB still arrive whole",
  semantic:
    "shutdown(SHUT_WR) ends only our direction: the socket keeps receiving and keeps opening its window as it reads, so a peer that answers our FIN with 8 MiB (far more than the buffers hold: flow control must keep working after the FIN) delivers every byte in order, and its own FIN then ends our reads. (tcp.shutdown.half-close and peer-can-still-write carry a few bytes after the FIN; here megabytes.)",
  reference: "UNP 6.6 (shutdown: the read half stays open); RFC 9293 3.6 (half-closed connections), 3.8.6 (window management)",
  requires: { capabilities: ["tcpListen", "halfClose"] },
  timeLimitMs: 15000,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.closeWrite!();
      assert.equal((await readToEnd(pair.server)).data.byteLength, 0, "the peer read data before our FIN");
      const data = pattern(BULK, 4);
      const writing = (async () => {
        const next = piecesOf(data, PIECE);
        for (let offset = 0, piece = next(0); piece; offset += piece.byteLength, piece = next(offset)) {
          await pair.server.write(piece);
        }
        await pair.server.closeWrite!();
      })();
      writing.catch(() => {}); // a failed read ends the case first; closing the pair then settles the writes
      await readsExactlyThenEof(ctx, { conn: pair.client, data, key: "read after our FIN" });
      await writing;
    } finally {
      await pair.close();
    }
  },
});

/** How long the closed connection may take to show in the socket table as it ends. */
const LISTED_MS = 1000;

export const bothDirections = defineCase({
  id: "tcp.shutdown.both-directions",
  title: "both sides half-close: each reads EOF, nothing is reset, and the side whose FIN went first holds TIME_WAIT",
  semantic:
    "Each side's shutdown(SHUT_WR) sends a FIN: each side reads the other's EOF, no RST is sent and no error is reported on either side, and the connection ends by the normal exchange of FINs. The side whose FIN went first (here the client) made the active close and holds the connection in TIME_WAIT; the other goes through LAST_ACK to CLOSED, so the kernel lists TIME_WAIT on the client's address and nothing on the server's side. (tcp.listen.reuse-after-close checks TIME_WAIT after close(); here shutdown alone ends both directions, and the point is which side holds it.)",
  reference: "UNP 2.6 (connection termination), 2.7 (TIME_WAIT: the end that performs the active close), 6.6; RFC 9293 3.6 (case 1: local user initiates the close), 3.3.2 (state diagram)",
  requires: { capabilities: ["tcpListen", "halfClose"] },
  // The kernel's socket table shows TIME_WAIT where the lab can be made.
  lab: { preferred: true },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    const client = `${LOOPBACK4}:${pair.client.localAddr.port}`;
    const server = `${LOOPBACK4}:${pair.server.localAddr.port}`;
    try {
      await pair.client.closeWrite!();
      const atServer = await readUntilEnd(pair.server);
      await pair.server.closeWrite!();
      const atClient = await readUntilEnd(pair.client);
      ctx.observe("reads", { server: shown(atServer.last), client: shown(atClient.last) });
      await roundTrip(net); // any report of a reset has been made
      const reports = { client: reportsOf(pair.client.reports), server: reportsOf(pair.server.reports) };
      ctx.observe("reports", reports);
      assert.ok(atServer.last.ok && atClient.last.ok, "a read failed where each side reads the other's EOF");
      assert.deepEqual(reports, { client: "none", server: "none" }, "an error was reported after both sides half-closed");
    } finally {
      await pair.close();
    }
    const lab = ctx.lab;
    if (!lab) {
      ctx.observe("TIME_WAIT", "not checked (no socket table outside the lab)");
      return;
    }
    const ended = (table: TcpTableEntry[]) =>
      table.some((s) => s.state === "TIME_WAIT" && s.local === client && s.remote === server) &&
      !table.some((s) => s.local === server && s.remote === client);
    const listed = await within(LISTED_MS, async () => ended(await lab.tcpSockets()));
    const left = (await lab.tcpSockets()).filter((s) => s.local === client || s.local === server).map((s) => `${s.local} ${s.state}`);
    ctx.observe("socket table", left.length ? left : "nothing");
    assert.ok(listed, `the kernel does not list TIME_WAIT on the client's ${client} alone once both FINs were exchanged`);
  },
});
