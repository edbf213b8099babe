/**
 * The WinterTC sockets API's own semantics (https://sockets-api.proposal.wintertc.org/,
 * the proposal's `index.bs`): what `connect()`, `opened`, `closed`,
 * `close(reason)`, `allowHalfOpen` and `startTls()` promise, beyond the
 * BSD-socket contract. Runtime-level cases (the kernel has no counterpart):
 * they run where the adapter hands over the API itself (`socketsApi`), and
 * are `unsupported` on every other column. The other end is the reference
 * peer, since the API has no listener.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter, Conn, Listener } from "../core/adapter.ts";
import { type Case, type CaseContext, defineCase } from "../core/case.ts";
import type { Socket, SocketsApi, SocketsApiOptions } from "../core/sockets_api.ts";
import { bytes, LOOPBACK4, peerOf, readUntilEnd, stillPendingAfter, text } from "./helpers.ts";

const SPEC = "WinterTC Sockets API (https://sockets-api.proposal.wintertc.org/, index.bs)";
/** What the cases against the peer share: the specification's level, the peer as the other end, the API itself. */
const AGAINST_PEER: Pick<Case, "level" | "sides" | "requires"> = {
  level: "runtime",
  sides: "column+peer",
  requires: { capabilities: ["socketsApi"] },
};
/** What is due at once on loopback; still pending after this, it is not coming (a bounded wait). */
const PROMPT_MS = 2000;

function apiOf(net: Adapter): SocketsApi {
  assert.ok(net.socketsApi, "the adapter claims socketsApi but hands over no API");
  return net.socketsApi;
}

/** Ends a socket whatever state it is in; its own outcome is not the case's. */
async function discard(socket: Socket): Promise<void> {
  await Promise.resolve().then(() => socket.close()).catch(() => {});
}

/**
 * Connects through the API to a listener of the peer's and hands both to
 * `body`; the socket and the listener are closed after it, whatever it did.
 */
async function withPeerListener(
  net: Adapter,
  ctx: CaseContext,
  { socketOptions, body }: { socketOptions?: SocketsApiOptions; body(socket: Socket, listener: Listener): Promise<void> },
): Promise<void> {
  const listener = await peerOf(ctx).tcp.listen({ hostname: LOOPBACK4, port: 0 });
  const socket = apiOf(net).connect({ hostname: LOOPBACK4, port: listener.addr.port }, socketOptions);
  try {
    await body(socket, listener);
  } finally {
    await discard(socket);
    await listener.close();
  }
}

/** Once the socket is open, the peer's end sends "x" and its FIN; what the socket read up to the FIN. */
async function readToPeerFin(socket: Socket, accepted: Conn): Promise<string> {
  await socket.opened;
  await accepted.write(bytes("x"));
  await accepted.closeWrite!();
  const reader = socket.readable.getReader();
  let got = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) got += text(r.value);
  return got;
}

/** A thrown value's identity, for observations: class, and the message. */
function identity(err: unknown): string {
  const e = err as Error;
  return `${e?.constructor?.name ?? typeof err}: ${e?.message ?? String(err)}`;
}

/** Whether `err` is a SocketError as the spec defines it: a TypeError whose message starts `SocketError: `. */
function isSocketError(err: unknown): boolean {
  return err instanceof TypeError && err.message.startsWith("SocketError: ");
}

/**
 * A promise's outcome: `resolved`, `resolved <value>` or `rejected <identity>`,
 * or `pending` if it has not settled within the bounded wait (what is due on
 * loopback comes at once; still pending then, it is not coming).
 */
async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  const outcome = Promise.resolve(promise).then(
    (value) => value === undefined ? "resolved" : `resolved ${String(value)}`,
    (err) => `rejected ${identity(err)}`,
  );
  return await stillPendingAfter(outcome, PROMPT_MS) ? "pending" : outcome;
}

export const openedAddresses = defineCase({
  id: "sockets.opened-addresses",
  title: "opened resolves with the remote address and the local address of the connection",
  semantic:
    "Once the connection is established, opened resolves with a SocketInfo whose remoteAddress is the peer's host:port and whose localAddress is this end's host:port (what getpeername and getsockname give).",
  reference: `${SPEC}: "opened" attribute, SocketInfo dictionary (remoteAddress, localAddress)`,
  ...AGAINST_PEER,
  run: (net, ctx) =>
    withPeerListener(net, ctx, {
      async body(socket, listener) {
        const info = await socket.opened;
        const accepted = await listener.accept();
        assert.ok(accepted, "the peer accepted no connection");
        await accepted.close();
        ctx.observe("remoteAddress", info.remoteAddress ?? null);
        ctx.observe("localAddress", info.localAddress ?? null);
        assert.equal(info.remoteAddress, `${LOOPBACK4}:${listener.addr.port}`);
        assert.equal(info.localAddress, `${accepted.remoteAddr.hostname}:${accepted.remoteAddr.port}`);
      },
    }),
});

export const closedAfterClose = defineCase({
  id: "sockets.closed-after-close",
  title: "after close(), closed resolves, the readable is ended and the writable refuses writes",
  semantic:
    "close() closes the socket: its closed promise resolves, its ReadableStream is canceled (a read gives done) and its WritableStream is aborted (a write rejects).",
  reference: `${SPEC}: close() method, "closed" attribute`,
  ...AGAINST_PEER,
  run: (net, ctx) =>
    withPeerListener(net, ctx, {
      async body(socket, listener) {
        await socket.opened;
        const accepted = await listener.accept();
        await accepted?.close();
        const closing = await outcomeOf(socket.close());
        const closed = await outcomeOf(socket.closed);
        const read = await outcomeOf(socket.readable.getReader().read().then((r) => r.done ? "done" : "data"));
        const write = await outcomeOf(socket.writable.getWriter().write(bytes("late")));
        ctx.observe("after close", { close: closing, closed, read, write });
        assert.equal(closed, "resolved", `closed is ${closed} after close()`);
        assert.equal(read, "resolved done", `a read after close() is ${read}`);
        assert.ok(write.startsWith("rejected"), `a write after close() is ${write}`);
      },
    }),
});

export const halfOpenFalse = defineCase({
  id: "sockets.half-open-false",
  title: "with allowHalfOpen false (the default), the peer's FIN closes the writable and resolves closed",
  semantic:
    "With allowHalfOpen false, a FIN from the remote end closes the WritableStream and the socket: once the readable side has been read to its end, closed resolves and a write is refused.",
  reference: `${SPEC}: SocketOptions allowHalfOpen (false), "closed" attribute`,
  ...AGAINST_PEER,
  run: (net, ctx) =>
    withPeerListener(net, ctx, {
      async body(socket, listener) {
        const accepted = await listener.accept();
        assert.ok(accepted, "the peer accepted no connection");
        try {
          const got = await readToPeerFin(socket, accepted);
          const closed = await outcomeOf(socket.closed);
          const write = await outcomeOf(socket.writable.getWriter().write(bytes("late")));
          ctx.observe("after the peer's FIN", { read: got, closed, write });
          assert.equal(got, "x");
          assert.equal(closed, "resolved", `closed is ${closed} once the readable ended`);
          assert.ok(write.startsWith("rejected"), `a write after the peer's FIN is ${write}`);
        } finally {
          await accepted.close();
        }
      },
    }),
});

export const halfOpenTrue = defineCase({
  id: "sockets.half-open-true",
  title: "with allowHalfOpen true, the writable stays usable after the peer's FIN",
  semantic:
    "With allowHalfOpen true, a FIN from the remote end ends the ReadableStream only: the socket is half-open and what is written afterwards reaches the remote end.",
  reference: `${SPEC}: SocketOptions allowHalfOpen (true: "half-open" state)`,
  ...AGAINST_PEER,
  run: (net, ctx) =>
    withPeerListener(net, ctx, {
      socketOptions: { allowHalfOpen: true },
      async body(socket, listener) {
        const accepted = await listener.accept();
        assert.ok(accepted, "the peer accepted no connection");
        try {
          const got = await readToPeerFin(socket, accepted);
          const writer = socket.writable.getWriter();
          const write = await outcomeOf(writer.write(bytes("late")));
          const finish = await outcomeOf(writer.close());
          const heard = await readUntilEnd(accepted);
          ctx.observe("after the peer's FIN", { read: got, write, close: finish, "peer read": text(heard.data) });
          assert.equal(got, "x");
          assert.equal(write, "resolved", `a write after the peer's FIN is ${write}`);
          assert.equal(text(heard.data), "late");
        } finally {
          await accepted.close();
        }
      },
    }),
});

export const closeReason = defineCase({
  id: "sockets.close-reason",
  title: "close(reason) before the connection opens rejects opened with that reason",
  semantic: "close(reason) on a socket whose opened promise is still pending rejects opened with the reason given.",
  reference: `${SPEC}: close(optional any reason) ("If the opened promise is still pending, it will be rejected with the reason")`,
  ...AGAINST_PEER,
  run: (net, ctx) =>
    withPeerListener(net, ctx, {
      async body(socket) {
        const reason = new Error("closed by the case before opening");
        void socket.close(reason).catch(() => {});
        const opened = await Promise.resolve(socket.opened).then(() => "resolved", (err) => err);
        ctx.observe("opened", opened === reason ? "rejected with the reason" : opened === "resolved" ? opened : `rejected ${identity(opened)}`);
        assert.equal(opened, reason, "opened did not reject with the reason given to close()");
      },
    }),
});

export const errorIsSocketError = defineCase({
  id: "sockets.error-is-socket-error",
  title: "a failed connect rejects opened with a SocketError",
  semantic:
    "If the connection fails, opened and closed reject with a SocketError: a TypeError whose message starts with \"SocketError: \". A closed port (bound by the kernel, then released) refuses it.",
  reference: `${SPEC}: connect() steps ("If the connection fails ... a new SocketError"), SocketError`,
  ...AGAINST_PEER,
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await peer.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const port = listener.addr.port;
    await listener.close();
    const socket = apiOf(net).connect({ hostname: LOOPBACK4, port });
    try {
      const failure = await Promise.resolve(socket.opened).then(() => undefined, (err: unknown) => err);
      ctx.observe("opened", failure === undefined ? "resolved" : `rejected ${identity(failure)}`);
      assert.ok(failure !== undefined, "a connect to a closed port opened");
      assert.ok(isSocketError(failure), `opened rejected with ${identity(failure)}, not a SocketError`);
    } finally {
      await discard(socket);
    }
  },
});

export const badAddressThrows = defineCase({
  id: "sockets.bad-address-throws",
  title: "connect() with an address that has no port throws at once",
  semantic:
    "connect() may throw a SocketError while creating the socket, for instance when the address is incorrectly formatted: a host:port string without its port is refused at the call, before any socket is returned.",
  reference: `${SPEC}: connect() ("connect may throw a SocketError ... if the input address is incorrectly formatted"), AnySocketAddress`,
  level: "runtime",
  requires: { capabilities: ["socketsApi"] },
  run(net, ctx) {
    let socket: Socket | undefined;
    let thrown: unknown;
    try {
      socket = apiOf(net).connect(LOOPBACK4);
    } catch (err) {
      thrown = err;
    }
    ctx.observe("connect", thrown === undefined ? "returned a socket" : `threw ${identity(thrown)}`);
    const closing = socket ? discard(socket) : Promise.resolve();
    return closing.then(() => {
      assert.ok(thrown !== undefined, "connect() returned a socket for an address without a port");
      assert.ok(isSocketError(thrown), `connect() threw ${identity(thrown)}, not a SocketError`);
    });
  },
});

export const startTlsNeedsOption = defineCase({
  id: "sockets.starttls-needs-option",
  title: "startTls() fails with a SocketError unless secureTransport is starttls",
  semantic: "startTls() on a socket whose secureTransport option is not \"starttls\" (here the default, \"off\") fails with a SocketError.",
  reference: `${SPEC}: startTls() ("must fail with an SocketError if ... secureTransport ... is not equal to \"starttls\"")`,
  ...AGAINST_PEER,
  run: (net, ctx) =>
    withPeerListener(net, ctx, {
      async body(socket) {
        await socket.opened;
        let upgraded: Socket | undefined;
        let thrown: unknown;
        try {
          upgraded = socket.startTls();
        } catch (err) {
          thrown = err;
        }
        if (upgraded) await discard(upgraded);
        ctx.observe("startTls", thrown === undefined ? "returned a socket" : `threw ${identity(thrown)}`);
        assert.ok(thrown !== undefined, "startTls() returned a socket on a socket opened without starttls");
        assert.ok(isSocketError(thrown), `startTls() threw ${identity(thrown)}, not a SocketError`);
      },
    }),
});
