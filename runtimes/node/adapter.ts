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
 *
 * `allowHalfOpen: true` is node's documented switch for half-closed TCP;
 * without it node ends the writable side itself when the peer's FIN arrives,
 * which is a library convention, not the socket's semantics.
 *
 * @module
 */
import net from "node:net";
import type { Address, Adapter, Capability, Conn, ConnectOptions, Listener, ListenOptions } from "../../core/adapter.ts";
import { toSocketError } from "../../core/errors.ts";
import { Queue } from "../_queue.ts";

function address(host: string | undefined, port: number | undefined, family?: string | number): Address {
  const fam = family === "IPv6" || family === 6 || (family === undefined && host?.includes(":")) ? "IPv6" : "IPv4";
  return { hostname: host ?? "", port: port ?? 0, family: fam };
}

class NodeConn implements Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: net.Socket;
  #incoming = new Queue<Uint8Array>();
  #closed: Promise<void>;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.localAddr = address(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
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
  readonly addr: Address;
  #server: net.Server;
  #connections = new Queue<Conn>();
  #closed?: Promise<void>;

  constructor(server: net.Server) {
    this.#server = server;
    const a = server.address() as net.AddressInfo;
    this.addr = address(a.address, a.port, a.family);
    server.on("connection", (socket) => this.#connections.push(new NodeConn(socket)));
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

const capabilities = new Set<Capability>(["halfClose", "connectAbort", "listenBacklog", "ipv6Only"]);
if (typeof net.Socket.prototype.resetAndDestroy === "function") capabilities.add("abortiveClose");

/** The node:net adapter. */
export const adapter: Adapter = {
  api: "node:net",
  capabilities,
  tcp: {
    connect(options: ConnectOptions): Promise<Conn> {
      return new Promise((resolve, reject) => {
        let socket: net.Socket;
        try {
          socket = net.connect({ host: options.hostname, port: options.port, allowHalfOpen: true, signal: options.signal });
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
          resolve(new NodeConn(socket));
        };
        socket.once("error", onError);
        socket.once("connect", onConnect);
      });
    },

    listen(options: ListenOptions): Promise<Listener> {
      return new Promise((resolve, reject) => {
        const server = net.createServer({ allowHalfOpen: true });
        const onError = (err: Error) => reject(toSocketError("listen", err));
        server.once("error", onError);
        try {
          server.listen({
            host: options.hostname,
            port: options.port,
            backlog: options.backlog,
            ipv6Only: options.ipv6Only,
          }, () => {
            server.off("error", onError);
            resolve(new NodeListener(server));
          });
        } catch (err) {
          reject(toSocketError("listen", err));
        }
      });
    },
  },
};
