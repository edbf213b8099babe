/**
 * The libc adapter, the `kernel` reference column: the C library's socket
 * functions called directly through Deno's FFI, so no runtime socket layer
 * sits between a case and the kernel. Linux with glibc; needs only `--allow-ffi`. The
 * adapter is marked `reference`: cases about a JavaScript-level contract
 * (a pending promise settles) are `unsupported` on it.
 *
 * Contract → libc (every socket non-blocking: SOCK_NONBLOCK | SOCK_CLOEXEC):
 * - tcp.connect → `socket` + `connect`; on EINPROGRESS, wait writable, then
 *   `getsockopt(SO_ERROR)`: a non-zero value is the connect's errno, thrown
 *   with connect's own destination as raw `address` and `port` (libc's
 *   error is errno alone; the caller holds the arguments, and node:net
 *   builds its `address` and `port` the same way). A signal already aborted
 *   rejects with its reason before any socket is made; one aborted later
 *   closes the socket and rejects with the signal's reason
 * - host names (tcp.connect, tcp.listen) → a numeric host as itself; a
 *   name through `getaddrinfo(AF_UNSPEC, SOCK_STREAM)` on a worker thread,
 *   in getaddrinfo's order (RFC 6724 as glibc applies it, under gai.conf).
 *   connect tries each address until one connects and otherwise throws the
 *   last one's error (UNP 11.12 tcp_connect); listen (`AI_PASSIVE`) uses
 *   the first address that binds and listens (UNP 11.13 tcp_listen). A
 *   failed lookup throws getaddrinfo's EAI_* name (raw class `Gai`)
 * - tcp.listen → `socket` + `setsockopt(SO_REUSEADDR, 1)` when asked
 *   (`reuseAddress`: what servers do so a restart can bind while old
 *   connections sit in TIME_WAIT, UNP 7.5; never unasked, so a listener
 *   carries the kernel's defaults)
 *   + `setsockopt(IPV6_V6ONLY)` when asked, on IPv6 sockets only
 *   + `setsockopt(SO_REUSEPORT, 1)` when asked
 *   + `bind` + `listen(backlog ?? 128)` + `getsockname`
 * - accept → `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`; on EAGAIN, wait
 *   readable. The peer address is the one accept4 returns; the local one
 *   comes from `getsockname`
 * - read → `recv` into 64 KiB: 0 is EOF (`null`); on EAGAIN, wait readable
 * - write → `send(MSG_NOSIGNAL)` until every byte is taken (EPIPE comes
 *   back as an error, not as SIGPIPE); on EAGAIN, wait writable
 * - closeWrite → `shutdown(SHUT_WR)`
 * - close → `close`, once
 * - abort → `setsockopt(SO_LINGER, { l_onoff: 1, l_linger: 0 })` + `close`
 *   (RST on TCP; SO_LINGER changes nothing for a Unix socket)
 * - setNoDelay → `setsockopt(IPPROTO_TCP, TCP_NODELAY)`; setKeepAlive →
 *   `setsockopt(SO_KEEPALIVE)`, then, when turning it on with a delay,
 *   `setsockopt(IPPROTO_TCP, TCP_KEEPIDLE, delay / 1000)`: whole seconds,
 *   so a delay that is not one is refused (RangeError) before any call;
 *   a delay of 0 leaves TCP_KEEPIDLE as it was (the kernel refuses 0)
 * - localAddr / remoteAddr → `getsockname` / `getpeername`, formatted by
 *   `inet_ntop` (an IPv4-mapped peer reads `::ffff:a.b.c.d`, family IPv6).
 *   If `getpeername` fails right after a successful connect (the peer has
 *   already reset), remoteAddr is the address connected to
 * - UDP and datagram hostnames → `inet_pton`, numeric IPv4 or IPv6 only: no
 *   name resolution
 * - unix.listen → `socket(AF_UNIX, SOCK_STREAM)` + `bind(sockaddr_un)` +
 *   `listen(128)` + `getsockname`; nothing is unlinked, before or after (an
 *   existing file gives EADDRINUSE; closing leaves the file, as the kernel does).
 *   A leading NUL names an abstract socket (Linux); a path longer than
 *   `sun_path` is passed whole with its length, and the kernel says EINVAL
 * - unix.connect → `socket(AF_UNIX, SOCK_STREAM)` + `connect(sockaddr_un)`
 *   (ENOENT, ECONNREFUSED as the kernel says). A non-blocking Unix connect
 *   to a listener whose accept queue is full fails EAGAIN, where a blocking
 *   one would sleep, and poll cannot say when room appears: the connect is
 *   made again on a timer (1 ms, doubling to 64 ms) until it is taken or
 *   fails otherwise. Accept, read, write, closeWrite, close as for TCP
 * - Unix addresses → `{ hostname: "", port: 0, family: "Unix", path }`,
 *   path `""` for an unnamed socket
 * - udp.bind → `socket(AF_INET | AF_INET6, SOCK_DGRAM)` + `bind`, no
 *   SO_REUSEADDR (a second bind of the same port gives EADDRINUSE);
 *   `setsockopt(IPV6_V6ONLY)` before the bind when asked, on IPv6 sockets only
 * - udp.open → `socket(AF_INET | AF_INET6, SOCK_DGRAM)`, unbound: the first
 *   send binds it to an ephemeral port
 * - unix.bindDatagram → `socket(AF_UNIX, SOCK_DGRAM)` + `bind(sockaddr_un)`
 * - datagram send → `sendto(MSG_NOSIGNAL)` to `to` (sockaddr_in, _in6 or
 *   _un, handed to the kernel whatever the socket's family), or `send` when
 *   `to` is omitted (EDESTADDRREQ or ENOTCONN from the kernel when not
 *   connected). On EAGAIN, wait writable; a further EAGAIN also waits on a
 *   timer (1 ms, doubling to 64 ms), since poll reports an unconnected Unix
 *   datagram socket writable while its receiver's queue is full
 * - datagram receive → `recvfrom(MSG_TRUNC)`, which returns the datagram's
 *   real length: with `bufferSize`, the datagram is cut to the buffer and
 *   `truncated` is whether the real length was larger; without it, first
 *   `recvfrom(MSG_PEEK | MSG_TRUNC)` with no buffer gives the next
 *   datagram's length and the buffer is made that size, so nothing is ever
 *   cut (a Unix datagram may exceed 64 KiB) and `truncated` is `false`. On
 *   EAGAIN, wait readable. A pending error (ECONNREFUSED after an ICMP port
 *   unreachable on a connected UDP socket) is the errno of the next
 *   recvfrom or send, as the kernel reports it; `from` is the address
 *   recvfrom wrote
 * - udp.bind options → before `bind`: `setsockopt(SO_REUSEPORT, 1)` for
 *   `reusePort`, `setsockopt(IPPROTO_IP, IP_RECVTTL, 1)` for `recvTtl`;
 *   `errorListener` changes nothing (libc reports only through results)
 * - receive on a socket bound with `recvTtl` → `recvmsg(MSG_TRUNC)` with a
 *   control buffer, instead of `recvfrom`; `ttl` is the IP_TTL control
 *   message's value
 * - datagram connect → `connect` (immediate for datagram sockets)
 * - disconnect → `connect` with a sockaddr of family AF_UNSPEC
 * - setBroadcast → `setsockopt(SO_BROADCAST)`; setTtl →
 *   `setsockopt(IPPROTO_IP, IP_TTL)`; joinGroup →
 *   `setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, struct ip_mreq)`;
 *   setRecvBufferSize / setSendBufferSize → `setsockopt(SO_RCVBUF)` /
 *   `setsockopt(SO_SNDBUF)` with the size asked (the kernel doubles it)
 * - address() → `getsockname`, at each call
 *
 * - handOff.spawnChild (`_libc_hand_off.ts`) → `socketpair(AF_UNIX,
 *   SOCK_SEQPACKET)`, and Deno again (`Deno.Command(Deno.execPath())`,
 *   `--allow-ffi` alone) running `_libc_child.ts`, this adapter, which
 *   inherits one end (its FD_CLOEXEC cleared by `fcntl` for the spawn);
 *   close → SIGKILL
 * - sendConn / sendListener → `sendmsg` of the request with the socket's
 *   descriptor as SCM_RIGHTS (UNP 15.7); the child takes it with
 *   `recvmsg(MSG_CMSG_CLOEXEC)` and adopts it (`getsockname`,
 *   `getpeername`): a second descriptor of the same open socket
 *
 * Once this side has closed a socket, a pending or later read, accept or
 * receive settles `null`; a pending or later write, closeWrite, send,
 * connect, a socket option or address() fails with UNKNOWN (class `Closed`): the call is not
 * made, since the number may already name another descriptor, so there is
 * no errno to report.
 *
 * Every call is synchronous on the JavaScript thread, so errno is read
 * where it was set; only the readiness wait sleeps, on another thread
 * (`_libc.ts` says how, and why close waits for it).
 *
 * Errors are thrown as SocketError with the errno's name (`UNKNOWN` if the
 * number has none) and raw `{ class: "Errno", code, errno, syscall }` (and
 * `address`, `port` for connect): no table beyond errno number → name;
 * getaddrinfo's failures as its EAI_* name, raw `{ class: "Gai", code, syscall }`.
 *
 * @module
 */
import type {
  Adapter,
  Address,
  Conn,
  ConnectOptions,
  Datagram,
  DatagramSocket,
  Endpoint,
  Listener,
  ListenOptions,
  UdpBindOptions,
} from "../core/adapter.ts";
import { SocketError, toSocketError } from "../core/errors.ts";
import type { HandleOf } from "../core/hand_off.ts";
import { NO_REPORTS } from "../core/report_log.ts";
import { attempt } from "../core/settle.ts";
import {
  AddrBuffer,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AF_UNSPEC,
  check,
  closedError,
  decodeAddress,
  decodeInet,
  EAGAIN,
  EINPROGRESS,
  endpointSockaddr,
  errno,
  errnoError,
  getIntOption,
  inetSockaddr,
  IP_RECVTTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  joinGroup,
  libc,
  MSG_NOSIGNAL,
  MSG_PEEK,
  MSG_TRUNC,
  POLLIN,
  POLLOUT,
  recvMessage,
  resolveInet,
  setIntOption,
  setLinger,
  SHUT_WR,
  SO_BROADCAST,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SO_SNDBUF,
  type SockAddr,
  Socket,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  socketName,
  SOL_SOCKET,
  TCP_KEEPIDLE,
  TCP_NODELAY,
  unixSockaddr,
} from "./_libc.ts";
import { spawnKernelChild } from "./_libc_hand_off.ts";

const READ_SIZE = 64 * 1024;
const DEFAULT_BACKLOG = 128;
/** The timer waits for what poll cannot announce: 1 ms, doubling, at most this. */
const MAX_BACKOFF_MS = 64;

/** recv's buffer: calls are synchronous, so one buffer serves every socket. */
const readBuffer = new Uint8Array(READ_SIZE);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nextBackoff(ms: number): number {
  return Math.min(Math.max(1, ms * 2), MAX_BACKOFF_MS);
}

/** The socket behind each object this adapter made, for the reference peer's kernel view. */
const sockets = new WeakMap<object, Socket>();

/**
 * The descriptor behind a connection, listener or datagram socket this
 * adapter made, while it is open; `undefined` for anything else or once
 * closed. The reference peer reads the kernel's view of its own sockets
 * (SIOCINQ, TCP_INFO, SO_ERROR) through it.
 *
 * @example
 * ```ts
 * import { adapter, descriptorOf } from "./libc.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * descriptorOf(listener); // a descriptor number
 * await listener.close();
 * descriptorOf(listener); // undefined
 * ```
 */
export function descriptorOf(object: object): number | undefined {
  const socket = sockets.get(object);
  return socket && !socket.closed ? socket.fd : undefined;
}

class KernelConn implements Conn {
  readonly reports = NO_REPORTS;
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: Socket;

  constructor(socket: Socket, localAddr: Address, remoteAddr: Address) {
    this.#socket = socket;
    sockets.set(this, socket);
    this.localAddr = localAddr;
    this.remoteAddr = remoteAddr;
  }

  async read(): Promise<Uint8Array | null> {
    const socket = this.#socket;
    const lib = libc("read");
    for (;;) {
      if (socket.closed) return null;
      const n = Number(lib.recv(socket.fd, readBuffer, BigInt(READ_SIZE), 0));
      if (n > 0) return readBuffer.slice(0, n);
      if (n === 0) return null;
      const e = errno();
      if (e !== EAGAIN) throw errnoError("read", "recv", e);
      if (!await socket.wait("read", POLLIN)) return null;
    }
  }

  async write(data: Uint8Array): Promise<void> {
    const socket = this.#socket;
    const lib = libc("write");
    let offset = 0;
    // At least one send, so an empty write reaches the kernel as well.
    do {
      if (socket.closed) throw closedError("write", "send");
      const n = Number(lib.send(socket.fd, data.subarray(offset), BigInt(data.byteLength - offset), MSG_NOSIGNAL));
      if (n >= 0) {
        offset += n;
        continue;
      }
      const e = errno();
      if (e !== EAGAIN) throw errnoError("write", "send", e);
      if (!await socket.wait("write", POLLOUT)) throw closedError("write", "send");
    } while (offset < data.byteLength);
  }

  closeWrite(): Promise<void> {
    return attempt("closeWrite", () => {
      if (this.#socket.closed) throw closedError("closeWrite", "shutdown");
      check("closeWrite", "shutdown", libc("closeWrite").shutdown(this.#socket.fd, SHUT_WR));
    });
  }

  close(): Promise<void> {
    return this.#socket.close("close");
  }

  abort(): Promise<void> {
    const fd = this.#socket.fd;
    return this.#socket.close("abort", () => {
      if (setLinger(fd, 1, 0) < 0) throw errnoError("abort", "setsockopt", errno());
    });
  }

  setNoDelay(on: boolean): Promise<void> {
    return setOptions(this.#socket, "setNoDelay", [[IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0]]);
  }

  setKeepAlive(on: boolean, initialDelayMs: number): Promise<void> {
    if (!Number.isInteger(initialDelayMs / 1000) || initialDelayMs < 0) {
      return Promise.reject(new RangeError(`TCP_KEEPIDLE takes whole seconds: ${initialDelayMs} ms is not`));
    }
    const options: [number, number, number][] = [[SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0]];
    if (on && initialDelayMs > 0) options.push([IPPROTO_TCP, TCP_KEEPIDLE, initialDelayMs / 1000]);
    return setOptions(this.#socket, "setKeepAlive", options);
  }
}

/** setsockopt of each `[level, name, value]` in turn on an open socket; the first failure is the operation's. */
function setOptions(socket: Socket, op: string, options: readonly [number, number, number][]): Promise<void> {
  return attempt(op, () => {
    if (socket.closed) throw closedError(op, "setsockopt");
    for (const [level, name, value] of options) setIntOption(op, socket.fd, level, name, value);
  });
}

/** A connection's addresses; the socket is closed if getsockname fails. */
async function connFor(op: string, socket: Socket, remote: () => Address): Promise<KernelConn> {
  try {
    return new KernelConn(socket, socketName(op, socket.fd, "getsockname"), remote());
  } catch (err) {
    await socket.close(op).catch(() => {});
    throw err;
  }
}

class KernelListener implements Listener {
  readonly reports = NO_REPORTS;
  readonly addr: Address;
  #socket: Socket;
  #domain: number;

  constructor(socket: Socket, domain: number, addr: Address) {
    this.#socket = socket;
    sockets.set(this, socket);
    this.#domain = domain;
    this.addr = addr;
  }

  async accept(): Promise<Conn | null> {
    const socket = this.#socket;
    const lib = libc("accept");
    const peer = new AddrBuffer();
    for (;;) {
      if (socket.closed) return null;
      const fd = lib.accept4(socket.fd, peer.bytes, peer.lengthArg(), SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        return connFor("accept", new Socket(fd), () => decodeAddress("accept", this.#domain, peer.bytes, peer.length));
      }
      const e = errno();
      if (e !== EAGAIN) throw errnoError("accept", "accept4", e);
      if (!await socket.wait("accept", POLLIN)) return null;
    }
  }

  close(): Promise<void> {
    return this.#socket.close("close");
  }
}

/**
 * connect(2) on a stream socket until it is done: EINPROGRESS (TCP) waits
 * writable and reads SO_ERROR; EAGAIN (a Unix listener's full accept queue)
 * is tried again on a timer. Throws the errno otherwise.
 */
async function connectStream(socket: Socket, target: SockAddr, closedReason: () => unknown): Promise<void> {
  const lib = libc("connect");
  for (let backoff = 0;;) {
    if (socket.closed) throw toSocketError("connect", closedReason());
    if (lib.connect(socket.fd, target.bytes, target.length) === 0) return;
    const e = errno();
    if (e === EINPROGRESS) {
      // UNP 16.3: the handshake is over once the socket is writable (or has
      // an error); SO_ERROR then holds connect's result.
      if (!await socket.wait("connect", POLLOUT)) throw toSocketError("connect", closedReason());
      const soError = getIntOption("connect", socket.fd, SOL_SOCKET, SO_ERROR);
      if (soError !== 0) throw errnoError("connect", "connect", soError);
      return;
    }
    if (e !== EAGAIN || target.family !== AF_UNIX) throw errnoError("connect", "connect", e);
    backoff = nextBackoff(backoff);
    await sleep(backoff);
  }
}

/** A failed connect's error with connect's own destination beside the errno, as node:net gives it. */
function withDestination(err: unknown, target: SockAddr): unknown {
  if (!(err instanceof SocketError) || err.raw.class !== "Errno") return err;
  const { hostname, port } = decodeInet(err.op, target.bytes);
  return new SocketError(err.op, err.code, { ...err.raw, address: hostname, port });
}

/** socket() + connect() to one address; the socket is closed if the connect fails. */
async function connectTo(target: SockAddr, signal?: AbortSignal): Promise<Conn> {
  const socket = Socket.open("connect", target.family, SOCK_STREAM);
  const onAbort = () => socket.close("connect").catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await connectStream(socket, target, () => signal?.reason);
  } catch (err) {
    await socket.close("connect").catch(() => {});
    throw withDestination(err, target);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return connFor("connect", socket, () => {
    try {
      return socketName("connect", socket.fd, "getpeername");
    } catch {
      return decodeAddress("connect", target.family, target.bytes, target.length);
    }
  });
}

/** Each address of the host in turn until one connects (UNP 11.12 tcp_connect); the last one's error otherwise. */
async function connect(options: ConnectOptions): Promise<Conn> {
  const { signal } = options;
  if (signal?.aborted) throw toSocketError("connect", signal.reason);
  const targets = await resolveInet("connect", options.hostname, options.port);
  let failure: unknown = toSocketError("connect", new TypeError(`getaddrinfo gave no IPv4 or IPv6 address for "${options.hostname}"`));
  for (const target of targets) {
    if (signal?.aborted) throw toSocketError("connect", signal.reason);
    try {
      return await connectTo(target, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      failure = err;
    }
  }
  throw failure;
}

async function listenOn(address: SockAddr, configure: (fd: number) => void, backlog: number): Promise<Listener> {
  const socket = Socket.open("listen", address.family, SOCK_STREAM);
  try {
    const lib = libc("listen");
    configure(socket.fd);
    check("listen", "bind", lib.bind(socket.fd, address.bytes, address.length));
    check("listen", "listen", lib.listen(socket.fd, backlog));
    return new KernelListener(socket, address.family, socketName("listen", socket.fd, "getsockname"));
  } catch (err) {
    await socket.close("listen").catch(() => {});
    throw err;
  }
}

/** The first of the host's addresses that binds and listens (UNP 11.13 tcp_listen); the last one's error otherwise. */
async function listen(options: ListenOptions): Promise<Listener> {
  const addresses = await resolveInet("listen", options.hostname, options.port, { passive: true });
  let failure: unknown = toSocketError("listen", new TypeError(`getaddrinfo gave no IPv4 or IPv6 address for "${options.hostname}"`));
  for (const address of addresses) {
    try {
      return await listenOn(address, (fd) => {
        if (options.reuseAddress) setIntOption("listen", fd, SOL_SOCKET, SO_REUSEADDR, 1);
        if (options.ipv6Only !== undefined && address.family === AF_INET6) {
          setIntOption("listen", fd, IPPROTO_IPV6, IPV6_V6ONLY, options.ipv6Only ? 1 : 0);
        }
        if (options.reusePort) setIntOption("listen", fd, SOL_SOCKET, SO_REUSEPORT, 1);
      }, options.backlog ?? DEFAULT_BACKLOG);
    } catch (err) {
      failure = err;
    }
  }
  throw failure;
}

async function unixConnect(path: string): Promise<Conn> {
  const target = unixSockaddr("connect", path);
  const socket = Socket.open("connect", AF_UNIX, SOCK_STREAM);
  try {
    await connectStream(socket, target, () => undefined);
  } catch (err) {
    await socket.close("connect").catch(() => {});
    throw err;
  }
  return connFor("connect", socket, () => {
    try {
      return socketName("connect", socket.fd, "getpeername");
    } catch {
      return decodeAddress("connect", AF_UNIX, target.bytes, target.length);
    }
  });
}

function unixListen(path: string): Promise<Listener> {
  return listenOn(unixSockaddr("listen", path), () => {}, DEFAULT_BACKLOG);
}

/** A UDP or Unix datagram socket. */
class KernelDatagram implements DatagramSocket {
  readonly reports = NO_REPORTS;
  #socket: Socket;
  #domain: number;
  #recvTtl: boolean;

  constructor(socket: Socket, domain: number, recvTtl = false) {
    this.#socket = socket;
    sockets.set(this, socket);
    this.#domain = domain;
    this.#recvTtl = recvTtl;
  }

  address(): Address {
    if (this.#socket.closed) throw closedError("address", "getsockname");
    return socketName("address", this.#socket.fd, "getsockname");
  }

  async send(data: Uint8Array, to?: Endpoint): Promise<void> {
    const socket = this.#socket;
    const lib = libc("send");
    const target = to === undefined ? undefined : endpointSockaddr("send", to);
    const syscall = target ? "sendto" : "send";
    const length = BigInt(data.byteLength);
    for (let backoff = 0;;) {
      if (socket.closed) throw closedError("send", syscall);
      const n = target
        ? lib.sendto(socket.fd, data, length, MSG_NOSIGNAL, target.bytes, target.length)
        : lib.send(socket.fd, data, length, MSG_NOSIGNAL);
      // A datagram is taken whole or not at all.
      if (n >= 0) return;
      const e = errno();
      if (e !== EAGAIN) throw errnoError("send", syscall, e);
      if (backoff > 0) await sleep(backoff);
      if (!await socket.wait("send", POLLOUT)) throw closedError("send", syscall);
      backoff = nextBackoff(backoff);
    }
  }

  async receive(options?: { bufferSize?: number }): Promise<Datagram | null> {
    const socket = this.#socket;
    const lib = libc("receive");
    const chosen = options?.bufferSize;
    if (chosen !== undefined && !(Number.isInteger(chosen) && chosen >= 0)) {
      throw toSocketError("receive", new RangeError(`bufferSize ${chosen} is not a non-negative integer`));
    }
    // Called straight after a failed recvfrom or recvmsg: reads its errno before anything else.
    const failed = (): Promise<boolean> => {
      const e = errno();
      if (e !== EAGAIN) throw errnoError("receive", this.#recvTtl ? "recvmsg" : "recvfrom", e);
      return socket.wait("receive", POLLIN);
    };
    const from = new AddrBuffer();
    for (;;) {
      if (socket.closed) return null;
      let size = chosen;
      if (size === undefined) {
        // The next datagram's real length; the datagram stays queued.
        size = Number(lib.recvfrom(socket.fd, null, 0n, MSG_PEEK | MSG_TRUNC, null, null));
        if (size < 0) {
          if (!await failed()) return null;
          continue;
        }
      }
      const buffer = new Uint8Array(size);
      const { n, ttl } = this.#recvTtl
        ? recvMessage(socket.fd, buffer, { flags: MSG_TRUNC, from })
        : { n: Number(lib.recvfrom(socket.fd, buffer, BigInt(size), MSG_TRUNC, from.bytes, from.lengthArg())) };
      if (n >= 0) {
        const datagram: Datagram = {
          data: n >= size ? buffer : buffer.slice(0, n),
          from: decodeAddress("receive", this.#domain, from.bytes, from.length),
          truncated: n > size,
        };
        if (this.#recvTtl) datagram.ttl = ttl;
        return datagram;
      }
      if (!await failed()) return null;
    }
  }

  connect(to: Endpoint): Promise<void> {
    return this.#call("connect", {
      syscall: "connect",
      call: (fd) => {
        const target = endpointSockaddr("connect", to);
        return libc("connect").connect(fd, target.bytes, target.length);
      },
    });
  }

  disconnect(): Promise<void> {
    // A sockaddr whose family is AF_UNSPEC: the kernel dissolves the association (UNP 8.11).
    const unspec = new Uint8Array(16);
    new DataView(unspec.buffer).setUint16(0, AF_UNSPEC, true);
    return this.#call("disconnect", {
      syscall: "connect",
      call: (fd) => libc("disconnect").connect(fd, unspec, unspec.byteLength),
    });
  }

  setBroadcast(on: boolean): Promise<void> {
    return this.#call("setBroadcast", {
      syscall: "setsockopt",
      call: (fd) => setIntOption("setBroadcast", fd, SOL_SOCKET, SO_BROADCAST, on ? 1 : 0),
    });
  }

  joinGroup(membership: { group: string; interface: string }): Promise<void> {
    return this.#call("joinGroup", { syscall: "setsockopt", call: (fd) => joinGroup("joinGroup", fd, membership) });
  }

  setTtl(ttl: number): Promise<void> {
    return this.#call("setTtl", {
      syscall: "setsockopt",
      call: (fd) => setIntOption("setTtl", fd, IPPROTO_IP, IP_TTL, ttl),
    });
  }

  setRecvBufferSize(bytes: number): Promise<void> {
    return setOptions(this.#socket, "setRecvBufferSize", [[SOL_SOCKET, SO_RCVBUF, bytes]]);
  }

  setSendBufferSize(bytes: number): Promise<void> {
    return setOptions(this.#socket, "setSendBufferSize", [[SOL_SOCKET, SO_SNDBUF, bytes]]);
  }

  /** One synchronous call on the open descriptor; a negative result is its errno. */
  #call(op: string, options: { syscall: string; call: (fd: number) => number | void }): Promise<void> {
    const { syscall, call } = options;
    try {
      if (this.#socket.closed) throw closedError(op, syscall);
      const result = call(this.#socket.fd);
      if (typeof result === "number") check(op, syscall, result);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  close(): Promise<void> {
    return this.#socket.close("close");
  }
}

/** Socket options set before bind. */
interface BeforeBind {
  reusePort?: boolean;
  recvTtl?: boolean;
  ipv6Only?: boolean;
}

/** A datagram socket of `domain`, its options set, then bound to `address` when given. */
async function datagramSocket(
  op: string,
  domain: number,
  options: BeforeBind & { address?: SockAddr } = {},
): Promise<DatagramSocket> {
  const { address } = options;
  const socket = Socket.open(op, domain, SOCK_DGRAM);
  try {
    if (options.reusePort) setIntOption(op, socket.fd, SOL_SOCKET, SO_REUSEPORT, 1);
    if (options.recvTtl) setIntOption(op, socket.fd, IPPROTO_IP, IP_RECVTTL, 1);
    if (options.ipv6Only !== undefined && domain === AF_INET6) {
      setIntOption(op, socket.fd, IPPROTO_IPV6, IPV6_V6ONLY, options.ipv6Only ? 1 : 0);
    }
    if (address) check(op, "bind", libc(op).bind(socket.fd, address.bytes, address.length));
  } catch (err) {
    await socket.close(op).catch(() => {});
    throw err;
  }
  return new KernelDatagram(socket, domain, options.recvTtl);
}

async function udpBind(options: UdpBindOptions): Promise<DatagramSocket> {
  const address = inetSockaddr("bind", options.hostname, options.port);
  // `errorListener` changes nothing: libc has no error channel besides the calls' results.
  const { reusePort, recvTtl, ipv6Only } = options;
  return await datagramSocket("bind", address.family, { reusePort, recvTtl, ipv6Only, address });
}

function udpOpen(options: { family: "IPv4" | "IPv6" }): Promise<DatagramSocket> {
  return datagramSocket("open", options.family === "IPv6" ? AF_INET6 : AF_INET);
}

async function unixBindDatagram(path: string): Promise<DatagramSocket> {
  return await datagramSocket("bind", AF_UNIX, { address: unixSockaddr("bind", path) });
}

/** The descriptor to hand over for one of this adapter's open connections or listeners. */
function descriptorToSend(object: Conn | Listener): number {
  const fd = descriptorOf(object);
  if (fd === undefined) throw new TypeError("not an open connection or listener of the libc adapter");
  return fd;
}

const HANDLES: HandleOf = { conn: descriptorToSend, listener: descriptorToSend };

/**
 * A connected stream socket this process received (a hand-off child's
 * SCM_RIGHTS descriptor) as a connection of this adapter. It shares its
 * open file with the sender's descriptor, so it is non-blocking already.
 *
 * @example
 * ```ts
 * import { adoptConn } from "./libc.ts";
 * declare const received: number;
 * await adoptConn(received).close();
 * ```
 */
export function adoptConn(fd: number): Conn {
  const socket = new Socket(fd);
  return new KernelConn(socket, socketName("adopt", fd, "getsockname"), socketName("adopt", fd, "getpeername"));
}

/**
 * A listening socket this process received as a listener of this adapter.
 *
 * @example
 * ```ts
 * import { adoptListener } from "./libc.ts";
 * declare const received: number;
 * await adoptListener(received).close();
 * ```
 */
export function adoptListener(fd: number): Listener {
  const addr = socketName("adopt", fd, "getsockname");
  const domain = addr.family === "Unix" ? AF_UNIX : addr.family === "IPv6" ? AF_INET6 : AF_INET;
  return new KernelListener(new Socket(fd), domain, addr);
}

/**
 * The kernel reference adapter: BSD sockets through libc.
 *
 * @example
 * ```ts
 * import { adapter } from "./libc.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export const adapter: Adapter = {
  api: "libc (BSD sockets via FFI)",
  capabilities: new Set([
    "tcpListen",
    "halfClose",
    "abortiveClose",
    "connectAbort",
    "listenBacklog",
    "udp",
    "udpConnect",
    "udpRecvBuffer",
    "udpUnbound",
    "udpNoErrorListener",
    "udpBroadcast",
    "udpMulticast",
    "udpTtl",
    "udpRecvTtl",
    "udpReusePort",
    "udpDisconnect",
    "udpIpv6Only",
    "unixStream",
    "unixDgram",
    "unixAbstract",
    "ipv6Only",
    "reusePort",
    "acceptOnDemand",
    "pendingRead",
    "pendingReceive",
    "handOff",
    "noDelay",
    "keepAlive",
    "udpBufferSizes",
  ]),
  reference: true,
  tcp: { connect, listen },
  udp: { bind: udpBind, open: udpOpen },
  unix: { connect: unixConnect, listen: unixListen, bindDatagram: unixBindDatagram },
  handOff: { spawnChild: () => spawnKernelChild(HANDLES) },
};
