/**
 * TCP data transfer: a byte stream, flow control, and the edges of write.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defineCase } from "../core/case.ts";
import {
  bytes,
  connectedPair,
  finishWrites,
  pattern,
  peerOf,
  peerPair,
  piecesOf,
  readAgainst,
  readExactly,
  readToEnd,
  shown,
  text,
  writeUntilHeld,
} from "./helpers.ts";

export const echo = defineCase({
  id: "tcp.data.echo",
  title: "the classic echo server answers each line uppercased",
  semantic:
    "Bytes written on one end of a connection are read, in order and unchanged, on the other: a server that reads a request and writes it back uppercased gives the client its answer.",
  reference: "UNP 5.2–5.5 (TCP echo client/server)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      for (const line of ["hello\n", "sockets\n"]) {
        await pair.client.write(bytes(line));
        const request = await readExactly(pair.server, line.length);
        await pair.server.write(bytes(text(request).toUpperCase()));
        const answer = text(await readExactly(pair.client, line.length));
        ctx.observe(line.trim(), answer.trim());
        assert.equal(answer, line.toUpperCase());
      }
    } finally {
      await pair.close();
    }
  },
});

const LARGE = 16 * 1024 * 1024;
const PIECE = 1 << 20;

export const largeTransfer = defineCase({
  id: "tcp.data.large-transfer",
  title: "16 MiB each way at the same time arrive byte-exact without deadlock",
  semantic:
    "Both ends write 16 MiB at once. While neither reads, each writer gets only as far as the other side's read-ahead and the kernel's buffers take it (recorded); once both read while they write, each side's reads drain the other's send buffer, both writers finish and every byte arrives in order.",
  reference: "UNP 6.2 (I/O models), 16.2 (nonblocking reads and writes); RFC 9293 3.8.6 (flow control)",
  slow: true,
  timeLimitMs: 20000,
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const up = pattern(LARGE, 1);
      const down = pattern(LARGE, 2);
      const [upward, downward] = await Promise.all([
        writeUntilHeld(pair.client, { piece: piecesOf(up, PIECE) }),
        writeUntilHeld(pair.server, { piece: piecesOf(down, PIECE) }),
      ]);
      ctx.observe("client→server before held", upward.held ? upward.written : `all ${LARGE}`);
      ctx.observe("server→client before held", downward.held ? downward.written : `all ${LARGE}`);
      const [, , atServer, atClient] = await Promise.all([
        finishWrites(pair.client, { data: up, progress: upward, size: PIECE }),
        finishWrites(pair.server, { data: down, progress: downward, size: PIECE }),
        readAgainst(pair.server, up),
        readAgainst(pair.client, down),
      ]);
      for (const [way, seen] of [["client→server", atServer], ["server→client", atClient]] as const) {
        assert.equal(seen.bytes, LARGE, `${way}: the reads ended (${seen.last && shown(seen.last)}) after ${seen.bytes} of ${LARGE} bytes`);
        assert.equal(seen.firstDifference, undefined, `${way}: the bytes differ from byte ${seen.firstDifference} on`);
      }
    } finally {
      await pair.close();
    }
  },
});

const SMALL_WRITES = 100;

export const noMessageBoundaries = defineCase({
  id: "tcp.data.no-message-boundaries",
  title: "many small writes arrive as one ordered byte stream",
  semantic:
    "TCP is a byte stream: 100 writes of 10 bytes arrive as 1000 bytes in order, in however many reads the receiver gets (often fewer than the writes); no write boundary is preserved.",
  reference: "UNP 3.9 (readn/writen: a read may return fewer bytes), 2.4; RFC 9293 2.2",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      let expected = "";
      for (let i = 0; i < SMALL_WRITES; i++) {
        const piece = `<${String(i).padStart(3, "0")}-----`.slice(0, 10);
        expected += piece;
        await pair.client.write(bytes(piece));
      }
      await pair.client.close();
      const { data, reads } = await readToEnd(pair.server);
      ctx.observe("writes", SMALL_WRITES);
      ctx.observe("reads", reads);
      assert.equal(text(data), expected);
    } finally {
      await pair.close();
    }
  },
});

const CHUNK = 64 * 1024;
/** Far beyond any loopback send plus receive buffer and a runtime's read-ahead (a few MiB). */
const MAX_UNREAD = 64 * 1024 * 1024;

export const backpressureWriter = defineCase({
  id: "tcp.data.backpressure-writer",
  title: "a writer whose peer does not read is held back, and nothing is lost",
  semantic:
    "When the other end does not read, its receive buffer and then the writer's send buffer fill, and a write can no longer complete (a blocking write blocks). The column writes to the reference peer, which reads nothing until the column's write is held: what the column's writes accepted before that, and what of it the peer's kernel holds unread, are recorded. Once the peer reads, the held write completes and every byte arrives.",
  reference: "UNP 2.11 (buffer sizes and limits), 16.2 (nonblocking writes); RFC 9293 3.8.6 (window)",
  slow: true,
  sides: "column+peer",
  timeLimitMs: 15000,
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await peerPair(net, { peer, column: "client" });
    try {
      const chunk = new Uint8Array(CHUNK).fill(7);
      const { written, held } = await writeUntilHeld(pair.column, { piece: (offset) => offset < MAX_UNREAD ? chunk : undefined });
      ctx.observe("column's writes accepted before held", written);
      ctx.observe("unread in the peer's kernel", await peer.inq(pair.peer));
      assert.ok(held, `every write of ${MAX_UNREAD} bytes completed with the peer not reading`);
      const reading = readToEnd(pair.peer);
      await held.writing;
      await pair.column.close();
      const { data } = await reading;
      ctx.observe("peer read", data.byteLength);
      assert.equal(data.byteLength, written + held.bytes);
      assert.ok(data.every((b) => b === 7), "bytes changed in transit");
    } finally {
      await pair.close();
    }
  },
});

export const backpressureReader = defineCase({
  id: "tcp.data.backpressure-reader",
  title: "a reader that stops reading holds its peer's writer back, and nothing is lost",
  semantic:
    "A reader that stops reading lets its kernel receive buffer fill; its window closes and the writer's send buffer fills, so the writer's write can no longer complete. The reference peer writes to the column, which reads once and then stops: the peer's write must be held. Recorded: the column's read-ahead, the bytes its runtime took from the kernel beyond what the case read (what the column's kernel received, less what it still holds unread, less the one read). Once the column reads again, the held write completes and every byte arrives.",
  reference: "UNP 2.11 (buffer sizes and limits), 16.2; RFC 9293 3.8.6 (window management); Linux tcp(7) (SIOCINQ)",
  slow: true,
  sides: "column+peer",
  requires: { fixtures: ["peerColumnView"] },
  timeLimitMs: 15000,
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const pair = await peerPair(net, { peer, column: "client" });
    try {
      const chunk = new Uint8Array(CHUNK).fill(9);
      await pair.peer.write(chunk);
      const first = await pair.column.read();
      assert.ok(first, "the column's first read gave EOF");
      const { written, held } = await writeUntilHeld(pair.peer, {
        piece: (offset) => offset < MAX_UNREAD - CHUNK ? chunk : undefined,
      });
      const theirs = await peer.columnSocket({ local: pair.column.localAddr, remote: pair.column.remoteAddr });
      const [info, unread, unacked] = await Promise.all([theirs.tcpInfo(), theirs.inq(), peer.outq(pair.peer)]);
      const readAhead = (info.bytesReceived ?? NaN) - unread - first.byteLength;
      ctx.observe("peer's writes accepted before held", CHUNK + written);
      ctx.observe("column read", first.byteLength);
      ctx.observe("column's read-ahead", readAhead);
      ctx.observe("unread in the column's kernel", unread);
      ctx.observe("unacknowledged in the peer's kernel", unacked);
      assert.ok(held, `every write of ${MAX_UNREAD} bytes completed with the column not reading`);
      const reading = readToEnd(pair.column);
      await held.writing;
      await pair.peer.close();
      const { data } = await reading;
      assert.equal(first.byteLength + data.byteLength, CHUNK + written + held.bytes);
      assert.ok(data.every((b) => b === 9), "bytes changed in transit");
    } finally {
      await pair.close();
    }
  },
});

export const zeroLengthWrite = defineCase({
  id: "tcp.data.zero-length-write",
  title: "a zero-length write succeeds and sends nothing",
  semantic:
    "write() of 0 bytes on a connected TCP socket returns 0 and sends no segment: the peer sees neither data nor EOF, and the next real bytes arrive first.",
  reference: "POSIX write() (nbyte 0); UNP 3.9",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.write(new Uint8Array(0));
      await pair.client.write(bytes("x"));
      const first = await pair.server.read();
      ctx.observe("first read", first === null ? "EOF" : text(first));
      assert.ok(first !== null, "peer read EOF after a zero-length write");
      assert.equal(text(first), "x");
    } finally {
      await pair.close();
    }
  },
});

/** Bytes sent each way for the byte counters. */
const COUNTED = 1 << 20;

export const byteCounters = defineCase({
  id: "tcp.data.byte-counters",
  title: "after 1 MiB each way, each end's byte counters say 1 MiB read and 1 MiB written",
  semantic:
    "A runtime's per-connection counters of bytes read and written match what the kernel moved: after 1 MiB from client to server and 1 MiB back, fully read on each side, both ends count 1,048,576 bytes read and 1,048,576 written.",
  reference: "node:net socket.bytesRead, socket.bytesWritten; no BSD socket counterpart for a connection's totals (TCP_INFO's tcpi_bytes_acked/received count what the peer acknowledged)",
  level: "runtime",
  requires: { capabilities: ["tcpListen", "byteCounters"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const data = new Uint8Array(COUNTED).fill(0x61);
      await Promise.all([pair.client.write(data), readExactly(pair.server, COUNTED)]);
      await Promise.all([pair.server.write(data), readExactly(pair.client, COUNTED)]);
      const client = pair.client.byteCounts!();
      const server = pair.server.byteCounts!();
      ctx.observe("client read, written", [client.read, client.written]);
      ctx.observe("server read, written", [server.read, server.written]);
      assert.deepEqual(client, { read: COUNTED, written: COUNTED });
      assert.deepEqual(server, { read: COUNTED, written: COUNTED });
    } finally {
      await pair.close();
    }
  },
});
