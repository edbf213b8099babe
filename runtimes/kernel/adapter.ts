/**
 * The `kernel` reference column: the C library's socket functions called
 * directly through Deno's FFI, so no runtime socket layer sits between a
 * case and the kernel. Linux with glibc; needs only `--allow-ffi`.
 *
 * Contract → libc (every socket non-blocking: SOCK_NONBLOCK | SOCK_CLOEXEC):
 * - tcp.connect → `socket` + `connect`; on EINPROGRESS, wait writable, then
 *   `getsockopt(SO_ERROR)`: a non-zero value is the connect's errno. An
 *   aborted `signal` closes the socket and rejects with the signal's reason
 * - tcp.listen → `socket` + `setsockopt(SO_REUSEADDR, 1)` (what servers do
 *   so a restart can bind while old connections sit in TIME_WAIT, UNP 7.5)
 *   + `setsockopt(IPV6_V6ONLY)` when asked, on IPv6 sockets only
 *   + `bind` + `listen(backlog ?? 128)` + `getsockname`
 * - accept → `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`; on EAGAIN, wait
 *   readable. The peer address is the one accept4 returns; the local one
 *   comes from `getsockname`
 * - read → `recv` into 64 KiB: 0 is EOF (`null`); on EAGAIN, wait readable
 * - write → `send(MSG_NOSIGNAL)` until every byte is taken (EPIPE comes
 *   back as an error, not as SIGPIPE); on EAGAIN, wait writable
 * - closeWrite → `shutdown(SHUT_WR)`
 * - close → `close`, once
 * - abort → `setsockopt(SO_LINGER, { l_onoff: 1, l_linger: 0 })` + `close` (RST)
 * - localAddr / remoteAddr → `getsockname` / `getpeername`, formatted by
 *   `inet_ntop` (an IPv4-mapped peer reads `::ffff:a.b.c.d`, family IPv6).
 *   If `getpeername` fails right after a successful connect (the peer has
 *   already reset), remoteAddr is the address connected to
 * - hostnames → `inet_pton`, numeric IPv4 or IPv6 only: no name resolution
 *
 * Once this side has closed a socket, a pending or later read or accept
 * settles `null`; a pending or later write or closeWrite rejects with
 * UNKNOWN (class `Closed`): the call is not made, since the number may
 * already name another descriptor, so there is no errno to report.
 *
 * Threading and errno. errno is per thread, and a foreign function declared
 * `nonblocking` runs on one of Deno's worker threads, whose errno the
 * JavaScript thread cannot see. So every socket call (socket, connect,
 * accept4, recv, send, shutdown, setsockopt, getsockopt, getsockname,
 * getpeername, close) is a synchronous call on the JavaScript thread: the
 * descriptors are non-blocking, so none of them sleeps, and errno is read
 * through `__errno_location()` as soon as the call has returned -1, before
 * any other call is made. The only call that sleeps is the readiness wait,
 * and it never needs errno: while any socket waits, exactly one `poll`
 * declared `nonblocking` sleeps on a worker thread over every waiting
 * descriptor plus an eventfd, with a bounded timeout (1 s, then re-armed).
 * Its result is only a hint that something may be ready. The JavaScript
 * thread then calls `poll` with timeout 0 (never sleeps; its errno is this
 * thread's) to see which waits are ready, and those operations retry their
 * call, which gives the answer (data, EOF, SO_ERROR, an errno). A new wait
 * writes to the eventfd so the sleeping poll returns and is re-armed with
 * it; one shared poll keeps a wait from queueing behind others in Deno's
 * bounded worker pool. Close takes the descriptor out of the waits, wakes
 * the poll if it holds the descriptor, and only calls `close` once that poll
 * has returned: while a poll sleeps on a descriptor the kernel keeps the
 * socket open, so closing under it would delay the FIN or RST and keep a
 * closed listener accepting. The eventfd exists only while something waits.
 *
 * Errors are thrown as SocketError with the errno's name (`UNKNOWN` if the
 * number has none) and raw `{ class: "Errno", code, errno, syscall }`: no
 * table beyond errno number → name.
 *
 * @module
 */
import type { Adapter, Address, Capability, Conn, ConnectOptions, Listener, ListenOptions } from "../../core/adapter.ts";
import { toSocketError } from "../../core/errors.ts";
import {
  AddrBuffer,
  AF_INET6,
  check,
  closedError,
  decodeInet,
  EAGAIN,
  EINPROGRESS,
  errno,
  errnoError,
  getIntOption,
  inetName,
  inetSockaddr,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  libc,
  MSG_NOSIGNAL,
  POLLIN,
  POLLOUT,
  setIntOption,
  setLinger,
  SHUT_WR,
  SO_ERROR,
  SO_REUSEADDR,
  Socket,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
} from "./_libc.ts";

const READ_SIZE = 64 * 1024;
const DEFAULT_BACKLOG = 128;

/** recv's buffer: calls are synchronous, so one buffer serves every socket. */
const readBuffer = new Uint8Array(READ_SIZE);

class KernelConn implements Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: Socket;

  constructor(socket: Socket, localAddr: Address, remoteAddr: Address) {
    this.#socket = socket;
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
    try {
      if (this.#socket.closed) throw closedError("closeWrite", "shutdown");
      check("closeWrite", "shutdown", libc("closeWrite").shutdown(this.#socket.fd, SHUT_WR));
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
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
}

/** A connection's addresses; the socket is closed if getsockname fails. */
async function connFor(op: string, socket: Socket, remote: () => Address): Promise<KernelConn> {
  try {
    return new KernelConn(socket, inetName(op, socket.fd, "getsockname"), remote());
  } catch (err) {
    await socket.close(op).catch(() => {});
    throw err;
  }
}

class KernelListener implements Listener {
  readonly addr: Address;
  #socket: Socket;

  constructor(socket: Socket, addr: Address) {
    this.#socket = socket;
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
        return connFor("accept", new Socket(fd), () => decodeInet("accept", peer.bytes.subarray(0, peer.length)));
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

async function connect(options: ConnectOptions): Promise<Conn> {
  const { signal } = options;
  if (signal?.aborted) throw toSocketError("connect", signal.reason);
  const target = inetSockaddr("connect", options.hostname, options.port);
  const socket = Socket.open("connect", target.family, SOCK_STREAM);
  const onAbort = () => socket.close("connect").catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const r = libc("connect").connect(socket.fd, target.bytes, target.length);
    if (r < 0) {
      const e = errno();
      if (e !== EINPROGRESS) throw errnoError("connect", "connect", e);
      // UNP 16.3: the handshake is over once the socket is writable (or has
      // an error); SO_ERROR then holds connect's result.
      if (!await socket.wait("connect", POLLOUT)) throw toSocketError("connect", signal?.reason);
      const soError = getIntOption("connect", socket.fd, SOL_SOCKET, SO_ERROR);
      if (soError !== 0) throw errnoError("connect", "connect", soError);
    }
  } catch (err) {
    await socket.close("connect").catch(() => {});
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return connFor("connect", socket, () => {
    try {
      return inetName("connect", socket.fd, "getpeername");
    } catch {
      return decodeInet("connect", target.bytes);
    }
  });
}

async function listen(options: ListenOptions): Promise<Listener> {
  const address = inetSockaddr("listen", options.hostname, options.port);
  const socket = Socket.open("listen", address.family, SOCK_STREAM);
  try {
    const lib = libc("listen");
    setIntOption("listen", socket.fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (options.ipv6Only !== undefined && address.family === AF_INET6) {
      setIntOption("listen", socket.fd, IPPROTO_IPV6, IPV6_V6ONLY, options.ipv6Only ? 1 : 0);
    }
    check("listen", "bind", lib.bind(socket.fd, address.bytes, address.length));
    check("listen", "listen", lib.listen(socket.fd, options.backlog ?? DEFAULT_BACKLOG));
    return new KernelListener(socket, inetName("listen", socket.fd, "getsockname"));
  } catch (err) {
    await socket.close("listen").catch(() => {});
    throw err;
  }
}

const capabilities: ReadonlySet<Capability> = new Set<Capability>([
  "halfClose",
  "abortiveClose",
  "connectAbort",
  "listenBacklog",
  "ipv6Only",
]);

/** The kernel reference adapter: BSD sockets through libc. */
export const adapter: Adapter = {
  api: "libc (socket/connect/poll via FFI)",
  capabilities,
  tcp: { connect, listen },
};
