/**
 * A third-party adapter, written as an outside author writes one: it imports
 * only from sockcheck's `mod.ts`. It drives `node:net` through WHATWG
 * streams (`stream.Duplex.toWeb`), the shape of stream socket APIs such as
 * WinterTC's `connect()`: bytes come from a `ReadableStream` reader and go to
 * a `WritableStreamDefaultWriter`. What that layer does on top of node:net
 * (its own queue, its flow control, its errors) is what the catalog
 * measures; `node_streams.json` beside it records every divergence.
 *
 * Contract → node:net through streams:
 * - tcp.connect → `net.connect({ host, port, allowHalfOpen: true, signal })`,
 *   settled by `connect`, or rejected with the `error` event that comes first
 *   (`events.once`)
 * - tcp.listen → `net.createServer({ allowHalfOpen: false })` +
 *   `server.listen({ host, port, backlog, ipv6Only })`, settled by
 *   `listening` or rejected with `error` (`events.once`)
 * - every connection → `Duplex.toWeb(socket)`: one reader of its `readable`,
 *   one writer of its `writable`, for the connection's life
 * - accept → the server's `connection` events, in arrival order (the kit's
 *   Queue); `null` once the server emits `close`
 * - read → `reader.read()`: its `done` is EOF (`null`), its rejection the
 *   read's error. A read is an operation that can be pending (`pendingRead`)
 * - write → `writer.write(bytes)`, settled as the stream settles it
 * - closeWrite → `writer.close()`: the stream ends the socket's writable side
 *   (with allowHalfOpen, shutdown(SHUT_WR))
 * - close → `socket.destroy()`, settled by `close`; listener.close →
 *   `server.close()`, once, settled on the next loop turn
 * - reports → every `error` event of a socket or server
 * - unix.connect / unix.listen → the same with `{ path }`; node:net reports
 *   no address for a Unix connection
 *
 * Not offered: abortive close (a stream has no RST: `abort()` destroys the
 * socket), UDP and Unix datagrams (no streams), pending accepts (node accepts
 * on readiness), socket options such as TCP_NODELAY and keep-alive (a stream
 * socket of WinterTC's shape has none).
 *
 * @module
 */
import { once } from "node:events";
import net from "node:net";
import { Duplex } from "node:stream";
import type { ReadableStreamDefaultReader, WritableStreamDefaultWriter } from "node:stream/web";
import {
  type Adapter,
  type Address,
  closeOnce,
  type Conn,
  ipAddress,
  type Listener,
  Queue,
  Reports,
  toSocketError,
  unixAddress,
} from "../mod.ts";

/** Every `error` event of `emitter` as a report, on the channel node names. */
function reporting(emitter: net.Socket | net.Server): Reports {
  const reports = new Reports();
  emitter.on("error", (err) => reports.add('"error" event', toSocketError("error", err)));
  return reports;
}

/** A connection whose bytes go through the socket's web streams. */
class StreamConn implements Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  readonly reports: Reports;
  #socket: net.Socket;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #closed: Promise<unknown>;

  constructor(socket: net.Socket, unix: boolean) {
    this.#socket = socket;
    this.reports = reporting(socket);
    this.#closed = once(socket, "close");
    const { readable, writable } = Duplex.toWeb(socket);
    this.#reader = readable.getReader();
    this.#writer = writable.getWriter();
    this.localAddr = unix ? unixAddress() : ipAddress(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = unix ? unixAddress() : ipAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
  }

  async read(): Promise<Uint8Array | null> {
    try {
      const { value, done } = await this.#reader.read();
      return done ? null : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } catch (err) {
      throw toSocketError("read", err);
    }
  }

  async write(data: Uint8Array): Promise<void> {
    try {
      await this.#writer.write(data);
    } catch (err) {
      throw toSocketError("write", err);
    }
  }

  async closeWrite(): Promise<void> {
    try {
      await this.#writer.close();
    } catch (err) {
      throw toSocketError("closeWrite", err);
    }
  }

  async close(): Promise<void> {
    this.#socket.destroy();
    await this.#closed;
  }
}

/** A server whose connections wait in arrival order until accepted. */
class StreamListener implements Listener {
  readonly addr: Address;
  readonly reports: Reports;
  #connections = new Queue<Conn>();

  constructor(readonly server: net.Server) {
    const bound = server.address();
    const unix = typeof bound === "string";
    this.addr = unix ? unixAddress(bound) : ipAddress(bound?.address, bound?.port, bound?.family);
    this.reports = reporting(server);
    server.on("connection", (socket) => this.#connections.push(new StreamConn(socket, unix)));
    server.once("close", () => this.#connections.end());
  }

  accept(): Promise<Conn | null> {
    return this.#connections.shift();
  }

  close = closeOnce(async () => {
    this.server.close();
    await new Promise((resolve) => setImmediate(resolve));
  });
}

/** A connection once node says it is made; the first `error` rejects instead. */
async function open(options: net.NetConnectOpts, unix: boolean): Promise<Conn> {
  try {
    const socket = net.connect(options);
    await once(socket, "connect");
    return new StreamConn(socket, unix);
  } catch (err) {
    throw toSocketError("connect", err);
  }
}

/** A listener once node says it listens; the first `error` rejects instead. */
async function serve(options: net.ListenOptions): Promise<Listener> {
  const server = net.createServer({ allowHalfOpen: false });
  try {
    await once(server.listen(options), "listening");
    return new StreamListener(server);
  } catch (err) {
    throw toSocketError("listen", err);
  }
}

/**
 * node:net through WHATWG streams, importing only from sockcheck's mod.ts.
 *
 * @example
 * ```ts
 * import { adapter } from "./node_streams.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export const adapter: Adapter = {
  api: "node:net through WHATWG streams (Duplex.toWeb)",
  capabilities: new Set(["tcpListen", "halfClose", "connectAbort", "listenBacklog", "ipv6Only", "unixStream", "pendingRead"]),
  tcp: {
    connect: ({ hostname, port, signal }) => open({ host: hostname, port, allowHalfOpen: false, signal }, false),
    listen: ({ hostname, port, backlog, ipv6Only }) => serve({ host: hostname, port, backlog, ipv6Only }),
  },
  unix: {
    connect: (path) => open({ path, allowHalfOpen: false }, true),
    listen: (path) => serve({ path }),
  },
};
