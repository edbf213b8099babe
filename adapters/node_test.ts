/**
 * The node:net adapter's own tests: it measures and never shapes. Reads are
 * pulled (the adapter takes no bytes while no read is pending, so a writer
 * is held by node's own flow control), node's `error` events land in
 * `reports` without failing an operation node did not fail, and a missing
 * node method is an ApiMissingError.
 *
 * Run with `node --import tsx --test adapters/node_test.ts`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import { test, type TestContext } from "node:test";
import type { Conn } from "../core/adapter.ts";
import { ApiMissingError, SocketError } from "../core/errors.ts";
import { bytes, connectedPair, deadUdpPort, stillPendingAfter, writeUntilHeld } from "../suites/helpers.ts";
import { adapter } from "./node.ts";

const CHUNK = 64 * 1024;
/** Far beyond loopback's send and receive buffers plus any read-ahead. */
const MAX_WRITTEN = 64 * 1024 * 1024;
/** libuv reads a stream in pieces of up to 64 KiB: node may take one such piece beyond its highWaterMark. */
const LIBUV_READ = 64 * 1024;
/** Each test waits on events; a missing event fails it here instead of hanging the run. */
const TIMEOUT = { timeout: 10_000 };

/** Writes CHUNK after CHUNK, nobody reading, until a write is held; the bytes taken before it and the held write. */
async function writeUntilBlocked(conn: Conn): Promise<{ written: number; held: Promise<void> }> {
  const chunk = new Uint8Array(CHUNK).fill(1);
  const progress = await writeUntilHeld(conn, { piece: (offset) => offset < MAX_WRITTEN ? chunk : undefined });
  assert.ok(progress.held, `every write of ${MAX_WRITTEN} bytes completed while nobody read`);
  return { written: progress.written, held: progress.held.writing };
}

/**
 * The kernel's view of the TCP socket bound to `port` on 127.0.0.1 (TCP_INFO
 * through ss): bytes it received from the peer, and bytes still unread in its
 * receive queue. Their difference is what the process read out of the kernel.
 */
function kernelView(port: number): { received: number; unread: number } {
  const out = execFileSync("ss", ["-tniH", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
  const unread = Number(out.trim().split(/\s+/)[0]);
  const received = Number(/bytes_received:(\d+)/.exec(out)?.[1] ?? 0);
  assert.ok(Number.isInteger(unread), `ss gave no receive queue for port ${port}: ${out}`);
  return { received, unread };
}

function hasSs(): boolean {
  try {
    execFileSync("ss", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("a writer to a socket with no read pending is held, and node took at most its own read-ahead beyond the one chunk read", {
  ...TIMEOUT,
  skip: hasSs() ? false : "needs ss (iproute2) to read the kernel's TCP_INFO",
}, async (t: TestContext) => {
  const pair = await connectedPair(adapter);
  try {
    const reading = pair.server.read(); // one read, then no read pending
    const { written, held } = await writeUntilBlocked(pair.client);
    const first = await reading;
    assert.ok(first !== null);
    held.catch(() => {}); // it settles only when the pair closes
    const kernel = kernelView(pair.server.localAddr.port);
    // Everything the server process read out of the kernel, beyond the bytes handed to read().
    const readAhead = kernel.received - kernel.unread - first.byteLength;
    const hwm = new net.Socket().readableHighWaterMark;
    t.diagnostic(`held after ${written} bytes; first read ${first.byteLength} bytes; node read ahead ${readAhead} bytes (highWaterMark ${hwm})`);
    assert.ok(written < MAX_WRITTEN);
    assert.ok(readAhead >= 0, `negative read-ahead ${readAhead}`);
    assert.ok(readAhead <= hwm + LIBUV_READ, `${readAhead} bytes left the kernel with no read pending`);
  } finally {
    await pair.close();
  }
});

test("a dgram error event lands in reports and does not reject a pending receive", TIMEOUT, async () => {
  const dead = await deadUdpPort(adapter);
  const socket = await adapter.udp!.bind({ hostname: "127.0.0.1", port: 0 });
  try {
    await socket.connect!({ hostname: "127.0.0.1", port: dead });
    const receiving = socket.receive();
    receiving.catch(() => {});
    await socket.send(bytes("to nobody"));
    await socket.reports.reached(1); // node's report of the ICMP port unreachable
    const [report] = socket.reports.list;
    assert.equal(report.channel, '"error" event');
    assert.ok(report.error instanceof SocketError);
    assert.equal(report.error.code, "ECONNREFUSED");
    assert.ok(await stillPendingAfter(receiving, 200), "the receive settled although node gave it nothing");
  } finally {
    await socket.close();
  }
});

test("a write node fails on its callback and on the error event leaves both reports visible", TIMEOUT, async () => {
  const pair = await connectedPair(adapter);
  try {
    await pair.client.closeWrite!();
    await assert.rejects(pair.client.write(bytes("after end")), (err: SocketError) => {
      assert.equal(err.op, "write");
      assert.equal(err.raw.code, "ERR_STREAM_WRITE_AFTER_END");
      return true;
    });
    await pair.client.reports.reached(1);
    assert.equal(pair.client.reports.list[0].error.raw.code, "ERR_STREAM_WRITE_AFTER_END");
  } finally {
    await pair.close();
  }
});

test("abort on a node:net without resetAndDestroy fails as a missing API", TIMEOUT, async () => {
  const pair = await connectedPair(adapter);
  const resetAndDestroy = net.Socket.prototype.resetAndDestroy;
  try {
    // Stands in for a compatibility layer that lacks the method.
    delete (net.Socket.prototype as Partial<net.Socket>).resetAndDestroy;
    await assert.rejects(pair.client.abort!(), (err: unknown) => {
      assert.ok(err instanceof ApiMissingError);
      assert.equal(err.api, "net.Socket.prototype.resetAndDestroy");
      return true;
    });
    assert.ok(adapter.capabilities.has("abortiveClose"));
  } finally {
    net.Socket.prototype.resetAndDestroy = resetAndDestroy;
    await pair.close();
  }
});
