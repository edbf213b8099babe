/**
 * The peer process's side of the protocol: each request calls the kernel
 * adapter (or reads the kernel's view) and its answer is sent when it
 * settles, so requests run at the same time. Each request reaches its
 * adapter call synchronously, in the order the lines arrived, so two
 * writes sent back to back reach the kernel in that order.
 *
 * Sockets are handles: numbers naming the adapter's objects. A handle is
 * kept after its socket is closed, so later operations get what the adapter
 * gives a closed socket.
 *
 * @module
 */
import type { Conn, DatagramSocket, Listener } from "../core/adapter.ts";
import { adapter, descriptorOf } from "../adapters/libc.ts";
import { acceptLoop, connectLoop, echo, Run, sink, source, udpSink, udpSource } from "./_bulk.ts";
import { findColumnSocket, inq, outq, socketOptions, soError, tcpInfo, withColumnSocket } from "./_kernel_view.ts";
import { processMemory } from "./_memory.ts";
import {
  type AddressState,
  type ConnInfo,
  fromBase64,
  type Op,
  type Operations,
  type Request,
  type Response,
  toBase64,
  toWireError,
} from "./_protocol.ts";

type Handler<K extends Op> = (args: Operations[K]["args"], id: number) => Promise<Operations[K]["result"]>;

/** The adapter's objects, by handle, and the pending connects that may be cancelled. */
class Handles {
  #next = 1;
  #objects = new Map<number, Conn | Listener | DatagramSocket>();
  readonly connects = new Map<number, AbortController>();
  /** The bulk loops running, by request id, for `bulk.stop`: each with its socket's handle and its end. */
  readonly bulk = new Map<number, { run: Run; handle?: number; ended: Promise<unknown> }>();

  /**
   * Stops the bulk loops on `handle` and waits for them to end, before the
   * socket is closed: a loop must never outlive its descriptor, whose
   * number the next socket may get.
   */
  async endBulk(handle: number): Promise<void> {
    const loops = [...this.bulk.values()].filter((b) => b.handle === handle);
    for (const loop of loops) loop.run.stop();
    await Promise.all(loops.map((loop) => loop.ended.catch(() => {})));
  }

  add(object: Conn | Listener | DatagramSocket): number {
    const handle = this.#next++;
    this.#objects.set(handle, object);
    return handle;
  }

  get<T extends Conn | Listener | DatagramSocket>(handle: number, kind: string, is: (o: object) => boolean): T {
    const object = this.#objects.get(handle);
    if (!object || !is(object)) throw new TypeError(`handle ${handle} is not a ${kind} of this peer`);
    return object as T;
  }

  conn(handle: number): Conn {
    return this.get(handle, "connection", (o) => "remoteAddr" in o);
  }
  listener(handle: number): Listener {
    return this.get(handle, "listener", (o) => "accept" in o);
  }
  datagram(handle: number): DatagramSocket {
    return this.get(handle, "datagram socket", (o) => "receive" in o);
  }
  /** The open descriptor behind a handle, for the kernel's view. */
  fd(handle: number): number {
    const fd = descriptorOf(this.get(handle, "socket", () => true));
    if (fd === undefined) throw new TypeError(`handle ${handle} is closed`);
    return fd;
  }

  connInfo(conn: Conn): ConnInfo {
    return { handle: this.add(conn), localAddr: conn.localAddr, remoteAddr: conn.remoteAddr };
  }
}

/** The datagram socket's address now, or the error address() gives. */
function addressState(socket: DatagramSocket): AddressState {
  try {
    return { address: socket.address() };
  } catch (err) {
    const wire = toWireError(err);
    if (wire.kind !== "socket") throw err;
    return { addressError: wire };
  }
}

function streamHandlers(h: Handles) {
  return {
    "tcp.connect": async ({ hostname, port, aborted }, id) => {
      const controller = new AbortController();
      if (aborted) controller.abort();
      h.connects.set(id, controller);
      try {
        return h.connInfo(await adapter.tcp.connect({ hostname, port, signal: controller.signal }));
      } finally {
        h.connects.delete(id);
      }
    },
    "tcp.listen": async (args) => {
      const listener = await adapter.tcp.listen(args);
      return { handle: h.add(listener), addr: listener.addr };
    },
    "accept": async ({ handle }) => {
      const conn = await h.listener(handle).accept();
      return conn && h.connInfo(conn);
    },
    "read": async ({ handle }) => {
      const data = await h.conn(handle).read();
      return data && toBase64(data);
    },
    "write": async ({ handle, data }) => (await h.conn(handle).write(fromBase64(data)), null),
    "closeWrite": async ({ handle }) => (await h.conn(handle).closeWrite!(), null),
    "abort": async ({ handle }) => (await h.endBulk(handle), await h.conn(handle).abort!(), null),
    "close": async ({ handle }) => {
      const object = h.get(handle, "connection or listener", (o) => !("receive" in o));
      await h.endBulk(handle);
      await object.close();
      return null;
    },
    "cancel": ({ target }) => (h.connects.get(target)?.abort(), Promise.resolve(null)),
  } satisfies { [K in Op]?: Handler<K> };
}

function datagramHandlers(h: Handles) {
  return {
    "udp.bind": async (args) => {
      const socket = await adapter.udp!.bind(args);
      return { handle: h.add(socket), state: addressState(socket) };
    },
    "udp.open": async (args) => {
      const socket = await adapter.udp!.open!(args);
      return { handle: h.add(socket), state: addressState(socket) };
    },
    "send": async ({ handle, data, to }) => {
      const socket = h.datagram(handle);
      await socket.send(fromBase64(data), to);
      return addressState(socket);
    },
    "receive": async ({ handle, bufferSize }) => {
      const socket = h.datagram(handle);
      const got = await socket.receive(bufferSize === undefined ? undefined : { bufferSize });
      if (!got) return null;
      return { data: toBase64(got.data), from: got.from, truncated: got.truncated, state: addressState(socket) };
    },
    "udp.connect": async ({ handle, to }) => {
      const socket = h.datagram(handle);
      await socket.connect!(to);
      return addressState(socket);
    },
    "dgram.close": async ({ handle }) => {
      const socket = h.datagram(handle);
      await h.endBulk(handle);
      await socket.close();
      return addressState(socket);
    },
  } satisfies { [K in Op]?: Handler<K> };
}

function viewHandlers(h: Handles, parent: number) {
  const now = <T>(read: () => T) => new Promise<T>((resolve) => resolve(read()));
  return {
    "inq": ({ handle }) => now(() => inq("inq", h.fd(handle))),
    "outq": ({ handle }) => now(() => outq("outq", h.fd(handle))),
    "soError": ({ handle }) => now(() => soError("soError", h.fd(handle))),
    "tcpInfo": ({ handle }) => now(() => ({ ...tcpInfo("tcpInfo", h.fd(handle)) })),
    "column.find": ({ pid, ...query }) => now(() => findColumnSocket({ pid: pid ?? parent, ...query })),
    "column.options": (ref) => now(() => withColumnSocket("options", ref, (fd) => socketOptions("options", fd))),
    "column.tcpInfo": (ref) => now(() => withColumnSocket("tcpInfo", ref, (fd) => ({ ...tcpInfo("tcpInfo", fd) }))),
    "column.inq": (ref) => now(() => withColumnSocket("inq", ref, (fd) => inq("inq", fd))),
    "column.outq": (ref) => now(() => withColumnSocket("outq", ref, (fd) => outq("outq", fd))),
  } satisfies { [K in Op]?: Handler<K> };
}

/** Runs one bulk loop (on the socket `handle`, where it has one) under the request's id, so `bulk.stop` can reach it. */
async function running<T>(h: Handles, id: number, run: Run, loop: (run: Run) => Promise<T>, handle?: number): Promise<T> {
  const ended = loop(run);
  h.bulk.set(id, { run, handle, ended });
  try {
    return await ended;
  } finally {
    h.bulk.delete(id);
  }
}

function bulkHandlers(h: Handles, parent: number) {
  return {
    "bulk.echo": ({ handle, limitMs }, id) =>
      running(h, id, new Run("bulk.echo", limitMs), (run) => echo(run, h.fd(handle)), handle),
    "bulk.sink": ({ handle, limitMs, marks }, id) =>
      running(h, id, new Run("bulk.sink", limitMs), (run) => sink(run, h.fd(handle), marks), handle),
    "bulk.source": ({ handle, limitMs, ...options }, id) =>
      running(h, id, new Run("bulk.source", limitMs), (run) => source(run, h.fd(handle), options), handle),
    "bulk.accept": ({ handle, limitMs }, id) =>
      running(h, id, new Run("bulk.accept", limitMs), (run) => acceptLoop(run, h.fd(handle)), handle),
    "bulk.connect": ({ limitMs, ...options }, id) =>
      running(h, id, new Run("bulk.connect", limitMs), (run) => connectLoop(run, options)),
    "bulk.udpSink": ({ handle, limitMs }, id) =>
      running(h, id, new Run("bulk.udpSink", limitMs), (run) => udpSink(run, h.fd(handle)), handle),
    "bulk.udpSource": ({ handle, limitMs, ...options }, id) =>
      running(h, id, new Run("bulk.udpSource", limitMs), (run) => udpSource(run, h.fd(handle), options), handle),
    "bulk.stop": ({ target }) => (h.bulk.get(target)?.run.stop(), Promise.resolve(null)),
    "bulk.running": ({ target }) => Promise.resolve(h.bulk.has(target)),
    "column.memory": ({ pid, resetPeak }) =>
      new Promise((resolve) => resolve(processMemory(pid ?? parent, { resetPeak }))),
  } satisfies { [K in Op]?: Handler<K> };
}

/**
 * The peer's request handler: give it each request line; it calls `send`
 * with each response line. `parent` is the column process, whose sockets
 * `column.*` requests read unless they name another process.
 *
 * @example
 * ```ts
 * import { serve } from "./_serve.ts";
 * const handle = serve((line) => console.log(line), Deno.ppid);
 * handle('{"id":1,"op":"tcp.listen","args":{"hostname":"127.0.0.1","port":0}}');
 * ```
 */
export function serve(send: (line: string) => void, parent: number): (line: string) => void {
  const h = new Handles();
  const handlers: { [K in Op]: Handler<K> } = {
    ...streamHandlers(h),
    ...datagramHandlers(h),
    ...viewHandlers(h, parent),
    ...bulkHandlers(h, parent),
  };
  return (line) => {
    const request = JSON.parse(line) as Request;
    const { id, op, args } = request;
    const respond = (response: Response) => send(JSON.stringify(response));
    if (!Object.hasOwn(handlers, op)) {
      respond({ id, error: { kind: "peer", message: `unknown operation "${op}"` } });
      return;
    }
    let pending: Promise<unknown>;
    try {
      pending = (handlers[op] as Handler<Op>)(args, id);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then((result) => respond({ id, result }), (err) => respond({ id, error: toWireError(err) }));
  };
}
