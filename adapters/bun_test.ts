/**
 * The Bun adapter measures, never shapes: reads are pulled through
 * `socket.pause()`/`resume()`, reports stay on their own channel, and an
 * operation rejects only with what Bun gave it.
 *
 * @module
 */
import { test } from "bun:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Conn, Listener } from "../core/adapter.ts";
import { SocketError } from "../core/errors.ts";
import { stillPendingAfter, writeUntilHeld } from "../suites/helpers.ts";
import { adapter } from "./bun.ts";

const LOOPBACK = "127.0.0.1";
/** Small writes, so the bytes taken are known to within one of them. */
const WRITE = 64 << 10;
/** An adapter that does not pull lets every byte through: 64 MiB is far past any loopback buffer. */
const MAX_UNREAD = 64 << 20;
/** The most Bun hands to one `data` call (its 512 KiB receive buffer; measured). */
const BUN_CHUNK = 512 << 10;

interface Pair {
  listener: Listener;
  client: Conn;
  server: Conn;
  cleanup(): Promise<void>;
}

async function tcpPair(): Promise<Pair> {
  const listener = await adapter.tcp.listen({ hostname: LOOPBACK, port: 0 });
  const client = await adapter.tcp.connect({ hostname: LOOPBACK, port: listener.addr.port });
  const server = await listener.accept();
  assert.ok(server);
  return { listener, client, server, cleanup: () => listener.close() };
}

async function unixPair(): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), "sockcheck-bun-"));
  const listener = await adapter.unix!.listen(join(dir, "s"));
  const client = await adapter.unix!.connect(join(dir, "s"));
  const server = await listener.accept();
  assert.ok(server);
  return { listener, client, server, cleanup: async () => (await listener.close(), rmSync(dir, { recursive: true })) };
}

/** Writes until a write is held, nobody reading; the bytes of the writes that completed and the held one. */
async function writeUntilBlocked(writer: Conn): Promise<{ through: number; held: Promise<void> }> {
  const chunk = new Uint8Array(WRITE).fill(7);
  const progress = await writeUntilHeld(writer, { piece: (offset) => offset < MAX_UNREAD ? chunk : undefined });
  assert.ok(progress.held, `every write of ${MAX_UNREAD} bytes completed while nobody read`);
  return { through: progress.written, held: progress.held.writing };
}

async function readBytes(reader: Conn, n: number): Promise<number> {
  let got = 0;
  while (got < n) {
    const chunk = await reader.read();
    assert.ok(chunk, `EOF after ${got} of ${n} bytes`);
    got += chunk.byteLength;
  }
  return got;
}

/** The kernel's unread (rx) and unacknowledged (tx) bytes of the TCP socket at `local` → `remote`. */
function kernelQueues(local: number, remote: number): { rx: number; tx: number } {
  const port = (hex: string) => parseInt(hex.split(":")[1], 16);
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || port(f[1]) !== local || port(f[2]) !== remote) continue;
    const [tx, rx] = f[4].split(":").map((h) => parseInt(h, 16));
    return { rx, tx };
  }
  assert.fail(`no TCP socket ${local} → ${remote} in the kernel's table`);
}

/**
 * Bytes the reader's side holds above the kernel (the runtime's and the
 * adapter's buffers), at most: what the writer may have got taken (`taken`
 * counts the held write whole), less what was read and what the kernel
 * still queues on both sides. TCP only: the kernel lists no Unix queues.
 */
function heldAboveKernel(reader: Conn, writer: Conn, taken: number, read: number): number | undefined {
  if (reader.localAddr.family === "Unix") return undefined;
  const r = kernelQueues(reader.localAddr.port, writer.localAddr.port);
  const w = kernelQueues(writer.localAddr.port, reader.localAddr.port);
  return taken - read - r.rx - w.tx;
}

for (const [transport, makePair] of [["TCP", tcpPair], ["Unix", unixPair]] as const) {
  for (const side of ["accepting", "connecting"] as const) {
    test(`a ${transport} reader on the ${side} side that stops reading holds its writer back, and nothing is lost`, async () => {
      const pair = await makePair();
      const [reader, writer] = side === "accepting" ? [pair.server, pair.client] : [pair.client, pair.server];
      try {
        // A few pulled reads first, so pause and resume have both run.
        const first = writer.write(new Uint8Array(3 * BUN_CHUNK).fill(7));
        let read = await readBytes(reader, 3 * BUN_CHUNK);
        await first;
        const { through, held } = await writeUntilBlocked(writer);
        const above = heldAboveKernel(reader, writer, 3 * BUN_CHUNK + through + WRITE, read);
        const note = above === undefined ? "" : `; held above the kernel: at most ${above}`;
        console.info(`${transport}, ${side} side: ${through} bytes taken while nobody read${note}`);
        if (above !== undefined) assert.ok(above <= BUN_CHUNK, `${above} bytes held above the kernel, more than one chunk`);
        const reading = readBytes(reader, through + WRITE);
        await held;
        read += await reading;
        assert.equal(read, 3 * BUN_CHUNK + through + WRITE);
        await writer.close();
        assert.equal(await reader.read(), null);
      } finally {
        await Promise.all([pair.client.close(), pair.server.close()]);
        await pair.cleanup();
      }
    });
  }
}

test("an error handler call lands in the UDP socket's reports and rejects no receive", async () => {
  const dead = await adapter.udp!.bind({ hostname: LOOPBACK, port: 0 });
  const deadPort = dead.address().port;
  await dead.close();
  const socket = await adapter.udp!.bind({ hostname: LOOPBACK, port: 0 });
  const peer = await adapter.udp!.bind({ hostname: LOOPBACK, port: 0 });
  try {
    const receiving = socket.receive();
    // Bun sets IP_RECVERR: the port unreachable reaches its error handler.
    await socket.send(new Uint8Array([1]), { hostname: LOOPBACK, port: deadPort });
    await socket.reports.reached(1);
    assert.equal(socket.reports.list[0].channel, "error handler");
    assert.equal(socket.reports.list[0].error.code, "ECONNREFUSED");
    await peer.send(new TextEncoder().encode("after"), socket.address());
    const got = await receiving;
    assert.ok(got);
    assert.equal(new TextDecoder().decode(got.data), "after");
  } finally {
    await Promise.all([socket.close(), peer.close()]);
  }
});

test("a send Bun throws on rejects with that throw", async () => {
  const socket = await adapter.udp!.bind({ hostname: LOOPBACK, port: 0 });
  try {
    const err = await socket.send(new Uint8Array(65508), socket.address()).then(() => undefined, (e) => e);
    assert.ok(err instanceof SocketError);
    assert.equal(err.code, "EMSGSIZE");
    assert.equal(err.raw.code, "EMSGSIZE");
  } finally {
    await socket.close();
  }
});

test("a write Bun answers with -1 rejects with that -1, not with the error its close handler reported", async () => {
  const pair = await tcpPair();
  try {
    await pair.server.close();
    // The peer has closed: this write is taken, and the peer answers it with RST.
    await pair.client.write(new Uint8Array([1]));
    await pair.client.reports.reached(1);
    assert.equal(pair.client.reports.list[0].channel, "close handler");
    const err = await pair.client.write(new Uint8Array([2])).then(() => undefined, (e) => e);
    assert.ok(err instanceof SocketError);
    assert.equal(err.code, "UNKNOWN");
    assert.deepEqual(err.raw, { class: "number", message: "-1" });
  } finally {
    await pair.client.close();
    await pair.cleanup();
  }
});

test("closing a listener leaves a pending accept pending, as Bun reports nothing", async () => {
  const listener = await adapter.tcp.listen({ hostname: LOOPBACK, port: 0 });
  const accepting = listener.accept();
  await listener.close();
  assert.ok(await stillPendingAfter(accepting, 100), "the adapter settled an accept Bun never settled");
});
