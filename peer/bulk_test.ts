/**
 * The peer's bulk loops and its reading of this process's memory, against
 * node:net and node:dgram sockets of this process: each loop moves what it
 * says, counts it, ends when it says (EOF, its count, a stop) and gives up
 * at its time limit.
 *
 * Run: `node --import tsx --test peer/bulk_test.ts`.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { once } from "node:events";
import net from "node:net";
import { after, before, test } from "node:test";
import { type Peer, startPeer } from "./mod.ts";

const HOST = "127.0.0.1";
const MiB = 1024 * 1024;

let peer: Peer;
before(async () => {
  peer = startPeer();
  await peer.ready();
});
after(() => peer.close());

/** A node:net client connected to a peer listener, and the peer's end of it. */
async function pair() {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  const socket = net.connect({ host: HOST, port: listener.addr.port, allowHalfOpen: true });
  await once(socket, "connect");
  const conn = (await listener.accept())!;
  await listener.close();
  return { socket, conn };
}

test("echo sends back every byte and, at EOF, gives the count", async () => {
  const { socket, conn } = await pair();
  const echoing = peer.bulk.echo(conn);
  let back = 0;
  socket.on("data", (chunk: Buffer) => back += chunk.length);
  const ended = once(socket, "end");
  socket.end(Buffer.alloc(100_000, 1));
  assert.deepEqual(await echoing, { bytes: 100_000 });
  await conn.close();
  await ended;
  assert.equal(back, 100_000);
});

test("sink reads to EOF and notes, in order, when the count passed each mark", async () => {
  const { socket, conn } = await pair();
  const sinking = peer.bulk.sink(conn, { marks: [MiB, 4 * MiB, 8 * MiB] });
  socket.end(Buffer.alloc(8 * MiB, 2));
  const { bytes, marksMs } = await sinking;
  assert.equal(bytes, 8 * MiB);
  assert.equal(marksMs.length, 3);
  assert.ok(marksMs[0] <= marksMs[1] && marksMs[1] <= marksMs[2]);
  await conn.close();
  socket.destroy();
});

test("source sends its bytes, then EOF", async () => {
  const { socket, conn } = await pair();
  const sourcing = peer.bulk.source(conn, { bytes: 3 * MiB + 5, chunkBytes: MiB });
  let got = 0;
  socket.on("data", (chunk: Buffer) => got += chunk.length);
  await once(socket, "end");
  assert.equal((await sourcing).bytes, 3 * MiB + 5);
  assert.equal(got, 3 * MiB + 5);
  await conn.close();
  socket.destroy();
});

test("the accept loop accepts and closes each connection until stopped", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  const accepting = peer.bulk.acceptLoop(listener);
  await accepting.started;
  for (let i = 0; i < 20; i++) {
    const socket = net.connect({ host: HOST, port: listener.addr.port });
    await once(socket, "end"); // the peer closed it
    socket.destroy();
  }
  await accepting.stop();
  assert.deepEqual(await accepting.result, { accepted: 20 });
  await listener.close();
});

test("the connect loop keeps its connections in flight, each closed after the other side closes it", async () => {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  server.listen(0, HOST);
  await once(server, "listening");
  const connecting = peer.bulk.connectLoop({ hostname: HOST, port: (server.address() as net.AddressInfo).port }, { concurrency: 3 });
  while (accepted < 50) await once(server, "connection");
  await connecting.stop();
  const { connected, closed } = await connecting.result;
  assert.ok(connected >= 50 && closed >= 47 && closed <= connected, `${connected} connected, ${closed} closed`);
  server.close();
});

test("the UDP loops count datagrams: the sink what arrived by its stop, the source what it sent", async () => {
  const sinkSocket = await peer.udp.bind({ hostname: HOST, port: 0 });
  const sinking = peer.bulk.udpSink(sinkSocket);
  await sinking.started;
  const sender = dgram.createSocket("udp4");
  for (let i = 0; i < 200; i++) await new Promise((resolve) => sender.send(Buffer.alloc(1024), sinkSocket.address().port, HOST, resolve));
  await sinking.stop();
  assert.deepEqual(await sinking.result, { datagrams: 200, bytes: 200 * 1024 });
  const receiver = dgram.createSocket("udp4");
  let received = 0;
  receiver.on("message", () => received++);
  receiver.bind(0, HOST);
  await once(receiver, "listening");
  await sinkSocket.connect!({ hostname: HOST, port: receiver.address().port });
  const sourcing = peer.bulk.udpSource(sinkSocket, { size: 512, count: 100 });
  assert.deepEqual(await sourcing.result, { sent: 100 });
  // 100 datagrams of 512 bytes fit in a default receive buffer: every one arrives.
  while (received < 100) await once(receiver, "message");
  await sinkSocket.close();
  sender.close();
  receiver.close();
});

test("a loop that reaches its time limit rejects", async () => {
  const { socket, conn } = await pair();
  await assert.rejects(peer.bulk.sink(conn, { marks: [1], limitMs: 100 }), /not done within its limit of 100 ms/);
  await conn.close();
  socket.destroy();
});

test("the column's memory: the peak restarts from the current RSS and then covers what was touched", async () => {
  await peer.columnMemory({ resetPeak: true });
  const { rss, peak } = await peer.columnMemory();
  assert.ok(rss > 0 && peak >= rss && peak < rss + 16 * MiB, `${rss} ${peak}`);
  let big: Buffer | undefined = Buffer.alloc(64 * MiB, 1); // zero-filled and written: resident
  const after = await peer.columnMemory({ resetPeak: true });
  assert.ok(after.peak >= rss + 60 * MiB, `${after.peak} after touching 64 MiB from ${rss}`);
  assert.equal(big.length, 64 * MiB);
  big = undefined;
});

test("closing a socket ends the loop running on it first: the loop answers with what it counted", async () => {
  const { socket, conn } = await pair();
  const echoing = peer.bulk.echo(conn);
  socket.write(Buffer.alloc(10, 3));
  await once(socket, "data");
  await conn.close(); // with the echo still waiting for more
  assert.deepEqual(await echoing, { bytes: 10 });
  socket.destroy();
});
