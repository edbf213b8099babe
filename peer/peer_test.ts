/**
 * The reference peer against node:net and node:dgram sockets of this
 * process (the column process here): its TCP and UDP operations, the
 * kernel's view of its own sockets and of this process's.
 *
 * Run: `node --import tsx --test peer/peer_test.ts`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import net from "node:net";
import { constants } from "node:os";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import type { Conn } from "../core/adapter.ts";
import { SocketError } from "../core/errors.ts";
import { type Peer, startPeer } from "./mod.ts";

const HOST = "127.0.0.1";
const text = (bytes: Uint8Array | null) => bytes && new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

let peer: Peer;
before(async () => {
  peer = startPeer();
  await peer.ready();
});
after(() => peer.close());

/**
 * Polls a kernel figure until `done`, at most `ms`: loopback segments and
 * their ACKs are queued in softirq, possibly after the call that sent them
 * returned, and nothing announces their arrival without reading them.
 */
async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 3000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A node:net server on loopback, with its port. */
async function nodeServer(options: net.ServerOpts, onConnection: (socket: net.Socket) => void, backlog?: number) {
  const server = net.createServer(options, onConnection);
  server.listen({ host: HOST, port: 0, backlog });
  await once(server, "listening");
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** A node:net client connected to `port`. */
async function nodeClient(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: HOST, port });
  await once(socket, "connect");
  return socket;
}

async function readAll(conn: Conn): Promise<string> {
  let all = "";
  for (let chunk = await conn.read(); chunk; chunk = await conn.read()) all += text(chunk);
  return all;
}

const closeServer = (server: net.Server) => new Promise((resolve) => server.close(resolve));

test("the peer connects to a node:net server, writes, half-closes and reads the reply up to EOF", async () => {
  const { server, port } = await nodeServer({ allowHalfOpen: true }, (socket) => {
    let got = "";
    socket.on("data", (chunk) => got += chunk);
    socket.on("end", () => socket.end(`reply:${got}`));
  });
  const conn = await peer.tcp.connect({ hostname: HOST, port });
  try {
    assert.deepEqual(conn.remoteAddr, { hostname: HOST, port, family: "IPv4" });
    await conn.write(bytes("ping"));
    await conn.closeWrite!();
    assert.equal(await readAll(conn), "reply:ping");
  } finally {
    await conn.close();
    await closeServer(server);
  }
});

test("the peer's listener accepts a node:net client and reads its bytes up to EOF", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  const client = await nodeClient(listener.addr.port);
  const accepted = (await listener.accept())!;
  try {
    assert.equal(accepted.remoteAddr.port, client.localPort);
    assert.equal(accepted.localAddr.port, listener.addr.port);
    client.end("from node");
    assert.equal(await readAll(accepted), "from node");
  } finally {
    client.destroy();
    await accepted.close();
    await listener.close();
  }
  assert.equal(await listener.accept(), null, "a closed listener's accept settles null, as the kernel adapter's does");
});

test("a pending accept or read in the peer holds back no other request", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  let acceptDone = false;
  const pendingAccept = listener.accept().finally(() => acceptDone = true); // nobody has connected yet
  const other = await peer.tcp.listen({ hostname: HOST, port: 0 });
  assert.equal(acceptDone, false, "the listen was answered while the accept was pending");
  const client = await nodeClient(listener.addr.port);
  const accepted = (await pendingAccept)!;
  let readDone = false;
  const pendingRead = accepted.read().finally(() => readDone = true); // node has sent nothing yet
  const conn = await peer.tcp.connect(other.addr);
  const otherAccepted = (await other.accept())!;
  try {
    await conn.write(bytes("x"));
    assert.equal(text(await otherAccepted.read()), "x");
    assert.equal(readDone, false, "a connect, accept, write and read were answered while the read was pending");
    client.write("late");
    assert.equal(text(await pendingRead), "late");
  } finally {
    client.destroy();
    await Promise.all([conn.close(), otherAccepted.close(), accepted.close(), listener.close(), other.close()]);
  }
});

test("an already aborted signal makes the peer's connect reject, and the peer goes on", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  try {
    await assert.rejects(peer.tcp.connect({ ...listener.addr, signal: AbortSignal.abort() }), SocketError);
    const conn = await peer.tcp.connect(listener.addr);
    await conn.close();
  } finally {
    await listener.close();
  }
});

test("a refused connect rejects with the kernel's ECONNREFUSED, carried from the peer", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  await listener.close();
  await assert.rejects(peer.tcp.connect(listener.addr), (err: unknown) => {
    assert.ok(err instanceof SocketError);
    assert.equal(err.code, "ECONNREFUSED");
    assert.equal(err.raw.errno, constants.errno.ECONNREFUSED);
    return true;
  });
});

test("the peer's UDP socket exchanges datagrams with a node:dgram socket", async () => {
  const mine = await peer.udp.bind({ hostname: HOST, port: 0 });
  const theirs = dgram.createSocket("udp4");
  theirs.bind(0, HOST);
  await once(theirs, "listening");
  const theirPort = theirs.address().port;
  try {
    const arrived = once(theirs, "message");
    await mine.send(bytes("to node"), { hostname: HOST, port: theirPort });
    const [message, rinfo] = await arrived;
    assert.equal(String(message), "to node");
    assert.equal(rinfo.port, mine.address().port);

    theirs.send("to peer", mine.address().port, HOST);
    const got = (await mine.receive())!;
    assert.equal(text(got.data), "to peer");
    assert.deepEqual(got.from, { hostname: HOST, port: theirPort, family: "IPv4" });
    assert.equal(got.truncated, false);

    theirs.send("xyz", mine.address().port, HOST);
    const cut = (await mine.receive({ bufferSize: 1 }))!;
    assert.equal(text(cut.data), "x");
    assert.equal(cut.truncated, true);

    await mine.connect!({ hostname: HOST, port: theirPort });
    const connected = once(theirs, "message");
    await mine.send(bytes("connected"));
    assert.equal(String((await connected)[0]), "connected");
  } finally {
    theirs.close();
    await mine.close();
  }
  assert.throws(() => mine.address(), SocketError, "address() of a closed socket fails as the kernel adapter's does");
});

test("an unbound peer UDP socket gets its port at its first send, and address() shows it", async () => {
  const theirs = dgram.createSocket("udp4");
  theirs.bind(0, HOST);
  await once(theirs, "listening");
  const mine = await peer.udp.open!({ family: "IPv4" });
  try {
    assert.equal(mine.address().port, 0);
    const arrived = once(theirs, "message");
    await mine.send(bytes("first"), { hostname: HOST, port: theirs.address().port });
    const [, rinfo] = await arrived;
    assert.notEqual(mine.address().port, 0);
    assert.equal(mine.address().port, rinfo.port);
  } finally {
    theirs.close();
    await mine.close();
  }
});

test("inq counts the bytes the peer has not read; the writer's outq is 0 once they are acknowledged", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  const client = await nodeClient(listener.addr.port);
  const accepted = (await listener.accept())!;
  try {
    const sent = Buffer.alloc(1000, 7);
    await new Promise<void>((resolve, reject) => client.write(sent, (err) => err ? reject(err) : resolve()));
    assert.equal(await settled(() => peer.inq(accepted), (n) => n === 1000), 1000);
    const writer = await peer.columnSocket({
      local: { hostname: client.localAddress!, port: client.localPort! },
      remote: { hostname: client.remoteAddress!, port: client.remotePort! },
    });
    assert.equal(await settled(() => writer.outq(), (n) => n === 0), 0);
    assert.equal(await peer.outq(accepted), 0, "the peer wrote nothing");
    let read = 0;
    while (read < 1000) read += (await accepted.read())!.byteLength;
    assert.equal(await peer.inq(accepted), 0);
  } finally {
    client.destroy();
    await accepted.close();
    await listener.close();
  }
});

test("a peer writing to a node:net socket that does not read sees its outq grow, and the node side's inq", async () => {
  let serverSide!: net.Socket;
  const { server, port } = await nodeServer({ pauseOnConnect: true }, (socket) => serverSide = socket);
  const conn = await peer.tcp.connect({ hostname: HOST, port });
  const total = 2 * 1024 * 1024; // more than the reader's receive window holds
  const writing = conn.write(new Uint8Array(total));
  try {
    assert.ok(await settled(() => peer.outq(conn), (n) => n > 0) > 0, "written bytes wait unacknowledged");
    while (!serverSide) await once(server, "connection");
    const reader = await peer.columnSocket({ local: { hostname: HOST, port }, remote: conn.localAddr });
    const unread = await reader.inq();
    assert.ok(unread > 0 && unread < total, `node's socket holds ${unread} unread bytes`);
    assert.equal((await peer.tcpInfo(conn)).state, "ESTABLISHED");
    let received = 0;
    serverSide.on("data", (chunk: Buffer) => received += chunk.byteLength);
    serverSide.resume();
    await writing;
    assert.equal(await settled(() => peer.outq(conn), (n) => n === 0), 0);
    const ended = once(serverSide, "end");
    await conn.closeWrite!();
    await ended;
    assert.equal(received, total);
  } finally {
    await conn.close();
    serverSide?.destroy();
    await closeServer(server);
  }
});

test("soError shows the ECONNRESET a reset left on the peer's socket, once", async () => {
  let serverSide!: net.Socket;
  const { server, port } = await nodeServer({}, (socket) => serverSide = socket);
  const conn = await peer.tcp.connect({ hostname: HOST, port });
  try {
    while (!serverSide) await once(server, "connection");
    serverSide.resetAndDestroy();
    assert.equal((await settled(() => peer.tcpInfo(conn), (info) => info.state === "CLOSE")).state, "CLOSE");
    assert.equal(await peer.soError(conn), constants.errno.ECONNRESET);
    assert.equal(await peer.soError(conn), 0, "reading SO_ERROR clears it");
  } finally {
    await conn.close();
    await closeServer(server);
  }
});

test("the column-socket view reads TCP_NODELAY as Node set it", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0 });
  const client = await nodeClient(listener.addr.port);
  const accepted = (await listener.accept())!;
  try {
    const mine = await peer.columnSocket({
      local: { hostname: client.localAddress!, port: client.localPort! },
      remote: accepted.localAddr,
    });
    // Node documents net.Socket's noDelay as false by default.
    assert.equal((await mine.options()).TCP_NODELAY, 0);
    client.setNoDelay(true);
    assert.equal((await mine.options()).TCP_NODELAY, 1);
    client.setNoDelay(false);
    assert.equal((await mine.options()).TCP_NODELAY, 0);
    client.setKeepAlive(true, 30_000);
    const options = await mine.options();
    assert.equal(options.SO_KEEPALIVE, 1);
    assert.equal(options.TCP_KEEPIDLE, 30);
    assert.equal(options.IPV6_V6ONLY, undefined, "an IPv4 socket has no IPv6 options");
  } finally {
    client.destroy();
    await accepted.close();
    await listener.close();
  }
});

test("the column-socket view reads SO_BROADCAST on a node:dgram socket as Node set it", async () => {
  const socket = dgram.createSocket("udp4");
  socket.bind(0, HOST);
  await once(socket, "listening");
  try {
    const mine = await peer.columnSocket({ protocol: "udp", local: { hostname: HOST, port: socket.address().port } });
    assert.equal((await mine.options()).SO_BROADCAST, 0);
    socket.setBroadcast(true);
    const options = await mine.options();
    assert.equal(options.SO_BROADCAST, 1);
    assert.equal(options.TCP_NODELAY, undefined, "a UDP socket has no TCP options");
  } finally {
    socket.close();
  }
});

test("the column-socket view reads a node:net listener's backlog as ss shows it", async () => {
  const { server, port } = await nodeServer({}, () => {}, 7);
  try {
    const listening = await peer.columnSocket({ local: { hostname: HOST, port } });
    const backlog = await listening.backlog();
    const somaxconn = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
    assert.equal(backlog.limit, Math.min(7, somaxconn));
    const { stdout } = await promisify(execFile)("ss", ["-Hltn", `sport = :${port}`]);
    const sendQ = Number(stdout.trim().split(/\s+/)[2]);
    assert.equal(backlog.limit, sendQ, `ss says: ${stdout.trim()}`);
    assert.equal((await listening.options()).SO_REUSEADDR, 1);
  } finally {
    await closeServer(server);
  }
});

test("a peer listener's TCP_INFO counts the connections waiting for accept", async () => {
  const listener = await peer.tcp.listen({ hostname: HOST, port: 0, backlog: 3 });
  const clients = [await nodeClient(listener.addr.port), await nodeClient(listener.addr.port)];
  try {
    const info = await settled(() => peer.tcpInfo(listener), (i) => i.unacked === 2);
    assert.equal(info.state, "LISTEN");
    assert.equal(info.sacked, 3, "the accept queue's limit");
    assert.equal(info.unacked, 2, "connections waiting for accept");
  } finally {
    for (const c of clients) c.destroy();
    await listener.close();
  }
});

test("the column-socket view names a socket it cannot find, and a socket closed since", async () => {
  const { server, port } = await nodeServer({}, () => {});
  const listening = await peer.columnSocket({ local: { hostname: HOST, port } });
  await closeServer(server);
  await assert.rejects(listening.options(), /closed/);
  await assert.rejects(
    peer.columnSocket({ local: { hostname: HOST, port } }),
    /no tcp socket 127\.0\.0\.1:\d+ \(no remote end\)/,
  );
  await assert.rejects(peer.columnSocket({ local: { hostname: "localhost", port } }), /not a numeric/);
});

test("a socket that is not the peer's has no kernel view through the peer's own methods", async () => {
  await assert.rejects(peer.inq({} as Conn), TypeError);
});
