/**
 * The `node:net` adapter, used by three columns: `node` (on Node),
 * `deno-node` (on Deno) and `bun-node` (on Bun). It measures node:net and
 * node:dgram as the runtime implements them; it never shapes an outcome.
 *
 * Contract → node:net:
 * - tcp.connect → `net.connect({ host, port, allowHalfOpen: true, signal })`,
 *   settled by `connect`, or rejected with the `error` event (node's only
 *   report of a failed connect). A host name goes to node unchanged: node
 *   looks it up (`dns.lookup`, getaddrinfo) and, with `autoSelectFamily`
 *   (on by default since Node 20), tries each address it gets
 * - tcp.listen → `net.createServer({ allowHalfOpen: true })` +
 *   `server.listen({ host, port, backlog, ipv6Only, reusePort })`, rejected
 *   with the `error` event; a host name goes to node unchanged (node binds
 *   the first address its lookup gives). `reusePort` is node's since 23.1.0
 *   and 22.12.0; older Node ignores the option without a word, so
 *   `reusePort` is declared only where `process.versions.node` names a
 *   version that has it (a compatibility layer claiming such a version and
 *   lacking it fails)
 * - errors → node's `code` where it is an errno or getaddrinfo name,
 *   `ENOTFOUND` as EAI_NONAME (below), else its numeric `errno`; the raw
 *   error keeps node's `errno`, `syscall`, `address` and `port`
 * - accept → the server's `connection` events, kept in arrival order. node
 *   accepts eagerly (libuv accepts on readiness) and has no accept operation
 *   that can be pending: no `acceptOnDemand`. `null` once the server emits
 *   `close` (node's report that no connection will follow, made after
 *   `server.close()` once every connection it handed over has closed);
 *   closing the listener does not end a pending accept by itself.
 * - read → `socket.iterator({ destroyOnReturn: false }).next()`: node's own
 *   pull operation (paused mode: a `readable` listener and `socket.read()`),
 *   so it can be pending (`pendingRead`). Bytes are taken only while a read
 *   is pending; the adapter holds nothing, it hands over the one chunk node
 *   gave. What node reads ahead into its own buffer before that (up to the
 *   stream's highWaterMark, then it stops reading the socket) is the
 *   runtime's behaviour, measured. The iterator's end is EOF; its rejection
 *   (node's stream error, e.g. ECONNRESET, or ERR_STREAM_PREMATURE_CLOSE when
 *   the socket closed before EOF) is the read's rejection. After that the
 *   iterator is done and further reads give `null`, as node says.
 *   `destroyOnReturn: false` keeps node from destroying a half-open socket
 *   when the iterator ends at EOF.
 * - write → `socket.write(buf, cb)`, settled by the callback (data handed to
 *   the kernel); rejected only with the callback's error or the call's throw
 * - closeWrite → `socket.end(cb)` (with allowHalfOpen this is
 *   shutdown(SHUT_WR)), settled by its callback
 * - close → `socket.destroy()`, settled by `close`
 * - abort → `socket.resetAndDestroy()` (SO_LINGER 0 + close), settled by
 *   `close`. Node has it (since 18.3), so `abortiveClose` is always declared;
 *   a compatibility layer without it fails with ApiMissingError.
 * - setIdleTimeout → `socket.setTimeout(ms)` (0 disables); idleTimeouts →
 *   every `timeout` event, counted. node's own timer: the adapter runs none
 * - byteCounts → `socket.bytesRead`, `socket.bytesWritten`
 * - setNoDelay → `socket.setNoDelay(on)`; setKeepAlive →
 *   `socket.setKeepAlive(on, initialDelayMs)` (node sets TCP_KEEPIDLE to the
 *   delay in whole seconds). Both are synchronous, report nothing and throw
 *   only on bad arguments: a throw is the operation's failure
 * - reports → every `error` event of a socket or server, channel
 *   `"error" event`. node often reports one failure twice (a write's
 *   callback and the `error` event); both stay visible.
 * - unix.connect → `net.connect({ path, allowHalfOpen: true })`; unix.listen →
 *   `server.listen({ path })`; their connections are the same as TCP's. node:net
 *   reports no address for a Unix connection (only the listener's path).
 *   A path with a leading NUL is a Linux abstract name, which node:net passes
 *   on (`unixAbstract`; measured on Node, Deno and Bun).
 *   node:dgram has no Unix datagrams: no `unixDgram`.
 *
 * Contract → node:dgram:
 * - udp.bind → `dgram.createSocket({ type: "udp4" | "udp6", ipv6Only, reusePort })` + `socket.bind({ address, port })`,
 *   rejected with the `error` event (bind's only report). `reusePort` is
 *   declared (`udpReusePort`) where the runtime says it implements a Node
 *   that has it (`process.versions.node` 22.12+ or 23.1+): older Node
 *   ignores the option. `errorListener: false` leaves the socket without
 *   the adapter's `error` listener, so node does with an `error` event what
 *   it does with one nobody listens for (throws it); `reports` stays empty
 * - udp.open → `dgram.createSocket` without bind; node binds it (port 0, the
 *   wildcard address) on its first send or connect
 * - send → `socket.send(data, port, address, cb)`, or `socket.send(data, cb)` once
 *   connected, settled by the callback
 * - receive → the socket's `message` events, kept in arrival order. node:dgram
 *   reads every datagram as it arrives, with no flow control and no receive
 *   operation that can be pending (no `pendingReceive`): that read-ahead is
 *   the runtime's. `null` once the socket emits `close` (node's report).
 *   node reads every datagram into a buffer of its own choosing: no
 *   `udpRecvBuffer`, and no truncation flag.
 * - reports → every `error` event (e.g. ECONNREFUSED after an ICMP port
 *   unreachable on a connected socket), channel `"error" event`; it rejects
 *   no receive, since node gave it to none.
 * - connect → `socket.connect(port, address, cb)`; disconnect → `socket.disconnect()`
 * - setBroadcast → `socket.setBroadcast(on)`; setTtl → `socket.setTTL(ttl)`;
 *   joinGroup → `socket.addMembership(group, interface)`;
 *   setRecvBufferSize / setSendBufferSize → `socket.setRecvBufferSize(bytes)` /
 *   `socket.setSendBufferSize(bytes)` (the size asked, passed on); each throws on failure
 * - address → `socket.address()`
 * - close → `socket.close(cb)`
 *
 * Contract → node:child_process (`handOff`, `_node_hand_off.ts`):
 * - spawnChild → `child_process.fork("_node_child.ts", { stdio: ["ignore",
 *   "ignore", "pipe", "ipc"], serialization: "json", env })` in this runtime,
 *   ready at its first message; close → `child.kill("SIGKILL")`, settled by
 *   `exit` and `disconnect`
 * - sendConn / sendListener → `child.send(request, socket | server,
 *   { keepOpen: true })`. Without `keepOpen` node closes the sender's copy
 *   of a socket itself once sent; with it the parent's descriptor stays
 *   until the parent closes it, as in a forking server (UNP 4.8)
 * - in the child, the socket or server `process.on("message")` hands over
 *   is this adapter's connection or listener, `allowHalfOpen` set as on
 *   every socket here (node makes it without); its instructions are
 *   core/hand_off_child.ts's
 *
 * `allowHalfOpen: true` is node's documented switch for half-closed TCP;
 * without it node ends the writable side itself when the peer's FIN arrives,
 * which is a library convention, not the socket's semantics.
 *
 * @module
 */
import dgram from "node:dgram";
import net from "node:net";
import process from "node:process";
import type { Adapter, Address, Conn, Datagram, DatagramSocket, Endpoint, Listener, ReportLog, UdpBindOptions } from "../core/adapter.ts";
import type { HandleOf } from "../core/hand_off.ts";
import { ipAddress, unixAddress } from "../core/address.ts";
import { closeOnce } from "../core/close_once.ts";
import { ApiMissingError, toSocketError } from "../core/errors.ts";
import { Queue } from "../core/queue.ts";
import { EventCounter, NO_REPORTS, Reports } from "../core/report_log.ts";
import { attempt, viaCallback } from "../core/settle.ts";
import { spawnNodeChild } from "./_node_hand_off.ts";

/**
 * node's documented codes beyond errno names: `ENOTFOUND` is its name for a
 * failed lookup of either EAI_NONAME or glibc's EAI_NODATA (a name without
 * an address of the family asked), both "no address for this name", which
 * POSIX calls EAI_NONAME. Its other lookup failures keep getaddrinfo's
 * names (`EAI_AGAIN`, ...). The `errno` of a lookup failure is libuv's
 * UV_EAI_* number (c-ares' own on Bun), never an errno.
 */
const NODE_CODES: Readonly<Record<string, string>> = { ENOTFOUND: "EAI_NONAME" };

/** The channel every node `error` event is reported on. */
const ERROR_EVENT = '"error" event';

/** Every `error` event of `emitter` goes to `reports`, as node made it. */
function reportErrors(emitter: { on(event: "error", listener: (err: Error) => void): unknown }, reports: Reports): void {
  emitter.on("error", (err) => reports.add(ERROR_EVENT, toSocketError("error", err)));
}

/** The node socket or server behind each connection and listener this adapter made, for `handOff`. */
const handles = new WeakMap<object, net.Socket | net.Server>();

/** The handle to send for one of this adapter's connections or listeners. */
function handleOf(object: Conn | Listener): net.Socket | net.Server {
  const handle = handles.get(object);
  if (!handle) throw new TypeError("not a connection or listener of the node:net adapter");
  return handle;
}

const HANDLES: HandleOf = { conn: handleOf, listener: handleOf };

/** Throws ApiMissingError naming `api` where the runtime lacks a method node has. */
function requireMethod(method: unknown, api: string): void {
  if (typeof method !== "function") throw new ApiMissingError(api);
}

class NodeConn implements Conn {
  readonly reports = new Reports();
  readonly idleTimeouts = new EventCounter();
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: net.Socket;
  #chunks?: AsyncIterator<Buffer>;
  #closed: Promise<void>;

  constructor(socket: net.Socket, unix = false) {
    this.#socket = socket;
    handles.set(this, socket);
    // node:net reports neither end of a Unix connection.
    this.localAddr = unix ? unixAddress() : ipAddress(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = unix ? unixAddress() : ipAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    reportErrors(socket, this.reports);
    socket.on("timeout", () => this.idleTimeouts.add());
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  setIdleTimeout(ms: number): void {
    requireMethod(this.#socket.setTimeout, "net.Socket.prototype.setTimeout");
    this.#socket.setTimeout(ms);
  }

  byteCounts(): { read: number; written: number } {
    return { read: this.#socket.bytesRead, written: this.#socket.bytesWritten };
  }

  async setNoDelay(on: boolean): Promise<void> {
    requireMethod(this.#socket.setNoDelay, "net.Socket.prototype.setNoDelay");
    await attempt("setNoDelay", () => this.#socket.setNoDelay(on));
  }

  async setKeepAlive(on: boolean, initialDelayMs: number): Promise<void> {
    requireMethod(this.#socket.setKeepAlive, "net.Socket.prototype.setKeepAlive");
    await attempt("setKeepAlive", () => this.#socket.setKeepAlive(on, initialDelayMs));
  }

  async read(): Promise<Uint8Array | null> {
    // One iterator for the connection's life: node's pull API; its body
    // (and node's `readable` listener) starts with the first read.
    if (!this.#chunks) {
      requireMethod(this.#socket.iterator, "stream.Readable.prototype.iterator");
      this.#chunks = this.#socket.iterator({ destroyOnReturn: false });
    }
    let step: IteratorResult<Buffer>;
    try {
      step = await this.#chunks.next();
    } catch (err) {
      throw toSocketError("read", err);
    }
    if (step.done) return null;
    const chunk = step.value;
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }

  write(data: Uint8Array): Promise<void> {
    return viaCallback("write", (done) => this.#socket.write(data, done));
  }

  closeWrite(): Promise<void> {
    // end()'s callback gets the error when the stream fails before finishing.
    return viaCallback("closeWrite", (done) => this.#socket.end(done));
  }

  close(): Promise<void> {
    if (!this.#socket.destroyed) this.#socket.destroy();
    return this.#closed;
  }

  async abort(): Promise<void> {
    requireMethod(this.#socket.resetAndDestroy, "net.Socket.prototype.resetAndDestroy");
    // A throw is e.g. ERR_INVALID_HANDLE_TYPE on a Unix-domain socket.
    await attempt("abort", () => !this.#socket.destroyed && this.#socket.resetAndDestroy());
    return this.#closed;
  }
}

class NodeListener implements Listener {
  readonly reports = new Reports();
  readonly addr: Address;
  #server: net.Server;
  #connections = new Queue<Conn>();

  constructor(server: net.Server) {
    this.#server = server;
    handles.set(this, server);
    const a = server.address();
    // A Unix listener's address is its path.
    const unix = typeof a === "string";
    this.addr = unix ? unixAddress(a) : ipAddress(a?.address, a?.port, a?.family);
    server.on("connection", (socket) => this.#connections.push(new NodeConn(socket, unix)));
    reportErrors(server, this.reports);
    // node's report that no connection will follow; not our close() call.
    server.once("close", () => this.#connections.end());
  }

  accept(): Promise<Conn | null> {
    return this.#connections.shift();
  }

  // server.close() closes the listening handle now; its callback (and
  // `close`) wait for every accepted connection too, which is not listener
  // semantics. The handle's close completes on the next loop turn.
  close = closeOnce(() =>
    new Promise((resolve) => {
      this.#server.close();
      setImmediate(resolve);
    })
  );
}

class NodeDatagram implements DatagramSocket {
  readonly reports: ReportLog;
  #socket: dgram.Socket;
  // node:dgram's own read-ahead, kept in arrival order: it has no flow control.
  #incoming = new Queue<Datagram>();

  /** `errorListener: false`: no `error` listener, as a program that registers none. */
  constructor(socket: dgram.Socket, errorListener = true) {
    this.#socket = socket;
    socket.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) =>
      this.#incoming.push({
        data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
        from: ipAddress(rinfo.address, rinfo.port, rinfo.family),
      })
    );
    if (errorListener) {
      const reports = new Reports();
      reportErrors(socket, reports);
      this.reports = reports;
    } else {
      this.reports = NO_REPORTS;
    }
    // node's report that no datagram will follow.
    socket.once("close", () => this.#incoming.end());
  }

  address(): Address {
    try {
      const a = this.#socket.address();
      return ipAddress(a.address, a.port, a.family);
    } catch (err) {
      throw toSocketError("address", err);
    }
  }

  send(data: Uint8Array, to?: Endpoint): Promise<void> {
    return viaCallback("send", (done) => {
      if (to === undefined) this.#socket.send(data, done);
      else if ("path" in to) throw new TypeError("node:dgram sends to IP endpoints only");
      else this.#socket.send(data, to.port, to.hostname, done);
    });
  }

  receive(): Promise<Datagram | null> {
    return this.#incoming.shift();
  }

  async connect(to: Endpoint): Promise<void> {
    if ("path" in to) throw toSocketError("connect", new TypeError("node:dgram connects to IP endpoints only"));
    requireMethod(this.#socket.connect, "dgram.Socket.prototype.connect");
    await viaCallback("connect", (done) => this.#socket.connect(to.port, to.hostname, done));
  }

  disconnect(): Promise<void> {
    return this.#sync("disconnect", { method: "disconnect", call: (s) => s.disconnect() });
  }

  setBroadcast(on: boolean): Promise<void> {
    return this.#sync("setBroadcast", { method: "setBroadcast", call: (s) => s.setBroadcast(on) });
  }

  joinGroup(membership: { group: string; interface: string }): Promise<void> {
    const { group, interface: iface } = membership;
    return this.#sync("joinGroup", { method: "addMembership", call: (s) => s.addMembership(group, iface) });
  }

  setTtl(ttl: number): Promise<void> {
    return this.#sync("setTtl", { method: "setTTL", call: (s) => s.setTTL(ttl) });
  }

  setRecvBufferSize(bytes: number): Promise<void> {
    return this.#sync("setRecvBufferSize", { method: "setRecvBufferSize", call: (s) => s.setRecvBufferSize(bytes) });
  }

  setSendBufferSize(bytes: number): Promise<void> {
    return this.#sync("setSendBufferSize", { method: "setSendBufferSize", call: (s) => s.setSendBufferSize(bytes) });
  }

  /** A synchronous dgram.Socket method: its throw is the operation's failure. */
  #sync(
    op: string,
    options: {
      method: "disconnect" | "setBroadcast" | "addMembership" | "setTTL" | "setRecvBufferSize" | "setSendBufferSize";
      call: (socket: dgram.Socket) => unknown;
    },
  ): Promise<void> {
    const { method, call } = options;
    try {
      requireMethod(this.#socket[method], `dgram.Socket.prototype.${method}`);
      call(this.#socket);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof ApiMissingError ? err : toSocketError(op, err));
    }
  }

  close = closeOnce(() => new Promise((resolve) => this.#socket.close(() => resolve())));
}

function connectSocket(options: net.NetConnectOpts, unix: boolean): Promise<Conn> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    try {
      socket = net.connect(options);
    } catch (err) {
      return reject(toSocketError("connect", err));
    }
    const onError = (err: Error) => {
      socket.off("connect", onConnect);
      // The failed socket is destroyed by node; settle once it is closed.
      socket.once("close", () => reject(toSocketError("connect", err, NODE_CODES)));
    };
    const onConnect = () => {
      socket.off("error", onError);
      resolve(new NodeConn(socket, unix));
    };
    socket.once("error", onError);
    socket.once("connect", onConnect);
  });
}

function listenServer(options: net.ListenOptions): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: true });
    const onError = (err: Error) => reject(toSocketError("listen", err, NODE_CODES));
    server.once("error", onError);
    try {
      server.listen(options, () => {
        server.off("error", onError);
        resolve(new NodeListener(server));
      });
    } catch (err) {
      reject(toSocketError("listen", err));
    }
  });
}

function bindDatagram(options: UdpBindOptions): Promise<DatagramSocket> {
  return new Promise((resolve, reject) => {
    let socket: dgram.Socket;
    try {
      const create: dgram.SocketOptions & { reusePort?: boolean } = {
        type: options.hostname.includes(":") ? "udp6" : "udp4",
        ipv6Only: options.ipv6Only,
      };
      if (options.reusePort !== undefined) create.reusePort = options.reusePort;
      socket = dgram.createSocket(create);
    } catch (err) {
      return reject(toSocketError("bind", err));
    }
    const onError = (err: Error) => {
      // The failed bind leaves node's socket open; settle once it is closed.
      socket.close(() => reject(toSocketError("bind", err)));
    };
    socket.once("error", onError);
    try {
      socket.bind({ address: options.hostname, port: options.port }, () => {
        socket.off("error", onError);
        resolve(new NodeDatagram(socket, options.errorListener ?? true));
      });
    } catch (err) {
      socket.off("error", onError);
      socket.close(() => reject(toSocketError("bind", err)));
    }
  });
}

/**
 * Whether the Node version the runtime says it implements has `reusePort`
 * for dgram and `server.listen` (added in Node 23.1.0 and 22.12.0). Older
 * Node ignores the option, so it is a capability Node itself lacks there.
 */
export function nodeHasReusePort(version: string): boolean {
  const [major, minor] = version.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/**
 * A socket node handed to this process (a `hold` request's handle, in a
 * hand-off child) as a connection of this adapter. node makes the socket
 * it received without `allowHalfOpen`; it is set as the adapter sets it on
 * every socket, so the child's copy half-closes only when told to.
 *
 * @example
 * ```ts
 * import type net from "node:net";
 * import { adoptSocket } from "./node.ts";
 * declare const received: net.Socket;
 * const conn = adoptSocket(received);
 * await conn.close();
 * ```
 */
export function adoptSocket(socket: net.Socket): Conn {
  socket.allowHalfOpen = true;
  return new NodeConn(socket);
}

/**
 * A listening server node handed to this process as a listener of this
 * adapter; `allowHalfOpen` as the adapter sets it on its own servers (node
 * gives it to every connection the server accepts).
 *
 * @example
 * ```ts
 * import type net from "node:net";
 * import { adoptServer } from "./node.ts";
 * declare const received: net.Server;
 * await adoptServer(received).close();
 * ```
 */
export function adoptServer(server: net.Server): Listener {
  (server as net.Server & { allowHalfOpen: boolean }).allowHalfOpen = true;
  return new NodeListener(server);
}

/** The node:net adapter. */
export const adapter: Adapter = {
  api: "node:net",
  capabilities: new Set([
    "tcpListen",
    "halfClose",
    "connectAbort",
    "listenBacklog",
    "ipv6Only",
    "udp",
    "udpIpv6Only",
    "udpConnect",
    "udpUnbound",
    // Leaving out the `error` listener is node's own default.
    "udpNoErrorListener",
    "udpBroadcast",
    "udpMulticast",
    "udpTtl",
    "udpDisconnect",
    ...(nodeHasReusePort(process.versions.node) ? ["udpReusePort" as const, "reusePort" as const] : []),
    "unixStream",
    "unixAbstract",
    // node has resetAndDestroy (since 18.3): a compatibility layer without it fails, not n/a.
    "abortiveClose",
    // The socket's async iterator: node's own read operation, which can be pending.
    "pendingRead",
    "idleTimeout",
    "byteCounters",
    "noDelay",
    "keepAlive",
    "udpBufferSizes",
    // child_process.fork + child.send(message, socket or server).
    "handOff",
  ]),
  tcp: {
    connect: ({ hostname, port, signal }) => connectSocket({ host: hostname, port, allowHalfOpen: true, signal }, false),
    listen: ({ hostname, port, backlog, ipv6Only, reusePort }) => listenServer({ host: hostname, port, backlog, ipv6Only, reusePort }),
  },
  udp: {
    bind: bindDatagram,
    open: ({ family }) => attempt("open", () => new NodeDatagram(dgram.createSocket({ type: family === "IPv6" ? "udp6" : "udp4" }))),
  },
  unix: {
    connect: (path) => connectSocket({ path, allowHalfOpen: true }, true),
    listen: (path) => listenServer({ path }),
  },
  handOff: { spawnChild: () => spawnNodeChild(HANDLES) },
};
