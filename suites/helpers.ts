/**
 * Small helpers shared by the suites. Everything here goes through the
 * adapter; nothing reaches beyond loopback.
 *
 * @module
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import type { Adapter, Conn, DatagramSocket, Listener, ListenOptions, ReportLog } from "../core/adapter.ts";
import type { CaseContext, CasePeer } from "../core/case.ts";
import { SocketError } from "../core/errors.ts";

/** The loopback addresses the suites use. */
export const LOOPBACK4 = "127.0.0.1";
/** A second IPv4 loopback address: every 127/8 address is local on Linux. */
export const LOOPBACK4_OTHER = "127.0.0.2";
export const LOOPBACK6 = "::1";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads until EOF; returns the bytes and how many reads delivered them. */
export async function readToEnd(conn: Conn): Promise<{ data: Uint8Array; reads: number }> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) chunks.push(chunk);
  return { data: concat(chunks), reads: chunks.length };
}

/**
 * Reads until EOF or a failed read: the bytes read before, and how that
 * last read settled (`null` at EOF, or the SocketError). Never rejects
 * with a SocketError.
 */
export async function readUntilEnd(conn: Conn): Promise<{ data: Uint8Array; last: Settled<Uint8Array | null> }> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const last = await settle(conn.read());
    if (!last.ok || last.value === null) return { data: concat(chunks), last };
    chunks.push(last.value);
  }
}

/** What {@linkcode readAgainst} saw. */
export interface ReadAgainst {
  /** Bytes read. */
  bytes: number;
  /** Where the first byte that differs from the expected ones (or lies beyond them) came; absent if none did. */
  firstDifference?: number;
  /** How the last read settled, EOF (`null`) or the read that failed; absent when the expected length was reached. */
  last?: Settled<Uint8Array | null>;
}

/**
 * Reads `conn`, comparing each chunk with `expected` as it comes and keeping
 * none (megabytes need no copy): until `expected.byteLength` bytes have
 * come, or, with `toEnd`, until EOF or a failed read. Never rejects with a
 * SocketError.
 */
export async function readAgainst(conn: Conn, expected: Uint8Array, options: { toEnd?: boolean } = {}): Promise<ReadAgainst> {
  const seen: ReadAgainst = { bytes: 0 };
  while (options.toEnd || seen.bytes < expected.byteLength) {
    const last = await settle(conn.read());
    if (!last.ok || last.value === null) return { ...seen, last };
    const chunk = last.value;
    const same = expected.subarray(seen.bytes, seen.bytes + chunk.byteLength);
    if (seen.firstDifference === undefined && (same.byteLength < chunk.byteLength || Buffer.compare(chunk, same) !== 0)) {
      const at = chunk.findIndex((byte, i) => i >= same.byteLength || byte !== same[i]);
      seen.firstDifference = seen.bytes + at;
    }
    seen.bytes += chunk.byteLength;
  }
  return seen;
}

/** Reads exactly `n` bytes; fails on EOF before that. */
export async function readExactly(conn: Conn, n: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await conn.read();
    assert.ok(chunk !== null, `EOF after ${got} of ${n} bytes`);
    chunks.push(chunk);
    got += chunk.byteLength;
  }
  const all = concat(chunks);
  assert.equal(all.byteLength, n, `read ${all.byteLength} bytes, wanted ${n}`);
  return all;
}

/** A listener, a client connected to it, and the server's side of that connection. */
export interface Pair {
  listener: Listener;
  client: Conn;
  server: Conn;
  close(): Promise<void>;
}

/**
 * Listens on `hostname` (or with `options`: a host name and the listener's
 * other options), connects a client and accepts it.
 */
export async function connectedPair(
  net: Adapter,
  options: string | Omit<ListenOptions, "port" | "hostname"> & { hostname?: string } = LOOPBACK4,
): Promise<Pair> {
  const { hostname = LOOPBACK4, ...rest } = typeof options === "string" ? { hostname: options } : options;
  const listener = await net.tcp.listen({ ...rest, hostname, port: 0 });
  const client = await net.tcp.connect({ hostname, port: listener.addr.port });
  const server = await listener.accept();
  assert.ok(server, "accept returned no connection");
  return {
    listener,
    client,
    server,
    async close() {
      await Promise.all([client.close(), server.close(), listener.close()]);
    },
  };
}

/** The reference peer of a `column+peer` case; fails the case if the runner gave none. */
export function peerOf(ctx: CaseContext): CasePeer {
  assert.ok(ctx.peer, "the runner gave this column+peer case no reference peer");
  return ctx.peer;
}

/** A connection between the column and the reference peer, and the listener it came from. */
export interface PeerPair {
  /** The column's end. */
  column: Conn;
  /** The peer's end. */
  peer: Conn;
  close(): Promise<void>;
}

/**
 * Connects the column and the peer on `hostname`: the column connects to a
 * peer's listener (`column: "client"`), or the peer connects to the column's
 * (`column: "server"`), and the listener's side accepts.
 */
export async function peerPair(
  net: Adapter,
  options: { peer: CasePeer; column: "client" | "server"; hostname?: string },
): Promise<PeerPair> {
  const { peer, hostname = LOOPBACK4 } = options;
  const [server, client] = options.column === "server" ? [net, peer] : [peer, net];
  const listener = await server.tcp.listen({ hostname, port: 0 });
  try {
    const connecting = await client.tcp.connect({ hostname, port: listener.addr.port });
    const accepted = await listener.accept();
    if (!accepted) await connecting.close();
    assert.ok(accepted, "accept returned no connection");
    const [column, peerEnd] = options.column === "server" ? [accepted, connecting] : [connecting, accepted];
    return {
      column,
      peer: peerEnd,
      close: async () => void await Promise.all([column.close(), peerEnd.close()]),
    };
  } finally {
    await listener.close();
  }
}

/**
 * A byte from the peer read by the column on a fresh connection: whatever
 * the kernel had delivered to the column before it started (an RST, a FIN)
 * has been seen by the column's event loop when it ends, which had to poll
 * to read it. Only the column's client side is used.
 */
export async function roundTripFromPeer(net: Adapter, peer: CasePeer): Promise<void> {
  const pair = await peerPair(net, { peer, column: "client" });
  try {
    await pair.peer.write(bytes("."));
    await readExactly(pair.column, 1);
  } finally {
    await pair.close();
  }
}

/** A port on `hostname` with no listener: bound by the kernel, then closed. */
export async function closedPort(net: Adapter, hostname = LOOPBACK4): Promise<number> {
  const listener = await net.tcp.listen({ hostname, port: 0 });
  const port = listener.addr.port;
  await listener.close();
  return port;
}

/**
 * A full round trip on a fresh connection. Whatever the kernel delivered
 * before it started (an RST, a FIN, data) has been seen by the runtime's
 * event loop when it ends, because the loop must poll to complete it.
 */
export async function roundTrip(net: Adapter): Promise<void> {
  const pair = await connectedPair(net);
  try {
    await pair.client.write(bytes("."));
    await readExactly(pair.server, 1);
  } finally {
    await pair.close();
  }
}

/**
 * Bounded wait that shows something does NOT happen: true if `promise` is
 * still pending after `ms`. Only for negative claims, never to wait for
 * something to happen.
 */
export async function stillPendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined; // for the bounded wait below
  const pending = Symbol("pending");
  const bounded = new Promise<symbol>((resolve) => timer = setTimeout(resolve, ms, pending)); // bounded wait
  const settled = promise.then(() => "settled", () => "settled");
  const winner = await Promise.race([settled, bounded]);
  clearTimeout(timer);
  return winner === pending;
}

/** How an operation settled: its value, or the SocketError it rejected with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: SocketError };

/** Awaits `operation` and says how it settled; anything but a SocketError is thrown on. */
export async function settle<T>(operation: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await operation };
  } catch (err) {
    if (!(err instanceof SocketError)) throw err;
    return { ok: false, error: err };
  }
}

/** An abort error: the signal's reason itself, or an error named AbortError (DOM), or node's ABORT_ERR. */
export function isAbortError(err: unknown, reason: unknown): boolean {
  if (err === reason) return true;
  const raw = err instanceof SocketError ? err.raw : err as { name?: string; code?: unknown };
  return raw?.name === "AbortError" || raw?.code === "ABORT_ERR";
}

/** A settled operation as recorded: "rejected ECONNRESET (Errno 104)", "EOF (null)", "3 bytes", "ok". */
export function shown(settled: Settled<unknown>): string {
  if (!settled.ok) {
    const { code, raw } = settled.error;
    return `rejected ${code} (${raw.class}${raw.code !== undefined ? ` ${raw.code}` : ""})`;
  }
  const v = settled.value;
  return v === null ? "EOF (null)" : v instanceof Uint8Array ? `${v.byteLength} bytes` : v === undefined ? "ok" : typeof v;
}

/** Every report a socket made so far, as recorded: `"error" event ECONNREFUSED`; `none` if none. */
export function reportsOf(reports: ReportLog): string[] | "none" {
  return reports.list.length ? reports.list.map((r) => `${r.channel} ${r.error.code}`) : "none";
}

/**
 * Asserts that a connection's read (an operation with no failure result of
 * its own on event-driven APIs) saw a failure with one of `codes`: it
 * rejected with it, or it settled with no data and the connection reported
 * it (an `error` event, where that is how the API reports a failed read).
 * Records the settlement and the connection's reports under `key`.
 */
export function failureSeen(
  ctx: CaseContext,
  options: { key: string; settled: Settled<Uint8Array | null>; reports: ReportLog; codes: string[] },
): void {
  const { key, settled, reports, codes } = options;
  ctx.observe(key, shown(settled));
  ctx.observe(`${key}: reports`, reportsOf(reports));
  const seen = settled.ok
    ? settled.value === null ? reports.list.map((r) => r.error.code) : []
    : [settled.error.code];
  assert.ok(
    seen.some((code) => codes.includes(code)),
    new assert.AssertionError({
      message: `${key} gave ${shown(settled)} with reports ${JSON.stringify(reportsOf(reports))}, expected ${codes.join(" or ")}`,
      actual: seen.length ? seen.join(", ") : shown(settled),
      expected: codes.join(" or "),
      operator: "failureSeen",
    }),
  );
}

/**
 * A write still pending after this long may be held back by flow control;
 * a runtime that is only slow for a moment can hold a write for a while
 * too, so a held write must stay held over a second, longer window.
 */
const HELD_MS = 200;
const STILL_HELD_MS = 500;

/** What {@linkcode writeUntilHeld} got through. */
export interface WriteProgress {
  /** Bytes of the writes that completed. */
  written: number;
  /** The write that flow control held back, still pending, and its size; absent if none was held. */
  held?: { writing: Promise<void>; bytes: number };
}

/**
 * Writes `piece(offset)` for offset 0, then on past each completed write,
 * with nobody reading on the other side, until a write is held back (still
 * pending over two bounded waits) or `piece` returns `undefined`. Nothing
 * here reads, so what the writer gets through is what the reading runtime
 * read ahead plus the kernel's buffers on both sides.
 */
export async function writeUntilHeld(
  conn: Conn,
  options: { piece: (offset: number) => Uint8Array | undefined },
): Promise<WriteProgress> {
  let written = 0;
  for (let data = options.piece(0); data; data = options.piece(written)) {
    const writing = conn.write(data);
    if (await stillPendingAfter(writing, HELD_MS) && await stillPendingAfter(writing, STILL_HELD_MS)) {
      writing.catch(() => {}); // the caller awaits it; it may fail if the case ends first
      return { written, held: { writing, bytes: data.byteLength } };
    }
    await writing;
    written += data.byteLength;
  }
  return { written };
}

/** What every {@linkcode pattern} is cut from; made anew, longer, when a pattern needs more. */
let patternSource = new Uint8Array(0);
/** How far apart two seeds' patterns start in the source: a prime, so no two line up on a word. */
const SEED_STRIDE = 4099;
/** The source's first length: the largest pattern a case takes (16 MiB) and the seeds' offsets, so it is made once. */
const SOURCE_BYTES = 17 * 1024 * 1024;
/** The block the source repeats. */
const SOURCE_BLOCK = 64 * 1024;

/**
 * `size` bytes of a fixed pseudo-random pattern, so a byte out of place or
 * lost is seen; each `seed` starts at its own offset. The bytes are a view
 * of one source the whole process shares, made once (megabytes of fresh
 * memory cost more to touch than to send): a 64 KiB block of an xorshift32
 * sequence, repeated, each copy's first four bytes its block number, so a
 * block in another block's place differs too. Never write into them.
 */
export function pattern(size: number, seed: number): Uint8Array {
  const start = seed * SEED_STRIDE;
  if (patternSource.byteLength < start + size) {
    const length = Math.ceil(Math.max(start + size, SOURCE_BYTES) / SOURCE_BLOCK) * SOURCE_BLOCK;
    const bytes = new Uint8Array(length);
    const words = new Uint32Array(bytes.buffer);
    let x = 0x9e3779b9;
    for (let i = 0; i < SOURCE_BLOCK / 4; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x;
    }
    for (let filled = SOURCE_BLOCK; filled < length; filled *= 2) bytes.copyWithin(filled, 0, Math.min(filled, length - filled));
    for (let block = 0; block * SOURCE_BLOCK < length; block++) words[block * SOURCE_BLOCK / 4] = block;
    patternSource = bytes;
  }
  return patternSource.subarray(start, start + size);
}

/** The `size`-byte piece of `data` at an offset, or `undefined` past its end: a `piece` for {@linkcode writeUntilHeld}. */
export function piecesOf(data: Uint8Array, size: number): (offset: number) => Uint8Array | undefined {
  return (offset) => offset < data.length ? data.subarray(offset, offset + size) : undefined;
}

/**
 * Writes what {@linkcode writeUntilHeld} left of `data`: awaits the held
 * write, then writes the rest in pieces of `size` bytes.
 */
export async function finishWrites(conn: Conn, options: { data: Uint8Array; progress: WriteProgress; size: number }): Promise<void> {
  const { data, progress, size } = options;
  if (!progress.held) return;
  await progress.held.writing;
  const next = piecesOf(data, size);
  let offset = progress.written + progress.held.bytes;
  for (let piece = next(offset); piece; piece = next(offset)) {
    await conn.write(piece);
    offset += piece.byteLength;
  }
}

/**
 * Polls `condition` every 10 ms until it holds or `ms` have passed; whether
 * it held. Only for the kernel's socket table, which has no event to wait on.
 */
export async function within(ms: number, condition: () => Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10)); // the socket table has no event: poll until the deadline
  }
}

/** How a promise settled, for recording: "resolved <v>" or "rejected <code>". */
export async function settlement(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    return value === null ? "resolved null" : `resolved ${value instanceof Uint8Array ? `${value.byteLength} bytes` : typeof value}`;
  } catch (err) {
    return `rejected ${(err as { code?: string }).code ?? (err as Error).name}`;
  }
}

/** A UDP socket bound to `hostname` on an ephemeral port. */
export function bindUdp(net: Adapter, hostname = LOOPBACK4): Promise<DatagramSocket> {
  return net.udp!.bind({ hostname, port: 0 });
}

/**
 * A UDP socket connected to `to` (socket() + connect()): connect() on a
 * socket bound to 127.0.0.1 where the API has it, else a socket the API
 * creates connected (bound implicitly, by the same connect()).
 */
export async function connectedUdp(net: Adapter, to: { hostname: string; port: number }): Promise<DatagramSocket> {
  if (net.udp!.openConnected) return await net.udp!.openConnected({ hostname: to.hostname, port: to.port });
  const socket = await bindUdp(net);
  try {
    await socket.connect!(to);
  } catch (err) {
    await socket.close();
    throw err;
  }
  return socket;
}

/** A UDP port on `hostname` that nobody has bound: bound by the kernel, then closed. */
export async function deadUdpPort(net: Adapter, hostname = LOOPBACK4): Promise<number> {
  const socket = await bindUdp(net, hostname);
  const { port } = socket.address();
  await socket.close();
  return port;
}

/**
 * A datagram there and back on a fresh pair of UDP sockets. Whatever the
 * kernel had delivered to the runtime before it started (an ICMP error, a
 * datagram) has been seen by the runtime's event loop when it ends.
 */
export async function udpRoundTrip(net: Adapter): Promise<void> {
  const a = await bindUdp(net);
  const b = await bindUdp(net);
  try {
    await a.send(bytes("."), b.address());
    const got = await b.receive();
    assert.ok(got, "round trip: the datagram did not arrive");
    await b.send(bytes("."), got.from);
    assert.ok(await a.receive(), "round trip: the reply did not arrive");
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/**
 * A file name that makes any case directory's path longer than `sun_path`
 * (108 bytes): 101 bytes, after a directory of 20 bytes at least.
 */
export const TOO_LONG_NAME = "too-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.sock";

/**
 * The file names Unix-domain cases may use inside their directory. Deno
 * names every Unix socket it may use exactly (`--allow-net=unix:PATH`, no
 * prefixes), so deno.json lists these names for each Deno column.
 */
export type UnixName = "a.sock" | "b.sock" | "missing.sock" | "file.sock" | typeof TOO_LONG_NAME;

/**
 * A directory for one case's Unix socket files, from the host, removed
 * afterwards with everything in it.
 */
export async function withUnixDir<T>(ctx: CaseContext, body: (path: (name: UnixName) => string) => Promise<T>): Promise<T> {
  const dir = ctx.socketDir();
  try {
    return await body((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What {@linkcode trapUncaught} has caught. */
export interface UncaughtTrap {
  /** Every uncaught exception and unhandled rejection so far, as recorded: `ECONNREFUSED (Error)`. */
  readonly caught: string[];
  /** Removes the trap. */
  release(): void;
}

/**
 * Catches the uncaught exceptions and unhandled rejections raised while it
 * is set, through the process's own last-resort hooks. Without them Node,
 * Deno and Bun end the process on the first one; with them a case can
 * record what would have ended it, and the column process lives on.
 */
export function trapUncaught(): UncaughtTrap {
  const caught: string[] = [];
  const record = (err: unknown) => {
    const e = err as { code?: unknown; constructor?: { name?: string } } | null;
    caught.push(`${typeof e?.code === "string" ? e.code : String(err)} (${e?.constructor?.name ?? typeof err})`);
  };
  process.on("uncaughtException", record);
  process.on("unhandledRejection", record);
  return {
    caught,
    release() {
      process.off("uncaughtException", record);
      process.off("unhandledRejection", record);
    },
  };
}
