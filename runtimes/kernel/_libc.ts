/**
 * Private helpers of the kernel column: the C library's socket functions
 * through Deno's FFI, errno read on the calling thread, socket addresses
 * encoded and decoded byte by byte, and {@linkcode Socket}, a non-blocking
 * descriptor whose readiness waits sleep on another thread.
 *
 * Linux with glibc only. The numeric constants are Linux's (the generic
 * values shared by x86-64 and arm64); errno numbers come from `node:os`.
 *
 * @module
 */
import { constants } from "node:os";
import type { Address } from "../../core/adapter.ts";
import { errnoName, SocketError, toSocketError, UNKNOWN } from "../../core/errors.ts";

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_ERROR = 4;
export const SO_LINGER = 13;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;

export const MSG_NOSIGNAL = 0x4000;
export const SHUT_WR = 1;

export const POLLIN = 0x1;
export const POLLOUT = 0x4;

const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;

export const EAGAIN = constants.errno.EAGAIN;
export const EINPROGRESS = constants.errno.EINPROGRESS;
export const EBADF = constants.errno.EBADF;

/** Bytes of a `struct sockaddr_storage`: room for any address family. */
export const SOCKADDR_STORAGE = 128;
const SOCKADDR_IN = 16;
const SOCKADDR_IN6 = 28;
const SUN_PATH = 108;
const INET6_ADDRSTRLEN = 46;

/**
 * How long one readiness wait may sleep on the other thread before it
 * returns and is re-armed. Wake-ups on close come through the socket's
 * eventfd at once; this bound only keeps a lost wake-up from sleeping forever.
 */
const WAIT_SLICE_MS = 1000;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** poll() on the calling thread: always with timeout 0, never sleeps. */
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  /** poll() on a worker thread: only its return value is used, never errno. */
  pollOffThread: { name: "poll", parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  inet_ntop: { parameters: ["i32", "buffer", "buffer", "u32"], result: "pointer" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
let symbols: Libc | undefined;

/** The C library, opened on first use so importing this module needs no permission. */
export function libc(op: string): Libc {
  if (symbols) return symbols;
  try {
    symbols = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch (err) {
    throw toSocketError(op, err);
  }
  return symbols;
}

/**
 * errno of the calling thread. Read it straight after the failing call, on
 * the same thread, before anything else can make a system call that fails.
 */
export function errno(): number {
  return new Deno.UnsafePointerView(symbols!.__errno_location()!).getInt32(0);
}

/** A failed libc call as the contract carries it: the errno name, and the number in `raw`. */
export function errnoError(op: string, syscall: string, errnum: number, message = `${syscall} failed`): SocketError {
  const code = errnoName(errnum) ?? UNKNOWN;
  return new SocketError(op, code, { class: "Errno", code, errno: errnum, syscall, message });
}

/** Throws the errno of a failed call (`result < 0`); returns the result otherwise. */
export function check(op: string, syscall: string, result: number): number {
  if (result < 0) throw errnoError(op, syscall, errno());
  return result;
}

/**
 * The error for an operation on a descriptor this side has already closed:
 * EBADF, which is what the call would return on the released descriptor.
 * The call itself is not made, since the number may already name a new one.
 */
export function closedError(op: string, syscall: string): SocketError {
  return errnoError(op, syscall, EBADF, `${syscall} not made: this side closed the descriptor`);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A socket address in C layout: the bytes and the length to pass beside them. */
export interface SockAddr {
  family: number;
  bytes: Uint8Array;
  length: number;
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

/**
 * `sockaddr_in` or `sockaddr_in6` for a numeric host (inet_pton, IPv4 tried
 * first) and a port. No name resolution: a name is an error.
 */
export function inetSockaddr(op: string, hostname: string, port: number): SockAddr {
  const lib = libc(op);
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw toSocketError(op, new RangeError(`port ${port} is not an integer in 0..65535`));
  }
  const host = hostname.includes("\0") ? undefined : cString(hostname);
  const addr = new Uint8Array(16);
  let family: number;
  if (host && lib.inet_pton(AF_INET, host, addr) === 1) family = AF_INET;
  else if (host && lib.inet_pton(AF_INET6, host, addr) === 1) family = AF_INET6;
  else {
    throw toSocketError(op, new TypeError(`"${hostname}" is not a numeric IPv4 or IPv6 address (no name resolution here)`));
  }
  const bytes = new Uint8Array(family === AF_INET ? SOCKADDR_IN : SOCKADDR_IN6);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, family, littleEndian);
  view.setUint16(2, port, false); // network byte order
  if (family === AF_INET) bytes.set(addr.subarray(0, 4), 4);
  else bytes.set(addr, 8); // flowinfo and scope id stay 0
  return { family, bytes, length: bytes.byteLength };
}

/**
 * `sockaddr_un` for a path; a leading NUL names an abstract socket. The
 * length covers the path and, for a file path, its terminating NUL.
 */
export function unixSockaddr(op: string, path: string): SockAddr {
  const encoded = new TextEncoder().encode(path);
  const abstract = encoded[0] === 0;
  if (encoded.byteLength + (abstract ? 0 : 1) > SUN_PATH) {
    throw toSocketError(op, new RangeError(`unix socket path is longer than ${SUN_PATH - 1} bytes`));
  }
  const bytes = new Uint8Array(2 + SUN_PATH);
  new DataView(bytes.buffer).setUint16(0, AF_UNIX, littleEndian);
  bytes.set(encoded, 2);
  return { family: AF_UNIX, bytes, length: 2 + encoded.byteLength + (abstract ? 0 : 1) };
}

/** The address family of sockaddr bytes. */
export function sockaddrFamily(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint16(0, littleEndian);
}

/**
 * An IPv4 or IPv6 sockaddr as an {@linkcode Address}; inet_ntop writes the
 * host (an IPv4-mapped IPv6 address reads `::ffff:a.b.c.d`, family IPv6).
 */
export function decodeInet(op: string, bytes: Uint8Array): Address {
  const lib = libc(op);
  const family = sockaddrFamily(bytes);
  if (family !== AF_INET && family !== AF_INET6) {
    throw toSocketError(op, new TypeError(`address family ${family} is not AF_INET or AF_INET6`));
  }
  const port = (bytes[2] << 8) | bytes[3];
  const addr = family === AF_INET ? bytes.slice(4, 8) : bytes.slice(8, 24);
  const text = new Uint8Array(INET6_ADDRSTRLEN);
  if (lib.inet_ntop(family, addr, text, text.byteLength) === null) {
    throw errnoError(op, "inet_ntop", errno());
  }
  const hostname = new TextDecoder().decode(text.subarray(0, text.indexOf(0)));
  return { hostname, port, family: family === AF_INET ? "IPv4" : "IPv6" };
}

/**
 * The path of a `sockaddr_un` of `length` bytes: `""` when unnamed, an
 * abstract name with its leading NUL kept.
 */
export function decodeUnixPath(bytes: Uint8Array, length: number): string {
  const path = bytes.subarray(2, Math.max(2, length));
  const nul = path.indexOf(0, 1);
  return new TextDecoder().decode(path[0] === 0 || nul < 0 ? path : path.subarray(0, nul));
}

/** A `sockaddr_storage` and its `socklen_t`, ready for getsockname/accept4. */
export class AddrBuffer {
  readonly bytes = new Uint8Array(SOCKADDR_STORAGE);
  readonly #length = new Uint32Array(1);
  /** The `socklen_t *` argument, reset to the full size. */
  lengthArg(): Uint32Array {
    this.#length[0] = SOCKADDR_STORAGE;
    return this.#length;
  }
  get length(): number {
    return this.#length[0];
  }
}

/** getsockname or getpeername as an inet {@linkcode Address}. */
export function inetName(op: string, fd: number, which: "getsockname" | "getpeername"): Address {
  const lib = libc(op);
  const buf = new AddrBuffer();
  check(op, which, lib[which](fd, buf.bytes, buf.lengthArg()));
  return decodeInet(op, buf.bytes.subarray(0, buf.length));
}

/** setsockopt with an `int` value. */
export function setIntOption(op: string, fd: number, level: number, name: number, value: number): void {
  check(op, "setsockopt", libc(op).setsockopt(fd, level, name, new Int32Array([value]), 4));
}

/** getsockopt of an `int` option. */
export function getIntOption(op: string, fd: number, level: number, name: number): number {
  const value = new Int32Array(1);
  const length = new Uint32Array([4]);
  check(op, "getsockopt", libc(op).getsockopt(fd, level, name, value, length));
  return value[0];
}

/** SO_LINGER as `struct linger { int l_onoff; int l_linger; }`; returns the call's result. */
export function setLinger(fd: number, onoff: number, seconds: number): number {
  return symbols!.setsockopt(fd, SOL_SOCKET, SO_LINGER, new Int32Array([onoff, seconds]), 8);
}

/**
 * poll() of one descriptor on this thread with timeout 0: the revents now,
 * 0 when nothing is ready.
 */
export function pollNow(op: string, fd: number, events: number): number {
  const pfd = pollfds([fd, events]);
  check(op, "poll", symbols!.poll(pfd.bytes, 1n, 0));
  return pfd.revents(0);
}

/** An array of `struct pollfd { int fd; short events; short revents; }`. */
function pollfds(...entries: [fd: number, events: number][]) {
  const bytes = new Uint8Array(8 * entries.length);
  const ints = new Int32Array(bytes.buffer);
  const shorts = new Int16Array(bytes.buffer);
  entries.forEach(([fd, events], i) => {
    ints[2 * i] = fd;
    shorts[4 * i + 2] = events;
  });
  return { bytes, revents: (i: number) => shorts[4 * i + 3] & 0xffff };
}

/**
 * A non-blocking socket descriptor owned by one adapter object.
 *
 * Every call on it is made synchronously on the JavaScript thread, so errno
 * is read where it was set. {@linkcode wait} sleeps in poll() on one of
 * Deno's worker threads instead, polling the socket and this socket's
 * eventfd; {@linkcode close} signals the eventfd so such a poll returns at
 * once, waits until every poll has returned, and only then calls close(2):
 * a sleeping poll holds a reference to the open socket, and the kernel would
 * not release it (no FIN, no RST, a listener still accepting) until the
 * poll let go.
 */
export class Socket {
  readonly fd: number;
  #wakeFd = -1;
  #closing = false;
  #waits = new Set<Promise<number>>();
  #closed?: Promise<void>;

  constructor(fd: number) {
    this.fd = fd;
  }

  /** socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0). */
  static open(op: string, domain: number, type: number): Socket {
    const lib = libc(op);
    return new Socket(check(op, "socket", lib.socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)));
  }

  /** Whether this side has begun closing the descriptor. */
  get closed(): boolean {
    return this.#closing;
  }

  /**
   * Waits until the socket is ready for `events` (or has an error or hang-up
   * to report), without blocking the JavaScript thread. Resolves `true` when
   * ready, `false` once this side closes the socket. The other thread's poll
   * only says "look again"; readiness is confirmed by a poll with timeout 0
   * here, whose errno is this thread's, and the caller then retries its call.
   */
  async wait(op: string, events: number): Promise<boolean> {
    if (this.#closing) return false;
    if (this.#wakeFd < 0) {
      this.#wakeFd = check(op, "eventfd", symbols!.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    }
    const pfd = pollfds([this.fd, events], [this.#wakeFd, POLLIN]);
    for (;;) {
      if (this.#closing) return false;
      const sleeping = symbols!.pollOffThread(pfd.bytes, 2n, WAIT_SLICE_MS);
      this.#waits.add(sleeping);
      let hint: number;
      try {
        hint = await sleeping;
      } finally {
        this.#waits.delete(sleeping);
      }
      if (this.#closing) return false;
      if (hint !== 0 && pollNow(op, this.fd, events) !== 0) return true;
    }
  }

  /**
   * Closes the descriptor once: wakes and waits out pending waits, then
   * close(2). `beforeClose` runs first, on the open descriptor (SO_LINGER).
   */
  close(op: string, beforeClose?: () => void): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      let failure: unknown;
      try {
        beforeClose?.();
      } catch (err) {
        failure = err;
      }
      if (this.#waits.size > 0) {
        // Adds 1 to the eventfd's counter: it stays readable, so every poll
        // sleeping on it returns.
        symbols!.write(this.#wakeFd, new BigUint64Array([1n]), 8n);
        await Promise.allSettled([...this.#waits]);
      }
      if (this.#wakeFd >= 0) symbols!.close(this.#wakeFd);
      const result = symbols!.close(this.fd);
      if (result < 0) failure ??= errnoError(op, "close", errno());
      if (failure !== undefined) throw failure;
    })();
    return this.#closed;
  }
}
