/**
 * TCP data transfer: a byte stream, flow control, and the edges of write.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defineCase } from "../core/case.ts";
import { bytes, connectedPair, readExactly, readToEnd, stillPendingAfter, text } from "./_helpers.ts";

export const echo = defineCase({
  id: "tcp.data.echo",
  title: "the classic echo server answers each line uppercased",
  semantic:
    "Bytes written on one end of a connection are read, in order and unchanged, on the other: a server that reads a request and writes it back uppercased gives the client its answer.",
  reference: "UNP 5.2–5.5 (TCP echo client/server)",
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

function pattern(seed: number): Uint8Array {
  const data = new Uint8Array(LARGE);
  let x = seed;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return data;
}

/** Writes `data` in 1 MiB pieces, then half-closes, so reading to EOF ends. */
async function send(conn: { write(d: Uint8Array): Promise<void> }, data: Uint8Array) {
  for (let offset = 0; offset < data.length; offset += 1 << 20) {
    await conn.write(data.subarray(offset, offset + (1 << 20)));
  }
}

export const largeTransfer = defineCase({
  id: "tcp.data.large-transfer",
  title: "16 MiB each way at the same time arrive byte-exact without deadlock",
  semantic:
    "Both ends writing 16 MiB while reading concurrently make progress (each side's reads drain the other's send buffer) and every byte arrives in order.",
  reference: "UNP 6.2 (I/O models), 16.2 (nonblocking reads and writes); RFC 9293 3.8.6 (flow control)",
  timeLimitMs: 20000,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const up = pattern(1);
      const down = pattern(2);
      const [, , atServer, atClient] = await Promise.all([
        send(pair.client, up),
        send(pair.server, down),
        readExactly(pair.server, LARGE),
        readExactly(pair.client, LARGE),
      ]);
      ctx.observe("bytes each way", LARGE);
      assert.ok(Buffer.compare(atServer, up) === 0, "client→server bytes differ");
      assert.ok(Buffer.compare(atClient, down) === 0, "server→client bytes differ");
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
/** Far beyond any loopback send plus receive buffer (a few MiB). */
const MAX_UNREAD = 64 * 1024 * 1024;
/**
 * A write still pending after this long is held back by flow control. A
 * runtime that reads eagerly but is slow for a moment can hold a write for
 * a while too, so a held write must stay held over a second, longer window.
 */
const HELD_MS = 200;
const STILL_HELD_MS = 500;

export const backpressure = defineCase({
  id: "tcp.data.backpressure",
  title: "a writer to a peer that does not read is held back, and nothing is lost",
  semantic:
    "When the peer does not read, its receive buffer and then our send buffer fill, and a write can no longer complete (a blocking write blocks). Once the peer reads, the held write completes and every byte arrives.",
  reference: "UNP 2.11 (buffer sizes and limits), 16.2; RFC 9293 3.8.6 (window)",
  timeLimitMs: 15000,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const chunk = new Uint8Array(CHUNK).fill(7);
      let written = 0;
      let held: Promise<void> | undefined;
      while (written < MAX_UNREAD) {
        const writing = pair.client.write(chunk);
        if (await stillPendingAfter(writing, HELD_MS) && await stillPendingAfter(writing, STILL_HELD_MS)) {
          held = writing;
          break;
        }
        await writing;
        written += CHUNK;
      }
      ctx.observe("bytes accepted before held", written);
      assert.ok(held, `every write of ${MAX_UNREAD} bytes completed with nobody reading`);
      const reading = readToEnd(pair.server);
      await held;
      written += CHUNK;
      await pair.client.close();
      const { data } = await reading;
      ctx.observe("bytes read", data.byteLength);
      assert.equal(data.byteLength, written);
      assert.ok(data.every((b) => b === 7), "bytes changed in transit");
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
