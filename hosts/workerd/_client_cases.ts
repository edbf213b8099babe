/**
 * Client-side cases for the workerd host's own test: their other side is a
 * Node peer the test starts (ports by name in the run request), since the
 * catalog's cases listen on the column and the WinterTC API cannot. They
 * state kernel semantics like the catalog's; the test checks what comes back.
 *
 * @module
 */
import assert from "node:assert/strict";
import { rejectsWith } from "../../core/assert.ts";
import { type Case, defineCase } from "../../core/case.ts";
import { SocketError } from "../../core/errors.ts";

/** The Node peers the test starts, by name. */
export type PeerName =
  /** Echoes every byte; ends when the client ends. */
  | "echo"
  /** Answers `got:<bytes>` only after the client's FIN, then ends. */
  | "replyAfterFin"
  /** Sends `x` and its FIN at once, then keeps reading. */
  | "finFirst"
  /** A port with no listener (bound by the kernel, then closed). */
  | "closed";

type Ports = Partial<Record<PeerName, number>>;

const HOST = "127.0.0.1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function port(ports: Ports, name: PeerName): number {
  const value = ports[name];
  assert.ok(typeof value === "number", `the host started no ${name} peer`);
  return value;
}

const remoteAddress = (ports: Ports): Case =>
  defineCase({
    id: "probe.connect.remote-address",
    title: "a connected client reports the peer's address",
    semantic: "getpeername on a connected socket gives the address and port it connected to.",
    reference: "UNP 4.10 (getpeername)",
    async run(net, ctx) {
      const conn = await net.tcp.connect({ hostname: HOST, port: port(ports, "echo") });
      try {
        ctx.observe("remote", conn.remoteAddr);
        assert.deepEqual(conn.remoteAddr, { hostname: HOST, port: port(ports, "echo"), family: "IPv4" });
      } finally {
        await conn.close();
      }
    },
  });

const localAddress = (ports: Ports): Case =>
  defineCase({
    id: "probe.connect.local-address",
    title: "a connected client reports its own address",
    semantic: "getsockname on a connected socket gives 127.0.0.1 and a non-zero ephemeral port.",
    reference: "UNP 4.10 (getsockname)",
    async run(net) {
      const conn = await net.tcp.connect({ hostname: HOST, port: port(ports, "echo") });
      try {
        assert.equal(conn.localAddr.hostname, HOST);
        assert.notEqual(conn.localAddr.port, 0);
      } finally {
        await conn.close();
      }
    },
  });

const echo = (ports: Ports): Case =>
  defineCase({
    id: "probe.data.echo",
    title: "256 KiB written come back intact through an echo peer",
    semantic: "TCP delivers a byte stream in order and intact, whatever the chunking.",
    reference: "RFC 9293 3.1",
    async run(net, ctx) {
      const conn = await net.tcp.connect({ hostname: HOST, port: port(ports, "echo") });
      try {
        const sent = new Uint8Array(256 * 1024).map((_, i) => i % 251);
        const writing = conn.write(sent);
        const got: Uint8Array[] = [];
        let n = 0;
        while (n < sent.length) {
          const chunk = await conn.read();
          assert.ok(chunk, `EOF after ${n} bytes`);
          got.push(chunk);
          n += chunk.byteLength;
        }
        await writing;
        ctx.observe("reads", got.length);
        const all = new Uint8Array(n);
        got.reduce((at, c) => (all.set(c, at), at + c.byteLength), 0);
        assert.deepEqual(all, sent);
      } finally {
        await conn.close();
      }
    },
  });

const pendingRead = (ports: Ports): Case =>
  defineCase({
    id: "probe.read.pending",
    title: "a pending read completes when data arrives",
    semantic: "A blocking read waits until the peer's bytes arrive, then returns them.",
    reference: "UNP 3.9 (readn), POSIX read()",
    async run(net) {
      const conn = await net.tcp.connect({ hostname: HOST, port: port(ports, "echo") });
      try {
        const pending = conn.read();
        await conn.write(encoder.encode("ping"));
        const chunk = await pending;
        assert.ok(chunk, "EOF instead of the echo");
        assert.equal(decoder.decode(chunk), "ping");
      } finally {
        await conn.close();
      }
    },
  });

const readsAfterFin = (ports: Ports): Case =>
  defineCase({
    id: "probe.shutdown.reads-after-fin",
    title: "after closeWrite the client still reads the peer's answer",
    semantic:
      "shutdown(SHUT_WR) sends FIN and leaves the read half open: a peer that answers only after EOF is still heard.",
    reference: "UNP 6.6 (shutdown)",
    requires: { capabilities: ["halfClose"] },
    async run(net, ctx) {
      const conn = await net.tcp.connect({ hostname: HOST, port: port(ports, "replyAfterFin") });
      try {
        await conn.write(encoder.encode("hi"));
        await conn.closeWrite!();
        let text = "";
        for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) text += decoder.decode(chunk);
        ctx.observe("answer", text);
        assert.equal(text, "got:hi");
      } finally {
        await conn.close();
      }
    },
  });

const writesAfterPeerFin = (ports: Ports): Case =>
  defineCase({
    id: "probe.shutdown.writes-after-peer-fin",
    title: "after the peer's FIN the client can still write",
    semantic: "Receiving FIN ends only the read half: read returns EOF, and writes still reach the peer.",
    reference: "UNP 6.6; RFC 9293 3.6 (CLOSE-WAIT)",
    async run(net, ctx) {
      const conn = await net.tcp.connect({ hostname: HOST, port: port(ports, "finFirst") });
      try {
        const first = await conn.read();
        assert.ok(first, "EOF before the peer's byte");
        assert.equal(decoder.decode(first), "x");
        assert.equal(await conn.read(), null);
        await conn.write(encoder.encode("late"));
        ctx.observe("late write", "accepted");
      } finally {
        await conn.close();
      }
    },
  });

const refused = (ports: Ports): Case =>
  defineCase({
    id: "probe.connect.refused",
    title: "connect to a closed port fails with ECONNREFUSED",
    semantic: "A SYN to a port with no listener is answered with RST; connect() fails with ECONNREFUSED.",
    reference: "UNP 4.3",
    async run(net, ctx) {
      await rejectsWith(
        ctx,
        "connect",
        net.tcp.connect({ hostname: HOST, port: port(ports, "closed") }),
        "ECONNREFUSED",
      );
    },
  });

const abort = (ports: Ports): Case =>
  defineCase({
    id: "probe.connect.abort",
    title: "an aborted connect rejects with an abort error",
    semantic: "Closing a socket whose connect is pending ends the connect at once with an abort.",
    reference: "UNP 16.3",
    requires: { capabilities: ["connectAbort"] },
    async run(net, ctx) {
      const controller = new AbortController();
      const pending = net.tcp.connect({ hostname: HOST, port: port(ports, "echo"), signal: controller.signal });
      controller.abort();
      const outcome = await pending.then((conn) => conn.close().then(() => "connected"), (err: unknown) => err);
      const raw = outcome instanceof SocketError ? outcome.raw : undefined;
      ctx.observe(
        "outcome",
        raw ? `${outcome instanceof SocketError ? outcome.code : ""} ${raw.class} ${raw.name ?? ""}` : String(outcome),
      );
      assert.equal(raw?.name, "AbortError");
    },
  });

const FACTORIES = [remoteAddress, localAddress, echo, pendingRead, readsAfterFin, writesAfterPeerFin, refused, abort];

/** The client-side case named by `id`, with the peers at `ports`. */
export function clientCase(id: string, ports: Ports): Case | undefined {
  return FACTORIES.map((make) => make(ports)).find((c) => c.id === id);
}

/** Every client-side case id. */
export const CLIENT_CASE_IDS: readonly string[] = FACTORIES.map((make) => make({}).id);
