/**
 * The adapter for the WinterTC sockets API (`connect()`, the one socket API
 * of JavaScript runtimes with a written specification), as workerd offers it
 * in `cloudflare:sockets`. Client side only: the API has no listener, no UDP
 * and no Unix sockets.
 *
 * Contract → WinterTC sockets API:
 * - tcp.connect → `connect({ hostname, port }, { allowHalfOpen: true })`,
 *   then `await socket.opened`; its rejection is the connect's. The hostname
 *   is passed as the case gives it (an IPv6 literal without brackets).
 *   `allowHalfOpen: true` because the kernel keeps this side's write half
 *   open when the peer's FIN arrives; with the API's default (`false`) the
 *   runtime closes the writable and the socket itself on the peer's FIN, a
 *   library convention rather than the socket's semantics.
 * - connect abort (`signal`) → `socket.close(signal.reason)`: the spec's way
 *   to end a pending connect ("if the opened promise is still pending, it
 *   will be rejected with the reason"); what `opened` then gives is the
 *   connect's result.
 * - remoteAddr / localAddr → `SocketInfo.remoteAddress` / `.localAddress`
 *   from `opened`: the spec's "hostname/port combo" (`host:port`, an IPv6
 *   host in brackets), split at its last colon. The spec makes both
 *   optional; an absent one throws ApiMissingError when read (the kernel
 *   always has getsockname/getpeername).
 * - read → one `reader.read()` on `socket.readable` per read (a default
 *   reader taken at connect): the stream's own flow control, nothing read
 *   ahead by the adapter; `done` → `null`. Multiple reads may be pending.
 * - write → `writer.write(bytes)` on `socket.writable`, settled by its promise.
 * - closeWrite → `writer.close()`: with `allowHalfOpen: true` this sends FIN
 *   and the readable stays open (measured on workerd against a Node peer).
 * - close → `socket.close()`, once; later calls return the same promise.
 * - reports → a rejection of `socket.closed` (the API's own channel for a
 *   connection that failed or broke), recorded as `closed promise`.
 * - tcp.listen → rejects with NoListenerError: the API has no listener (no
 *   `tcpListen` capability, so the cases that listen are `unsupported`).
 * - socketsApi → `connect` itself, unchanged.
 * - no socket options: the API has no TCP_NODELAY or keep-alive switch
 *   (no `noDelay`, no `keepAlive`), and no UDP.
 *
 * Errors: the API gives no structured identity (workerd rejects with a plain
 * `Error` whose message is all it says), so failures are `UNKNOWN` with the
 * raw error kept; nothing is read from messages.
 *
 * @module
 */
// @ts-ignore: a module built into workerd, resolved by workerd when the worker loads; typed below.
import { connect as runtimeConnect } from "cloudflare:sockets";
import type { Adapter, Address, Capability, Conn, ConnectOptions, Listener } from "../core/adapter.ts";
import { ApiMissingError, toSocketError } from "../core/errors.ts";
import { Reports } from "../core/report_log.ts";
import type { Connect, Socket, SocketInfo } from "../core/sockets_api.ts";

const connect: Connect = runtimeConnect;

/** `tcp.listen` on an API that has none. */
export class NoListenerError extends Error {
  override name = "NoListenerError";
  constructor() {
    super("the WinterTC sockets API has no listener (connect() only): a listening side needs the reference peer");
  }
}

/** An `Address` from the spec's `host:port` combo; `undefined` when the runtime gave none. */
function address(combo: string | null | undefined): Address | undefined {
  if (typeof combo !== "string") return undefined;
  const colon = combo.lastIndexOf(":");
  const hostname = combo.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  return { hostname, port: Number(combo.slice(colon + 1)), family: hostname.includes(":") ? "IPv6" : "IPv4" };
}

class WinterConn implements Conn {
  readonly reports = new Reports();
  #socket: Socket;
  #info: SocketInfo;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #closing?: Promise<void>;

  constructor(socket: Socket, info: SocketInfo) {
    this.#socket = socket;
    this.#info = info;
    this.#reader = socket.readable.getReader();
    this.#writer = socket.writable.getWriter();
    socket.closed.catch((err) => this.reports.add("closed promise", toSocketError("closed", err)));
  }

  // Getters on the prototype: the runner's scope lists own properties only, so a missing address throws only when read.
  get remoteAddr(): Address {
    const addr = address(this.#info?.remoteAddress);
    if (!addr) throw new ApiMissingError("SocketInfo.remoteAddress");
    return addr;
  }

  get localAddr(): Address {
    const addr = address(this.#info?.localAddress);
    if (!addr) throw new ApiMissingError("SocketInfo.localAddress");
    return addr;
  }

  async read(): Promise<Uint8Array | null> {
    try {
      const { value, done } = await this.#reader.read();
      if (done) return null;
      const view = value as ArrayBufferView;
      return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
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

  close(): Promise<void> {
    this.#closing ??= Promise.resolve()
      .then(() => this.#socket.close())
      .catch((err) => Promise.reject(toSocketError("close", err)));
    return this.#closing;
  }
}

/** Opens a socket and waits for `opened`; a pending connect ends through `close(reason)`. */
async function open({ hostname, port, signal }: ConnectOptions): Promise<Conn> {
  let socket: Socket;
  try {
    socket = connect({ hostname, port }, { allowHalfOpen: true });
  } catch (err) {
    throw toSocketError("connect", err);
  }
  // A failed connect rejects `closed` with the failure `opened` gives: one report, the connect's.
  socket.closed.catch(() => {});
  // The connect's result is what `opened` gives; close()'s own promise says nothing more.
  const abort = () => void socket.close(signal?.reason).catch(() => {});
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  try {
    return new WinterConn(socket, await socket.opened);
  } catch (err) {
    throw toSocketError("connect", err);
  } finally {
    signal?.removeEventListener("abort", abort);
  }
}

const capabilities = new Set<Capability>(["halfClose", "connectAbort", "pendingRead", "socketsApi"]);

/**
 * The adapter for the WinterTC sockets API as workerd offers it
 * (`cloudflare:sockets`). Capabilities: half-close (`writer.close()` with
 * `allowHalfOpen`), connect abort (`socket.close(reason)`), pending reads
 * (`reader.read()`), and the API itself (`socketsApi`: `connect` as the
 * runtime gives it, for the cases of the specification's own semantics).
 * No `tcpListen`, UDP or Unix: the API has none. It loads only inside workerd.
 *
 * @example
 * ```ts
 * import { adapter } from "./wintertc.ts";
 * const conn = await adapter.tcp.connect({ hostname: "127.0.0.1", port: 7 });
 * await conn.write(new TextEncoder().encode("ping"));
 * console.log(await conn.read());
 * await conn.close();
 * ```
 */
export const adapter: Adapter = {
  api: "WinterTC connect() (cloudflare:sockets)",
  capabilities,
  socketsApi: { connect },
  tcp: {
    connect: open,
    listen(): Promise<Listener> {
      return Promise.reject(new NoListenerError());
    },
  },
};
