/**
 * The `node:net` adapter, used by three columns: `node` (on Node),
 * `deno-node` (on Deno) and `bun-node` (on Bun).
 *
 * Contract → node:net:
 * - tcp.connect → `net.connect({ host, port, allowHalfOpen: true, signal })`,
 *   settled by `connect` / `error`
 * - tcp.listen → `net.createServer({ allowHalfOpen: true, pauseOnConnect: false })`
 *   + `server.listen({ host, port, backlog, ipv6Only })`
 * - accept → the server's `connection` events, queued in arrival order;
 *   `null` after `server.close()`
 * - read → the socket's flowing `data` events (node's ordinary way, so node
 *   reads eagerly), `end` → EOF
 * - write → `socket.write(buf, cb)`, settled by the callback (data handed to the kernel)
 * - closeWrite → `socket.end()` (with allowHalfOpen this is shutdown(SHUT_WR))
 * - close → `socket.destroy()`, settled by `close`
 * - abort → `socket.resetAndDestroy()` (SO_LINGER 0), where the runtime has it
 * - unix.connect → `net.connect({ path, allowHalfOpen: true })`; unix.listen →
 *   `server.listen({ path })`; their connections are the same as TCP's. node:net
 *   reports no address for a Unix connection (only the listener's path).
 *   node:dgram has no Unix datagrams: no `unixDgram`.
 *
 * Contract → node:dgram:
 * - udp.bind → `dgram.createSocket({ type: "udp4" | "udp6" })` + `socket.bind({ address, port })`
 * - udp.open → `dgram.createSocket` without bind; node binds it (port 0, the
 *   wildcard address) on its first send or connect
 * - send → `socket.send(data, port, address, cb)`, or `socket.send(data, cb)` once
 *   connected, settled by the callback
 * - receive → the socket's `message` events, queued in arrival order; an
 *   `error` event (node's report of a failed recvmsg, e.g. ECONNREFUSED after
 *   an ICMP port unreachable) rejects the next receive once; `null` after close.
 *   node reads every datagram into a buffer of its own choosing: no
 *   `udpRecvBuffer`, and no truncation flag.
 * - connect → `socket.connect(port, address, cb)`
 * - address → `socket.address()`
 * - close → `socket.close(cb)`
 *
 * `allowHalfOpen: true` is node's documented switch for half-closed TCP;
 * without it node ends the writable side itself when the peer's FIN arrives,
 * which is a library convention, not the socket's semantics.
 *
 * @module
 */
import dgram from "node:dgram";
import net from "node:net";
import type {
  Address,
  Adapter,
  Capability,
  Conn,
  ConnectOptions,
  Datagram,
  DatagramSocket,
  Endpoint,
  Listener,
  ListenOptions,
} from "../../core/adapter.ts";
import { toSocketError } from "../../core/errors.ts";
import { NO_REPORTS } from "../../core/report_log.ts";
import { Queue } from "../_queue.ts";

function address(host: string | undefined, port: number | undefined, family?: string | number): Address {
  const fam = family === "IPv6" || family === 6 || (family === undefined && host?.includes(":")) ? "IPv6" : "IPv4";
  return { hostname: host ?? "", port: port ?? 0, family: fam };
}

/** A Unix-domain address; `path` only where node reports one. */
function unixAddress(path?: string): Address {
  return path === undefined ? { hostname: "", port: 0, family: "Unix" } : { hostname: "", port: 0, family: "Unix", path };
}

class NodeConn implements Conn {
  readonly reports = NO_REPORTS;
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: net.Socket;
  #incoming = new Queue<Uint8Array>();
  #closed: Promise<void>;

  constructor(socket: net.Socket, unix = false) {
    this.#socket = socket;
    // node:net reports neither end of a Unix connection.
    this.localAddr = unix ? unixAddress() : address(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = unix ? unixAddress() : address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    socket.on("data", (chunk: Buffer) => this.#incoming.push(new Uint8Array(chunk)));
    socket.on("end", () => this.#incoming.end());
    socket.on("error", (err) => this.#incoming.fail(toSocketError("read", err)));
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
    // A socket closed here ends its stream: a pending read settles as EOF.
    socket.once("close", () => this.#incoming.end());
  }

  read(): Promise<Uint8Array | null> {
    return this.#incoming.shift();
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.#socket.write(data, (err) => err ? reject(toSocketError("write", err)) : resolve());
      } catch (err) {
        reject(toSocketError("write", err));
      }
    });
  }

  closeWrite(): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.#socket.end(() => resolve());
      } catch (err) {
        reject(toSocketError("closeWrite", err));
      }
    });
  }

  close(): Promise<void> {
    if (!this.#socket.destroyed) this.#socket.destroy();
    return this.#closed;
  }

  abort(): Promise<void> {
    if (!this.#socket.destroyed) this.#socket.resetAndDestroy();
    return this.#closed;
  }
}

class NodeListener implements Listener {
  readonly reports = NO_REPORTS;
  readonly addr: Address;
  #server: net.Server;
  #connections = new Queue<Conn>();
  #closed?: Promise<void>;

  constructor(server: net.Server) {
    this.#server = server;
    const a = server.address();
    // A Unix listener's address is its path.
    const unix = typeof a === "string";
    this.addr = unix ? unixAddress(a) : address(a?.address, a?.port, a?.family);
    server.on("connection", (socket) => this.#connections.push(new NodeConn(socket, unix)));
  }

  accept(): Promise<Conn | null> {
    return this.#connections.shift();
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      // server.close() closes the listening handle now; its callback waits
      // for every accepted connection too, which is not listener semantics.
      // The handle's close completes on the next loop turn.
      this.#server.close();
      this.#connections.end();
      setImmediate(resolve);
    });
    return this.#closed;
  }
}

class NodeDatagram implements DatagramSocket {
  readonly reports = NO_REPORTS;
  #socket: dgram.Socket;
  #incoming = new Queue<Datagram>();
  #closed?: Promise<void>;

  constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) =>
      this.#incoming.push({ data: new Uint8Array(msg), from: address(rinfo.address, rinfo.port, rinfo.family) })
    );
    socket.on("error", (err) => this.#incoming.pushError(toSocketError("receive", err)));
    socket.once("close", () => this.#incoming.end());
  }

  address(): Address {
    try {
      const a = this.#socket.address();
      return address(a.address, a.port, a.family);
    } catch (err) {
      throw toSocketError("address", err);
    }
  }

  send(data: Uint8Array, to?: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err: Error | null) => err ? reject(toSocketError("send", err)) : resolve();
      try {
        if (to === undefined) this.#socket.send(data, done);
        else if ("path" in to) throw new TypeError("node:dgram sends to IP endpoints only");
        else this.#socket.send(data, to.port, to.hostname, done);
      } catch (err) {
        reject(toSocketError("send", err));
      }
    });
  }

  receive(): Promise<Datagram | null> {
    return this.#incoming.shift();
  }

  connect(to: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        if ("path" in to) throw new TypeError("node:dgram connects to IP endpoints only");
        this.#socket.connect(to.port, to.hostname, (err?: Error) => err ? reject(toSocketError("connect", err)) : resolve());
      } catch (err) {
        reject(toSocketError("connect", err));
      }
    });
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => this.#socket.close(() => resolve()));
    return this.#closed;
  }
}

function udpType(hostname: string): "udp4" | "udp6" {
  return hostname.includes(":") ? "udp6" : "udp4";
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
      socket.once("close", () => reject(toSocketError("connect", err)));
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
    const onError = (err: Error) => reject(toSocketError("listen", err));
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

const capabilities = new Set<Capability>([
  "halfClose",
  "connectAbort",
  "listenBacklog",
  "ipv6Only",
  "udp",
  "udpConnect",
  "udpUnbound",
  "unixStream",
]);
if (typeof net.Socket.prototype.resetAndDestroy === "function") capabilities.add("abortiveClose");

/** The node:net adapter. */
export const adapter: Adapter = {
  api: "node:net",
  capabilities,
  tcp: {
    connect(options: ConnectOptions): Promise<Conn> {
      return connectSocket({ host: options.hostname, port: options.port, allowHalfOpen: true, signal: options.signal }, false);
    },

    listen(options: ListenOptions): Promise<Listener> {
      return listenServer({
        host: options.hostname,
        port: options.port,
        backlog: options.backlog,
        ipv6Only: options.ipv6Only,
      });
    },
  },

  udp: {
    bind(options: { hostname: string; port: number }): Promise<DatagramSocket> {
      return new Promise((resolve, reject) => {
        let socket: dgram.Socket;
        try {
          socket = dgram.createSocket({ type: udpType(options.hostname) });
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
            resolve(new NodeDatagram(socket));
          });
        } catch (err) {
          socket.off("error", onError);
          socket.close(() => reject(toSocketError("bind", err)));
        }
      });
    },

    open(options: { family: "IPv4" | "IPv6" }): Promise<DatagramSocket> {
      try {
        return Promise.resolve(new NodeDatagram(dgram.createSocket({ type: options.family === "IPv6" ? "udp6" : "udp4" })));
      } catch (err) {
        return Promise.reject(toSocketError("open", err));
      }
    },
  },

  unix: {
    connect(path: string): Promise<Conn> {
      return connectSocket({ path, allowHalfOpen: true }, true);
    },

    listen(path: string): Promise<Listener> {
      return listenServer({ path });
    },
  },
};
