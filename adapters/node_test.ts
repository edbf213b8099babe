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
import { ApiMissingError, SocketError } from "../core/errors.ts";
import { bytes, connectedPair, deadUdpPort, stillPendingAfter } from "../suites/helpers.ts";
import { assertReadsPulled } from "../test/fixtures/pull_reads.ts";
import { adapter } from "./node.ts";

/** libuv reads a stream in pieces of up to 64 KiB: node may take one such piece beyond its highWaterMark. */
const LIBUV_READ = 64 * 1024;
/** Each test waits on events; a missing event fails it here instead of hanging the run. */
const TIMEOUT = { timeout: 10_000 };

const ss = (args: string[]) => execFileSync("ss", args, { encoding: "utf8" });

test("a writer to a socket with no read pending is held, and node took at most its own read-ahead beyond the one chunk read", TIMEOUT, async (t: TestContext) => {
  const hwm = new net.Socket().readableHighWaterMark;
  const figures = await assertReadsPulled(adapter, { maxReadAhead: hwm + LIBUV_READ, ss });
  t.diagnostic(`held after ${figures.written} bytes; first read ${figures.firstRead} bytes; node read ahead ${figures.readAhead} bytes (highWaterMark ${hwm})`);
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
