/**
 * The peer's bulk loops, for the performance lane (`bench/`): each runs
 * inside the peer process on the descriptors of its own sockets, so one
 * request moves hundreds of megabytes or thousands of connections, and the
 * peer protocol (a JSON line per operation, bytes in base64) is never what a
 * figure measures. Every loop is raw libc on a non-blocking descriptor and
 * ends at EOF, at its count, when asked to stop, or at its time limit (then
 * it throws).
 *
 * Waiting. A loop that finds nothing to do spins on poll(timeout 0) for up
 * to {@linkcode SPIN_MS} (200 µs) before it sleeps in poll on a worker
 * thread. The hand-off to that thread and back costs tens of µs, as much as
 * a whole loopback round trip: measured against a node:net client, a 1-byte
 * echo that sleeps at once gave a 55 µs p50 round trip, one that spins
 * first 16 µs (a C echo blocking in recv: 32 µs). 200 µs covers a column's
 * turn in a ping-pong on every runtime measured, so the peer's own wake-up
 * stays out of the figures; the price is one core busy while the peer
 * waits for the column's next move.
 *
 * Stopping. A stop request is read only when the peer's event loop runs, so
 * a loop that always has work yields to it every {@linkcode YIELD_MS}.
 *
 * @module
 */
import { constants } from "node:os";
import { errno, sysError } from "./_sys.ts";

const SYMBOLS = {
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  /** poll() on a worker thread: only its return value is used, never errno. */
  pollOffThread: { name: "poll", parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
} as const satisfies Deno.ForeignLibraryInterface;

let symbols: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;
const lib = () => symbols ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;

/** How long a loop with nothing to do spins before it sleeps. */
export const SPIN_MS = 0.2;
/** How often a loop that always has work lets the event loop run. */
export const YIELD_MS = 20;
/** The longest a sleeping poll lasts before the loop looks at its stop flag and deadline again. */
const SLICE_MS = 20;

const POLLIN = 0x1;
const POLLOUT = 0x4;
const { EAGAIN, EINPROGRESS, ECONNREFUSED } = constants.errno;
const MSG_NOSIGNAL = 0x4000;
const SHUT_WR = 1;
const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const SO_RCVBUF = 8;
/** The UDP sink's receive buffer, asked for (the kernel caps it at net.core.rmem_max, 208 KiB by default). */
const UDP_SINK_RCVBUF = 4 * 1024 * 1024;

/** One bulk loop's life: its stop flag, its deadline, its yields. */
export class Run {
  readonly op: string;
  readonly limitMs: number;
  #stopped = false;
  #deadline: number;
  #yielded = performance.now();

  constructor(op: string, limitMs: number) {
    this.op = op;
    this.limitMs = limitMs;
    this.#deadline = performance.now() + limitMs;
  }

  /** Asks the loop to end at its next look. */
  stop(): void {
    this.#stopped = true;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Throws once the time limit has passed. */
  checkTime(): void {
    if (performance.now() > this.#deadline) throw new Error(`${this.op}: not done within its limit of ${this.limitMs} ms`);
  }

  /** Lets the event loop run (stop requests come through it) once YIELD_MS of work has passed. */
  async breathe(): Promise<void> {
    if (performance.now() - this.#yielded < YIELD_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#yielded = performance.now();
    this.checkTime();
  }
}

/** `struct pollfd` for each [fd, events]; revents is the high half of each 32-bit pair. */
function pollfds(entries: readonly (readonly [number, number])[]): Int32Array {
  const pfd = new Int32Array(2 * Math.max(1, entries.length));
  entries.forEach(([fd, events], i) => {
    pfd[2 * i] = fd;
    pfd[2 * i + 1] = events;
  });
  return pfd;
}

/**
 * Until one of `pfd`'s descriptors is ready (true; its revents are set), or
 * the run is stopped (false). Spins first, then sleeps in slices.
 */
async function ready(run: Run, pfd: Int32Array): Promise<boolean> {
  const count = BigInt(pfd.length / 2);
  const spinUntil = performance.now() + SPIN_MS;
  do {
    if (lib().poll(pfd, count, 0) > 0) return true;
  } while (performance.now() < spinUntil);
  for (;;) {
    if (run.stopped) return false;
    run.checkTime();
    if (await lib().pollOffThread(pfd, count, SLICE_MS) > 0) {
      // The other thread's revents are a hint; this thread's poll is the answer.
      if (lib().poll(pfd, count, 0) > 0) return true;
    }
  }
}

/** errno of a failed call; EAGAIN returns, anything else is thrown. */
function again(op: string, syscall: string): void {
  const e = errno();
  if (e !== EAGAIN) throw sysError(op, syscall, e);
}

/** Every byte of `data` sent; false if the run was stopped first. */
async function sendAll(run: Run, fd: number, data: Uint8Array): Promise<boolean> {
  for (let offset = 0; offset < data.byteLength;) {
    const n = Number(lib().send(fd, data.subarray(offset), BigInt(data.byteLength - offset), MSG_NOSIGNAL));
    if (n >= 0) offset += n;
    else {
      again(run.op, "send");
      if (!await ready(run, pollfds([[fd, POLLOUT]]))) return false;
    }
  }
  return true;
}

/** Reads what arrives on `fd` and sends it back, until EOF: the other side's round trips. */
export async function echo(run: Run, fd: number): Promise<{ bytes: number }> {
  const buffer = new Uint8Array(64 * 1024);
  const readable = pollfds([[fd, POLLIN]]);
  let bytes = 0;
  while (!run.stopped) {
    const n = Number(lib().recv(fd, buffer, BigInt(buffer.byteLength), 0));
    if (n === 0) return { bytes };
    if (n > 0) {
      if (!await sendAll(run, fd, buffer.subarray(0, n))) return { bytes };
      bytes += n;
      await run.breathe();
      continue;
    }
    again(run.op, "recv");
    if (!await ready(run, readable)) return { bytes };
  }
  return { bytes };
}

/**
 * Reads `fd` in 1 MiB gulps until EOF, counting bytes: the time (this
 * process's `performance.now()`) at which the count first reached each of
 * `marks` (ascending byte counts).
 */
export async function sink(run: Run, fd: number, marks: readonly number[]): Promise<{ bytes: number; marksMs: number[] }> {
  const buffer = new Uint8Array(1024 * 1024);
  const readable = pollfds([[fd, POLLIN]]);
  const marksMs: number[] = [];
  let bytes = 0;
  while (!run.stopped) {
    const n = Number(lib().recv(fd, buffer, BigInt(buffer.byteLength), 0));
    if (n === 0) return { bytes, marksMs };
    if (n > 0) {
      bytes += n;
      while (marksMs.length < marks.length && bytes >= marks[marksMs.length]) marksMs.push(performance.now());
      await run.breathe();
      continue;
    }
    again(run.op, "recv");
    if (!await ready(run, readable)) return { bytes, marksMs };
  }
  return { bytes, marksMs };
}

/** Sends `bytes` bytes on `fd` in `chunkBytes` writes, then shutdown(SHUT_WR). */
export async function source(run: Run, fd: number, options: { bytes: number; chunkBytes: number }): Promise<{ bytes: number; ms: number }> {
  const chunk = new Uint8Array(options.chunkBytes).fill(0x5a);
  const began = performance.now();
  let bytes = 0;
  while (bytes < options.bytes && !run.stopped) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, options.bytes - bytes));
    if (!await sendAll(run, fd, part)) break;
    bytes += part.byteLength;
    await run.breathe();
  }
  if (lib().shutdown(fd, SHUT_WR) < 0) throw sysError(run.op, "shutdown", errno());
  return { bytes, ms: performance.now() - began };
}

/** Accepts every connection that reaches the listener `fd` and closes it at once, until stopped. */
export async function acceptLoop(run: Run, fd: number): Promise<{ accepted: number }> {
  const readable = pollfds([[fd, POLLIN]]);
  let accepted = 0;
  while (!run.stopped) {
    const conn = lib().accept4(fd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn >= 0) {
      lib().close(conn);
      accepted++;
      await run.breathe();
      continue;
    }
    again(run.op, "accept4");
    if (!await ready(run, readable)) return { accepted };
  }
  return { accepted };
}

/** `struct sockaddr_in` for a dotted IPv4 address. */
function sockaddrIn(op: string, hostname: string, port: number): Uint8Array {
  const parts = hostname.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new TypeError(`${op} takes a numeric IPv4 address, not "${hostname}"`);
  }
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, AF_INET, true);
  view.setUint16(2, port, false);
  bytes.set(parts, 4);
  return bytes;
}

/** A connection of the connect loop: still connecting, or open and waiting for the other side's close. */
interface Slot {
  fd: number;
  connecting: boolean;
}

/** A new non-blocking socket connecting to `target`. */
function openSlot(op: string, target: Uint8Array): Slot {
  const fd = lib().socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw sysError(op, "socket", errno());
  if (lib().connect(fd, target, target.byteLength) === 0) return { fd, connecting: false };
  const e = errno();
  if (e === EINPROGRESS) return { fd, connecting: true };
  lib().close(fd);
  throw sysError(op, "connect", e);
}

/** One ready slot's next step: connected (SO_ERROR read), or closed after the other side's EOF. */
function stepSlot(op: string, slot: Slot, buffer: Uint8Array): "connected" | "closed" | "waiting" {
  if (slot.connecting) {
    const soError = new Int32Array(1);
    if (lib().getsockopt(slot.fd, SOL_SOCKET, SO_ERROR, soError, new Uint32Array([4])) < 0) throw sysError(op, "getsockopt", errno());
    if (soError[0] !== 0) throw sysError(op, "connect", soError[0]);
    slot.connecting = false;
    return "connected";
  }
  const n = Number(lib().recv(slot.fd, buffer, BigInt(buffer.byteLength), 0));
  if (n < 0) again(op, "recv");
  if (n !== 0) return "waiting";
  lib().close(slot.fd);
  return "closed";
}

/**
 * Connects to `to` over and over with `concurrency` connections at a time:
 * each connects, waits for the other side to close it (EOF), and closes,
 * so the listener's accept queue never holds more than `concurrency`.
 * Until stopped; the open ones are then closed.
 */
export async function connectLoop(
  run: Run,
  options: { hostname: string; port: number; concurrency: number },
): Promise<{ connected: number; closed: number }> {
  const target = sockaddrIn(run.op, options.hostname, options.port);
  const buffer = new Uint8Array(4096);
  let slots: Slot[] = [];
  let connected = 0;
  let closed = 0;
  try {
    while (!run.stopped) {
      while (slots.length < options.concurrency) slots.push(openSlot(run.op, target));
      const pfd = pollfds(slots.map((s) => [s.fd, s.connecting ? POLLOUT : POLLIN]));
      if (!await ready(run, pfd)) return { connected, closed };
      slots = slots.filter((slot, i) => {
        if ((pfd[2 * i + 1] >>> 16) === 0) return true;
        const step = stepSlot(run.op, slot, buffer);
        if (step === "connected") connected++;
        if (step === "closed") closed++;
        return step !== "closed";
      });
      await run.breathe();
    }
    return { connected, closed };
  } finally {
    for (const slot of slots) lib().close(slot.fd);
  }
}

/**
 * Receives datagrams on `fd` until stopped, counting them; what is queued
 * at the stop is read and counted too. The socket's receive buffer is
 * raised first (SO_RCVBUF, as far as the system allows), so that a moment
 * in which this process is not scheduled does not become the sender's loss.
 */
export async function udpSink(run: Run, fd: number): Promise<{ datagrams: number; bytes: number }> {
  if (lib().setsockopt(fd, SOL_SOCKET, SO_RCVBUF, new Int32Array([UDP_SINK_RCVBUF]), 4) < 0) {
    throw sysError(run.op, "setsockopt", errno());
  }
  const buffer = new Uint8Array(64 * 1024);
  const readable = pollfds([[fd, POLLIN]]);
  let datagrams = 0;
  let bytes = 0;
  for (let waiting = true;;) {
    const n = Number(lib().recv(fd, buffer, BigInt(buffer.byteLength), 0));
    if (n >= 0) {
      datagrams++;
      bytes += n;
      await run.breathe();
      continue;
    }
    again(run.op, "recv");
    if (!waiting) return { datagrams, bytes };
    waiting = await ready(run, readable);
  }
}

/**
 * Sends `count` datagrams of `size` bytes on the connected UDP socket `fd`,
 * as fast as the kernel takes them, or until stopped; ends early (not an
 * error) when the kernel reports the other side gone (ECONNREFUSED).
 */
export async function udpSource(run: Run, fd: number, options: { size: number; count: number }): Promise<{ sent: number }> {
  const datagram = new Uint8Array(options.size).fill(0x5a);
  const writable = pollfds([[fd, POLLOUT]]);
  let sent = 0;
  while (sent < options.count && !run.stopped) {
    const n = Number(lib().send(fd, datagram, BigInt(datagram.byteLength), MSG_NOSIGNAL));
    if (n >= 0) {
      sent++;
      await run.breathe();
      continue;
    }
    const e = errno();
    if (e === ECONNREFUSED) break;
    if (e !== EAGAIN) throw sysError(run.op, "send", e);
    if (!await ready(run, writable)) break;
  }
  return { sent };
}
