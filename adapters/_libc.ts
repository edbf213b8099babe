/**
 * The libc adapter's FFI bindings: the C library's socket functions through
 * Deno's FFI, errno read on the calling thread, socket addresses encoded and
 * decoded byte by byte, and {@linkcode Socket}, a non-blocking descriptor
 * whose readiness waits sleep on another thread.
 *
 * Threading and errno. errno is per thread, and a foreign function declared
 * `nonblocking` runs on one of Deno's worker threads, whose errno the
 * JavaScript thread cannot see. So every socket call (socket, bind, listen,
 * connect, accept4, recv, send, recvfrom, sendto, shutdown, setsockopt,
 * getsockopt, getsockname, getpeername, close) is a synchronous call on the
 * JavaScript thread: the descriptors are non-blocking, so none of them
 * sleeps, and errno is read through `__errno_location()` as soon as the call
 * has returned -1, before any other call is made. The only call that sleeps
 * is the readiness wait, and it never needs errno (see {@linkcode Poller}).
 *
 * Linux with glibc only. The numeric constants are Linux's (the generic
 * values shared by x86-64 and arm64); errno numbers come from `node:os`.
 *
 * @module
 */
import { constants } from "node:os";
import type { Address, Endpoint } from "../core/adapter.ts";
import { ipAddress, unixAddress } from "../core/address.ts";
import { errnoName, SocketError, toSocketError, UNKNOWN } from "../core/errors.ts";

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const AF_UNSPEC = 0;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_ERROR = 4;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
const SO_LINGER = 13;
export const SO_REUSEPORT = 15;
export const IPPROTO_IP = 0;
export const IP_TTL = 2;
export const IP_RECVTTL = 12;
export const IP_ADD_MEMBERSHIP = 35;
export const IPPROTO_TCP = 6;
export const TCP_NODELAY = 1;
export const TCP_KEEPIDLE = 4;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;

export const MSG_PEEK = 0x2;
export const MSG_TRUNC = 0x20;
export const MSG_NOSIGNAL = 0x4000;
const MSG_CMSG_CLOEXEC = 0x40000000;
const SCM_RIGHTS = 1;
export const F_SETFD = 2;
export const SHUT_WR = 1;

export const POLLIN = 0x1;
export const POLLOUT = 0x4;

const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;

export const EAGAIN = constants.errno.EAGAIN;
export const EINPROGRESS = constants.errno.EINPROGRESS;

/** Bytes of a `struct sockaddr_storage`: room for any address family. */
const SOCKADDR_STORAGE = 128;
const SOCKADDR_IN = 16;
const SOCKADDR_IN6 = 28;
const SUN_PATH = 108;
const INET6_ADDRSTRLEN = 46;

/**
 * How long the poll on the other thread may sleep before it returns and is
 * re-armed. Wake-ups come through the eventfd at once; this bound only keeps
 * a lost wake-up from sleeping forever.
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
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recvfrom: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"], result: "isize" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  /** fcntl(fd, cmd, int): only F_SETFD here. */
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** poll() on the calling thread, always with timeout 0: it never sleeps. */
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  /** poll() on a worker thread: only its return value is used, never errno. */
  pollOffThread: { name: "poll", parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  inet_ntop: { parameters: ["i32", "buffer", "buffer", "u32"], result: "pointer" },
  /**
   * getaddrinfo() on a worker thread: it may read files and wait on a
   * nameserver. Its result is its return value (an EAI_* number), so errno
   * is not needed, except for EAI_SYSTEM, whose errno stays on that thread.
   */
  getaddrinfo: { parameters: ["buffer", "buffer", "buffer", "buffer"], result: "i32", nonblocking: true },
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  gai_strerror: { parameters: ["i32"], result: "pointer" },
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
 * The error for an operation on a descriptor this side has already closed.
 */
export function closedError(op: string, syscall: string): SocketError {
  // The call is not made (the number may already name another descriptor),
  // so there is no errno to report: UNKNOWN, not an invented EBADF.
  return new SocketError(op, UNKNOWN, { class: "Closed", syscall, message: `${syscall} not made: this side closed the descriptor` });
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

function checkPort(op: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw toSocketError(op, new RangeError(`port ${port} is not an integer in 0..65535`));
  }
}

/** `sockaddr_in` or `sockaddr_in6` for a numeric host (inet_pton, IPv4 tried first), or `undefined` for anything else. */
function numericSockaddr(op: string, hostname: string, port: number): SockAddr | undefined {
  const lib = libc(op);
  checkPort(op, port);
  if (hostname.includes("\0")) return undefined;
  const host = cString(hostname);
  const addr = new Uint8Array(16);
  let family: number;
  if (lib.inet_pton(AF_INET, host, addr) === 1) family = AF_INET;
  else if (lib.inet_pton(AF_INET6, host, addr) === 1) family = AF_INET6;
  else return undefined;
  const bytes = new Uint8Array(family === AF_INET ? SOCKADDR_IN : SOCKADDR_IN6);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, family, littleEndian);
  view.setUint16(2, port, false); // network byte order
  if (family === AF_INET) bytes.set(addr.subarray(0, 4), 4);
  else bytes.set(addr, 8); // flowinfo and scope id stay 0
  return { family, bytes, length: bytes.byteLength };
}

/**
 * `sockaddr_in` or `sockaddr_in6` for a numeric host (inet_pton, IPv4 tried
 * first) and a port. No name resolution: a name is an error (see
 * {@linkcode resolveInet} for names).
 */
export function inetSockaddr(op: string, hostname: string, port: number): SockAddr {
  const numeric = numericSockaddr(op, hostname, port);
  if (numeric) return numeric;
  throw toSocketError(op, new TypeError(`"${hostname}" is not a numeric IPv4 or IPv6 address (no name resolution here)`));
}

/** glibc's getaddrinfo return values (`<netdb.h>`). */
const EAI_NAMES: Readonly<Record<number, string>> = {
  [-1]: "EAI_BADFLAGS",
  [-2]: "EAI_NONAME",
  [-3]: "EAI_AGAIN",
  [-4]: "EAI_FAIL",
  [-5]: "EAI_NODATA",
  [-6]: "EAI_FAMILY",
  [-7]: "EAI_SOCKTYPE",
  [-8]: "EAI_SERVICE",
  [-9]: "EAI_ADDRFAMILY",
  [-10]: "EAI_MEMORY",
  [-11]: "EAI_SYSTEM",
  [-12]: "EAI_OVERFLOW",
};

const AI_PASSIVE = 0x1;
/** `struct addrinfo` on LP64 glibc: flags, family, socktype, protocol, addrlen (+4 padding), addr, canonname, next. */
const ADDRINFO = { size: 48, family: 4, socktype: 8, addrlen: 16, addr: 24, next: 40 } as const;

/** A failed getaddrinfo as the contract carries it: its EAI_* name, the number in `raw`. */
function gaiError(op: string, result: number): SocketError {
  const text = symbols!.gai_strerror(result);
  const message = text ? Deno.UnsafePointerView.getCString(text) : `getaddrinfo returned ${result}`;
  return new SocketError(op, EAI_NAMES[result] ?? UNKNOWN, { class: "Gai", code: EAI_NAMES[result] ?? result, syscall: "getaddrinfo", message });
}

/**
 * The addresses to try for `hostname` and `port`, in order: a numeric host
 * as itself (no lookup), a name as getaddrinfo gives it (`AF_UNSPEC`,
 * `SOCK_STREAM`, no flags but `AI_PASSIVE` when `passive`), in its order:
 * RFC 6724's destination ordering as glibc applies it, under gai.conf. Only
 * IPv4 and IPv6 addresses are kept; each gets `port`.
 */
export async function resolveInet(op: string, hostname: string, port: number, options: { passive?: boolean } = {}): Promise<SockAddr[]> {
  const numeric = numericSockaddr(op, hostname, port);
  if (numeric) return [numeric];
  if (hostname.includes("\0")) throw toSocketError(op, new TypeError("a host name cannot contain NUL"));
  const lib = libc(op);
  const hints = new Uint8Array(ADDRINFO.size);
  const view = new DataView(hints.buffer);
  view.setInt32(0, options.passive ? AI_PASSIVE : 0, littleEndian);
  view.setInt32(ADDRINFO.socktype, SOCK_STREAM, littleEndian); // ai_family 0: AF_UNSPEC
  const head = new BigUint64Array(1);
  const result = await lib.getaddrinfo(cString(hostname), null, hints, head);
  if (result !== 0) throw gaiError(op, result);
  const list = Deno.UnsafePointer.create(head[0]);
  const found: SockAddr[] = [];
  try {
    for (let entry = list; entry !== null;) {
      const info = new Deno.UnsafePointerView(entry);
      const family = info.getInt32(ADDRINFO.family);
      const length = info.getUint32(ADDRINFO.addrlen);
      const addr = info.getPointer(ADDRINFO.addr);
      if ((family === AF_INET || family === AF_INET6) && addr) {
        const bytes = new Uint8Array(new Deno.UnsafePointerView(addr).getArrayBuffer(length).slice(0));
        new DataView(bytes.buffer).setUint16(2, port, false); // network byte order
        found.push({ family, bytes, length });
      }
      entry = info.getPointer(ADDRINFO.next);
    }
  } finally {
    lib.freeaddrinfo(list);
  }
  return found;
}

/**
 * `sockaddr_un` for a path; a leading NUL names an abstract socket. The
 * length covers the path and, for a file path, its terminating NUL. A path
 * too long for `sun_path` is never cut short: it is handed over whole, with
 * its length, and the kernel refuses it (EINVAL).
 */
export function unixSockaddr(_op: string, path: string): SockAddr {
  const encoded = new TextEncoder().encode(path);
  const abstract = encoded[0] === 0;
  const length = 2 + encoded.byteLength + (abstract ? 0 : 1);
  const bytes = new Uint8Array(Math.max(2 + SUN_PATH, length));
  new DataView(bytes.buffer).setUint16(0, AF_UNIX, littleEndian);
  bytes.set(encoded, 2);
  return { family: AF_UNIX, bytes, length };
}

/** The sockaddr for an {@linkcode Endpoint}: a Unix path or a numeric IP host and port. */
export function endpointSockaddr(op: string, to: Endpoint): SockAddr {
  return "path" in to ? unixSockaddr(op, to.path) : inetSockaddr(op, to.hostname, to.port);
}

/** The address family of sockaddr bytes. */
function sockaddrFamily(bytes: Uint8Array): number {
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
  return ipAddress(hostname, port, family === AF_INET ? "IPv4" : "IPv6");
}

/**
 * The path of a `sockaddr_un` of `length` bytes: `""` when unnamed, an
 * abstract name with its leading NUL kept.
 */
function decodeUnixPath(bytes: Uint8Array, length: number): string {
  const path = bytes.subarray(2, Math.max(2, length));
  const nul = path.indexOf(0, 1);
  return new TextDecoder().decode(path[0] === 0 || nul < 0 ? path : path.subarray(0, nul));
}

/**
 * A sockaddr of `length` bytes as an {@linkcode Address}: AF_UNIX as
 * `{ hostname: "", port: 0, family: "Unix", path }`, otherwise as
 * {@linkcode decodeInet}. `domain` is the socket's own family, used when the
 * kernel wrote no family at all (recvfrom from an unnamed Unix socket gives
 * a length of 0).
 */
export function decodeAddress(op: string, domain: number, bytes: Uint8Array, length: number): Address {
  const family = length >= 2 ? sockaddrFamily(bytes) : domain;
  if (family === AF_UNIX) return unixAddress(decodeUnixPath(bytes, length));
  return decodeInet(op, bytes.subarray(0, length));
}

/** A `sockaddr_storage` and its `socklen_t`, ready for getsockname/accept4/recvfrom. */
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
  /** The length a call wrote elsewhere (recvmsg's `msg_namelen`). */
  set length(value: number) {
    this.#length[0] = value;
  }
}

/** getsockname or getpeername as an {@linkcode Address} (IPv4, IPv6 or Unix). */
export function socketName(op: string, fd: number, which: "getsockname" | "getpeername"): Address {
  const lib = libc(op);
  const buf = new AddrBuffer();
  check(op, which, lib[which](fd, buf.bytes, buf.lengthArg()));
  return decodeAddress(op, AF_UNIX, buf.bytes, buf.length);
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

/**
 * setsockopt(IP_ADD_MEMBERSHIP) with `struct ip_mreq { struct in_addr
 * imr_multiaddr; struct in_addr imr_interface; }`: joins `group` on the
 * interface that has the address `interface` (UNP 21.6). Both numeric IPv4.
 */
export function joinGroup(op: string, fd: number, membership: { group: string; interface: string }): void {
  const mreq = new Uint8Array(8);
  for (const [offset, host] of [[0, membership.group], [4, membership.interface]] as const) {
    const addr = inetSockaddr(op, host, 0);
    if (addr.family !== AF_INET) throw toSocketError(op, new TypeError(`${host} is not an IPv4 address`));
    mreq.set(addr.bytes.subarray(4, 8), offset);
  }
  check(op, "setsockopt", libc(op).setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, mreq.byteLength));
}

/** The address of a buffer, as the 64-bit value a C struct holds. */
function addressOf(buffer: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer as Uint8Array<ArrayBuffer>)));
}

/** What {@linkcode recvMessage} read: the length recvmsg returned, and the TTL its control message carried. */
export interface Message {
  /** recvmsg's result: with MSG_TRUNC, the datagram's real length; -1 on failure (errno is set). */
  n: number;
  /** The IP_TTL control message's value (IP_RECVTTL), if one came. */
  ttl?: number;
}

/** `struct msghdr` on 64-bit Linux: name, namelen, iov, iovlen, control, controllen, flags. */
const MSGHDR = 56;
const CMSGHDR = 16;
const CONTROL_SIZE = 64;

/**
 * recvmsg(2) of one datagram into `buffer`, its sender into `from`, with a
 * control buffer for ancillary data, on the calling thread; errno is left
 * for the caller to read at once when `n` is -1.
 */
export function recvMessage(fd: number, buffer: Uint8Array, options: { flags: number; from: AddrBuffer }): Message {
  const { flags, from } = options;
  const iov = new Uint8Array(16);
  const control = new Uint8Array(CONTROL_SIZE);
  const header = new Uint8Array(MSGHDR);
  const view = new DataView(header.buffer);
  const iovView = new DataView(iov.buffer);
  // A zero-length buffer has no address to give: its iovec is { NULL, 0 }.
  iovView.setBigUint64(0, buffer.byteLength ? addressOf(buffer) : 0n, littleEndian);
  iovView.setBigUint64(8, BigInt(buffer.byteLength), littleEndian);
  view.setBigUint64(0, addressOf(from.bytes), littleEndian);
  view.setUint32(8, SOCKADDR_STORAGE, littleEndian);
  view.setBigUint64(16, addressOf(iov), littleEndian);
  view.setBigUint64(24, 1n, littleEndian);
  view.setBigUint64(32, addressOf(control), littleEndian);
  view.setBigUint64(40, BigInt(CONTROL_SIZE), littleEndian);
  const n = Number(symbols!.recvmsg(fd, header, flags));
  if (n < 0) return { n };
  from.length = view.getUint32(8, littleEndian);
  return { n, ttl: controlTtl(control, Number(view.getBigUint64(40, littleEndian))) };
}

/** The value of the first IPPROTO_IP / IP_TTL control message among `length` bytes of `control`. */
function controlTtl(control: Uint8Array, length: number): number | undefined {
  const view = new DataView(control.buffer, control.byteOffset);
  for (let offset = 0; offset + CMSGHDR <= length;) {
    const cmsgLen = Number(view.getBigUint64(offset, littleEndian));
    if (cmsgLen < CMSGHDR) return undefined;
    if (view.getInt32(offset + 8, littleEndian) === IPPROTO_IP && view.getInt32(offset + 12, littleEndian) === IP_TTL) {
      return view.getInt32(offset + CMSGHDR, littleEndian);
    }
    offset += (cmsgLen + 7) & ~7; // CMSG_NXTHDR: aligned to sizeof(size_t)
  }
  return undefined;
}

/** A `struct msghdr` with one iovec over `data` and `control` as its control buffer (no name). */
function messageHeader(data: Uint8Array, control: Uint8Array): { header: Uint8Array; iov: Uint8Array } {
  const iov = new Uint8Array(16);
  const iovView = new DataView(iov.buffer);
  iovView.setBigUint64(0, data.byteLength ? addressOf(data) : 0n, littleEndian);
  iovView.setBigUint64(8, BigInt(data.byteLength), littleEndian);
  const header = new Uint8Array(MSGHDR);
  const view = new DataView(header.buffer);
  view.setBigUint64(16, addressOf(iov), littleEndian);
  view.setBigUint64(24, 1n, littleEndian);
  view.setBigUint64(32, control.byteLength ? addressOf(control) : 0n, littleEndian);
  view.setBigUint64(40, BigInt(control.byteLength), littleEndian);
  return { header, iov };
}

/** CMSG_SPACE(sizeof(int)): one descriptor's control message. */
const RIGHTS_SPACE = CMSGHDR + 8;

/**
 * sendmsg(2) of `data` on the calling thread, with `passed` (a descriptor)
 * as an SCM_RIGHTS control message when given (UNP 15.7): the receiver
 * gets a descriptor of its own for the same open file. Returns the call's
 * result; errno is left for the caller to read at once when it is -1.
 */
export function sendWithDescriptor(fd: number, data: Uint8Array, passed?: number): number {
  const control = new Uint8Array(passed === undefined ? 0 : RIGHTS_SPACE);
  if (passed !== undefined) {
    const view = new DataView(control.buffer);
    view.setBigUint64(0, BigInt(CMSGHDR + 4), littleEndian); // CMSG_LEN(sizeof(int))
    view.setInt32(8, SOL_SOCKET, littleEndian);
    view.setInt32(12, SCM_RIGHTS, littleEndian);
    view.setInt32(CMSGHDR, passed, littleEndian);
  }
  const { header, iov } = messageHeader(data, control);
  const n = Number(libc("send").sendmsg(fd, header, MSG_NOSIGNAL));
  void iov; // the call read iov through the header until now: keep it alive
  return n;
}

/**
 * recvmsg(2) of one message into `buffer` on the calling thread, with
 * MSG_CMSG_CLOEXEC; `passed` is the descriptor an SCM_RIGHTS control
 * message carried, if one came. errno is left for the caller when `n` is -1.
 */
export function recvWithDescriptor(fd: number, buffer: Uint8Array): { n: number; passed?: number } {
  const control = new Uint8Array(RIGHTS_SPACE);
  const { header, iov } = messageHeader(buffer, control);
  const n = Number(libc("receive").recvmsg(fd, header, MSG_CMSG_CLOEXEC));
  void iov;
  if (n < 0) return { n };
  const view = new DataView(control.buffer);
  const length = Number(new DataView(header.buffer).getBigUint64(40, littleEndian));
  const rights = length >= CMSGHDR + 4 && view.getInt32(8, littleEndian) === SOL_SOCKET &&
    view.getInt32(12, littleEndian) === SCM_RIGHTS;
  return rights ? { n, passed: view.getInt32(CMSGHDR, littleEndian) } : { n };
}

/** socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC): both ends, or the errno thrown. */
export function seqpacketPair(op: string): [number, number] {
  const fds = new Int32Array(2);
  check(op, "socketpair", libc(op).socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds));
  return [fds[0], fds[1]];
}

/** SO_LINGER as `struct linger { int l_onoff; int l_linger; }`; returns the call's result. */
export function setLinger(fd: number, onoff: number, seconds: number): number {
  return symbols!.setsockopt(fd, SOL_SOCKET, SO_LINGER, new Int32Array([onoff, seconds]), 8);
}

/** An array of `struct pollfd { int fd; short events; short revents; }`. */
function pollfds(entries: readonly (readonly [fd: number, events: number])[]) {
  const bytes = new Uint8Array(8 * Math.max(1, entries.length));
  const ints = new Int32Array(bytes.buffer);
  const shorts = new Int16Array(bytes.buffer);
  entries.forEach(([fd, events], i) => {
    ints[2 * i] = fd;
    shorts[4 * i + 2] = events;
  });
  return { bytes, count: BigInt(entries.length), revents: (i: number) => shorts[4 * i + 3] & 0xffff };
}

interface Waiter {
  owner: Socket;
  op: string;
  fd: number;
  events: number;
  resolve(ready: boolean): void;
  reject(error: unknown): void;
}

/**
 * The one readiness waiter of this thread. While any socket waits, exactly
 * one poll() sleeps on a worker thread over every waiting descriptor plus an
 * eventfd; a new wait, or a close of a descriptor in that poll, writes to the
 * eventfd so the poll returns and is re-armed with the current set. When the
 * poll returns, one poll() with timeout 0 on this thread decides which waits
 * are ready (its errno is this thread's); the off-thread result is only a
 * hint. With no waits left the eventfd is closed.
 */
class Poller {
  #waiters = new Set<Waiter>();
  #wakeFd = -1;
  #running = false;
  #sleeping?: { fds: Set<number>; keys: Set<string>; done: Promise<unknown> };

  wait(owner: Socket, op: string, events: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const fd = owner.fd;
      this.#waiters.add({ owner, op, fd, events, resolve, reject });
      if (this.#sleeping && !this.#sleeping.keys.has(`${fd}/${events}`)) this.#wake();
      if (!this.#running) void this.#run();
    });
  }

  /**
   * Settles the owner's waits `false`, and resolves once no poll on another
   * thread refers to `fd` any more, so that close(2) really releases it.
   */
  async release(owner: Socket): Promise<void> {
    for (const w of this.#waiters) {
      if (w.owner === owner) {
        this.#waiters.delete(w);
        w.resolve(false);
      }
    }
    const sleeping = this.#sleeping;
    if (sleeping?.fds.has(owner.fd)) {
      this.#wake();
      await sleeping.done.catch(() => {});
    }
  }

  #wake(): void {
    // Adds 1 to the counter: the eventfd is readable until drained, so the
    // sleeping poll returns even if it is only about to start sleeping.
    symbols!.write(this.#wakeFd, new BigUint64Array([1n]), 8n);
  }

  async #run(): Promise<void> {
    this.#running = true;
    const drain = new BigUint64Array(1);
    try {
      while (this.#waiters.size > 0) {
        if (this.#wakeFd < 0) {
          const fd = symbols!.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
          if (fd < 0) {
            this.#failAll("eventfd", errno());
            break;
          }
          this.#wakeFd = fd;
        }
        const armed = [...this.#waiters];
        const pfd = pollfds([[this.#wakeFd, POLLIN], ...armed.map((w) => [w.fd, w.events] as const)]);
        const done = symbols!.pollOffThread(pfd.bytes, pfd.count, WAIT_SLICE_MS);
        this.#sleeping = {
          fds: new Set(armed.map((w) => w.fd)),
          keys: new Set(armed.map((w) => `${w.fd}/${w.events}`)),
          done,
        };
        const hint = await done.catch(() => -1);
        this.#sleeping = undefined;
        void pfd; // the poll wrote into pfd until now: keep it alive
        symbols!.read(this.#wakeFd, drain, 8n); // EAGAIN when not woken: nothing to do
        if (hint === 0) continue; // slice over, nothing ready: sleep again
        const current = [...this.#waiters];
        if (current.length === 0) break;
        const now = pollfds(current.map((w) => [w.fd, w.events] as const));
        const ready = symbols!.poll(now.bytes, now.count, 0);
        if (ready < 0) {
          this.#failAll("poll", errno());
          continue;
        }
        current.forEach((w, i) => {
          if (now.revents(i) !== 0) {
            this.#waiters.delete(w);
            w.resolve(true);
          }
        });
        // The other thread's poll failed and nothing is ready here: do not spin.
        if (hint < 0 && ready === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      this.#running = false;
      if (this.#wakeFd >= 0 && this.#waiters.size === 0) {
        symbols!.close(this.#wakeFd);
        this.#wakeFd = -1;
      }
    }
  }

  #failAll(syscall: string, errnum: number): void {
    for (const w of this.#waiters) w.reject(errnoError(w.op, syscall, errnum));
    this.#waiters.clear();
  }
}

const poller = new Poller();

/**
 * A non-blocking socket descriptor owned by one adapter object.
 *
 * Every call on it is made synchronously on the JavaScript thread, so errno
 * is read where it was set; {@linkcode wait} hands the sleeping to the
 * {@linkcode Poller}. {@linkcode close} first has the poller let go of the
 * descriptor (a poll sleeping on it holds a reference to the open socket, and
 * the kernel would not release it, so no FIN, no RST and a listener still
 * accepting, until that poll returned), then calls close(2).
 */
export class Socket {
  readonly fd: number;
  #closing = false;
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
   * Waits, without blocking the JavaScript thread, until the socket is ready
   * for `events` or has an error or hang-up to report: `true`, and the
   * caller retries its call, which gives the answer. `false` once this side
   * closes the socket.
   */
  wait(op: string, events: number): Promise<boolean> {
    if (this.#closing) return Promise.resolve(false);
    return poller.wait(this, op, events);
  }

  /**
   * Closes the descriptor once: settles pending waits, has the poller let
   * go, then close(2). `beforeClose` runs first, on the open descriptor
   * (SO_LINGER); its error is thrown after the descriptor is closed.
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
      await poller.release(this);
      if (symbols!.close(this.fd) < 0) failure ??= errnoError(op, "close", errno());
      if (failure !== undefined) throw failure;
    })();
    return this.#closed;
  }
}
