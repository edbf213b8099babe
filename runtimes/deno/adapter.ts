/**
 * The adapter for Deno's native socket API (TCP), used by the `deno` column.
 *
 * Contract → Deno:
 * - tcp.connect → `Deno.connect({ hostname, port, transport: "tcp", signal })`
 * - tcp.listen → `Deno.listen({ hostname, port, transport: "tcp", tcpBacklog })`
 * - accept → `listener.accept()`; `null` once this side closed the listener
 *   (Deno then rejects the pending and later accepts with `BadResource`)
 * - read → `conn.read(buf)` into a 64 KiB buffer, Deno's ordinary way (it
 *   reads only when asked); its `null` is EOF. Once this side closed the
 *   connection, `null` (Deno rejects a pending read with `Interrupted`, a
 *   later one with `BadResource`)
 * - write → `conn.write(bytes)` repeated until every byte is taken: Deno's
 *   write may take part of the buffer and returns how much it took
 * - closeWrite → `conn.closeWrite()` (shutdown(SHUT_WR))
 * - close → `conn.close()`, once (Deno throws `BadResource` on a second close).
 *   Deno issues shutdown(SHUT_WR) before close(2), so the peer sees a FIN
 *   even where the close then sends RST (unread data): a finding, kept as is
 * - listener.close → `listener.close()`, once
 *
 * Not offered: abortive close (Deno has no SO_LINGER / RST primitive) and
 * IPV6_V6ONLY (Deno.listen has no such option).
 *
 * Errors keep Deno's own `.code` where it gives one (it sets the errno name
 * for OS errors); the class table below is the fallback for errors that
 * carry only their class.
 *
 * @module
 */
import type { Adapter, Address, Capability, Conn, ConnectOptions, Listener, ListenOptions } from "../../core/adapter.ts";
import { toSocketError } from "../../core/errors.ts";

/**
 * Deno error classes whose errno is one-to-one by Deno's own definition
 * (each comes from a single Rust `io::ErrorKind`, which Deno maps back to
 * exactly this errno name). Left out on purpose: `PermissionDenied` (EACCES
 * or EPERM), `WouldBlock` (EAGAIN or EWOULDBLOCK), `Interrupted` and
 * `BadResource` (Deno also raises them for its own cancellation and closed
 * resources), `NetworkUnreachable` (Deno gives no errno for the class itself).
 */
const DENO_ERROR_CLASSES: Readonly<Record<string, string>> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  NotConnected: "ENOTCONN",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  BrokenPipe: "EPIPE",
  TimedOut: "ETIMEDOUT",
};

const READ_SIZE = 64 * 1024;

/** Runs a synchronous Deno call, its throw becoming a rejected SocketError. */
function attempt<T>(op: string, call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(toSocketError(op, err, DENO_ERROR_CLASSES));
  }
}

function address(addr: Deno.NetAddr): Address {
  return { hostname: addr.hostname, port: addr.port, family: addr.hostname.includes(":") ? "IPv6" : "IPv4" };
}

class DenoConn implements Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #conn: Deno.TcpConn;
  #closed = false;

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.localAddr = address(conn.localAddr);
    this.remoteAddr = address(conn.remoteAddr);
  }

  async read(): Promise<Uint8Array | null> {
    if (this.#closed) return null;
    // A buffer per read: a second read may be pending on the same connection.
    const buf = new Uint8Array(READ_SIZE);
    try {
      const n = await this.#conn.read(buf);
      return n === null ? null : buf.slice(0, n);
    } catch (err) {
      if (this.#closed) return null;
      throw toSocketError("read", err, DENO_ERROR_CLASSES);
    }
  }

  async write(data: Uint8Array): Promise<void> {
    try {
      let written = 0;
      while (written < data.length) written += await this.#conn.write(data.subarray(written));
    } catch (err) {
      throw toSocketError("write", err, DENO_ERROR_CLASSES);
    }
  }

  async closeWrite(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch (err) {
      throw toSocketError("closeWrite", err, DENO_ERROR_CLASSES);
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return attempt("close", () => this.#conn.close());
  }
}

class DenoListener implements Listener {
  readonly addr: Address;
  #listener: Deno.TcpListener;
  #closed = false;

  constructor(listener: Deno.TcpListener) {
    this.#listener = listener;
    this.addr = address(listener.addr);
  }

  async accept(): Promise<Conn | null> {
    if (this.#closed) return null;
    try {
      return new DenoConn(await this.#listener.accept());
    } catch (err) {
      if (this.#closed) return null;
      throw toSocketError("accept", err, DENO_ERROR_CLASSES);
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return attempt("close", () => this.#listener.close());
  }
}

const capabilities = new Set<Capability>(["halfClose", "connectAbort", "listenBacklog"]);

/**
 * The adapter for Deno's native TCP API (`Deno.connect` / `Deno.listen`).
 * Capabilities: half-close (`conn.closeWrite`), connect abort (the `signal`
 * option) and the listen backlog (`tcpBacklog`).
 *
 * @example
 * ```ts
 * import { adapter } from "./adapter.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export const adapter: Adapter = {
  api: "Deno.connect/Deno.listen",
  capabilities,
  tcp: {
    async connect({ hostname, port, signal }: ConnectOptions): Promise<Conn> {
      try {
        return new DenoConn(await Deno.connect({ hostname, port, transport: "tcp", signal }));
      } catch (err) {
        throw toSocketError("connect", err, DENO_ERROR_CLASSES);
      }
    },

    listen({ hostname, port, backlog }: ListenOptions): Promise<Listener> {
      return attempt("listen", () => new DenoListener(Deno.listen({ hostname, port, transport: "tcp", tcpBacklog: backlog })));
    },
  },
};
